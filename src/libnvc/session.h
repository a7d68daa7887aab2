/* A mount session into a container: sources are cloned while we are still
 * in our own mount namespace (the plan), then we enter the container's,
 * open its root there, attach every planned mount onto targets resolved
 * inside that root, and come back. A failure undoes all of the session's
 * mounts. */
#ifndef NVC_SESSION_H
#define NVC_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "mount.h"

struct nvc_container;

struct planned {
        int tree;
        char *target;   /* path inside the container */
        bool dir;
};

struct plan {
        struct planned *v;
        size_t n, cap;
};

/* Clones host path SRC for TARGET with ATTRS. */
int plan_bind(struct error *err, struct plan *p, const char *src, const char *target, uint64_t attrs);
/* Adds a prepared tree (e.g. a filled tmpfs) for TARGET; takes the fd. */
int plan_tree(struct error *err, struct plan *p, int tree, const char *target, bool dir);
void plan_free(struct plan *p);

struct session {
        const struct nvc_container *cnt;
        int own_ns;     /* our mount namespace, to come back to */
        int rootfd;     /* the container root, opened in its namespace */
        struct mount_log log;
};

int session_enter(struct error *err, struct session *s, const struct nvc_container *cnt);
/* Attaches the plan's trees in order. */
int session_apply(struct error *err, struct session *s, const struct plan *p);
/* Creates (or replaces) a symlink DIR/NAME -> TARGET in the container. */
int session_symlink(struct error *err, struct session *s, const char *dir, const char *name, const char *target);
/* Leaves; on failure (failed) undoes the session's mounts first. */
void session_leave(struct session *s, bool failed);

#endif
