// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm exporter: the module's summary and counters as Prometheus metrics,
 * over HTTP (libmicrohttpd), in the text exposition format 0.0.4, or in
 * OpenMetrics 1.0.0 when the scraper's Accept asks for it.
 *
 * A scrape asks the kernel for STATS_GET, SUMMARY_GET and CONFIG_GET (a
 * dump of every namespace's with --all-namespaces), never for the flows:
 * what it costs does not depend on the size of the table.  The family is
 * looked up again at every scrape, so the module may come and go: while it
 * is gone the exposition says tcpfsm_up 0, as exporters say of a target
 * they cannot reach.
 *
 * One libmicrohttpd thread (its internal polling thread) answers every
 * request in turn, so the netlink socket, the scrape's state and the
 * netns label cache have one user and need no lock; the main thread only
 * waits for SIGINT or SIGTERM.  Connections are bounded (CONN_MAX, and a
 * timeout), and so is every response: a fixed number of series per
 * namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "common.h"
#include "netlink.h"
#include "netns.h"
#include "subcommands.h"

#define DEFAULT_LISTEN	"127.0.0.1:9475"
#define CONN_MAX	16		/* concurrent HTTP connections */
#define CONN_TIMEOUT_S	30		/* an idle connection is closed after it */
#define RTT_BUCKETS_MAX	64		/* the kernel sends far fewer */
#define LABEL_TTL_S	60		/* how long a netns label is reused */
#define NSTATES		__TCPFSM_STATE_MAX

static const char *const state_names[NSTATES] = TCPFSM_STATE_NAMES;
static const char *const reason_names[__TCPFSM_REASON_MAX] = TCPFSM_REASON_NAMES;
static const struct tcpfsm_stat_desc stat_descs[__TCPFSM_A_STATS_MAX] = TCPFSM_STAT_DESCS;
static const char *const endpoint_names[] = { [TCPFSM_CLIENT] = "client", [TCPFSM_SERVER] = "server" };

/* What one scrape read about one namespace. */
struct ns_metrics {
	uint64_t cookie;
	uint32_t ino;
	bool have_stats, have_summary;
	uint64_t stat[__TCPFSM_A_STATS_MAX];		/* counters and gauges, by attribute */
	uint64_t invalid[__TCPFSM_REASON_MAX];
	uint32_t flows;					/* the summary's */
	uint32_t pair[NSTATES][NSTATES];		/* [client][server] */
	uint32_t endpoints[NSTATES], stuck[NSTATES];
	uint64_t trans[2][NSTATES][NSTATES];		/* [endpoint][from][to] */
	bool trans_seen[2][NSTATES][NSTATES];
	unsigned int nbuckets;
	struct {
		bool inf;				/* no le-us: the +Inf bucket */
		uint32_t le_us;
		uint64_t count;				/* this bucket's own, not cumulative */
	} bucket[RTT_BUCKETS_MAX];
	uint64_t rtt_sum_us;
	const char *label;				/* netns label (--all-namespaces) */
};

/* A netns label, kept LABEL_TTL_S: finding one may walk /proc. */
struct label {
	uint64_t cookie;
	uint32_t ino;
	time_t when;
	unsigned int gen;				/* the scrape that last used it */
	char name[320];
};

struct exporter {
	struct nl nl;
	bool all;					/* --all-namespaces */
	uint32_t own_ino;				/* our namespace, for its quota */
	int last_up;					/* -1: no scrape yet */
	int last_errno;					/* of the last scrape that failed */
	char last_err[320];
	/* This scrape's. */
	struct ns_metrics *ns;
	size_t nns, cap;
	bool up, summary_ok;
	bool oom;					/* a namespace could not be kept */
	char version[64];
	uint32_t netns_max_flows;
	bool have_quota;
	/* The label cache, across scrapes. */
	struct label *labels;
	size_t nlabels;
	unsigned int gen;
};

/* ---- reading the kernel's replies ---- */

static struct ns_metrics *ns_of(struct exporter *x, const struct nlattr **tb)
{
	uint64_t cookie = get_u64(tb[TCPFSM_A_NETNS_COOKIE]);
	uint32_t ino = get_u32(tb[TCPFSM_A_NETNS_INO]);
	struct ns_metrics *m;
	size_t i;

	/* The stats and the summary dumps walk the namespaces alike: the
	 * entry that follows the last one found is most often the one.
	 */
	for (i = 0; i < x->nns; i++)
		if (x->ns[i].cookie == cookie && x->ns[i].ino == ino)
			return &x->ns[i];
	if (x->nns == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 4;
		void *p = realloc(x->ns, cap * sizeof(*x->ns));

		/* nl_talk() ends a dump at its DONE, whatever the callback
		 * said: the scrape looks at this flag.
		 */
		if (!p) {
			x->oom = true;
			return NULL;
		}
		x->ns = p;
		x->cap = cap;
	}
	m = &x->ns[x->nns++];
	memset(m, 0, sizeof(*m));
	m->cookie = cookie;
	m->ino = ino;
	return m;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_MAX + 1], *st[TCPFSM_A_STATS_MAX + 1];
	const struct nlattr *rt[__TCPFSM_REASON_MAX];
	struct exporter *x = data;
	struct ns_metrics *m;
	unsigned int i;

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (!tb[TCPFSM_A_STATS])
		return 0;
	m = ns_of(x, tb);
	if (!m)
		return -ENOMEM;
	if (tb[TCPFSM_A_VERSION] && mnl_attr_validate(tb[TCPFSM_A_VERSION], MNL_TYPE_NUL_STRING) >= 0)
		snprintf(x->version, sizeof(x->version), "%s", mnl_attr_get_str(tb[TCPFSM_A_VERSION]));
	index_nest(tb[TCPFSM_A_STATS], st, TCPFSM_A_STATS_MAX);
	for (i = 0; i < ARRAY_SIZE(stat_descs); i++) {
		if (stat_descs[i].kind == TCPFSM_STAT_COUNTER)
			m->stat[i] = get_u64(st[i]);
		else if (stat_descs[i].kind == TCPFSM_STAT_GAUGE)
			m->stat[i] = get_u32(st[i]);
	}
	if (st[TCPFSM_A_STATS_INVALID]) {
		index_nest(st[TCPFSM_A_STATS_INVALID], rt, __TCPFSM_REASON_MAX - 1);
		for (i = TCPFSM_REASON_NONE + 1; i < __TCPFSM_REASON_MAX; i++)
			m->invalid[i] = get_u64(rt[i]);
	}
	m->have_stats = true;
	return 0;
}

