/* CUDA forward compatibility: an image may ship newer user-space CUDA
 * libraries in /usr/local/cuda/compat. They are used only when newer than
 * the host driver, and only when they are regular files inside the rootfs
 * (a symlink in the image could name any host file). */
#ifndef NVC_COMPAT_H
#define NVC_COMPAT_H

#include <stdbool.h>

#include "common/error.h"

struct nvc_container;

/* Lists the image's compat libraries (container paths) into the container. */
int compat_find(struct error *err, struct nvc_container *cnt);

/* True when the library's version (the file name's suffix after ".so.")
 * is newer than the driver version. */
bool compat_is_newer(const char *lib, const char *driver_version);

/* Compares dotted numeric versions: <0, 0, >0. */
int compat_version_cmp(const char *a, const char *b);

#endif
