/* What the CDI generator needs to know about the driver (struct
 * cdi_gen_driver), asked of libnvidia-container through its public API
 * alone: the runtime's jit-cdi mode links this file against the shared
 * library, nvidia-ctk against a static copy. */
#ifndef CTK_DISCOVER_H
#define CTK_DISCOVER_H

#include <stdbool.h>

#include "common/cdi_gen.h"
#include "common/error.h"

struct nvc_driver_info;
struct nvc_device_info;

/* driver is what cdi_generate takes; its strings belong to the rest. */
struct ctk_discovery {
        struct cdi_gen_driver driver;
        /* Host path of the NVML library the driver's linker cache names
         * (NVIDIA's "Using <path>" line); NULL when the cache has none. */
        char *nvml_path;
        struct nvc_driver_info *drv;
        struct nvc_device_info *dev;
        struct cdi_gen_gpu *gpus;
        struct cdi_gen_mig *migs; /* every GPU's, gpus[i].migs points into it */
        char *lib_dir;
        const char *lib_dirs[1];
};

/* Queries the driver under driver_root (NULL: "/") and fills *d; paths are
 * host paths (under driver_root). A driver without libcuda.so.<version> in
 * its linker cache gets no library directory (the generator then fails).
 * On failure *d holds nothing to free. */
int ctk_discover(struct error *err, const char *driver_root, struct ctk_discovery *d) __attribute__((nonnull(1, 3)));

/* The same through a library context the caller initialized for that
 * driver root (the runtime's, so that one container start costs one driver
 * process). IDENTITY_ONLY: GPUs from the driver's proc tree, no GPU opened,
 * unless one is MIG-capable (a context with "lazy-nvml" then avoids NVML). */
struct nvc_context;
int ctk_discover_with(struct error *err, struct nvc_context *ctx, const char *driver_root, bool identity_only,
                      struct ctk_discovery *d) __attribute__((nonnull(1, 2, 5)));

void ctk_discovery_free(struct ctk_discovery *d) __attribute__((nonnull));

#endif