static bool valid_state(unsigned int s)
{
	return s > TCPFSM_STATE_NONE && s < NSTATES;
}

/* A state-counts nest (attribute type = state) into @out. */
static void state_counts(const struct nlattr *nest, uint32_t *out)
{
	const struct nlattr *tb[NSTATES];
	unsigned int s;

	index_nest(nest, tb, NSTATES - 1);
	for (s = TCPFSM_STATE_NONE + 1; s < NSTATES; s++)
		out[s] = get_u32(tb[s]);
}

static void summary_attr(struct ns_metrics *m, const struct nlattr *a)
{
	const struct nlattr *tb[TCPFSM_A_TRANSITION_MAX + 1];
	unsigned int c, s, e;

	switch (mnl_attr_get_type(a)) {
	case TCPFSM_A_SUMMARY_FLOWS:
		m->flows = get_u32(a);
		break;
	case TCPFSM_A_SUMMARY_PAIR:
		index_nest(a, tb, TCPFSM_A_PAIR_MAX);
		c = get_u8(tb[TCPFSM_A_PAIR_CLIENT_STATE]);
		s = get_u8(tb[TCPFSM_A_PAIR_SERVER_STATE]);
		if (valid_state(c) && valid_state(s))
			m->pair[c][s] = get_u32(tb[TCPFSM_A_PAIR_FLOWS]);
		break;
	case TCPFSM_A_SUMMARY_ENDPOINTS:
		state_counts(a, m->endpoints);
		break;
	case TCPFSM_A_SUMMARY_STUCK:
		state_counts(a, m->stuck);
		break;
	case TCPFSM_A_SUMMARY_TRANSITION:
		index_nest(a, tb, TCPFSM_A_TRANSITION_MAX);
		e = get_u8(tb[TCPFSM_A_TRANSITION_ENDPOINT]);
		c = get_u8(tb[TCPFSM_A_TRANSITION_FROM]);
		s = get_u8(tb[TCPFSM_A_TRANSITION_TO]);
		if (e <= TCPFSM_SERVER && c < NSTATES && valid_state(s)) {
			m->trans[e][c][s] = get_u64(tb[TCPFSM_A_TRANSITION_COUNT]);
			m->trans_seen[e][c][s] = true;
		}
		break;
	case TCPFSM_A_SUMMARY_RTT_BUCKET:
		if (m->nbuckets == RTT_BUCKETS_MAX)
			break;
		index_nest(a, tb, TCPFSM_A_RTT_BUCKET_MAX);
		m->bucket[m->nbuckets].inf = !tb[TCPFSM_A_RTT_BUCKET_LE_US];
		m->bucket[m->nbuckets].le_us = get_u32(tb[TCPFSM_A_RTT_BUCKET_LE_US]);
		m->bucket[m->nbuckets].count = get_u64(tb[TCPFSM_A_RTT_BUCKET_COUNT]);
		m->nbuckets++;
		break;
	case TCPFSM_A_SUMMARY_RTT_SUM_US:
		m->rtt_sum_us = get_u64(a);
		break;
	}
}

