/* Bind mounts made through file descriptors (the new mount API): a source is
 * cloned into a detached tree in our own mount namespace, its flags
 * (read-only, nosuid, nodev, noexec) are set before anyone can see it, and
 * it is attached onto a target fd resolved inside the container root. Every
 * attached mount is recorded so that a failure undoes all of them. */
#ifndef NVC_MOUNT_H
#define NVC_MOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* MOUNT_ATTR_* flags for the common cases. */
#define MNT_FILES (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID)
#define MNT_DEVICES (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)
#define MNT_IPC (MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)

/* Clones SRC (a host path, not followed if it is a symlink) into a detached
 * tree with ATTRS set. */
int mount_tree(struct error *err, const char *src, uint64_t attrs, int *tree);

/* The same for an object already opened (O_PATH) as FD; NAME for messages. */
int mount_tree_fd(struct error *err, int fd, const char *name, uint64_t attrs, int *tree);

/* A new, detached tmpfs with mode 0555, writable until mount_seal. */
int mount_tmpfs(struct error *err, int *tree);

/* Sets ATTRS on an attached or detached mount. */
int mount_seal(struct error *err, int mnt, uint64_t attrs);

struct mount_log {
        int rootfd;         /* the container root the paths are relative to */
        int procfd;         /* our own /proc, valid in any mount namespace */
        char **paths;
        size_t n, cap;
};

/* Attaches TREE onto TARGET (an O_PATH fd); PATH names it in the log. */
int mount_attach(struct error *err, struct mount_log *log, int tree, int target, const char *path);

/* Detaches every logged mount, newest first (the rollback of a failure). */
void mount_undo(struct mount_log *log);

/* Moves SRC's entries to the end of DST (SRC ends empty). */
int mount_log_move(struct error *err, struct mount_log *dst, struct mount_log *src);

/* Forgets the log once the mounts are to stay. */
void mount_log_clear(struct mount_log *log);

#endif
