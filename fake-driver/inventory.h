/* The fake driver's GPU inventory: the contract between the setup tool, which
 * writes it, and the fake libnvidia-ml / libcuda, which read it.
 *
 * The inventory travels inside the library files themselves (section
 * FAKE_INVENTORY_SECTION), because a container receives those files by bind
 * mount or CDI mount but never the driver root or its /proc tree.  The layout
 * uses only 32-bit integers and char arrays so that the 64-bit and the 32-bit
 * (compat32) builds of a library read the same bytes. */
#ifndef FAKE_INVENTORY_H
#define FAKE_INVENTORY_H

#include <stdint.h>

#define FAKE_INVENTORY_SECTION ".nvfake_inventory"
#define FAKE_INVENTORY_MAGIC "NVFAKE-INVENTORY"  /* 16 bytes, no NUL kept */
#define FAKE_INVENTORY_VERSION 2u
#define FAKE_MAX_GPUS 64
#define FAKE_MAX_MIGS 7
#define FAKE_NAME_LEN 96
#define FAKE_UUID_LEN 80
#define FAKE_BUSID_LEN 32
#define FAKE_VERSION_LEN 32

/* NVML brand enum values (nvmlBrandType_t). */
enum fake_brand {
        FAKE_BRAND_UNKNOWN = 0,
        FAKE_BRAND_QUADRO = 1,
        FAKE_BRAND_TESLA = 2,
        FAKE_BRAND_NVS = 3,
        FAKE_BRAND_GRID = 4,
        FAKE_BRAND_GEFORCE = 5,
        FAKE_BRAND_TITAN = 6,
        FAKE_BRAND_NVIDIA = 14,
};

/* NVML architecture enum values (nvmlDeviceArchitecture_t). */
enum fake_arch {
        FAKE_ARCH_KEPLER = 2,
        FAKE_ARCH_MAXWELL = 3,
        FAKE_ARCH_PASCAL = 4,
        FAKE_ARCH_VOLTA = 5,
        FAKE_ARCH_TURING = 6,
        FAKE_ARCH_AMPERE = 7,
        FAKE_ARCH_ADA = 8,
        FAKE_ARCH_HOPPER = 9,
        FAKE_ARCH_BLACKWELL = 10,
};

/* One MIG device: a GPU instance with one compute instance. */
struct fake_mig {
        char uuid[FAKE_UUID_LEN];        /* "MIG-<gpu>-<n>-FAKE-UUID" */
        char profile[32];                /* "1g.5gb" */
        uint32_t gi_id;                  /* GPU instance id */
        uint32_t ci_id;                  /* compute instance id (0) */
        uint32_t gi_profile_id;          /* NVML_GPU_INSTANCE_PROFILE_* */
        uint32_t slices;                 /* memory/SM slices out of 7 (8 on some) */
        uint32_t memory_mib;
        uint32_t multiprocessors;
        uint32_t access_minor;           /* nvidia-caps minor of gi<N>/access */
        uint32_t ci_access_minor;        /* nvidia-caps minor of gi<N>/ci<M>/access */
};

struct fake_gpu {
        char name[FAKE_NAME_LEN];        /* "NVIDIA Tesla T4" */
        char uuid[FAKE_UUID_LEN];        /* "GPU-0-FAKE-UUID" */
        char busid[FAKE_BUSID_LEN];      /* NVML form "00000000:01:00.0" */
        char vbios[32];
        uint32_t index;
        uint32_t minor;                  /* /dev/nvidia<minor> */
        uint32_t brand;                  /* enum fake_brand */
        uint32_t arch;                   /* enum fake_arch */
        uint32_t cc_major, cc_minor;
        uint32_t memory_mib;
        uint32_t pci_domain, pci_bus, pci_device;
        uint32_t pci_device_id;          /* (device << 16) | 0x10de */
        uint32_t pci_subsystem_id;
        uint32_t multiprocessors;
        uint32_t mig_capable;
        uint32_t mig_enabled;
        uint32_t mig_count;
        uint32_t open_delay_ms;          /* each open of the node first takes this long */
        struct fake_mig migs[FAKE_MAX_MIGS];
};

struct fake_inventory {
        char magic[16];                  /* FAKE_INVENTORY_MAGIC, once stamped */
        uint32_t version;                /* FAKE_INVENTORY_VERSION */
        uint32_t gpu_count;
        char driver_version[FAKE_VERSION_LEN];  /* "575.57.08" */
        uint32_t cuda_version;           /* CUDA driver API version, 12020 for 12.2 */
        uint32_t nvml_major;             /* NVML major version (12) */
        uint32_t mig_config_minor;       /* nvidia-caps minors of the global caps */
        uint32_t mig_monitor_minor;
        struct fake_gpu gpus[FAKE_MAX_GPUS];
};

#endif
