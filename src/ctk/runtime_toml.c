/* What the TOML engines (runtime_containerd.c, runtime_crio.c) share:
 * which runtime a new one copies its settings from, the copy itself, and
 * the parse-edit-print frame around an engine's edits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "ctk/ctk.h"
#include "ctk/runtime_configure.h"

size_t ctk_low_level_runtimes(const char *default_runtime, const char *out[3])
{
        size_t n = 0;

        if (default_runtime != NULL && default_runtime[0] != '\0' && strncmp(default_runtime, "nvidia", 6) != 0)
                out[n++] = default_runtime;
        out[n++] = "runc";
        out[n++] = "crun";
        return n;
}

/* Room for the engines' paths to their tables of runtimes. */
#define PATH_MAX_KEYS 8

/* Sets every key of t (recursively) at path[0..n) + its key. */
static int copy_table(struct error *err, struct toml_doc *doc, const char **path, size_t n,
                      const struct toml_table *t)
{
        for (size_t i = 0; i < t->len; i++) {
                const struct toml_entry *e = &t->entries[i];
                cleanup_free char *value = NULL;

                if (strlen(e->key) != e->key_len)
                        return error_setx(err, "copy runtime: a key holds a NUL byte");
                path[n] = e->key;
                if (e->value.type == TOML_TABLE) {
                        if (copy_table(err, doc, path, n + 1, e->value.u.table) < 0)
                                return -1;
                        continue;
                }
                if ((value = toml_value_format(&e->value)) == NULL)
                        return error_set(err, "copy runtime");
                if (toml_doc_set(err, doc, path, n + 1, value) < 0)
                        return -1;
        }
        return 0;
}

/* The source's values live in the document's model, which every edit
 * replaces: copy from a snapshot parsed from the source's own text. */
static int copy_as(struct error *err, struct toml_doc *doc, const char **path, size_t n, const char *name,
                   const struct toml_value *src)
{
        cleanup_free char *inline_text = toml_value_format(src), *text = NULL;
        struct toml_table *snap = NULL;
        int rv;

        if (inline_text == NULL || asprintf(&text, "v = %s\n", inline_text) < 0)
                return error_set(err, "copy runtime `%s`", path[n]);
        if (toml_parse(err, "copy", text, strlen(text), &snap) < 0)
                return -1;
        path[n] = name;
        rv = toml_doc_remove(err, doc, path, n + 1);
        if (rv == 0)
                rv = copy_table(err, doc, path, n + 1, toml_table_get(snap, "v", 1)->u.table);
        toml_free(snap);
        return rv;
}

int ctk_toml_copy_runtime(struct error *err, struct toml_doc *doc, const char *const *base, size_t n,
                          const char *const *default_key, size_t default_n, const char *name)
{
        const struct toml_value *v = toml_doc_get(doc, default_key, default_n);
        cleanup_free char *default_runtime = v != NULL && v->type == TOML_STRING ? strdup(v->u.str.ptr) : NULL;
        const char *candidates[3], *path[PATH_MAX_KEYS + TOML_MAX_DEPTH + 1];
        size_t count = ctk_low_level_runtimes(default_runtime, candidates);

        if (n > PATH_MAX_KEYS)
                return error_setx(err, "copy runtime: path too long");
        memcpy(path, base, n * sizeof(*path));
        for (size_t i = 0; i < count; i++) {
                path[n] = candidates[i];
                if ((v = toml_doc_get(doc, path, n + 1)) == NULL || v->type != TOML_TABLE)
                        continue;
                ctk_log(CTK_DEBUG, "using options from runtime %s", candidates[i]);
                if (strcmp(candidates[i], name) == 0)
                        return 1;
                return copy_as(err, doc, path, n, name, v) < 0 ? -1 : 1;
        }
        return 0;
}

/* The document's text, malloc'd. */
static int doc_out(struct error *err, const char *file, const struct toml_doc *doc, char **out, size_t *out_len)
{
        const char *result = toml_doc_text(doc, out_len);

        if ((*out = malloc(*out_len + 1)) == NULL)
                return error_set(err, "update `%s`", file);
        memcpy(*out, result, *out_len + 1);
        return 0;
}

static int parse_edit(struct error *err, const char *file, const char *text, size_t len,
                      const struct ctk_runtime_opts *o,
                      int (*edit)(struct error *err, const char *file, struct toml_doc *doc,
                                  const struct ctk_runtime_opts *o),
                      struct toml_doc **doc)
{
        if (toml_doc_parse(err, file, text != NULL ? text : "", text != NULL ? len : 0, doc) < 0)
                return -1;
        if (edit(err, file, *doc, o) == 0)
                return 0;
        toml_doc_free(*doc);
        *doc = NULL;
        return -1;
}

int ctk_toml_update(struct error *err, const char *file, const char *text, size_t len,
                    const struct ctk_runtime_opts *o, char **out, size_t *out_len,
                    int (*edit)(struct error *err, const char *file, struct toml_doc *doc,
                                const struct ctk_runtime_opts *o))
{
        struct toml_doc *doc = NULL;
        int rv;

        if (parse_edit(err, file, text, len, o, edit, &doc) < 0)
                return -1;
        rv = doc_out(err, file, doc, out, out_len);
        toml_doc_free(doc);
        return rv;
}

/* Sets the value v (a table: its keys one by one, so that sub-tables
 * become [header] tables) at path in doc. */
static int copy_value(struct error *err, struct toml_doc *doc, const char **path, size_t n,
                      const struct toml_value *v)
{
        cleanup_free char *value = NULL;

        if (v->type == TOML_TABLE)
                return copy_table(err, doc, path, n, v->u.table);
        if ((value = toml_value_format(v)) == NULL)
                return error_set(err, "copy `%s`", path[n - 1]);
        return toml_doc_set(err, doc, path, n, value);
}

int ctk_toml_extract(struct error *err, const char *file, const char *text, size_t len,
                     const struct ctk_runtime_opts *o,
                     int (*edit)(struct error *err, const char *file, struct toml_doc *doc,
                                 const struct ctk_runtime_opts *o),
                     const struct ctk_toml_path *paths, size_t n, char **out, size_t *out_len)
{
        struct toml_doc *doc = NULL, *drop = NULL;
        const char *path[PATH_MAX_KEYS + TOML_MAX_DEPTH + 1];
        const struct toml_value *v;
        int rv = 0;

        if (parse_edit(err, file, text, len, o, edit, &doc) < 0)
                return -1;
        if (toml_doc_parse(err, file, "", 0, &drop) < 0) {
                toml_doc_free(doc);
                return -1;
        }
        /* The values live in doc's model, which edits of drop leave alone. */
        for (size_t i = 0; rv == 0 && i < n; i++) {
                memcpy(path, paths[i].keys, paths[i].n * sizeof(*path));
                if ((v = toml_doc_get(doc, paths[i].keys, paths[i].n)) != NULL)
                        rv = copy_value(err, drop, path, paths[i].n, v);
        }
        if (rv == 0)
                rv = doc_out(err, file, drop, out, out_len);
        toml_doc_free(drop);
        toml_doc_free(doc);
        return rv;
}
