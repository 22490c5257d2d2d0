// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: command line client of the tcpfsm generic netlink family.
 *
 *   tcpfsm list   [filters] [-A] [--json]
 *   tcpfsm watch  [filters] [event filters] [-A] [--json] [--groups G,..] [--initial]
 *                 [--buffer-size N]
 *   tcpfsm stats  [-A] [--json]
 *   tcpfsm config [--json] [key=value ...]
 *   tcpfsm summary [--json] [-A|--all-namespaces]
 *   tcpfsm get    <client addr:port> <server addr:port> [--json]
 *   tcpfsm exporter [--listen ADDR:PORT] [-A|--all-namespaces]
 *   tcpfsm --version
 *
 * See tcpfsm(8).  Documentation/netlink/tcpfsm.yaml is the wire contract.
 * This file only dispatches to the commands (subcommands.h).
 */
#include <string.h>

#include "common.h"
#include "subcommands.h"

static const struct {
	const char *name;
	int (*function)(int argc, char **argv);
} subcommands[] = {
	{ "list", list_main },
	{ "watch", watch_main },
	{ "stats", stats_main },
	{ "config", config_main },
	{ "summary", summary_main },
	{ "get", get_main },
	{ "exporter", exporter_main },
};

void usage(FILE *o)
{
	fprintf(o,
		"usage: tcpfsm list   [FILTER...] [-A|--all-namespaces] [--json]\n"
		"       tcpfsm watch  [FILTER...] [EVENT-FILTER...] [-A|--all-namespaces] [--json]\n"
		"                     [--groups new,change,destroy,stuck] [--initial] [--buffer-size N]\n"
		"       tcpfsm stats  [-A|--all-namespaces] [--json]\n"
		"       tcpfsm config [--json] [KEY=VALUE...]\n"
		"       tcpfsm summary [--json] [-A|--all-namespaces]\n"
		"       tcpfsm get    CLIENT-ADDR:PORT SERVER-ADDR:PORT [--json]\n"
		"       tcpfsm exporter [--listen ADDR:PORT] [-A|--all-namespaces]\n"
		"       tcpfsm --version\n"
		"FILTER: --state S[,S..] --client-state S[,S..] --server-state S[,S..]\n"
		"        --sport PORT --dport PORT --src PREFIX --dst PREFIX -4 -6 --stuck\n"
		"EVENT-FILTER: --events new,change,destroy,stuck --endpoint client|server\n"
		"        --from S[,S..] --to S[,S..]\n"
		"KEY: timeout_<state>, stuck_<state> (seconds, 0: off), max_flows,\n"
		"     netns_max_flows, pickup (0|1)\n"
		"See tcpfsm(8).\n");
}

int main(int argc, char **argv)
{
	const char *cmd;
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("tcpfsm %s\n", TCPFSM_VERSION);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(cmd, subcommands[i].name))
			return subcommands[i].function(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", PROG_NAME, cmd);
	usage(stderr);
	return EXIT_USAGE;
}
