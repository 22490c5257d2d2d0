// SPDX-License-Identifier: GPL-2.0
/*
 * Traffic for the whole-system benchmark (runs inside the VM):
 *   netload serve PORT              accept and close at once, forever
 *   netload conn IP PORT SECONDS    connect/read EOF/close in a loop; prints
 *                                   "conns N" and "conn_per_s R"
 *   netload churn IP PORT RATE SECS as conn, paced at RATE connections a
 *                                   second; prints "conns N", "conn_fail N"
 *                                   and "conn_per_s R" (what it reached);
 *                                   with NETLOAD_PAR=P, P pacers at RATE/P
 *                                   each (and serve runs P acceptors)
 *   netload syn SRCNET DST PORT N   N crafted SYNs over a raw socket, each
 *                                   from a different source (10.SRCNET.x.y,
 *                                   port varies); prints "syn_per_s R"
 *   netload seg SRCNET DST PORT N   N crafted data segments of one connection
 *                                   (ACK, 16 bytes each, in sequence) from
 *                                   10.SRCNET.0.1; prints "seg_per_s R".  A
 *                                   tracker picks the flow up mid-stream and
 *                                   then takes every segment down its
 *                                   established-flow path.
 * With NETLOAD_MARK set in the environment, syn and seg bracket their send
 * loop with tools/insn-count's whole-machine markers, so that the plugin
 * counts every vCPU's instructions while the burst is sent and taken in.
 * syn and seg take an optional last argument, the receiving namespace's
 * /proc/PID/net/snmp: the rate is then what that namespace took in (its
 * IP InReceives) over the time until it stopped rising, so segments still
 * queued or dropped when the sender finishes do not flatter the rate.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* tools/insn-count: count every vCPU from here ... */
static inline void mark_global_start(void)
{
#ifdef __x86_64__
	__asm__ volatile("xchg %%dx, %%dx" ::: "memory");
#endif
}

/* ... to here. */
static inline void mark_global_stop(void)
{
#ifdef __x86_64__
	__asm__ volatile("xchg %%si, %%si" ::: "memory");
#endif
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int serve(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0), c;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (void *)&a, sizeof(a)) || listen(s, 4096)) {
		perror("serve");
		return 1;
	}
	/* As many acceptors as the churn has pacers (NETLOAD_PAR). */
	for (c = getenv("NETLOAD_PAR") ? atoi(getenv("NETLOAD_PAR")) : 1; c > 1; c--)
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM);	/* killed with serve */
			break;
		}
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c >= 0)
			close(c);
	}
}

/* One connection: connect, read until the server closes, close; counted. */
static void one_conn(const struct sockaddr_in *a, unsigned long *n, unsigned long *fail)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char buf[16];

	if (s >= 0 && connect(s, (const void *)a, sizeof(*a)) == 0) {
		while (read(s, buf, sizeof(buf)) > 0)
			;
		(*n)++;
	} else {
		(*fail)++;
	}
	if (s >= 0)
		close(s);
}

static int conn(const char *ip, int port, double secs)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	double t0 = now(), t;
	unsigned long n = 0, fail = 0;

	inet_pton(AF_INET, ip, &a.sin_addr);
	do {
		one_conn(&a, &n, &fail);
		t = now();
	} while (t - t0 < secs);
	printf("conns %lu\nconn_fail %lu\nconn_per_s %.1f\n", n, fail, n / (t - t0));
	return 0;
}

/* One pacer: connections due at t0 + n / rate, for secs; counts into *n, *fail. */
static void churn_one(const struct sockaddr_in *a, double rate, double secs,
		      unsigned long *n, unsigned long *fail)
{
	double t0 = now(), t = t0, due;

	while (t - t0 < secs) {
		/* The next connection is due: ahead, wait. */
		due = t0 + (*n + *fail) / rate;
		if (due > t) {
			struct timespec ts = { (time_t)(due - t), (long)((due - t) * 1e9) % 1000000000L };

			nanosleep(&ts, NULL);
		}
		one_conn(a, n, fail);
		t = now();
	}
}

