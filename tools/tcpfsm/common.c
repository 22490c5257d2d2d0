// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include "common.h"

void die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG_NAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

int next_option(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);

	if (c == 'h') {
		usage(stdout);
		exit(0);
	}
	if (c == '?') {		/* getopt_long() has said what is wrong */
		usage(stderr);
		exit(EXIT_USAGE);
	}
	return c;
}

bool json_only_options(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	bool json = false;
	int c;

	while ((c = next_option(argc, argv, COMMON_SHORT, opts)) != -1)
		if (c == 'j')
			json = true;
	return json;
}

/* ---- test-only knobs ---- */

bool test_knob_option(struct test_knobs *k, int c, const char *arg)
{
	switch (c) {
	case OPT_RCVBUF:
		k->rcvbuf = atoi(arg);
		return true;
	case OPT_READ_DELAY:
		k->read_delay_ms = atoi(arg);
		return true;
	}
	return false;
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}
