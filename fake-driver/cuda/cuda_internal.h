/* State shared by the fake libcuda's source files (all hidden). */
#ifndef FAKE_CUDA_INTERNAL_H
#define FAKE_CUDA_INTERNAL_H

#include "cuda/cuda_abi.h"
#include "fakelib.h"

/* One CUDA device: a full GPU, or a MIG device when its GPU is in MIG mode
 * (CUDA then enumerates the MIG devices instead of the GPU). */
struct cuda_device {
        const struct fake_gpu *gpu;
        const struct fake_mig *mig;   /* NULL for a full GPU */
};

#define CUDA_MAX_DEVICES (FAKE_MAX_GPUS * FAKE_MAX_MIGS)

/* The device behind an ordinal: CUDA_ERROR_NOT_INITIALIZED before a
 * successful cuInit, CUDA_ERROR_INVALID_DEVICE for a bad ordinal. */
FAKE_HIDDEN CUresult cuda_device(CUdevice dev, const struct cuda_device **out);

/* Applies CUDA_VISIBLE_DEVICES (indices or UUID prefixes, comma separated;
 * enumeration stops at the first invalid entry, as with the real driver)
 * to list[0..n), compacting it; returns the new count. */
FAKE_HIDDEN unsigned cuda_apply_visible_devices(struct cuda_device *list, unsigned n,
                                                const char *env);

#endif
