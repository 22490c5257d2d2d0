#!/usr/bin/env bash
# tcpfsm-timeout: 300
# Stuck endpoints with real sockets: a server left in CLOSE-WAIT (its client in FIN-WAIT-2) and a client whose SYNs are dropped (SYN-SENT) are flagged in /proc, listed by `tcpfsm list --stuck`, counted by the summary, once per stay, until they move on; stuck_* parameters are validated at load.
. "$(dirname "$0")/lib.sh"

# A threshold out of range is refused at load, with the parameter named.
for bad in stuck_close_wait=-1 stuck_syn_sent=2147484 stuck_last_ack=x; do
	tcpfsm_deps
	if insmod "$TCPFSM_KO" "$bad" 2>/dev/null; then
		rmmod tcpfsm
		fail "insmod $bad was accepted"
	fi
	dmesg | grep -q "${bad%%=*}: must be 0 (off) or 1..2147483 seconds" ||
		fail "no message naming ${bad%%=*} for $bad"
done
echo "ok   bad stuck_* parameters refused at load"

tcpfsm_load stuck_syn_sent=1
grep -qx 1 /sys/module/tcpfsm/parameters/stuck_syn_sent || fail "stuck_syn_sent not 1"
grep -qx 60 /sys/module/tcpfsm/parameters/stuck_close_wait || fail "stuck_close_wait default not 60"
/usr/bin/python3 "$(dirname "$0")/py/stuck.py"
tcpfsm_unload