static int summary_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_MAX + 1], *a;
	struct exporter *x = data;
	struct ns_metrics *m;

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (!tb[TCPFSM_A_SUMMARY])
		return 0;
	m = ns_of(x, tb);
	if (!m)
		return -ENOMEM;
	/* pair, transition and rtt-bucket come many times: not index_nest(). */
	mnl_attr_for_each_nested(a, tb[TCPFSM_A_SUMMARY])
		summary_attr(m, a);
	m->have_summary = true;
	return 0;
}

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_MAX + 1], *ct[TCPFSM_A_CONFIG_MAX + 1];
	struct exporter *x = data;

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (!tb[TCPFSM_A_CONFIG])
		return 0;
	index_nest(tb[TCPFSM_A_CONFIG], ct, TCPFSM_A_CONFIG_MAX);
	if (ct[TCPFSM_A_CONFIG_NETNS_MAX_FLOWS]) {
		x->netns_max_flows = get_u32(ct[TCPFSM_A_CONFIG_NETNS_MAX_FLOWS]);
		x->have_quota = true;
	}
	return 0;
}

/* One request of @cmd: a dump of every namespace with --all-namespaces. */
static int ask(struct exporter *x, uint8_t cmd, bool all, msg_cb cb)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = genl_msg(buf, x->nl.family, cmd, all ? NLM_F_DUMP : 0);
	if (all)
		mnl_attr_put(nlh, TCPFSM_A_ALL_NETNS, 0, NULL);
	return nl_talk(&x->nl, nlh, cb, x);
}

static void note(struct exporter *x, const char *what, int err)
{
	x->last_errno = -err;
	if (x->nl.extack[0])
		snprintf(x->last_err, sizeof(x->last_err), "%s: %s (kernel: %s)",
			 what, strerror(-err), x->nl.extack);
	else
		snprintf(x->last_err, sizeof(x->last_err), "%s: %s", what, strerror(-err));
}

/*
 * Reads everything one exposition shows.  x->up says whether the module
 * answered; a module without SUMMARY_GET (older than the exporter) still
 * gives its counters.
 */
static void scrape(struct exporter *x)
{
	int err;

	x->nns = 0;
	x->oom = false;
	x->up = false;
	x->summary_ok = false;
	x->version[0] = 0;
	x->have_quota = false;
	x->last_err[0] = 0;
	x->last_errno = 0;

	err = nl_resolve(&x->nl);
	if (err == -ENOENT) {
		x->last_errno = ENOENT;
		snprintf(x->last_err, sizeof(x->last_err),
			 "module not loaded (genetlink family %s not found)", TCPFSM_GENL_NAME);
		return;
	}
	if (err) {
		note(x, "genetlink controller", err);
		return;
	}
	err = ask(x, TCPFSM_CMD_STATS_GET, x->all, stats_cb);
	if (err) {
		note(x, "STATS_GET", err);
		return;
	}
	err = ask(x, TCPFSM_CMD_SUMMARY_GET, x->all, summary_cb);
	if (err == -EOPNOTSUPP) {
		note(x, "SUMMARY_GET (a module without summaries: counters only)", err);
	} else if (err) {
		note(x, "SUMMARY_GET", err);
		return;
	} else {
		x->summary_ok = true;
	}
	if (x->oom) {
		note(x, "reading the namespaces", -ENOMEM);
		return;
	}
	/* Only our own namespace's quota can be read: CONFIG_GET has no dump. */
	if (ask(x, TCPFSM_CMD_CONFIG_GET, false, config_cb))
		x->have_quota = false;
	x->up = true;
}

/* ---- netns labels ---- */

