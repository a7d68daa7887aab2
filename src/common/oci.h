/* OCI runtime specs (a bundle's config.json) and OCI states (what runc gives
 * a hook on stdin), read with json-c.
 *
 * A spec is kept as its whole JSON tree: the runtime shim changes a few
 * fields and writes it back, and every field it does not know must survive.
 * Loading validates the types of every field these accessors read (env,
 * capabilities, root, mounts, annotations, hooks), so the accessors cannot
 * fail on a loaded spec except for memory; a null field counts as absent,
 * as with Go's decoder. Strings handed out point into the tree and stay
 * valid until the spec is changed or freed. A caller that changes the tree
 * runs oci_spec_validate before using the accessors again. */
#ifndef COMMON_OCI_H
#define COMMON_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/error.h"

struct json_object;

struct oci_spec {
        struct json_object *json; /* the document; the caller may change it */
        char *path;               /* the file it came from, for messages */
        char *bundle;             /* what a relative root.path is relative to */
};

struct oci_mount {
        const char *destination;
        const char *source; /* NULL when absent */
};

struct oci_annotation {
        const char *key;
        const char *value;
};

struct oci_hook {
        const char *path;
        const char **args; /* NULL-terminated */
        size_t nargs;
};

/* Loads <path>/config.json when path is a directory (a bundle), else the
 * file path; the bundle is then the file's directory. Errors are one line:
 * "load OCI spec `FILE`: process.env[2]: expected a string, got a number". */
int oci_spec_load(struct error *err, const char *path, struct oci_spec *spec) __attribute__((nonnull(1, 2, 3)));

/* Parses and validates text as a spec named name, with bundle as the
 * directory of relative root paths. */
int oci_spec_parse(struct error *err, const char *name, const char *text, size_t len, const char *bundle,
                   struct oci_spec *spec) __attribute__((nonnull(1, 2, 3, 5, 6)));

/* Checks the types of the fields the accessors read; run by load and parse,
 * and worth running again on a tree the caller changed. */
int oci_spec_validate(struct error *err, const struct oci_spec *spec) __attribute__((nonnull(1, 2)));

void oci_spec_free(struct oci_spec *spec) __attribute__((nonnull(1)));

/* ociVersion, or NULL when absent. */
const char *oci_spec_version(const struct oci_spec *spec) __attribute__((nonnull(1)));

/* Whether process (root) is present. */
bool oci_spec_has_process(const struct oci_spec *spec) __attribute__((nonnull(1)));
bool oci_spec_has_root(const struct oci_spec *spec) __attribute__((nonnull(1)));

/* root.path made absolute against the bundle (newly allocated); an error
 * when the spec has no root. */
int oci_spec_rootfs(struct error *err, const struct oci_spec *spec, char **out) __attribute__((nonnull(1, 2, 3)));

/* process.env as a NULL-terminated array of "K=V" (the array is allocated;
 * free it alone). Empty when absent. */
int oci_spec_env(struct error *err, const struct oci_spec *spec, const char ***env, size_t *n)
        __attribute__((nonnull(1, 2, 3, 4)));

/* The bounding capability set. Specs of ociVersion 1.0.0-rc1 up to (not
 * including) 1.0.0-rc5 carried process.capabilities as one plain array, and
 * that array is the set then (NVIDIA's hook reads it so). */
int oci_spec_bounding_caps(struct error *err, const struct oci_spec *spec, const char ***caps, size_t *n)
        __attribute__((nonnull(1, 2, 3, 4)));

/* Whether ociVersion is in the range where capabilities is a plain array. */
bool oci_version_has_flat_caps(const char *version);

/* mounts, in order (the array is allocated). */
int oci_spec_mounts(struct error *err, const struct oci_spec *spec, struct oci_mount **mounts, size_t *n)
        __attribute__((nonnull(1, 2, 3, 4)));

/* annotations, in document order (the array is allocated). */
int oci_spec_annotations(struct error *err, const struct oci_spec *spec, struct oci_annotation **annotations,
                         size_t *n) __attribute__((nonnull(1, 2, 3, 4)));

/* One annotation's value, or NULL. */
const char *oci_spec_annotation(const struct oci_spec *spec, const char *key) __attribute__((nonnull(1, 2)));

/* hooks.<stage> ("prestart", "createRuntime", "poststop", ...), in order;
 * free with oci_hooks_free. */
int oci_spec_hooks(struct error *err, const struct oci_spec *spec, const char *stage, struct oci_hook **hooks,
                   size_t *n) __attribute__((nonnull(1, 2, 3, 4, 5)));
void oci_hooks_free(struct oci_hook *hooks, size_t n);

/* Writes the tree to path atomically but unsynced (atomic_file.h: a
 * bundle's config.json is read at once by the runtime): compact JSON, keys
 * in their order, numbers as they were written, the old file's mode kept. */
int oci_spec_write_atomic(struct error *err, const struct oci_spec *spec, const char *path)
        __attribute__((nonnull(1, 2, 3)));

/* The state of a container (OCI runtime spec, "State"), as runc writes it
 * on a hook's stdin. */
struct oci_state {
        char *oci_version;
        char *id;
        char *status; /* creating, created, running or stopped */
        int pid;      /* > 0 */
        char *bundle; /* absolute */
};

/* Reads one state from in (at most 1 MiB) and validates it strictly:
 * ociVersion, id (non-empty) and status (one of the four) strings, pid an
 * integer > 0, bundle an absolute path, annotations (if any) strings.
 * Errors read "container state: pid: expected a positive integer, got -1". */
int oci_state_read(struct error *err, FILE *in, struct oci_state *state) __attribute__((nonnull(1, 2, 3)));
int oci_state_parse(struct error *err, const char *text, size_t len, struct oci_state *state)
        __attribute__((nonnull(1, 2, 4)));
void oci_state_free(struct oci_state *state) __attribute__((nonnull(1)));

#endif
