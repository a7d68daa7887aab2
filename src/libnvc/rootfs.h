/* Safe operations inside a container's root file system, which the image
 * controls. Every lookup is resolved inside the root (openat2 with
 * RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS: symlinks are followed as if the
 * root were "/", never out of it), every creation is relative to an fd we
 * resolved ourselves, and the caller gets an fd, never a path to re-resolve,
 * so nothing can be swapped between check and use. */
#ifndef NVC_ROOTFS_H
#define NVC_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"

/* Opens PATH (absolute or relative; taken relative to the root) inside the
 * root directory ROOTFD with open FLAGS (O_PATH etc. plus O_CLOEXEC). */
int rootfs_open(struct error *err, int rootfd, const char *path, int flags, int *fd);

/* Makes sure directory PATH exists inside the root, creating what is missing
 * as uid:gid with mode 0755, and returns an O_PATH|O_DIRECTORY fd of it. */
int rootfs_mkdirs(struct error *err, int rootfd, const char *path, uid_t uid, gid_t gid, int *fd);

/* Makes sure PATH exists as a mount target: a directory when DIR, else a
 * regular file (mode 0644, owned by uid:gid). A symlink at the last
 * component is replaced by the target (the image's link would only hide the
 * driver's file); another kind of file there is an error. Returns an fd of
 * the target itself (O_PATH, or the write-only one that created the file),
 * for mounting over. */
int rootfs_mktarget(struct error *err, int rootfd, const char *path, bool dir, uid_t uid, gid_t gid, int *fd);

/* Splits PATH into its parent and last component (in BUF), refusing empty,
 * "." and ".." last components. */
int rootfs_split(struct error *err, const char *path, char *buf, size_t len, const char **parent, const char **name);

#endif
