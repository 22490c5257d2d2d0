/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands, each in its own file, each parsing its own options from
 * argv[0] (the command's name) on, as wireguard-tools' subcommands.h.
 */
#ifndef TCPFSM_CLI_SUBCOMMANDS_H
#define TCPFSM_CLI_SUBCOMMANDS_H

int list_main(int argc, char **argv);
int get_main(int argc, char **argv);
int watch_main(int argc, char **argv);
int stats_main(int argc, char **argv);
int config_main(int argc, char **argv);
int summary_main(int argc, char **argv);
int exporter_main(int argc, char **argv);

#endif
