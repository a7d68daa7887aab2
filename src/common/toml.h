/* A TOML 1.0 reader for the toolkit's config.toml (and any other TOML file
 * the toolkit reads): a document model of tables, keys and typed values,
 * kept in file order so that `nvidia-ctk config` can print it back, with
 * the position of every key and value for edits that keep the layout.
 *
 * Bad input is one line, `FILE:LINE:COL: reason` (columns count
 * characters from 1), never a crash: input size and nesting are bounded,
 * and the whole input is checked for NUL bytes and invalid UTF-8 first. */
#ifndef COMMON_TOML_H
#define COMMON_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* Config files are a few kilobytes; anything near this is not one. */
#define TOML_MAX_INPUT (1u << 20)
/* Tables and arrays nested deeper than this are refused (the model is
 * freed recursively, so its depth must be bounded). */
#define TOML_MAX_DEPTH 64

enum toml_type {
        TOML_STRING,
        TOML_INTEGER,
        TOML_FLOAT,
        TOML_BOOL,
        TOML_DATETIME, /* kept as its text, validated */
        TOML_ARRAY,
        TOML_TABLE,
};

/* A piece of the input: where it starts (line and column from 1, the
 * column in characters) and its bytes [off, end). */
struct toml_pos {
        unsigned line, col;
        size_t off, end;
};

struct toml_value {
        enum toml_type type;
        struct toml_pos pos;
        union {
                /* STRING and DATETIME: NUL-terminated, but a string may also
                 * hold NULs (from \u0000), so len is the truth. */
                struct {
                        char *ptr;
                        size_t len;
                } str;
                int64_t integer;
                double real;
                bool boolean;
                struct toml_array *array;
                struct toml_table *table;
        } u;
};

struct toml_entry {
        char *key; /* unescaped; NUL-terminated, may hold NULs */
        size_t key_len;
        struct toml_pos key_pos; /* this key's part of a dotted key */
        struct toml_value value;
};

/* How a table came to be, which decides what may add to it later (TOML
 * forbids reopening a table, extending an inline one, ...). */
enum toml_table_kind {
        TOML_TABLE_IMPLICIT, /* named only as a parent in a [header] */
        TOML_TABLE_HEADER,   /* [header] or [[header]] */
        TOML_TABLE_DOTTED,   /* made by a dotted key a.b = ... */
        TOML_TABLE_INLINE,   /* { ... }, sealed */
};

struct toml_table {
        struct toml_entry *entries; /* in file order */
        size_t len;
        struct toml_pos pos; /* its header, first key, or opening brace */
        enum toml_table_kind kind;
        unsigned depth; /* the root is 0 */
        /* private: */
        size_t cap;
        size_t *index; /* hash index (entry number + 1) once tables grow */
        size_t index_cap;
};

struct toml_array {
        struct toml_value *items;
        size_t len;
        bool of_tables; /* made by [[header]]; others are static */
        unsigned depth;
        /* private: */
        size_t cap;
};

/* Parses len bytes of buf; name prefixes error messages. On success *root
 * is the document's root table (free it with toml_free). */
int toml_parse(struct error *err, const char *name, const char *buf, size_t len, struct toml_table **root)
        __attribute__((nonnull(1, 2, 3, 5)));

/* Reads and parses a file. A file that cannot be opened or read is an
 * error_set() error, so err->code tells ENOENT apart. */
int toml_parse_file(struct error *err, const char *path, struct toml_table **root) __attribute__((nonnull));

/* Frees a table and everything in it; NULL is fine. */
void toml_free(struct toml_table *table);

/* The value of one key (exact bytes) in t, or NULL. */
const struct toml_value *toml_table_get(const struct toml_table *t, const char *key, size_t len)
        __attribute__((nonnull));

/* The value at a dotted path from t ("a.b.c"; a part holding dots or other
 * non-bare characters is written in double quotes, without escapes:
 * `a."b.c"`), or NULL when a part is missing or not a table. */
const struct toml_value *toml_get(const struct toml_table *t, const char *path) __attribute__((nonnull));

/* "a string", "an integer", ... for messages. */
const char *toml_type_name(enum toml_type type);

/* key as TOML writes it: bare when it can be, else a basic string with
 * escapes, so that it prints on one line. Returns a malloc'd string or
 * NULL (errno set). */
char *toml_key_format(const char *key, size_t len);

/* A basic string literal ("...", escaped) for s. malloc'd, or NULL. */
char *toml_quote(const char *s, size_t len);

/* prefix + "." + toml_key_format(key); prefix NULL means the root. */
char *toml_path_append(const char *prefix, const char *key, size_t len);

#endif
