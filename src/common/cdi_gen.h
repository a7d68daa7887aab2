/* The CDI spec generator of `nvidia-ctk cdi generate` and of the runtime's
 * jit-cdi mode (NVIDIA's pkg/nvcdi, nvml and management modes): from what
 * the driver reports (GPUs, MIG devices, the driver version and the
 * directories of its libraries) and from the files of the driver root, a
 * spec whose common edits hold everything the GPUs share (control device
 * nodes, driver libraries, binaries, firmware, IPC sockets, config files,
 * hooks, NVIDIA_VISIBLE_DEVICES=void) and whose devices hold only their own
 * device nodes (plus the DRM nodes of a GPU and their by-path links).
 *
 * The driver facts come from libnvidia-container (src/ctk/discover.c fills
 * struct cdi_gen_driver); this code only looks at files, so it is tested on
 * hand-made driver roots. */
#ifndef COMMON_CDI_GEN_H
#define COMMON_CDI_GEN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/cdi.h"
#include "common/error.h"

/* One MIG device: GPU instance gi, compute instance ci, its position
 * (index) among its parent's MIG devices, and the minors of the
 * nvidia-caps nodes granting access to its GPU and compute instances
 * (-1 when the driver publishes no such node). */
struct cdi_gen_mig {
        unsigned index;
        unsigned gi;
        unsigned ci;
        const char *uuid; /* "MIG-..." */
        int gi_cap_minor;
        int ci_cap_minor;
};

struct cdi_gen_gpu {
        unsigned index;     /* NVML index */
        unsigned minor;     /* /dev/nvidia<minor> */
        const char *uuid;   /* "GPU-..." */
        const char *busid;  /* "00000000:3b:00.0" as NVML gives it */
        bool mig_enabled;   /* MIG mode on: the GPU itself is not a device of the nvml spec */
        const struct cdi_gen_mig *migs;
        size_t nmigs;
};

struct cdi_gen_driver {
        const char *version; /* NVRM version, "575.57.08" */
        const struct cdi_gen_gpu *gpus;
        size_t ngpus;
        /* Directories holding the driver's libraries (that of
         * libcuda.so.<version>, from the linker cache), as host paths under
         * the driver root, first the one to search first. */
        const char *const *lib_dirs;
        size_t nlib_dirs;
};

enum cdi_gen_mode {
        CDI_GEN_MODE_NVML,       /* a device per GPU and MIG device, plus "all" */
        CDI_GEN_MODE_MANAGEMENT, /* one device "all" with every node, for management containers;
                                  * no enable-cuda-compat hook, naming and device ids unused */
};

/* --device-name-strategy values. */
enum cdi_gen_naming {
        CDI_GEN_NAME_INDEX,      /* "0", "0:1" for MIG */
        CDI_GEN_NAME_UUID,       /* "GPU-...", "MIG-..." */
        CDI_GEN_NAME_TYPE_INDEX, /* "gpu0", "mig0:1" */
};

/* The hooks the generator may put in a spec (--disable-hook names).
 * create-symlinks covers the DRM by-path links of the devices too. */
enum cdi_gen_hook {
        CDI_GEN_HOOK_CREATE_SYMLINKS = 1u << 0,
        CDI_GEN_HOOK_ENABLE_CUDA_COMPAT = 1u << 1,
        CDI_GEN_HOOK_UPDATE_LDCACHE = 1u << 2,
        CDI_GEN_HOOK_DISABLE_DEVICE_NODE_MODIFICATION = 1u << 3,
        CDI_GEN_HOOK_ALL = 0xfu,
};

/* A hook name ("create-symlinks", ..., or "all") as its flag; 0 when
 * unknown. */
unsigned cdi_gen_hook_from_name(const char *name) __attribute__((nonnull));

enum cdi_gen_log_level {
        CDI_GEN_LOG_WARN,
        CDI_GEN_LOG_INFO,
        CDI_GEN_LOG_DEBUG,
};

struct cdi_gen_options {
        enum cdi_gen_mode mode;
        const char *driver_root;   /* NULL: "/" */
        const char *dev_root;      /* NULL: driver_root */
        const char *hook_path;     /* NULL: "/usr/bin/nvidia-cdi-hook"; a path ending in
                                    * "nvidia-ctk" gets args "nvidia-ctk hook NAME ..." */
        const char *ldconfig_path; /* NULL: no --ldconfig-path in update-ldcache */
        const char *vendor;        /* NULL: "nvidia.com" */
        const char *class;         /* NULL: "gpu" */
        /* Name strategies in the order given; none: index, then uuid. */
        const enum cdi_gen_naming *naming;
        size_t nnaming;
        /* Extra directories (host paths) searched for driver libraries
         * after driver->lib_dirs (--library-search-path). */
        const char *const *library_search_paths;
        size_t nlibrary_search_paths;
        unsigned disabled_hooks; /* CDI_GEN_HOOK_* */
        bool no_all_device;
        /* Only these devices (an index "0", a MIG index "0:1", or a UUID);
         * none: every GPU, or its MIG devices when in MIG mode. An id
         * naming a GPU in MIG mode gives the whole GPU. An id matching
         * nothing fails the call. */
        const char *const *device_ids;
        size_t ndevice_ids;
        /* Receives the INFO/WARN lines NVIDIA's generator logs ("Selecting
         * /dev/nvidia0 as /dev/nvidia0", "Could not locate ...", ...);
         * NULL: none. */
        void (*log)(void *data, enum cdi_gen_log_level level, const char *msg);
        void *log_data;
};

/* Builds the spec: kind vendor/class, cdiVersion the minimum its content
 * needs (cdi_spec_required_version), sorted (cdi_spec_sort), valid
 * (cdi_spec_validate). Missing optional files are logged and skipped, as
 * NVIDIA's generator does; a driver without a version, without libcuda in
 * any library directory, or a GPU or MIG device without its device nodes
 * is an error. Host paths are real paths (the roots resolved); a file that
 * resolves out of the driver root is skipped with a warning. */
int cdi_generate(struct error *err, const struct cdi_gen_options *opts, const struct cdi_gen_driver *driver,
                 struct cdi_spec **out) __attribute__((nonnull(1, 2, 3, 4)));

#endif
