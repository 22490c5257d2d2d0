// SPDX-License-Identifier: GPL-2.0
/*
 * netns_label(): see netns.h.  A minimal version for the exporter; the
 * all-namespaces work replaces it.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "netns.h"

/* Whether @path (a namespace file: /run/netns/NAME, /proc/PID/ns/net) is @ino's. */
static int ns_is(const char *path, uint32_t ino)
{
	struct stat st;

	return !stat(path, &st) && st.st_ino == ino;
}

static int named(char *buf, size_t size, uint32_t ino)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir("/run/netns");
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		if (ns_is(path, ino)) {
			snprintf(buf, size, "%s", e->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/* The first process (lowest pid that readdir gives) in the namespace. */
static int held(char *buf, size_t size, uint32_t ino)
{
	char path[64], comm[64] = "";
	struct dirent *e;
	DIR *d = opendir("/proc");
	int found = 0;
	FILE *f;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/ns/net", e->d_name);
		if (!ns_is(path, ino))
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/comm", e->d_name);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = 0;
			fclose(f);
		}
		comm[strcspn(comm, "\n")] = 0;
		snprintf(buf, size, "%u/%s:%s", ino, e->d_name, comm);
		found = 1;
	}
	closedir(d);
	return found;
}

const char *netns_label(uint64_t cookie, uint32_t ino)
{
	static char buf[320];

	(void)cookie;
	if (!named(buf, sizeof(buf), ino) && !held(buf, sizeof(buf), ino))
		snprintf(buf, sizeof(buf), "%u", ino);
	return buf;
}

void netns_labels_forget(void)
{
}