static struct label *label_find(struct exporter *x, const struct ns_metrics *m)
{
	size_t i;

	for (i = 0; i < x->nlabels; i++)
		if (x->labels[i].cookie == m->cookie && x->labels[i].ino == m->ino)
			return &x->labels[i];
	return NULL;
}

static bool label_stale(const struct label *l, time_t now)
{
	return !l || now - l->when >= LABEL_TTL_S || now < l->when;
}

static void label_of(struct exporter *x, const struct ns_metrics *m, time_t now)
{
	struct label *l = label_find(x, m);

	if (!l) {
		void *p = realloc(x->labels, (x->nlabels + 1) * sizeof(*x->labels));

		if (!p)
			return;			/* unlabelled: "" */
		x->labels = p;
		l = &x->labels[x->nlabels++];
		l->cookie = m->cookie;
		l->ino = m->ino;
		l->when = 0;
	}
	if (label_stale(l, now) || !l->when) {
		snprintf(l->name, sizeof(l->name), "%s", netns_label(m->cookie, m->ino));
		l->when = now;
	}
	l->gen = x->gen;
}

/*
 * Every namespace's label: netns_label() learns what it can of the
 * namespaces once and keeps it, made for a command that runs once; a
 * namespace new to this exporter, or a label older than LABEL_TTL_S,
 * makes it forget and look again, at most once a scrape.
 */
static void labels_update(struct exporter *x)
{
	time_t now = time(NULL);
	bool stale = false;
	size_t i;

	x->gen++;
	for (i = 0; i < x->nns && !stale; i++)
		stale = label_stale(label_find(x, &x->ns[i]), now);
	if (stale)
		netns_labels_forget();
	for (i = 0; i < x->nns; i++)
		label_of(x, &x->ns[i], now);
}

/* Forget the namespaces this scrape did not see (they are gone). */
static void labels_prune(struct exporter *x)
{
	size_t i, n = 0;

	for (i = 0; i < x->nlabels; i++)
		if (x->labels[i].gen == x->gen)
			x->labels[n++] = x->labels[i];
	x->nlabels = n;
}

/* ---- the exposition ---- */

struct out {
	char *p;
	size_t len, cap;
	bool failed;			/* out of memory: the response is a 500 */
	bool om;			/* OpenMetrics, else text 0.0.4 */
	bool all;			/* netns labels */
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->failed = true;
			return;
		}
		if ((size_t)n < o->cap - o->len) {
			o->len += n;
			return;
		}
		{
			size_t cap = 2 * o->cap + n;
			char *p = realloc(o->p, cap);

			if (!p) {
				o->failed = true;
				return;
			}
			o->p = p;
			o->cap = cap;
		}
	}
}

/* A label value, escaped as both formats want (\\, \", \n). */
static void put_value(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			put(o, "\\%c", *s);
		else if (*s == '\n')
			put(o, "\\n");
		else
			put(o, "%c", *s);
	}
}

enum kind { GAUGE, COUNTER, HISTOGRAM, INFO };

/*
 * A family's HELP and TYPE.  @name is the family's name: a counter's
 * samples add _total, an info's _info.  The text format 0.0.4 names a
 * counter's family by its sample (with _total) and has no info type: an
 * info is a gauge there.
 */
static void family(struct out *o, const char *name, enum kind k, const char *unit, const char *help)
{
	static const char *const om_types[] = { "gauge", "counter", "histogram", "info" };
	static const char *const text_types[] = { "gauge", "counter", "histogram", "gauge" };
	const char *suffix = "";

	if (!o->om)
		suffix = k == COUNTER ? "_total" : k == INFO ? "_info" : "";
	put(o, "# HELP %s%s %s\n", name, suffix, help);
	put(o, "# TYPE %s%s %s\n", name, suffix, o->om ? om_types[k] : text_types[k]);
	if (o->om && unit)
		put(o, "# UNIT %s %s\n", name, unit);
}

/*
 * One sample: @name@suffix{netns labels,@labels} @value.  @labels is
 * already formatted (label="value",...: values from the names tables need
 * no escaping) or "".
 */
static void sample(struct out *o, const struct ns_metrics *m, const char *name, const char *suffix,
		   const char *labels, const char *value)
{
	bool ns = o->all && m;

	put(o, "%s%s", name, suffix);
	if (ns || *labels) {
		put(o, "{");
		if (ns) {
			put(o, "netns=\"");
			put_value(o, m->label);
			put(o, "\",netns_ino=\"%u\"%s", m->ino, *labels ? "," : "");
		}
		put(o, "%s}", labels);
	}
	put(o, " %s\n", value);
}

