/* `nvidia-ctk runtime configure`: what the command (runtime_configure.c)
 * shares with its engines, one file each (runtime_docker.c,
 * runtime_containerd.c, runtime_crio.c; the TOML ones share
 * runtime_toml.c). An engine turns the text of its
 * config file into the updated text and touches no file, so the unit tests
 * need none; the command reads, writes and logs around it. */
#ifndef CTK_RUNTIME_CONFIGURE_H
#define CTK_RUNTIME_CONFIGURE_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "common/error.h"
#include "common/toml_edit.h"

/* What to add: the runtime's name and executable, and the switches. */
struct ctk_runtime_opts {
        const char *name;    /* --nvidia-runtime-name, "nvidia" */
        const char *path;    /* --nvidia-runtime-path */
        bool set_as_default; /* --nvidia-set-as-default */
        bool cdi;            /* --cdi.enabled */
};

/* What an engine's drop_in() makes: the new texts of the config file
 * (main NULL: leave it as it is) and of the drop-in file (drop NULL: none;
 * the settings went into main). malloc'd. */
struct ctk_texts {
        char *main, *drop;
        size_t main_len, drop_len;
};

/* One engine. update() gets the config file's text (NULL when the file
 * does not exist; file names it in messages) and returns the new text,
 * malloc'd and NUL-terminated. A malformed input is an error naming file
 * and the place. */
struct ctk_engine {
        const char *name;         /* --runtime: "docker", "containerd", "crio" */
        const char *config;       /* the default --config */
        bool absolute_path;       /* the runtime path must be absolute */
        bool cdi;                 /* --cdi.enabled means something here */
        int (*update)(struct error *err, const char *file, const char *text, size_t len,
                      const struct ctk_runtime_opts *o, char **out, size_t *out_len);
        const char *drop_in; /* the default --drop-in-config; NULL: no drop-in files */
        /* As update(), but the NVIDIA settings go to the drop-in file
         * drop_in (an absolute path) and the config file only learns
         * where to find it; NULL when drop_in is. */
        int (*drop_in_update)(struct error *err, const char *file, const char *text, size_t len,
                              const struct ctk_runtime_opts *o, const char *drop_in, struct ctk_texts *out);
};

extern const struct ctk_engine ctk_engine_docker;     /* runtime_docker.c */
extern const struct ctk_engine ctk_engine_containerd; /* runtime_containerd.c */
extern const struct ctk_engine ctk_engine_crio;       /* runtime_crio.c */

/* An engine's config file (at most 8 MiB): *text NULL when it does not
 * exist (also used by `system check`). */
int ctk_read_config(struct error *err, const char *path, char **text, size_t *len) __attribute__((nonnull));

/* --- runtime_docker.c --- */

/* obj as Go's encoding/json writes it with MarshalIndent(obj, "", indent):
 * objects' keys sorted by bytes when sort_keys (a Go map) or in insertion
 * order (a Go struct), "<", ">" and "&" escaped, floats in Go's shortest
 * form; no newline at the end. malloc'd, or NULL (errno set). */
char *ctk_go_json(struct json_object *obj, const char *indent, bool sort_keys);

/* Adds v (a new value; NULL when making it failed) to obj under key; v is
 * freed on failure. */
int ctk_json_add(struct json_object *obj, const char *key, struct json_object *v) __attribute__((nonnull(1, 2)));

/* --- runtime_toml.c --- */

/* The engines' shared rule for which runtime's settings a new runtime
 * copies (NVIDIA's GetLowLevelRuntimes): the default runtime unless it is
 * unset or an nvidia* one, then "runc", then "crun". Fills out (room for
 * 3) and returns the count. */
size_t ctk_low_level_runtimes(const char *default_runtime, const char *out[3]);

/* For the TOML engines: copies the settings of the first candidate
 * runtime (ctk_low_level_runtimes of the string at default_key, the
 * engine's default runtime setting) that is a table under base (the table
 * of runtimes; both paths n <= 8 keys) to base.<name>, replacing what
 * base.<name> had, as upstream does. Returns 1 when it copied, 0 when no
 * candidate exists (doc unchanged), -1 on error. Sub-tables become
 * [header] tables, so that keys can be added to them. */
int ctk_toml_copy_runtime(struct error *err, struct toml_doc *doc, const char *const *base, size_t n,
                          const char *const *default_key, size_t default_n, const char *name)
        __attribute__((nonnull(1, 2, 3, 5, 7)));

/* The TOML engines' update(): parses text (NULL: an empty document) as
 * file, applies edit, returns the new text. */
int ctk_toml_update(struct error *err, const char *file, const char *text, size_t len,
                    const struct ctk_runtime_opts *o, char **out, size_t *out_len,
                    int (*edit)(struct error *err, const char *file, struct toml_doc *doc,
                                const struct ctk_runtime_opts *o)) __attribute__((nonnull(1, 2, 5, 6, 7, 8)));

/* One key path (n <= 8 keys) for ctk_toml_extract. */
struct ctk_toml_path {
        const char *keys[8];
        size_t n;
};

/* For the TOML engines' drop-in files: applies edit to text (as
 * ctk_toml_update) and returns a new document holding only the values at
 * paths (in that order; missing ones skipped). */
int ctk_toml_extract(struct error *err, const char *file, const char *text, size_t len,
                     const struct ctk_runtime_opts *o,
                     int (*edit)(struct error *err, const char *file, struct toml_doc *doc,
                                 const struct ctk_runtime_opts *o),
                     const struct ctk_toml_path *paths, size_t n, char **out, size_t *out_len)
        __attribute__((nonnull(1, 2, 5, 6, 7, 9, 10)));

#endif
