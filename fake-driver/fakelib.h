/* Internal interface shared by the fake libnvidia-ml and the fake libcuda:
 * the stamped GPU inventory and the /dev probe that decides which GPUs this
 * process can see.  Everything here is hidden: the libraries must export
 * nothing but the NVIDIA API. */
#ifndef FAKE_FAKELIB_H
#define FAKE_FAKELIB_H

#include <stddef.h>

#include "inventory.h"

#define FAKE_HIDDEN __attribute__((visibility("hidden")))

/* Outcome of opening a device node, as the real driver stack sees it. */
enum fake_node {
        FAKE_NODE_OK,      /* ENXIO (no kernel driver behind it) or opened */
        FAKE_NODE_ABSENT,  /* ENOENT and anything else: not given to us */
        FAKE_NODE_DENIED,  /* EPERM/EACCES: the device cgroup refused it */
};

/* Why a probe failed.  Each library maps these onto its own error codes. */
enum fake_status {
        FAKE_OK,
        FAKE_NO_DRIVER,    /* /dev/nvidiactl missing */
        FAKE_UNSTAMPED,    /* no valid inventory in the library file */
        FAKE_DENIED,       /* nvidiactl or a present GPU node gave EPERM */
};

/* Which MIG devices count as visible.  NVML also shows every MIG device
 * when the global "mig monitor" capability is accessible (that is how a
 * host admin sees them all); CUDA needs the per-instance access caps. */
enum fake_mig_policy {
        FAKE_MIG_MONITOR,
        FAKE_MIG_USE,
};

struct fake_visible_gpu {
        const struct fake_gpu *gpu;
        unsigned mig_count;                        /* visible MIG devices */
        const struct fake_mig *migs[FAKE_MAX_MIGS];
};

/* The GPUs one process sees, renumbered 0..count-1 in minor order. */
struct fake_view {
        const struct fake_inventory *inv;
        unsigned count;
        struct fake_visible_gpu gpus[FAKE_MAX_GPUS];
};

/* The stamped inventory, or NULL while the library is still unstamped. */
FAKE_HIDDEN const struct fake_inventory *fake_inventory_get(void);

/* Opens path O_RDWR and classifies the result; errno is preserved. */
FAKE_HIDDEN enum fake_node fake_node_probe(const char *path);

/* Fills *view from the inventory and /dev.  On failure view->count is 0. */
FAKE_HIDDEN enum fake_status fake_probe(struct fake_view *view, enum fake_mig_policy policy);

/* The 16 raw UUID bytes CUDA reports for an inventory UUID string: the hex
 * digits of a canonical "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", or for the
 * fake's readable UUIDs ("GPU-0-FAKE-UUID") the text after the prefix,
 * NUL-padded, so that a tool printing the bytes can get the name back. */
FAKE_HIDDEN void fake_uuid_bytes(const char *uuid, size_t max, unsigned char out[16]);

#endif