/*
 * PAR pacers (NETLOAD_PAR, default 1), each a process at RATE / PAR: one
 * connection at a time waits on the round trips, which leaves the vCPUs
 * idle long before they are busy.
 */
static int churn(const char *ip, int port, double rate, double secs)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	const char *env = getenv("NETLOAD_PAR");
	int par = env ? atoi(env) : 1, i, fd[2];
	unsigned long n = 0, fail = 0, r[2];
	double t0 = now();

	if (par < 1 || par > 64 || pipe(fd)) {
		fprintf(stderr, "churn: NETLOAD_PAR must be 1..64\n");
		return 2;
	}
	inet_pton(AF_INET, ip, &a.sin_addr);
	for (i = 0; i < par; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (!pid) {
			r[0] = r[1] = 0;
			churn_one(&a, rate / par, secs, &r[0], &r[1]);
			_exit(write(fd[1], r, sizeof(r)) == sizeof(r) ? 0 : 1);
		}
	}
	close(fd[1]);
	while (read(fd[0], r, sizeof(r)) == sizeof(r)) {
		n += r[0];
		fail += r[1];
	}
	while (wait(NULL) > 0)
		;
	printf("conns %lu\nconn_fail %lu\nconn_per_s %.1f\n", n, fail, n / (now() - t0));
	return 0;
}

/* Internet checksum in network byte order (read bytewise: no aliasing games). */
static uint16_t csum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		sum += b[0] << 8 | b[1];
	if (len)
		sum += b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* One crafted IPv4 TCP segment: MSS option on a SYN, 16 bytes of data else. */
struct seg_pkt {
	struct iphdr ip;
	struct tcphdr tcp;
	uint8_t opt[4];
	uint8_t data[16];
} __attribute__((packed));

static size_t build(struct seg_pkt *pkt, uint32_t saddr, uint32_t daddr,
		    int sport, int dport, uint32_t seq, int is_syn)
{
	size_t tcplen = sizeof(pkt->tcp) + (is_syn ? sizeof(pkt->opt) : sizeof(pkt->data));
	struct {
		uint32_t src, dst;
		uint8_t zero, proto;
		uint16_t len;
		uint8_t tcp[sizeof(struct tcphdr) + 16];
	} __attribute__((packed)) ph;

	memset(pkt, 0, sizeof(*pkt));
	pkt->ip.version = 4;
	pkt->ip.ihl = 5;
	pkt->ip.ttl = 64;
	pkt->ip.protocol = IPPROTO_TCP;
	pkt->ip.tot_len = htons(sizeof(pkt->ip) + tcplen);
	pkt->ip.saddr = saddr;
	pkt->ip.daddr = daddr;
	pkt->ip.check = csum(&pkt->ip, sizeof(pkt->ip), 0);
	pkt->tcp.source = htons(sport);
	pkt->tcp.dest = htons(dport);
	pkt->tcp.seq = htonl(seq);
	pkt->tcp.window = htons(64240);
	if (is_syn) {
		pkt->tcp.doff = (sizeof(pkt->tcp) + 4) / 4;
		pkt->tcp.syn = 1;
		pkt->opt[0] = 2;	/* MSS 1460 */
		pkt->opt[1] = 4;
		pkt->opt[2] = 0x05;
		pkt->opt[3] = 0xb4;
	} else {
		pkt->tcp.doff = sizeof(pkt->tcp) / 4;
		pkt->tcp.ack = 1;
		pkt->tcp.psh = 1;
		pkt->tcp.ack_seq = htonl(0x40000000);
		/* no options: the data follows the header directly */
		memset(pkt->opt, 'x', sizeof(pkt->opt) + sizeof(pkt->data));
	}
	ph.src = saddr;
	ph.dst = daddr;
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = htons(tcplen);
	memcpy(ph.tcp, &pkt->tcp, tcplen);
	pkt->tcp.check = csum(&ph, 12 + tcplen, 0);
	return sizeof(pkt->ip) + tcplen;
}

