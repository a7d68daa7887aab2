/* Strict JSON reading and type checks on json-c trees, shared by the OCI
 * spec, the OCI state and (later) CDI specs, so that every bad input is
 * reported the same way: where it is, what was expected, what was found. */
#ifndef COMMON_JSON_UTIL_H
#define COMMON_JSON_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

#include "common/error.h"

/* Parses text[0..len) as one strict JSON value (no comments, no trailing
 * commas or data, valid UTF-8, no NUL byte). On bad input sets *err to
 * "invalid JSON at line L, column C: <json-c's reason>" and returns -1. */
int json_util_parse(struct error *err, const char *text, size_t len, struct json_object **out)
        __attribute__((nonnull(1, 2, 4)));

/* "an object", "an array", "a string", "a number", "a boolean" or "null". */
const char *json_util_type_name(struct json_object *obj);

/* obj's member key, or NULL when it is missing or null (as Go's decoder
 * treats null: the field stays unset). obj must be an object. */
struct json_object *json_util_member(struct json_object *obj, const char *key) __attribute__((nonnull(2)));

/* Checks obj's type; on mismatch "<where>: expected <a type>, got <a type>". */
int json_util_expect(struct error *err, struct json_object *obj, enum json_type type, const char *where)
        __attribute__((nonnull(1, 4)));

/* Checks that obj is an array of strings ("<where>[i]: ..." otherwise). */
int json_util_expect_strings(struct error *err, struct json_object *obj, const char *where)
        __attribute__((nonnull(1, 3)));

/* Checks that obj is an object whose values are all strings. */
int json_util_expect_string_map(struct error *err, struct json_object *obj, const char *where)
        __attribute__((nonnull(1, 3)));

/* Reads all of fd into a NUL-terminated buffer of at most max bytes. */
int json_util_read_fd(struct error *err, int fd, size_t max, char **buf, size_t *len)
        __attribute__((nonnull(1, 4, 5)));

/* The same for a stdio stream (through its buffer, so nothing the caller
 * already buffered is lost). */
int json_util_read_stream(struct error *err, FILE *in, size_t max, char **buf, size_t *len)
        __attribute__((nonnull(1, 2, 4, 5)));

#endif