static void sample_u64(struct out *o, const struct ns_metrics *m, const char *name,
		       const char *suffix, const char *labels, uint64_t v)
{
	char value[24];

	snprintf(value, sizeof(value), "%" PRIu64, v);
	sample(o, m, name, suffix, labels, value);
}

/* Microseconds as seconds, exactly (no binary fraction): 1500 -> 0.0015. */
static void us_to_s(char *buf, size_t size, uint64_t us)
{
	int n = snprintf(buf, size, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);

	while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = 0;
}

/* A per-namespace family from the stats, one sample per namespace. */
static void stat_family(struct out *o, const struct exporter *x, const char *name, enum kind k,
			const char *help, unsigned int attr)
{
	size_t i;

	family(o, name, k, NULL, help);
	for (i = 0; i < x->nns; i++)
		if (x->ns[i].have_stats)
			sample_u64(o, &x->ns[i], name, k == COUNTER ? "_total" : "", "",
				   x->ns[i].stat[attr]);
}

static void summary_families(struct out *o, const struct exporter *x)
{
	char labels[128], value[32];
	unsigned int e, c, s, b;
	size_t i;

	family(o, "tcpfsm_flows", GAUGE, NULL,
	       "Flows in the table by the states of their client and server endpoints (pairs without flows left out).");
	for (i = 0; i < x->nns; i++)
		for (c = 1; x->ns[i].have_summary && c < NSTATES; c++)
			for (s = 1; s < NSTATES; s++) {
				if (!x->ns[i].pair[c][s])
					continue;
				snprintf(labels, sizeof(labels), "client_state=\"%s\",server_state=\"%s\"",
					 state_names[c], state_names[s]);
				sample_u64(o, &x->ns[i], "tcpfsm_flows", "", labels, x->ns[i].pair[c][s]);
			}
	family(o, "tcpfsm_endpoints", GAUGE, NULL,
	       "Endpoints in each RFC 9293 state (two per flow: client and server).");
	for (i = 0; i < x->nns; i++)
		for (s = 1; x->ns[i].have_summary && s < NSTATES; s++) {
			snprintf(labels, sizeof(labels), "state=\"%s\"", state_names[s]);
			sample_u64(o, &x->ns[i], "tcpfsm_endpoints", "", labels, x->ns[i].endpoints[s]);
		}
	family(o, "tcpfsm_stuck_endpoints", GAUGE, NULL,
	       "Endpoints in their state for longer than the state's stuck threshold.");
	for (i = 0; i < x->nns; i++)
		for (s = 1; x->ns[i].have_summary && s < NSTATES; s++) {
			snprintf(labels, sizeof(labels), "state=\"%s\"", state_names[s]);
			sample_u64(o, &x->ns[i], "tcpfsm_stuck_endpoints", "", labels, x->ns[i].stuck[s]);
		}
	family(o, "tcpfsm_transitions", COUNTER, NULL,
	       "State changes of an endpoint, by endpoint and from and to state.");
	for (i = 0; i < x->nns; i++)
		for (e = 0; x->ns[i].have_summary && e < 2; e++)
			for (c = 0; c < NSTATES; c++)
				for (s = 1; s < NSTATES; s++) {
					if (!x->ns[i].trans_seen[e][c][s])
						continue;
					snprintf(labels, sizeof(labels),
						 "endpoint=\"%s\",from=\"%s\",to=\"%s\"",
						 endpoint_names[e], state_names[c], state_names[s]);
					sample_u64(o, &x->ns[i], "tcpfsm_transitions", "_total", labels,
						   x->ns[i].trans[e][c][s]);
				}
	family(o, "tcpfsm_handshake_rtt_seconds", HISTOGRAM, "seconds",
	       "Handshake round trips (SYN to the ACK that completes the handshake).");
	for (i = 0; i < x->nns; i++) {
		const struct ns_metrics *m = &x->ns[i];
		uint64_t cum = 0;
		bool inf = false;

		if (!m->have_summary)
			continue;
		/* The kernel counts each bucket alone; Prometheus wants them cumulative. */
		for (b = 0; b < m->nbuckets; b++) {
			cum += m->bucket[b].count;
			if (m->bucket[b].inf) {
				inf = true;
				snprintf(labels, sizeof(labels), "le=\"+Inf\"");
			} else {
				us_to_s(value, sizeof(value), m->bucket[b].le_us);
				snprintf(labels, sizeof(labels), "le=\"%s\"", value);
			}
			sample_u64(o, m, "tcpfsm_handshake_rtt_seconds", "_bucket", labels, cum);
		}
		if (!inf)
			sample_u64(o, m, "tcpfsm_handshake_rtt_seconds", "_bucket", "le=\"+Inf\"", cum);
		/* _count is the +Inf bucket's, as the format requires, even if
		 * the kernel's rtt-count was read a moment apart from the buckets.
		 */
		sample_u64(o, m, "tcpfsm_handshake_rtt_seconds", "_count", "", cum);
		us_to_s(value, sizeof(value), m->rtt_sum_us);
		sample(o, m, "tcpfsm_handshake_rtt_seconds", "_sum", "", value);
	}
}

