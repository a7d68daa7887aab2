/* Shared by the pieces of the TOML editor (toml_edit*.c); not for its
 * users. */
#ifndef COMMON_TOML_EDIT_INTERNAL_H
#define COMMON_TOML_EDIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/toml.h"

struct toml_doc {
        char *name;
        char *text; /* NUL-terminated */
        size_t len;
        struct toml_table *root; /* the model of text */
};

/* One replacement: the bytes [off, end) of the text become text (NULL:
 * nothing). */
struct toml_splice {
        size_t off, end;
        char *text;
};

/* Applies n splices (sorted, not overlapping) and parses the result; on
 * error the document is unchanged. */
int toml_edit_splice(struct error *err, struct toml_doc *doc, const struct toml_splice *s, size_t n)
        __attribute__((nonnull));

/* --- toml_edit_place.c: where things are in the text --------------------- */

enum toml_line_kind {
        TOML_LINE_BLANK,
        TOML_LINE_COMMENT,
};

/* The start of the line holding off. */
size_t toml_edit_line_start(const struct toml_doc *doc, size_t off) __attribute__((nonnull));

/* The start of the line after the one holding off (the end of the text
 * when it is the last). */
size_t toml_edit_line_next(const struct toml_doc *doc, size_t off) __attribute__((nonnull));

/* From the line starting at line, back over the lines of one kind above
 * it (lines inside a multi-line value do not count); returns where that
 * run starts. */
size_t toml_edit_back_over(const struct toml_doc *doc, size_t line, enum toml_line_kind kind) __attribute__((nonnull));

/* Whether the line starting at line is of kind (outside any value). */
bool toml_edit_line_is(const struct toml_doc *doc, size_t line, enum toml_line_kind kind) __attribute__((nonnull));

/* The offset of the first [header] or [[header]] at or after from, or
 * SIZE_MAX. */
size_t toml_edit_header_after(const struct toml_doc *doc, size_t from) __attribute__((nonnull));

/* The last value written in t's own section (its keys and those of the
 * tables its dotted keys made, not its sub-tables): *end is where that
 * value ends, *key where its key starts. False when the section has no
 * key. */
bool toml_edit_section_last(const struct toml_table *t, size_t *end, size_t *key) __attribute__((nonnull));

/* The spaces and tabs starting the line that holds off. malloc'd. */
char *toml_edit_indent(const struct toml_doc *doc, size_t off) __attribute__((nonnull));

/* "\r\n" when the text's lines end so, else "\n". */
const char *toml_edit_eol(const struct toml_doc *doc) __attribute__((nonnull));

/* --- toml_edit_remove.c ---------------------------------------------------- */

/* Removes entry e of table t (see toml_doc_remove); name is its path for
 * messages. */
int toml_edit_remove_entry(struct error *err, struct toml_doc *doc, const struct toml_table *t,
                           const struct toml_entry *e, const char *name) __attribute__((nonnull));

#endif
