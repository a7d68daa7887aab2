/* Pieces of nvc_mount.c shared with the MIG mounts (nvc_mig.c). */
#ifndef NVC_NVC_MOUNT_H
#define NVC_NVC_MOUNT_H

#include <stddef.h>

#include "common/error.h"
#include "nvc.h"
#include "session.h"

/* The host path of an in-root path of the driver. */
int host_path(struct error *err, const struct nvc_context *ctx, const char *path, char *buf, size_t len);
/* Plans a device node, checked to be the device the driver reported. */
int plan_device(struct error *err, const struct nvc_context *ctx, struct plan *p, const struct nvc_device_node *dev);
/* Applies a plan in the container and allows DEVS with ACCESS in its cgroup;
 * frees the plan. */
int mount_planned(struct nvc_context *ctx, const struct nvc_container *cnt, struct plan *p,
                  const struct nvc_device_node *devs, size_t ndevs, const char *access);

#endif
