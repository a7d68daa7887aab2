/* The driver process: NVML is only ever loaded in a child that is chrooted
 * into the driver root, runs unprivileged with no capabilities, and answers
 * queries over ONC RPC on a socketpair (driver.c, nvml_rpc.x). Every call
 * carries a timeout; errors (NVML codes and messages, RPC failures) come
 * back in *err. */
#ifndef NVC_DRIVER_H
#define NVC_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

struct driver;

/* One MIG device of a GPU. */
struct driver_mig {
        char *uuid;
        unsigned int gi;  /* GPU instance id */
        unsigned int ci;  /* compute instance id */
};

/* One GPU, with its fields already in libnvidia-container's formats. */
struct driver_device {
        char *model;   /* "NVIDIA Tesla T4" */
        char *uuid;    /* "GPU-..." */
        char *busid;   /* "00000000:01:00.0" */
        char *arch;    /* compute capability, "7.5" */
        char *brand;   /* "Tesla" */
        unsigned int minor;
        bool mig_capable;
        bool mig_enabled;
        struct driver_mig *migs;  /* listed only when MIG is enabled */
        size_t nmigs;
};

/* Starts the child for the driver root; uid/gid are its identity. LAZY
 * leaves nvmlInit (which opens every GPU) to the first query needing it. */
int driver_new(struct driver **drv, struct error *err, const char *root, uid_t uid, gid_t gid, bool lazy);
/* Shuts NVML down and reaps the child, whatever state it is in. */
int driver_free(struct driver *drv, struct error *err);

/* "575.57.08" */
int driver_get_rm_version(struct driver *drv, struct error *err, char **version);
/* "12.2" */
int driver_get_cuda_version(struct driver *drv, struct error *err, char **version);
/* The number of GPUs NVML sees (nvmlDeviceGetCount_v2). */
int driver_get_device_count(struct driver *drv, struct error *err, unsigned int *count);
/* Everything about the GPU at NVML index idx, in one round trip; on success
 * *dev owns its strings (driver_device_clear frees them). */
int driver_get_device(struct driver *drv, struct error *err, unsigned int idx, struct driver_device *dev);
void driver_device_clear(struct driver_device *dev);

/* The formats libnvidia-container gives NVML's values, exposed for tests. */
/* nvmlBrandType_t -> "Tesla", "GeForce", "NVIDIA", ...; "Unknown" otherwise. */
const char *driver_brand_name(int brand);
/* NVML's CUDA version integer -> "major.minor" (12020 -> "12.2"). */
int driver_format_cuda_version(struct error *err, int version, char **str);
/* Compute capability -> "major.minor" (7, 5 -> "7.5"). */
int driver_format_arch(struct error *err, int major, int minor, char **str);
/* PCI location -> "%08x:%02x:%02x.0" (function 0, as upstream prints it). */
int driver_format_busid(struct error *err, unsigned int domain, unsigned int bus, unsigned int device, char **str);
/* nvmlDeviceGetMigMode's result -> capable (the call works) and enabled (on,
 * with no change pending). "Not supported" and "function not found" mean no
 * MIG; any other failure returns -1. */
int driver_mig_mode(int nvml_ret, unsigned int current, unsigned int pending, bool *capable, bool *enabled);

#endif
