/* The driver process: NVML is only ever loaded in a child that is chrooted
 * into the driver root, runs unprivileged with no capabilities, and answers
 * queries over ONC RPC on a socketpair (driver.c, nvml_rpc.x). Every call
 * carries a timeout; errors (NVML codes and messages, RPC failures) come
 * back in *err. */
#ifndef NVC_DRIVER_H
#define NVC_DRIVER_H

#include <sys/types.h>

#include "common/error.h"

struct driver;

/* Starts the child for the driver root; uid/gid are its identity. */
int driver_new(struct driver **drv, struct error *err, const char *root, uid_t uid, gid_t gid);
/* Shuts NVML down and reaps the child, whatever state it is in. */
int driver_free(struct driver *drv, struct error *err);

/* "575.57.08" */
int driver_get_rm_version(struct driver *drv, struct error *err, char **version);
/* "12.2" */
int driver_get_cuda_version(struct driver *drv, struct error *err, char **version);

#endif
