#!/usr/bin/env bash
# Host test: the Prometheus files of packaging/prometheus/ are what
# Prometheus accepts, and what README.md shows.  promtool check rules and
# check config; promtool test rules (each alert fires on the series it is
# written for, and not on steady ones); README's "Prometheus" section
# carries the rules file and the example configuration's scrape job
# verbatim, so the two cannot drift.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$repo/packaging/prometheus
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v promtool > /dev/null || fail "no promtool (make deps: Debian's prometheus)"

(cd "$dir" && promtool check rules tcpfsm.rules.yml) || fail "promtool check rules"
(cd "$dir" && promtool check config prometheus.yml) || fail "promtool check config"
(cd "$dir" && promtool test rules tcpfsm.rules.test.yml) || fail "promtool test rules"
echo "ok   promtool: rules, config, rule tests"

# The README's yaml blocks (indented code after a line naming the file).
/usr/bin/python3 - "$repo/README.md" "$dir" <<'PY' || fail "README.md and packaging/prometheus differ"
import re, sys
readme, d = open(sys.argv[1]).read(), sys.argv[2]
sec = readme.split('\n### Prometheus\n', 1)
if len(sec) != 2:
    sys.exit('README.md has no "### Prometheus" section')
body = sec[1].split('\n#', 1)[0]
blocks = ['\n'.join(l[4:] for l in b.split('\n')).strip('\n')
          for b in re.findall(r'((?:\n    .*|\n)+)', body)]
def strip(text):
    # The files' comments are theirs; README shows the YAML itself.
    return '\n'.join(l for l in text.split('\n') if not l.lstrip().startswith('#')).strip('\n')
for name in ('tcpfsm.rules.yml', 'prometheus.yml'):
    want = strip(open('%s/%s' % (d, name)).read())
    if not any(want == strip(b) for b in blocks):
        sys.exit('README.md does not show %s as it is' % name)
print('ok   README.md shows tcpfsm.rules.yml and prometheus.yml as they are')
PY
