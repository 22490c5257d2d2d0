// SPDX-License-Identifier: GPL-2.0
/*
 * netns_label(), minimal: /run/netns names, else a process in the
 * namespace, looked up once per inode.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "netns.h"

struct label {
	uint32_t ino;
	char name[272];
	struct label *next;
};

static struct label *labels;

static int ns_ino(const char *path, uint32_t *ino)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	*ino = (uint32_t)st.st_ino;
	return 0;
}

static int from_run_netns(uint32_t ino, char *buf, size_t len)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	char path[300];
	uint32_t i;
	int found = -1;

	if (!d)
		return -1;
	while (found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		if (!ns_ino(path, &i) && i == ino) {
			snprintf(buf, len, "%s", e->d_name);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

static int from_proc(uint32_t ino, char *buf, size_t len)
{
	DIR *d = opendir("/proc");
	long pid, best = 0;
	struct dirent *e;
	char path[64], comm[32] = "";
	uint32_t i;
	FILE *f;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		pid = strtol(e->d_name, NULL, 10);
		if (pid <= 0 || (best && pid > best))
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (!ns_ino(path, &i) && i == ino)
			best = pid;
	}
	closedir(d);
	if (!best)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/comm", best);
	f = fopen(path, "r");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = 0;
		fclose(f);
	}
	snprintf(buf, len, "%u/%ld:%s", ino, best, comm);
	return 0;
}

const char *netns_label(uint64_t cookie, uint32_t ino)
{
	struct label *l;

	for (l = labels; l; l = l->next)
		if (l->ino == ino)
			return l->name;
	l = calloc(1, sizeof(*l));
	if (!l)
		die(1, "out of memory");
	l->ino = ino;
	if (!ino)
		snprintf(l->name, sizeof(l->name), "cookie:%llu", (unsigned long long)cookie);
	else if (from_run_netns(ino, l->name, sizeof(l->name)) &&
		 from_proc(ino, l->name, sizeof(l->name)))
		snprintf(l->name, sizeof(l->name), "%u", ino);
	l->next = labels;
	labels = l;
	return l->name;
}
