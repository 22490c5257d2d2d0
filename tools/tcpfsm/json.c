// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "json.h"

void json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = j->written = j->arrays = j->lines = 0;
}

static void put_escaped(FILE *o, const char *s)
{
	const char *p;

	fputc('"', o);
	/* Most strings need no escape: one write. */
	for (p = s; *p && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20; p++)
		;
	fwrite(s, 1, (size_t)(p - s), o);
	for (s = p; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c < 0x20)
			fprintf(o, "\\u%04x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

/* What comes before a value: the separator, then its key inside an object. */
static void begin_value(struct json *j, const char *key)
{
	unsigned int bit = 1U << j->depth;

	if (j->depth) {
		if (j->lines & bit)
			fputs(j->written & bit ? ",\n" : "\n", j->out);
		else if (j->written & bit)
			fputc(',', j->out);
	}
	j->written |= bit;
	if (key) {
		put_escaped(j->out, key);
		fputc(':', j->out);
	}
}

static void open_container(struct json *j, const char *key, bool array, bool lines)
{
	unsigned int bit;

	begin_value(j, key);
	fputc(array ? '[' : '{', j->out);
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

/* Closes the innermost open object or array. */
void json_end(struct json *j)
{
	unsigned int bit = 1U << j->depth;

	if ((j->lines & bit) && (j->written & bit))
		fputc('\n', j->out);
	fputc(j->arrays & bit ? ']' : '}', j->out);
	if (!--j->depth)
		fputc('\n', j->out);
}

void json_string(struct json *j, const char *key, const char *s)
{
	begin_value(j, key);
	put_escaped(j->out, s);
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
	fwrite(p, 1, (size_t)(b + sizeof(b) - p), j->out);
}
