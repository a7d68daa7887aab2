/* Strict JSON reading and type checks (json_util.h). */
#include "common/json_util.h"
#include "common/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* OCI specs nest a handful of levels; unknown fields may nest more, and a
 * spec must not be refused for it, but the depth stays bounded. */
#define JSON_DEPTH 128

/* Line and column (both from 1, columns in bytes) of offset in text. */
static void position(const char *text, size_t offset, size_t *line, size_t *col)
{
        *line = 1;
        *col = 1;
        for (size_t i = 0; i < offset; i++) {
                if (text[i] == '\n') {
                        (*line)++;
                        *col = 1;
                } else {
                        (*col)++;
                }
        }
}

static int parse_error(struct error *err, const char *text, size_t offset, const char *reason)
{
        size_t line, col;

        position(text, offset, &line, &col);
        return error_setx(err, "invalid JSON at line %zu, column %zu: %s", line, col, reason);
}

int json_util_parse(struct error *err, const char *text, size_t len, struct json_object **out)
{
        const char *nul = memchr(text, '\0', len);
        struct json_tokener *tok;
        enum json_tokener_error jerr;
        size_t end, bad;

        *out = NULL;
        if (nul != NULL)
                return parse_error(err, text, (size_t)(nul - text), "NUL byte");
        if (!utf8_valid_n(text, len, &bad))
                return parse_error(err, text, bad, "invalid utf-8 string"); /* json-c's words */
        if (len > INT32_MAX)
                return error_setx(err, "invalid JSON: too large");
        if ((tok = json_tokener_new_ex(JSON_DEPTH)) == NULL)
                return error_set(err, "parse JSON");
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        *out = json_tokener_parse_ex(tok, text, (int)len);
        jerr = json_tokener_get_error(tok);
        end = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);
        if (jerr == json_tokener_success && end == len)
                return 0;
        json_object_put(*out);
        *out = NULL;
        if (jerr == json_tokener_continue)
                return parse_error(err, text, len, "unexpected end of data");
        if (jerr == json_tokener_success)
                return parse_error(err, text, end, "unexpected data after the value");
        return parse_error(err, text, end, json_tokener_error_desc(jerr));
}

const char *json_util_type_name(struct json_object *obj)
{
        switch (json_object_get_type(obj)) {
        case json_type_object:
                return "an object";
        case json_type_array:
                return "an array";
        case json_type_string:
                return "a string";
        case json_type_int:
        case json_type_double:
                return "a number";
        case json_type_boolean:
                return "a boolean";
        case json_type_null:
        default:
                return "null";
        }
}

struct json_object *json_util_member(struct json_object *obj, const char *key)
{
        struct json_object *val = NULL;

        if (!json_object_object_get_ex(obj, key, &val))
                return NULL;
        return val;
}

/* The name of a type as expected ("an integer" is not needed: callers that
 * want one check the number themselves). */
static const char *expected_name(enum json_type type)
{
        switch (type) {
        case json_type_object:
                return "an object";
        case json_type_array:
                return "an array";
        case json_type_string:
                return "a string";
        case json_type_boolean:
                return "a boolean";
        default:
                return "a number";
        }
}

int json_util_expect(struct error *err, struct json_object *obj, enum json_type type, const char *where)
{
        enum json_type got = json_object_get_type(obj);

        if (got == type || (type == json_type_double && got == json_type_int))
                return 0;
        return error_setx(err, "%s: expected %s, got %s", where, expected_name(type), json_util_type_name(obj));
}

int json_util_expect_strings(struct error *err, struct json_object *obj, const char *where)
{
        size_t n;

        if (json_util_expect(err, obj, json_type_array, where) < 0)
                return -1;
        n = json_object_array_length(obj);
        for (size_t i = 0; i < n; i++) {
                struct json_object *item = json_object_array_get_idx(obj, i);

                if (!json_object_is_type(item, json_type_string))
                        return error_setx(err, "%s[%zu]: expected a string, got %s", where, i,
                                          json_util_type_name(item));
        }
        return 0;
}

int json_util_expect_string_map(struct error *err, struct json_object *obj, const char *where)
{
        if (json_util_expect(err, obj, json_type_object, where) < 0)
                return -1;
        json_object_object_foreach(obj, key, val) {
                if (!json_object_is_type(val, json_type_string))
                        return error_setx(err, "%s[\"%s\"]: expected a string, got %s", where, key,
                                          json_util_type_name(val));
        }
        return 0;
}

/* Makes room for at least one more byte (and the final NUL) in *data. */
static int grow(char **data, size_t *cap, size_t n)
{
        char *p;

        if (n < *cap)
                return 0;
        if ((p = realloc(*data, *cap * 2 + 1)) == NULL)
                return -1;
        *data = p;
        *cap *= 2;
        return 0;
}

int json_util_read_fd(struct error *err, int fd, size_t max, char **buf, size_t *len)
{
        size_t cap = 4096, n = 0;
        char *data = malloc(cap + 1);
        ssize_t r = 1;

        while (data != NULL && r != 0) {
                if (grow(&data, &cap, n) < 0)
                        break;
                r = read(fd, data + n, cap - n);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0 || n + (size_t)r > max) {
                        free(data);
                        return r < 0 ? error_set(err, "read") : error_setx(err, "larger than %zu bytes", max);
                }
                n += (size_t)r;
        }
        if (r != 0) {
                free(data);
                errno = ENOMEM;
                return error_set(err, "read");
        }
        data[n] = '\0';
        *buf = data;
        *len = n;
        return 0;
}

int json_util_read_stream(struct error *err, FILE *in, size_t max, char **buf, size_t *len)
{
        size_t cap = 4096, n = 0, r = 1;
        char *data = malloc(cap + 1);

        while (data != NULL && r != 0) {
                if (grow(&data, &cap, n) < 0)
                        break;
                r = fread(data + n, 1, cap - n, in);
                if (n + r > max) {
                        free(data);
                        return error_setx(err, "larger than %zu bytes", max);
                }
                n += r;
        }
        if (data == NULL || r != 0 || ferror(in)) {
                free(data);
                return error_set(err, "read");
        }
        data[n] = '\0';
        *buf = data;
        *len = n;
        return 0;
}