static void expose(struct out *o, struct exporter *x)
{
	char labels[160];
	size_t i;
	unsigned int r;

	family(o, "tcpfsm_up", GAUGE, NULL,
	       "Whether the tcpfsm module answered this scrape (1) or not (0: not loaded, or an error).");
	sample_u64(o, NULL, "tcpfsm_up", "", "", x->up);
	if (x->up) {
		family(o, "tcpfsm_module", INFO, NULL, "The version of the tcpfsm module answering.");
		put(o, "tcpfsm_module_info{version=\"");
		put_value(o, x->version);
		put(o, "\"} 1\n");

		/* The netns labels, found before any sample is written. */
		if (x->all) {
			labels_update(x);
			labels_prune(x);
			/* Only now: adding and pruning labels moves them. */
			for (i = 0; i < x->nns; i++) {
				const struct label *l = label_find(x, &x->ns[i]);

				x->ns[i].label = l ? l->name : "";
			}
		}

		if (x->summary_ok)
			summary_families(o, x);
		stat_family(o, x, "tcpfsm_segments", COUNTER, "TCP segments seen.",
			    TCPFSM_A_STATS_SEGMENTS);
		family(o, "tcpfsm_invalid_segments", COUNTER, NULL,
		       "Segments the state machine did not accept, by reason.");
		for (i = 0; i < x->nns; i++)
			for (r = TCPFSM_REASON_NONE + 1; x->ns[i].have_stats && r < __TCPFSM_REASON_MAX; r++) {
				snprintf(labels, sizeof(labels), "reason=\"%s\"", reason_names[r]);
				sample_u64(o, &x->ns[i], "tcpfsm_invalid_segments", "_total", labels,
					   x->ns[i].invalid[r]);
			}
		stat_family(o, x, "tcpfsm_truncated_segments", COUNTER,
			    "Segments with a truncated IP or TCP header.", TCPFSM_A_STATS_TRUNCATED);
		stat_family(o, x, "tcpfsm_fragments", COUNTER,
			    "IP fragments not tracked (defrag=0, or one that defragmentation let through).",
			    TCPFSM_A_STATS_FRAGMENTS);
		stat_family(o, x, "tcpfsm_flows_created", COUNTER, "Flows created.",
			    TCPFSM_A_STATS_CREATED);
		stat_family(o, x, "tcpfsm_flows_expired", COUNTER, "Flows removed by their idle timeout.",
			    TCPFSM_A_STATS_EXPIRED);
		stat_family(o, x, "tcpfsm_flows_closed", COUNTER,
			    "Flows removed after both endpoints closed.", TCPFSM_A_STATS_CLOSED);
		stat_family(o, x, "tcpfsm_flows_evicted", COUNTER,
			    "Flows evicted to make room for new ones.", TCPFSM_A_STATS_EVICTED);
		stat_family(o, x, "tcpfsm_flows_not_tracked", COUNTER,
			    "New flows not tracked because the table was full.", TCPFSM_A_STATS_NOT_TRACKED);
		stat_family(o, x, "tcpfsm_events_lost", COUNTER,
			    "Events that could not be built or delivered to a listener.",
			    TCPFSM_A_STATS_EVENTS_LOST);
		stat_family(o, x, "tcpfsm_flows_in_table", GAUGE, "Flows in the table of the namespace.",
			    TCPFSM_A_STATS_FLOWS);
		/* Global values, the same in every namespace's reply: the first's. */
		if (x->nns) {
			family(o, "tcpfsm_host_flows_in_table", GAUGE, NULL,
			       "Flows in the table across all network namespaces (what tcpfsm_max_flows limits).");
			sample_u64(o, NULL, "tcpfsm_host_flows_in_table", "", "",
				   x->ns[0].stat[TCPFSM_A_STATS_FLOWS_TOTAL]);
			family(o, "tcpfsm_max_flows", GAUGE, NULL,
			       "The most flows the table holds, across all namespaces (max_flows).");
			sample_u64(o, NULL, "tcpfsm_max_flows", "", "",
				   x->ns[0].stat[TCPFSM_A_STATS_MAX_FLOWS]);
			family(o, "tcpfsm_flow_size_bytes", GAUGE, "bytes",
			       "Memory of one flow in the table, by address family.");
			sample_u64(o, NULL, "tcpfsm_flow_size_bytes", "", "family=\"ipv4\"",
				   x->ns[0].stat[TCPFSM_A_STATS_FLOW_BYTES]);
			sample_u64(o, NULL, "tcpfsm_flow_size_bytes", "", "family=\"ipv6\"",
				   x->ns[0].stat[TCPFSM_A_STATS_FLOW6_BYTES]);
		}
		/* The quota of our own namespace: the only one CONFIG_GET reads. */
		for (i = 0; x->have_quota && i < x->nns; i++) {
			if (x->all && x->ns[i].ino != x->own_ino)
				continue;
			family(o, "tcpfsm_netns_max_flows", GAUGE, NULL,
			       "The most flows the exporter's own namespace may hold (netns_max_flows).");
			sample_u64(o, &x->ns[i], "tcpfsm_netns_max_flows", "", "", x->netns_max_flows);
			break;
		}
	}
	if (o->om)
		put(o, "# EOF\n");
}

