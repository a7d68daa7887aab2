/* Between the files of the CDI spec generator (cdi_gen.h): the state of one
 * run, the file lookups (cdi_gen_locate.c), the edit builders
 * (cdi_gen_edits.c), the common mounts (cdi_gen_mounts.c), the hooks
 * (cdi_gen_hooks.c) and the devices (cdi_gen_devices.c). */
#ifndef COMMON_CDI_GEN_INTERNAL_H
#define COMMON_CDI_GEN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "common/cdi_gen.h"
#include "common/cdi_internal.h"

#define GEN_NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Where a common mount comes from; the hooks look at some groups only. */
enum gen_group {
        GEN_GROUP_GRAPHICS,
        GEN_GROUP_LIBRARY, /* the driver libraries: symlinks and update-ldcache folders */
        GEN_GROUP_IPC,
        GEN_GROUP_FIRMWARE,
        GEN_GROUP_BINARY,
};

struct gen_mount {
        char *host;      /* real path on the host */
        char *container; /* in-root path */
        enum gen_group group;
};

struct gen {
        const struct cdi_gen_options *opts;
        const struct cdi_gen_driver *driver;
        struct error *err;
        /* The driver root's real path and the device root as given, both
         * without a trailing slash: "" stands for the host's "/". */
        char *root;
        char *dev_root;
        /* The common mounts in discovery order, duplicates included. */
        struct gen_mount *mounts;
        size_t nmounts;
};

static inline void gen_strv_freep(char ***v)
{
        for (size_t i = 0; *v != NULL && (*v)[i] != NULL; i++)
                free((*v)[i]);
        free(*v);
}

#define cleanup_strv __attribute__((cleanup(gen_strv_freep)))

/* --- cdi_gen_locate.c ----------------------------------------------------- */

void gen_log(const struct gen *g, enum cdi_gen_log_level level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Sets *g->err to "out of memory" and returns -1. */
int gen_nomem(struct gen *g);

/* root + path (path absolute), malloc'd. */
char *gen_join(const char *root, const char *path);

/* path without the driver root, or NULL when it is not under it. Points
 * into path. */
const char *gen_in_root(const struct gen *g, const char *path);

/* What a lookup accepts, by the type of the file a path leads to. */
enum gen_kind {
        GEN_KIND_FILE, /* regular file */
        GEN_KIND_EXEC, /* regular file with an execute bit */
        GEN_KIND_DIR,
        GEN_KIND_OTHER, /* anything but a directory (IPC sockets) */
};

/* How NVIDIA words the warning for a file not found: its locators chain
 * one more reason for some lookups. */
enum gen_miss {
        GEN_MISS_PLAIN,   /* "pattern P not found" */
        GEN_MISS_LDCACHE, /* and "P: not found" (libraries also looked up in the linker cache) */
        GEN_MISS_TWICE,   /* and "pattern P not found" (files also looked up at the root) */
};

struct gen_lookup {
        const char *pattern;  /* "dir/name", fnmatch wildcards in the name only */
        enum gen_kind kind;
        bool all;             /* every match of every directory, not only the first */
        bool resolve;         /* a library: its container path is its resolved one */
        enum gen_miss miss;
        bool optional;         /* no warning when nothing is found */
        const char *container; /* fixed container path (binaries), or NULL */
};

/* The real path of host path p when it exists, is of the kind and stays
 * under the driver root (else a warning); NULL otherwise, with errno 0
 * unless out of memory. */
char *gen_resolve(struct gen *g, const char *p, enum gen_kind kind);

/* The real paths of the directories, each the host path of a directory
 * under the driver root (others are skipped with a warning when they
 * exist), deduplicated, in order. dirs are host paths, or in-root paths
 * when in_root. */
int gen_dirs(struct gen *g, const char *const *dirs, size_t n, bool in_root, char ***out, size_t *nout);

/* The names in host directory dir matching the fnmatch pattern, sorted,
 * appended to *out; none when dir cannot be read. */
int gen_list(struct gen *g, const char *dir, const char *pattern, char ***out, size_t *n);

/* Looks up l->pattern in the directories (real host paths) and appends
 * what it finds to g->mounts, logging each file or the warning for none.
 * Returns the number found, or -1. */
int gen_locate(struct gen *g, char *const *dirs, size_t ndirs, const struct gen_lookup *l, enum gen_group group);

/* --- cdi_gen_edits.c ------------------------------------------------------ */

/* Adds the device node at path (in the device root) unless edits has it,
 * with a hostPath when the device root is not "/". */
int gen_add_node(struct gen *g, struct cdi_edits *e, const char *path);

/* Whether the device node at path (in the device root) exists, logged as
 * NVIDIA does: 1 when it does, 0 when not (a warning), -1 when not and
 * required (an error naming it). */
int gen_node_exists(struct gen *g, const char *path, bool required);

/* Adds the device node at path when it exists in the device root, logging
 * it; 1 when added, 0 when missing (logged as a warning, or an error when
 * required). */
int gen_select_node(struct gen *g, struct cdi_edits *e, const char *path, bool required);

/* Adds a mount unless edits has one of the same host path. */
int gen_add_mount(struct gen *g, struct cdi_edits *e, const char *host, const char *container, bool noexec);

/* The arguments of a hook named name ("nvidia-cdi-hook NAME" or
 * "nvidia-ctk hook NAME"), to be extended with cdi_strv_append. */
int gen_hook_args(struct gen *g, const char *name, char ***args, size_t *n);

/* Adds a createContainer hook with args (taken, even on failure). */
int gen_add_hook(struct gen *g, struct cdi_edits *e, char **args);

/* Adds a create-symlinks hook with each "TARGET::LINK" of links, if any. */
int gen_add_links_hook(struct gen *g, struct cdi_edits *e, char *const *links);

/* Appends a copy of s to the NULL-terminated list unless it holds it. */
int gen_strv_add_unique(struct gen *g, char ***list, size_t *n, const char *s);

/* --- cdi_gen_mounts.c ----------------------------------------------------- */

/* The control device nodes and every common mount, into edits and
 * g->mounts. */
int gen_common_files(struct gen *g, struct cdi_edits *e);

/* --- cdi_gen_hooks.c ------------------------------------------------------ */

/* The common hooks, from g->mounts. */
int gen_common_hooks(struct gen *g, struct cdi_edits *e);

/* --- cdi_gen_devices.c ---------------------------------------------------- */

/* The devices of the spec, for the options' mode. */
int gen_devices(struct gen *g, struct cdi_spec *spec);

#endif
