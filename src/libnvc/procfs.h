/* The driver's /proc entries inside a container: a tmpfs over
 * /proc/driver/nvidia with copies of params (ModifyDeviceFiles set to 0, so
 * the driver never changes device nodes from inside), version and registry,
 * and later the selected GPUs' gpus/<busid> entries bound from the host.
 * When the container's /proc has no driver/nvidia (the kernel module
 * exposes none to it, as with a driver in a driver root), the tmpfs goes over
 * /proc/driver and holds nvidia/ itself. */
#ifndef NVC_PROCFS_H
#define NVC_PROCFS_H

#include "common/error.h"
#include "session.h"

struct nvc_context;
struct nvc_container;

/* Prepares the filled tmpfs in our namespace and plans it. */
int procfs_plan(struct error *err, const struct nvc_context *ctx, const struct nvc_container *cnt, struct plan *p);

/* Plans the host's /proc/driver/nvidia/gpus/<busid> entry of a GPU at the
 * same place in the container's tmpfs (made by the driver mount). */
int procfs_plan_gpu(struct error *err, const struct nvc_context *ctx, const char *busid, struct plan *p);

/* Plans a host /proc/driver/nvidia/... file or dir at the same place. */
int procfs_plan_entry(struct error *err, const struct nvc_context *ctx, const char *path, struct plan *p);

#endif
