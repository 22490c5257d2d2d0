// SPDX-License-Identifier: GPL-2.0
/*
 * Labels of network namespaces (netns.h).  Two scans, each done at most
 * once per run and only when needed: /run/netns (stat of each name: the
 * bind-mounted nsfs file has the namespace's inode on nsfs's device), then
 * /proc/PID/ns/net of every process (its link reads "net:[INO]"), as lsns
 * does.  A namespace created after a scan is named by its inode alone.
 */
#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "common.h"
#include "netns.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE	71
#endif

#define NETNS_DIR	"/run/netns"

struct ns_entry {
	uint64_t key;			/* an inode, or a cookie (by_cookie) */
	char *label;
};

struct ns_cache {
	struct ns_entry *v;
	size_t n, cap;
};

static struct ns_cache names, procs, labels, by_cookie;
static bool names_done, procs_done;

static const char *cache_add(struct ns_cache *c, uint64_t key, const char *label)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		if (!c->v)
			die(1, "out of memory");
	}
	c->v[c->n].key = key;
	c->v[c->n].label = strdup(label);
	if (!c->v[c->n].label)
		die(1, "out of memory");
	return c->v[c->n++].label;
}

static const char *cache_find(const struct ns_cache *c, uint64_t key)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].key == key)
			return c->v[i].label;
	return NULL;
}

/* nsfs's device, to tell a mounted /run/netns entry from a stale empty file. */
static dev_t nsfs_dev(bool *ok)
{
	struct stat st;

	*ok = !stat("/proc/self/ns/net", &st);
	return *ok ? st.st_dev : 0;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every name of /run/netns, in name order: the first name of an inode wins. */
static void scan_names(void)
{
	struct dirent **ents;
	char path[sizeof(NETNS_DIR) + 256];
	struct stat st;
	bool have_dev;
	dev_t dev = nsfs_dev(&have_dev);
	int i, n;

	names_done = true;
	n = scandir(NETNS_DIR, &ents, NULL, name_cmp);
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		if (name[0] != '.') {
			snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
			if (!stat(path, &st) && (!have_dev || st.st_dev == dev) &&
			    st.st_ino <= UINT32_MAX && !cache_find(&names, (uint32_t)st.st_ino))
				cache_add(&names, (uint32_t)st.st_ino, name);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* PID's command name, "?" when it has gone or hides it. */
static void read_comm(const char *pid, char *comm, size_t len)
{
	char path[300];
	FILE *f;

	snprintf(comm, len, "?");
	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, (int)len, f))
		comm[strcspn(comm, "\n")] = 0;
	fclose(f);
}

static int pid_cmp(const struct dirent **a, const struct dirent **b)
{
	long x = atol((*a)->d_name), y = atol((*b)->d_name);

	return (x > y) - (x < y);
}

static int is_pid_dir(const struct dirent *e)
{
	return all_digits(e->d_name);
}

/* The first process of every namespace, by pid: "INO/PID:COMM". */
static void scan_procs(void)
{
	struct dirent **ents;
	char path[300], link[64], label[320], comm[32];
	unsigned int ino;
	ssize_t len;
	int i, n;

	procs_done = true;
	n = scandir("/proc", &ents, is_pid_dir, pid_cmp);
	for (i = 0; i < n; i++) {
		const char *pid = ents[i]->d_name;

		snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
		len = readlink(path, link, sizeof(link) - 1);
		if (len > 0) {
			link[len] = 0;
			if (sscanf(link, "net:[%u]", &ino) == 1 && !cache_find(&procs, ino)) {
				read_comm(pid, comm, sizeof(comm));
				snprintf(label, sizeof(label), "%u/%s:%s", ino, pid, comm);
				cache_add(&procs, ino, label);
			}
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static void cache_clear(struct ns_cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].label);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

void netns_labels_forget(void)
{
	cache_clear(&names);
	cache_clear(&procs);
	cache_clear(&labels);
	cache_clear(&by_cookie);
	names_done = procs_done = false;
}

const char *netns_label(uint64_t cookie, uint32_t ino)
{
	const char *l;
	char buf[64];

	if (!ino) {
		l = cache_find(&by_cookie, cookie);
		if (l)
			return l;
		snprintf(buf, sizeof(buf), "cookie:%" PRIu64, cookie);
		return cache_add(&by_cookie, cookie, buf);
	}
	l = cache_find(&labels, ino);
	if (l)
		return l;
	if (!names_done)
		scan_names();
	l = cache_find(&names, ino);
	if (!l) {
		if (!procs_done)
			scan_procs();
		l = cache_find(&procs, ino);
	}
	if (!l) {
		snprintf(buf, sizeof(buf), "%" PRIu32, ino);
		l = buf;
	}
	return cache_add(&labels, ino, l);
}

int netns_self_cookie(uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	int fd, err = 0;

	*cookie = 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len) < 0) {
		err = -errno;
		*cookie = 0;
	}
	close(fd);
	return err;
}

uint32_t netns_self_ino(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) || st.st_ino > UINT32_MAX ? 0 : (uint32_t)st.st_ino;
}
