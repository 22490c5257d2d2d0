// SPDX-License-Identifier: GPL-2.0
/*
 * The writer builds its output in its own buffer and hands it to stdio a
 * line at a time (see json_end()): an event is some twenty values, and a
 * stdio call for each piece of each (locking the stream every time) cost a
 * listener more than reading the event did.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = j->written = j->arrays = j->lines = 0;
	j->len = 0;
}

static void flush(struct json *j)
{
	fwrite(j->buf, 1, j->len, j->out);
	j->len = 0;
}

static inline void put(struct json *j, const char *s, size_t n)
{
	if (j->len + n > sizeof(j->buf)) {
		flush(j);
		if (n > sizeof(j->buf)) {
			fwrite(s, 1, n, j->out);
			return;
		}
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static inline void put_char(struct json *j, char c)
{
	if (j->len == sizeof(j->buf))
		flush(j);
	j->buf[j->len++] = c;
}

/* The bytes a JSON string cannot hold as they are: controls, '"' and '\\'. */
static const bool must_escape[256] = {
	[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true,
};

static void put_escaped(struct json *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *p;

	put_char(j, '"');
	for (;;) {
		/* Most strings need no escape: one copy. */
		for (p = s; !must_escape[(unsigned char)*p]; p++)
			;
		put(j, s, (size_t)(p - s));
		if (!*p)
			break;		/* NUL ends it: it too is in the table */
		if (*p == '"' || *p == '\\') {
			char e[2] = { '\\', *p };

			put(j, e, sizeof(e));
		} else {
			char e[6] = { '\\', 'u', '0', '0', hex[(unsigned char)*p >> 4],
				      hex[*p & 0xf] };

			put(j, e, sizeof(e));
		}
		s = p + 1;
	}
	put_char(j, '"');
}

/* What comes before a value: the separator, then its key inside an object. */
static void begin_value(struct json *j, const char *key)
{
	unsigned int bit = 1U << j->depth;

	if (j->depth) {
		if (j->lines & bit)
			put(j, j->written & bit ? ",\n" : "\n", j->written & bit ? 2 : 1);
		else if (j->written & bit)
			put_char(j, ',');
	}
	j->written |= bit;
	/* Keys are the callers' own names, which need no escape. */
	if (key) {
		put_char(j, '"');
		put(j, key, strlen(key));
		put(j, "\":", 2);
	}
}

static void open_container(struct json *j, const char *key, bool array, bool lines)
{
	unsigned int bit;

	begin_value(j, key);
	put_char(j, array ? '[' : '{');
	if (++j->depth >= JSON_MAX_DEPTH)
		abort();	/* nothing of ours nests that deep */
	bit = 1U << j->depth;
	j->written &= ~bit;
	j->arrays = array ? j->arrays | bit : j->arrays & ~bit;
	j->lines = lines ? j->lines | bit : j->lines & ~bit;
}

void json_object(struct json *j, const char *key)
{
	open_container(j, key, false, false);
}

void json_array(struct json *j, const char *key)
{
	open_container(j, key, true, false);
}

void json_array_lines(struct json *j, const char *key)
{
	open_container(j, key, true, true);
}

/*
 * Closes the innermost open object or array.  What is built goes to the
 * stream when a top-level value or an element of a top-level array (a
 * line) closes, so that a caller's own writes to the stream between values
 * stay in order.
 */
void json_end(struct json *j)
{
	unsigned int bit = 1U << j->depth;

	if ((j->lines & bit) && (j->written & bit))
		put_char(j, '\n');
	put_char(j, j->arrays & bit ? ']' : '}');
	if (!--j->depth)
		put_char(j, '\n');
	if (j->depth <= 1)
		flush(j);
}

void json_string(struct json *j, const char *key, const char *s)
{
	begin_value(j, key);
	put_escaped(j, s);
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	char b[24], *p = b + sizeof(b);

	begin_value(j, key);
	/* printf's machinery costs more than the number, event after event. */
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(j, p, (size_t)(b + sizeof(b) - p));
}