/* ---- HTTP ---- */

/*
 * Whether the Accept header prefers OpenMetrics (1.0.0, 0.0.1 or no
 * version) to the text format, by quality values, as client_golang's
 * expfmt.Negotiate does: Prometheus asks for OpenMetrics first.
 */
static bool wants_openmetrics(const char *accept)
{
	double om_q = -1, text_q = -1;
	const char *p = accept;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char item[256], *type, *param, *save = NULL;
		double q = 1;
		bool om_version = true;

		if (len >= sizeof(item))
			len = sizeof(item) - 1;
		memcpy(item, p, len);
		item[len] = 0;
		p = end ? end + 1 : NULL;
		type = strtok_r(item, ";", &save);
		if (!type)
			continue;
		type += strspn(type, " \t");
		type[strcspn(type, " \t")] = 0;
		while ((param = strtok_r(NULL, ";", &save))) {
			param += strspn(param, " \t");
			if (!strncasecmp(param, "q=", 2))
				q = strtod(param + 2, NULL);
			else if (!strncasecmp(param, "version=", 8))
				om_version = !strncmp(param + 8, "1.0.0", 5) ||
					     !strncmp(param + 8, "0.0.1", 5);
		}
		if (!strcasecmp(type, "application/openmetrics-text") && om_version) {
			if (q > om_q)
				om_q = q;
		} else if (!strcasecmp(type, "text/plain") || !strcasecmp(type, "text/*") ||
			   !strcmp(type, "*/*")) {
			if (q > text_q)
				text_q = q;
		}
	}
	return om_q > 0 && om_q >= text_q;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned int status, const char *type,
			       char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned int status, const char *msg)
{
	return respond(c, status, "text/plain; charset=utf-8", (char *)msg, strlen(msg),
		       MHD_RESPMEM_PERSISTENT);
}

static const char landing[] =
	"<!DOCTYPE html>\n<html><head><title>tcpfsm exporter</title></head><body>\n"
	"<h1>tcpfsm exporter</h1>\n"
	"<p>TCP states of both endpoints of every flow, from the tcpfsm module.</p>\n"
	"<p><a href=\"/metrics\">Metrics</a></p>\n</body></html>\n";