/* IP InReceives from a /proc/.../net/snmp file, or -1. */
static long long in_receives(const char *path)
{
	char line[1024], head[1024];
	long long v = -1;
	FILE *f = fopen(path, "r");
	char *h, *d, *hs, *ds;

	if (!f)
		return -1;
	while (fgets(head, sizeof(head), f) && fgets(line, sizeof(line), f)) {
		if (strncmp(head, "Ip: ", 4) || strncmp(line, "Ip: ", 4))
			continue;
		h = strtok_r(head, " \n", &hs);
		d = strtok_r(line, " \n", &ds);
		while (h && d) {
			if (!strcmp(h, "InReceives")) {
				v = atoll(d);
				break;
			}
			h = strtok_r(NULL, " \n", &hs);
			d = strtok_r(NULL, " \n", &ds);
		}
		break;
	}
	fclose(f);
	return v;
}

/*
 * syn: N SYNs, each a new connection; seg: N segments of one connection.
 * With @snmp, wait until the receiver has taken them all in (or stopped
 * taking any for 300 ms) and rate what it took in.
 */
static int craft(int is_syn, int srcnet, const char *dst, int port, unsigned long n,
		 const char *snmp)
{
	const char *kind = is_syn ? "syn" : "seg";
	long long c0 = snmp ? in_receives(snmp) : -1, c, last;
	double t_last;
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	unsigned long i, fail = 0;
	struct seg_pkt pkt;
	int mark;
	uint32_t saddr;
	double t0, t;
	size_t len;

	if (s < 0) {
		perror("raw socket");
		return 1;
	}
	inet_pton(AF_INET, dst, &a.sin_addr);
	mark = getenv("NETLOAD_MARK") != NULL;
	t0 = now();
	if (mark)
		mark_global_start();
	for (i = 0; i < n; i++) {
		if (is_syn) {
			saddr = htonl(0x0a000000 | srcnet << 16 | ((i >> 6) & 0xffff));
			len = build(&pkt, saddr, a.sin_addr.s_addr, 1024 + (i & 63), port,
				    0x12345678 + i, 1);
		} else {
			saddr = htonl(0x0a000000 | srcnet << 16 | 1);
			len = build(&pkt, saddr, a.sin_addr.s_addr, 4000, port,
				    0x12345678 + 16 * i, 0);
		}
		if (sendto(s, &pkt, len, 0, (void *)&a, sizeof(a)) < 0)
			fail++;
	}
	/* A veth delivers within the send: the receiver's softirq has run. */
	if (mark)
		mark_global_stop();
	t = now();
	printf("%s_sent %lu\n%s_fail %lu\n", kind, n - fail, kind, fail);
	if (c0 < 0) {
		printf("%s_per_s %.1f\n", kind, n / (t - t0));
		return 0;
	}
	last = in_receives(snmp);
	t_last = now();
	while (last - c0 < (long long)(n - fail) && now() - t_last < 0.3) {
		usleep(10000);
		c = in_receives(snmp);
		if (c != last) {
			last = c;
			t_last = now();
		}
	}
	printf("%s_sender_per_s %.1f\n%s_delivered %lld\n%s_per_s %.1f\n", kind, n / (t - t0),
	       kind, last - c0, kind, (last - c0) / (t_last - t0));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "serve"))
		return serve(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "conn"))
		return conn(argv[2], atoi(argv[3]), atof(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "churn"))
		return churn(argv[2], atoi(argv[3]), atof(argv[4]), atof(argv[5]));
	if ((argc == 6 || argc == 7) && (!strcmp(argv[1], "syn") || !strcmp(argv[1], "seg")))
		return craft(!strcmp(argv[1], "syn"), atoi(argv[2]), argv[3], atoi(argv[4]),
			     strtoul(argv[5], NULL, 0), argc == 7 ? argv[6] : NULL);
	fprintf(stderr, "usage: netload serve PORT | conn IP PORT SECS | churn IP PORT RATE SECS | "
		"{syn|seg} NET DST PORT N [SNMP]\n");
	return 2;
}
