/* Editing TOML files while keeping what was not changed byte for byte
 * (comments, blank lines, key order, quoting, layout): what `nvidia-ctk
 * config --set` does to config.toml and `nvidia-ctk runtime configure` does
 * to containerd's and CRI-O's configs. The document is the text plus the
 * model of the reader (toml.h); every edit rewrites a span of the text and
 * parses the result again, so the text is always valid TOML and the model
 * always matches it.
 *
 * Paths are arrays of raw keys (not dotted strings): {"plugins",
 * "io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia",
 * "runtime_type"}. */
#ifndef COMMON_TOML_EDIT_H
#define COMMON_TOML_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/toml.h"

struct toml_doc;

/* Parses text (len bytes; empty is an empty document). name prefixes parse
 * errors ("FILE:LINE:COL: reason"). */
int toml_doc_parse(struct error *err, const char *name, const char *text, size_t len, struct toml_doc **out)
        __attribute__((nonnull(1, 2, 5)));

/* Reads path; a missing file is an empty document when missing_ok, else an
 * error_set() error (err->code ENOENT). */
int toml_doc_load(struct error *err, const char *path, bool missing_ok, struct toml_doc **out)
        __attribute__((nonnull(1, 2, 4)));

void toml_doc_free(struct toml_doc *doc);

/* The current text (NUL-terminated; valid until the next edit). */
const char *toml_doc_text(const struct toml_doc *doc, size_t *len) __attribute__((nonnull(1)));

/* The current model's root table. */
const struct toml_table *toml_doc_root(const struct toml_doc *doc) __attribute__((nonnull));

/* The value at path, or NULL (a missing part, or a part not a table). */
const struct toml_value *toml_doc_get(const struct toml_doc *doc, const char *const *path, size_t n)
        __attribute__((nonnull(1, 2)));

/* Sets the key at path to `value`, a TOML value as written ("true", "2",
 * "\"runc\"", "[\"a\", \"b\"]", "{ a = 1 }"); it must parse as one value.
 * - An existing key: only its value's text is replaced; the key, the
 *   comment after it and everything else stay.
 * - A new key in an existing table: a line `key = value` is inserted after
 *   the last key line of that table's own section (for the root, before
 *   the first table header; for a [header] table, at the end of its
 *   section, before the blank lines and comments leading to the next
 *   header), indented like the key above it.
 * - A new key in a missing table: the missing tables are created as one
 *   [a.b.c] header section appended at the end of the text (after one blank
 *   line), keys quoted where TOML needs it (toml_key_format).
 * Setting a key under a value that is not a table, or inside an inline
 * table or an array of tables, is an error naming the path. */
int toml_doc_set(struct error *err, struct toml_doc *doc, const char *const *path, size_t n, const char *value)
        __attribute__((nonnull(1, 2, 3, 5)));

/* Convenience forms of toml_doc_set for one string, integer, boolean, or a
 * list of strings (NULL-terminated). */
int toml_doc_set_string(struct error *err, struct toml_doc *doc, const char *const *path, size_t n, const char *s)
        __attribute__((nonnull(1, 2, 3, 5)));
int toml_doc_set_int(struct error *err, struct toml_doc *doc, const char *const *path, size_t n, int64_t v)
        __attribute__((nonnull(1, 2, 3)));
int toml_doc_set_bool(struct error *err, struct toml_doc *doc, const char *const *path, size_t n, bool v)
        __attribute__((nonnull(1, 2, 3)));
int toml_doc_set_strings(struct error *err, struct toml_doc *doc, const char *const *path, size_t n,
                         const char *const *list) __attribute__((nonnull(1, 2, 3, 5)));

/* Removes the key at path (its whole line when it has one to itself; for a
 * [header] table, the header and its section, and the sections of its
 * sub-tables). A missing key is not an error. */
int toml_doc_remove(struct error *err, struct toml_doc *doc, const char *const *path, size_t n)
        __attribute__((nonnull(1, 2, 3)));

/* A value's text as TOML writes it on one line (strings quoted with
 * toml_quote, tables inline), for copying a value from one place to
 * another. malloc'd, or NULL (errno set). */
char *toml_value_format(const struct toml_value *v) __attribute__((nonnull));

#endif
