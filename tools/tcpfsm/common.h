/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every part of the tcpfsm command shares: its name, its exit
 * statuses, dying with one line on stderr, and the option parsing more than
 * one command takes.
 */
#ifndef TCPFSM_CLI_COMMON_H
#define TCPFSM_CLI_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#define PROG_NAME	"tcpfsm"

/* Exit statuses (tcpfsm(8), EXIT STATUS); any other error is 1. */
#define EXIT_USAGE	2	/* bad usage or bad filter */
#define EXIT_NOMOD	3	/* module not loaded */
#define EXIT_PERM	4	/* permission denied */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* The one usage text of all commands (tcpfsm.c). */
void usage(FILE *o);

/* --json and --help, which every command takes. */
#define COMMON_OPTIONS					\
	{ "json", no_argument, NULL, 'j' },		\
	{ "help", no_argument, NULL, 'h' }
#define COMMON_SHORT	"jh"

/*
 * Long options without a short one, numbered past every character.  The
 * filter's come in the order of struct filter's arrays, which filter.c
 * indexes by them.
 */
enum {
	OPT_STATE = 256, OPT_CSTATE, OPT_SSTATE, OPT_SPORT, OPT_DPORT, OPT_SRC, OPT_DST,
	OPT_GROUPS, OPT_INITIAL,
	OPT_STUCK, OPT_EVENTS, OPT_ENDPOINT, OPT_FROM, OPT_TO, OPT_BUFFER_SIZE, OPT_ALL_NS,
	OPT_RCVBUF, OPT_READ_DELAY,	/* test-only, below */
};

/*
 * getopt_long() over one command's own options, doing what all commands do
 * alike: --help prints the usage and exits 0; an option the command does
 * not take, or one without its argument, prints the usage and exits
 * EXIT_USAGE.  Returns the next option, -1 after the last.
 */
int next_option(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* The options of a command that takes only --json: whether it was given. */
bool json_only_options(int argc, char **argv);

/*
 * Test-only knobs, for the in-VM tests of event loss and of dumps that span
 * changes of the table; not for production use (tcpfsm(8) says so too).
 * `list` and `watch` take them; `watch` also takes SIGUSR2 (watch.c).
 */
struct test_knobs {
	int rcvbuf;		/* --rcvbuf: SO_RCVBUF in bytes; 0 leaves the default */
	int read_delay_ms;	/* --read-delay-ms: sleep before (list) or after (watch) each read */
};

#define TEST_KNOB_OPTIONS					\
	{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },	\
	{ "read-delay-ms", required_argument, NULL, OPT_READ_DELAY }

/* Takes option @c if it is a test knob; returns whether it was one. */
bool test_knob_option(struct test_knobs *k, int c, const char *arg);

void sleep_ms(int ms);

#endif
