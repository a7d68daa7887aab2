/* Per-device queries: name, UUID, PCI bus id, attributes, memory. */
#include "cuda/cuda_internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define MIB (1024ULL * 1024ULL)

/* MIG devices are named like the real ones: "<GPU name> MIG 1g.5gb". */
CUresult cuDeviceGetName(char *name, int len, CUdevice dev)
{
        const struct cuda_device *d;
        CUresult ret = cuda_device(dev, &d);

        if (ret != CUDA_SUCCESS)
                return ret;
        if (name == NULL || len <= 0)
                return CUDA_ERROR_INVALID_VALUE;
        /* Truncates to len like the real call, which never fails on size. */
        if (d->mig == NULL)
                snprintf(name, (size_t)len, "%.*s", FAKE_NAME_LEN, d->gpu->name);
        else
                snprintf(name, (size_t)len, "%.*s MIG %.*s", FAKE_NAME_LEN, d->gpu->name,
                         (int)sizeof(d->mig->profile), d->mig->profile);
        return CUDA_SUCCESS;
}

static CUresult get_uuid(CUuuid *uuid, CUdevice dev, int mig_uuid)
{
        const struct cuda_device *d;
        CUresult ret = cuda_device(dev, &d);
        unsigned char bytes[16];

        if (ret != CUDA_SUCCESS)
                return ret;
        if (uuid == NULL)
                return CUDA_ERROR_INVALID_VALUE;
        if (mig_uuid && d->mig != NULL)
                fake_uuid_bytes(d->mig->uuid, sizeof(d->mig->uuid), bytes);
        else
                fake_uuid_bytes(d->gpu->uuid, sizeof(d->gpu->uuid), bytes);
        memcpy(uuid->bytes, bytes, sizeof(uuid->bytes));
        return CUDA_SUCCESS;
}

/* v1 predates MIG and identifies the physical GPU; v2 gives a MIG device
 * its own UUID. */
CUresult cuDeviceGetUuid(CUuuid *uuid, CUdevice dev)
{
        return get_uuid(uuid, dev, 0);
}

CUresult cuDeviceGetUuid_v2(CUuuid *uuid, CUdevice dev)
{
        return get_uuid(uuid, dev, 1);
}

/* CUDA's form has a 4-digit domain: "0000:01:00.0". */
CUresult cuDeviceGetPCIBusId(char *pciBusId, int len, CUdevice dev)
{
        const struct cuda_device *d;
        CUresult ret = cuda_device(dev, &d);

        if (ret != CUDA_SUCCESS)
                return ret;
        if (pciBusId == NULL || len <= 0)
                return CUDA_ERROR_INVALID_VALUE;
        snprintf(pciBusId, (size_t)len, "%04x:%02x:%02x.0", d->gpu->pci_domain, d->gpu->pci_bus,
                 d->gpu->pci_device);
        return CUDA_SUCCESS;
}

static unsigned multiprocessors(const struct cuda_device *d)
{
        return d->mig ? d->mig->multiprocessors : d->gpu->multiprocessors;
}

/* Fixed limits shared by every Volta-and-later part. */
static int architectural_limit(CUdevice_attribute attrib, int *value)
{
        switch (attrib) {
        case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: *value = 1024; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X: *value = 1024; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y: *value = 1024; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z: *value = 64; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: *value = INT_MAX; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y: *value = 65535; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z: *value = 65535; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: *value = 49152; return 1;
        case CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY: *value = 65536; return 1;
        case CU_DEVICE_ATTRIBUTE_WARP_SIZE: *value = 32; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_PITCH: *value = INT_MAX; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK: *value = 65536; return 1;
        case CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT: *value = 512; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR: *value = 65536; return 1;
        case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR: *value = 65536; return 1;
        default: return 0;
        }
}

