/* State and helpers shared by the fake NVML's source files (all hidden). */
#ifndef FAKE_NVML_INTERNAL_H
#define FAKE_NVML_INTERNAL_H

#include "fakelib.h"
#include "nvml/nvml_abi.h"

/* Compute slices of a whole MIG-capable GPU, as on every real part. */
#define FULL_GPU_SLICES 7u

/* What an nvmlDevice_t points to.  Full GPUs and MIG devices live in two
 * separate library-owned arrays, so the array a handle points into says
 * which kind it is, and a foreign pointer is recognised as invalid. */
struct nvmlDevice_st {
        const struct fake_gpu *gpu;    /* the physical GPU (the parent for MIG) */
        const struct fake_mig *mig;    /* NULL for a full GPU */
        struct nvmlDevice_st *parent;  /* NULL for a full GPU */
        unsigned index;                /* visible GPU index (the parent's for MIG) */
        unsigned mig_index;            /* position among the parent's MIG devices */
};

/* A MIG device is one GPU instance holding one compute instance, so both
 * instance handles just name their MIG device. */
struct nvmlGpuInstance_st {
        struct nvmlDevice_st *mig_dev;
};
struct nvmlComputeInstance_st {
        struct nvmlDevice_st *mig_dev;
};

struct nvml_state {
        unsigned refcount;             /* nvmlInit calls minus nvmlShutdown calls */
        const struct fake_inventory *inv;
        unsigned gpu_count;
        unsigned mig_count[FAKE_MAX_GPUS];
        struct nvmlDevice_st gpus[FAKE_MAX_GPUS];
        struct nvmlDevice_st migs[FAKE_MAX_GPUS][FAKE_MAX_MIGS];
        struct nvmlGpuInstance_st gis[FAKE_MAX_GPUS][FAKE_MAX_MIGS];
        struct nvmlComputeInstance_st cis[FAKE_MAX_GPUS][FAKE_MAX_MIGS];
};

FAKE_HIDDEN extern struct nvml_state nvml_state;

/* NVML_SUCCESS once nvmlInit succeeded and until the last nvmlShutdown. */
FAKE_HIDDEN nvmlReturn_t nvml_initialized(void);

/* Resolves any device handle (GPU or MIG): UNINITIALIZED before init,
 * INVALID_ARGUMENT for NULL or foreign pointers. */
FAKE_HIDDEN nvmlReturn_t nvml_device(nvmlDevice_t handle, struct nvmlDevice_st **dev);

/* Like nvml_device, but MIG handles are INVALID_ARGUMENT. */
FAKE_HIDDEN nvmlReturn_t nvml_gpu(nvmlDevice_t handle, struct nvmlDevice_st **dev);

/* Copies an inventory string field into a caller buffer of length bytes:
 * INVALID_ARGUMENT for NULL, INSUFFICIENT_SIZE if it does not fit. */
FAKE_HIDDEN nvmlReturn_t nvml_copy_string(char *dst, unsigned int length, const char *src,
                                          size_t src_max);

/* True when p points at one of the elements of size elem in
 * [base, base + size): how handles are told from foreign pointers. */
FAKE_HIDDEN int nvml_points_into(const void *p, const void *base, size_t size, size_t elem);

#endif
