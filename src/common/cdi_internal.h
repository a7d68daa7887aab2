/* Between the files of the CDI module: the document tree both parsers
 * build (cdi_parse.c) and the decoder turns into the model (cdi_spec.c). */
#ifndef COMMON_CDI_INTERNAL_H
#define COMMON_CDI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/cdi.h"

/* A YAML or JSON value. Scalars keep their text and whether they were
 * quoted: a quoted scalar is a string whatever it looks like, a plain one
 * is resolved against the type the model wants there (as the CDI library's
 * YAML decoder does, so `name: 0` is the device name "0"). */
enum cdi_node_kind {
        CDI_NODE_SCALAR,
        CDI_NODE_MAP,
        CDI_NODE_SEQ,
};

struct cdi_node;

struct cdi_node_item {
        char *key; /* map members only */
        struct cdi_pos pos;
        struct cdi_node *value;
};

struct cdi_node {
        enum cdi_node_kind kind;
        bool quoted;
        char *text; /* scalars */
        struct cdi_pos pos;
        struct cdi_node_item *items; /* maps and sequences */
        size_t n;
};

void cdi_node_free(struct cdi_node *node);

/* What the decoder needs to report an error where it is. */
struct cdi_source {
        const char *name;
        const char *json; /* JSON text, whose tree has no positions; else NULL */
        size_t json_len;
};

/* One step of the path from the root to a value: a member name or an index. */
struct cdi_path_step {
        const char *key; /* NULL: index */
        size_t index;
};

/* The position of the value at path in a JSON text, found by scanning it
 * (the text is known to be valid); {0, 0} when not found. */
struct cdi_pos cdi_json_locate(const char *text, size_t len, const struct cdi_path_step *path, size_t depth);

/* Builds the model from a document tree (cdi_spec.c). */
int cdi_spec_decode(struct error *err, const struct cdi_source *src, const struct cdi_node *root,
                    struct cdi_spec **out);

/* Appends the formatted line to the NULL-terminated *list; *n, when n is
 * not NULL, is the list's length (kept up to date), else it is counted. */
int cdi_strv_append(char ***list, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