/* Capabilities a discrete data-center board has (boolean attributes). */
static int board_feature(CUdevice_attribute attrib, int *value)
{
        switch (attrib) {
        case CU_DEVICE_ATTRIBUTE_GPU_OVERLAP:
        case CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY:
        case CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS:
        case CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING:
        case CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY:
        case CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS:
        case CU_DEVICE_ATTRIBUTE_COMPUTE_PREEMPTION_SUPPORTED:
                *value = 1;
                return 1;
        case CU_DEVICE_ATTRIBUTE_KERNEL_EXEC_TIMEOUT:
        case CU_DEVICE_ATTRIBUTE_INTEGRATED:
        case CU_DEVICE_ATTRIBUTE_COMPUTE_MODE:   /* CU_COMPUTEMODE_DEFAULT */
        case CU_DEVICE_ATTRIBUTE_TCC_DRIVER:
        case CU_DEVICE_ATTRIBUTE_MULTI_GPU_BOARD:
                *value = 0;
                return 1;
        default:
                return 0;
        }
}

/* Attributes that come from the inventory. */
static int inventory_value(const struct cuda_device *d, CUdevice_attribute attrib, int *value)
{
        const struct fake_gpu *g = d->gpu;

        switch (attrib) {
        case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: *value = (int)multiprocessors(d); return 1;
        case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *value = (int)g->cc_major; return 1;
        case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *value = (int)g->cc_minor; return 1;
        case CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID: *value = (int)g->pci_domain; return 1;
        case CU_DEVICE_ATTRIBUTE_PCI_BUS_ID: *value = (int)g->pci_bus; return 1;
        case CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID: *value = (int)g->pci_device; return 1;
        case CU_DEVICE_ATTRIBUTE_ECC_ENABLED: *value = g->brand == FAKE_BRAND_TESLA; return 1;
        /* Turing (7.5) halved the resident threads per SM. */
        case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR:
                *value = g->cc_major == 7 && g->cc_minor == 5 ? 1024 : 2048;
                return 1;
        /* Board figures of a T4, the default fake; plausible for others. */
        case CU_DEVICE_ATTRIBUTE_CLOCK_RATE: *value = 1590000; return 1;
        case CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE: *value = 5001000; return 1;
        case CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH: *value = 256; return 1;
        case CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE: *value = 4194304; return 1;
        case CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT: *value = 3; return 1;
        default: return 0;
        }
}

CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev)
{
        const struct cuda_device *d;
        CUresult ret = cuda_device(dev, &d);

        if (ret != CUDA_SUCCESS)
                return ret;
        if (pi == NULL)
                return CUDA_ERROR_INVALID_VALUE;
        if (inventory_value(d, attrib, pi) || architectural_limit(attrib, pi) ||
            board_feature(attrib, pi))
                return CUDA_SUCCESS;
        return CUDA_ERROR_INVALID_VALUE;
}

CUresult cuDeviceComputeCapability(int *major, int *minor, CUdevice dev)
{
        const struct cuda_device *d;
        CUresult ret = cuda_device(dev, &d);

        if (ret != CUDA_SUCCESS)
                return ret;
        if (major == NULL || minor == NULL)
                return CUDA_ERROR_INVALID_VALUE;
        *major = (int)d->gpu->cc_major;
        *minor = (int)d->gpu->cc_minor;
        return CUDA_SUCCESS;
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
{
        const struct cuda_device *d;
        CUresult ret = cuda_device(dev, &d);
        unsigned long long total;

        if (ret != CUDA_SUCCESS)
                return ret;
        if (bytes == NULL)
                return CUDA_ERROR_INVALID_VALUE;
        total = (d->mig ? d->mig->memory_mib : d->gpu->memory_mib) * MIB;
        /* A 32-bit process cannot express more than SIZE_MAX. */
        *bytes = total > SIZE_MAX ? SIZE_MAX : (size_t)total;
        return CUDA_SUCCESS;
}

/* The original entry point took an unsigned int; larger sizes saturate. */
CUresult cuDeviceTotalMem(unsigned int *bytes, CUdevice dev)
{
        size_t total;
        CUresult ret;

        if (bytes == NULL)
                return cuDeviceTotalMem_v2(NULL, dev);
        ret = cuDeviceTotalMem_v2(&total, dev);
        if (ret == CUDA_SUCCESS)
                *bytes = total > UINT_MAX ? UINT_MAX : (unsigned int)total;
        return ret;
}
