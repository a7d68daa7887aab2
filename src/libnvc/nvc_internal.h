/* libnvidia-container internals shared by the library's files. */
#ifndef NVC_INTERNAL_H
#define NVC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "nvc.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

struct driver;     /* the sandboxed NVML process, driver.c */
struct mount_log;  /* mount.h */

struct nvc_context {
        bool initialized;
        struct error err;
        struct nvc_config cfg;   /* owned copies; root and ldcache never NULL once initialized */
        int32_t lib_opts;        /* OPT_LOAD_KMODS ... */
        struct driver *driver;   /* NULL until nvc_init */
};

struct cgroup_ops;

struct nvc_container {
        int32_t flags;                    /* container options (options.h) */
        struct nvc_container_config cfg;  /* owned copies, defaults filled in */
        char *lookup_root;                /* the rootfs as we reach it from the host's mount namespace */
        char *session_root;               /* the rootfs inside its mount namespace: cfg.rootfs, or "/"
                                           * once the container process has pivoted into it */
        uid_t uid;                        /* the container's owner */
        gid_t gid;
        char *mnt_ns;                     /* NULL in standalone mode: we are in its namespace */
        const struct cgroup_ops *cg_ops;  /* NULL with no-cgroups */
        char *dev_cg;
        struct mount_log *history;        /* every mount kept so far, for nvc_container_unmount */
        char **compat_libs;               /* the image's CUDA forward-compatibility libraries */
        size_t ncompat_libs;
};

/* The library calls that need nvc_init first start with this. */
int ctx_check_init(struct nvc_context *ctx);

/* The driver's version: with "lazy-nvml" from the driver root's proc tree
 * when it has one (NVML's needs nvmlInit), else from NVML. */
int ctx_rm_version(struct nvc_context *ctx, char **version);

#endif