static enum MHD_Result metrics(struct exporter *x, struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	struct out o = { .om = wants_openmetrics(accept), .all = x->all };

	scrape(x);
	if ((int)x->up != x->last_up) {
		if (x->up)
			fprintf(stderr, "%s exporter: the module answers%s%s\n", PROG_NAME,
				x->last_err[0] ? "; " : "", x->last_err);
		else
			fprintf(stderr, "%s exporter: tcpfsm_up 0: %s\n", PROG_NAME, x->last_err);
		x->last_up = x->up;
	}
	o.cap = 16384;
	o.p = malloc(o.cap);
	if (!o.p)
		return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	expose(&o, x);
	if (o.failed) {
		free(o.p);
		return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	}
	return respond(c, MHD_HTTP_OK, o.om ?
		       "application/openmetrics-text; version=1.0.0; charset=utf-8" :
		       "text/plain; version=0.0.4; charset=utf-8",
		       o.p, o.len, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload_data,
			       size_t *upload_data_size, void **con_cls)
{
	static int first;
	struct exporter *x = cls;

	(void)version;
	(void)upload_data;
	/* Anything but GET is answered at once, before any body it has (and
	 * the connection then closes).
	 */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	/* A GET is answered at the second call, once the request is read
	 * whole: a response queued earlier makes libmicrohttpd close the
	 * connection, where a scraper keeps it for the next scrape.
	 */
	if (!*con_cls) {
		*con_cls = &first;
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0;		/* a GET's body means nothing here */
		return MHD_YES;
	}
	if (!strcmp(url, "/metrics"))
		return metrics(x, c);
	if (!strcmp(url, "/"))
		return respond(c, MHD_HTTP_OK, "text/html; charset=utf-8", (char *)landing,
			       sizeof(landing) - 1, MHD_RESPMEM_PERSISTENT);
	return text(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n");
}

/* ---- the command ---- */

/* HOST:PORT, [V6]:PORT or :PORT (every address) into @ss; false if bad. */
static bool parse_listen(const char *arg, struct sockaddr_storage *ss, uint16_t *port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *colon, *h = arg;
	size_t hlen;
	char *end;
	long p;

	if (*arg == '[') {
		const char *close = strchr(arg, ']');

		if (!close || close[1] != ':')
			return false;
		h = arg + 1;
		hlen = close - h;
		colon = close + 1;
	} else {
		colon = strrchr(arg, ':');
		if (!colon)
			return false;
		hlen = colon - arg;
	}
	if (hlen >= sizeof(host))
		return false;
	memcpy(host, h, hlen);
	host[hlen] = 0;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p < 1 || p > 65535)
		return false;
	*port = (uint16_t)p;
	memset(ss, 0, sizeof(*ss));
	if (*arg == '[' || strchr(host, ':')) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(*port);
		return inet_pton(AF_INET6, host, &s6->sin6_addr) == 1;
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons(*port);
	return !*host || inet_pton(AF_INET, host, &s4->sin_addr) == 1;
}

int exporter_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "all-namespaces", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = DEFAULT_LISTEN;
	static struct exporter x;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	struct stat st;
	sigset_t set;
	uint16_t port;
	int c, sig;

	while ((c = next_option(argc, argv, "Ah", opts)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'A':
			x.all = true;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		die(EXIT_USAGE, "exporter: unexpected argument '%s'", argv[optind]);
	if (!parse_listen(listen, &ss, &port))
		die(EXIT_USAGE, "exporter: --listen '%s': want ADDRESS:PORT, [IPV6]:PORT or :PORT",
		    listen);
	if (!stat("/proc/self/ns/net", &st))
		x.own_ino = (uint32_t)st.st_ino;
	x.last_up = -1;
	nl_socket(&x.nl);

	/* A host-wide view refused is a configuration error, said at once. */
	scrape(&x);
	if (x.all && !x.up && (x.last_errno == EPERM || x.last_errno == EACCES))
		die(EXIT_PERM, "exporter: --all-namespaces: %s%s", x.last_err, x.nl.extack[0] ? "" :
		    " (it needs CAP_NET_ADMIN in the initial user and network namespaces)");

	/* Signals for the main thread only: MHD's thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
			     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     port, NULL, NULL, handler, &x,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONN_MAX,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT_S,
			     MHD_OPTION_END);
	if (!d)
		die(1, "exporter: cannot listen on %s: %s", listen, strerror(errno));
	fprintf(stderr, "%s exporter: listening on http://%s/metrics%s%s\n", PROG_NAME, listen,
		x.all ? " (all namespaces)" : "", x.up ? "" : " (module not answering yet)");
	while (sigwait(&set, &sig) == 0 && sig != SIGINT && sig != SIGTERM)
		;
	MHD_stop_daemon(d);
	mnl_socket_close(x.nl.sock);
	free(x.ns);
	free(x.labels);
	return 0;
}
