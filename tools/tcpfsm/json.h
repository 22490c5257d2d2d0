/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON writer of the tcpfsm command: compact output (no spaces),
 * strings escaped, commas placed by the writer.  A key is given inside an
 * object and NULL elsewhere; keys are the callers' own names, written as
 * they are.  Closing a top-level value ends its line, so a
 * stream of them is JSON Lines.  Nothing else may write to the stream while
 * a value is open (it is handed over as its containers close).
 */
#ifndef TCPFSM_CLI_JSON_H
#define TCPFSM_CLI_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	16
#define JSON_BUFSZ	4096

struct json {
	FILE *out;
	unsigned int depth;		/* open objects and arrays */
	/* Bit d for level d (0: the top): */
	unsigned int written;		/* a value is written at this level */
	unsigned int arrays;		/* this level is an array, not an object */
	unsigned int lines;		/* an array of one element a line */
	size_t len;			/* bytes waiting in @buf */
	char buf[JSON_BUFSZ];
};

void json_init(struct json *j, FILE *out);
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
/* An array written one element a line: "[\n{...},\n{...}\n]", or "[]". */
void json_array_lines(struct json *j, const char *key);
void json_end(struct json *j);
void json_string(struct json *j, const char *key, const char *s);
void json_uint(struct json *j, const char *key, uint64_t v);

#endif
