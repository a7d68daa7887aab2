/* Shared by the pieces of the TOML reader (toml*.c); not for its users. */
#ifndef COMMON_TOML_INTERNAL_H
#define COMMON_TOML_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/toml.h"

struct toml_parser {
        const char *name;
        const char *buf;
        size_t len, pos;
        size_t *lines; /* the offset where each line starts */
        size_t nlines;
        /* The last offset located: positions are asked for mostly in
         * increasing order, so columns are counted on from there (a long
         * line must not cost its length for every value on it). */
        size_t cache_line, cache_off;
        unsigned cache_col;
        struct error *err;
        struct toml_table *root, *current;
        char *current_path; /* the current [header]'s path, NULL at the root */
};

/* The byte at pos + ahead, or -1 past the end. */
static inline int toml_peek(const struct toml_parser *p, size_t ahead)
{
        return p->pos + ahead < p->len ? (unsigned char)p->buf[p->pos + ahead] : -1;
}

/* 1 (LF) or 2 (CRLF) when a newline is at pos + ahead, else 0. */
static inline size_t toml_newline(const struct toml_parser *p, size_t ahead)
{
        if (toml_peek(p, ahead) == '\n')
                return 1;
        return toml_peek(p, ahead) == '\r' && toml_peek(p, ahead + 1) == '\n' ? 2 : 0;
}

static inline bool toml_is_bare(int c)
{
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* TOML's control characters: all below U+0020 and U+007F. */
static inline bool toml_is_control(int c)
{
        return (c >= 0 && c < 0x20) || c == 0x7f;
}

/* toml_input.c: the input checks, line index and positions. */
int toml_input_check(struct toml_parser *p);
void toml_locate(struct toml_parser *p, size_t off, size_t end, struct toml_pos *pos);
/* Sets "name:line:col: reason" for the byte at `at`; returns -1. */
int toml_fail(struct toml_parser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* toml_string.c: a string at p->pos (on its opening quote). Multi-line
 * forms are refused unless allowed (keys). */
int toml_scan_string(struct toml_parser *p, bool multiline, char **out, size_t *len);

/* toml_number.c: integers, floats, booleans and datetimes at p->pos. */
int toml_scan_scalar(struct toml_parser *p, struct toml_value *v);

/* toml.c: the model. */
struct toml_table *toml_table_new(enum toml_table_kind kind, unsigned depth);
struct toml_array *toml_array_new(unsigned depth);
struct toml_entry *toml_table_find(const struct toml_table *t, const char *key, size_t len);
/* Appends an entry that takes over key (a malloc'd string); the caller has
 * checked that the key is new. NULL (errno set) when out of memory. */
struct toml_entry *toml_table_add(struct toml_table *t, char *key, size_t len);
struct toml_value *toml_array_push(struct toml_array *a);
void toml_value_clear(struct toml_value *v);
void toml_array_free(struct toml_array *a);

#endif
