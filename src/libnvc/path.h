/* Paths inside a root directory (a driver root now, a container's rootfs
 * later). A path is resolved as if the root were "/": symlinks are followed
 * but never lead out of the root (an absolute target starts again at the
 * root, ".." stops there), as chroot and openat2(RESOLVE_IN_ROOT) do. The
 * results are paths inside the root ("/usr/lib/libx.so"), never host paths. */
#ifndef NVC_PATH_H
#define NVC_PATH_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* Joins a and b with exactly one '/' between them (b empty: a alone). */
int path_join(struct error *err, char *buf, size_t size, const char *a, const char *b);

/* Opens a root directory for the calls below (O_PATH, close-on-exec). */
int path_open_root(struct error *err, const char *root);

/* Resolves path inside the root fd into buf ("/" for the root itself). A
 * missing component and what follows it are kept as written (".." still
 * removes one), so callers can name files that do not exist yet. */
int path_resolve_at(struct error *err, char *buf, size_t size, int rootfd, const char *path);
/* The same with a root given by name. */
int path_resolve(struct error *err, char *buf, size_t size, const char *root, const char *path);

/* Opens path inside the root fd (openat2 RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS,
 * or a component walk where the kernel lacks openat2). flags are open(2)'s;
 * O_CLOEXEC is always added. Returns the fd. */
int path_open_at(struct error *err, int rootfd, const char *path, int flags, mode_t mode);

/* 1 when path exists inside the root fd, 0 when it does not, -1 on error. */
int path_exists_at(struct error *err, int rootfd, const char *path);

#endif
