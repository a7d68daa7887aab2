/* Device enumeration and identity: count, handles, UUID, name, PCI info,
 * minor number, compute capability, memory, attributes. */
#include "nvml/nvml_internal.h"

#include <stdio.h>
#include <string.h>

#define MIB (1024ULL * 1024ULL)

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount)
{
        nvmlReturn_t ret = nvml_initialized();

        if (ret != NVML_SUCCESS)
                return ret;
        if (deviceCount == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *deviceCount = nvml_state.gpu_count;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCount(unsigned int *deviceCount)
{
        return nvmlDeviceGetCount_v2(deviceCount);
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
{
        nvmlReturn_t ret = nvml_initialized();

        if (ret != NVML_SUCCESS)
                return ret;
        if (device == NULL || index >= nvml_state.gpu_count)
                return NVML_ERROR_INVALID_ARGUMENT;
        *device = &nvml_state.gpus[index];
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *device)
{
        return nvmlDeviceGetHandleByIndex_v2(index, device);
}

static int uuid_equal(const char *a, const char *field, size_t field_len)
{
        return strlen(a) == strnlen(field, field_len) && strncmp(a, field, field_len) == 0;
}

/* Also finds MIG devices, as the real NVML does for "MIG-..." UUIDs. */
nvmlReturn_t nvmlDeviceGetHandleByUUID(const char *uuid, nvmlDevice_t *device)
{
        nvmlReturn_t ret = nvml_initialized();

        if (ret != NVML_SUCCESS)
                return ret;
        if (uuid == NULL || device == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        for (unsigned i = 0; i < nvml_state.gpu_count; i++) {
                if (uuid_equal(uuid, nvml_state.gpus[i].gpu->uuid, FAKE_UUID_LEN)) {
                        *device = &nvml_state.gpus[i];
                        return NVML_SUCCESS;
                }
                for (unsigned j = 0; j < nvml_state.mig_count[i]; j++) {
                        if (uuid_equal(uuid, nvml_state.migs[i][j].mig->uuid, FAKE_UUID_LEN)) {
                                *device = &nvml_state.migs[i][j];
                                return NVML_SUCCESS;
                        }
                }
        }
        return NVML_ERROR_NOT_FOUND;
}

/* Accepts "domain:bus:device.function" with a 4- or 8-digit domain and
 * "bus:device.function", in any hex case, as the real lookup does. */
static int parse_bus_id(const char *s, unsigned *domain, unsigned *bus, unsigned *dev)
{
        unsigned fn;
        char tail;

        if (sscanf(s, "%x:%x:%x.%x%c", domain, bus, dev, &fn, &tail) == 4)
                return 0;
        *domain = 0;
        if (sscanf(s, "%x:%x.%x%c", bus, dev, &fn, &tail) == 3)
                return 0;
        return -1;
}

nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char *pciBusId, nvmlDevice_t *device)
{
        nvmlReturn_t ret = nvml_initialized();
        unsigned domain, bus, dev;

        if (ret != NVML_SUCCESS)
                return ret;
        if (pciBusId == NULL || device == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        if (parse_bus_id(pciBusId, &domain, &bus, &dev) != 0)
                return NVML_ERROR_INVALID_ARGUMENT;
        for (unsigned i = 0; i < nvml_state.gpu_count; i++) {
                const struct fake_gpu *g = nvml_state.gpus[i].gpu;

                if (g->pci_domain == domain && g->pci_bus == bus && g->pci_device == dev) {
                        *device = &nvml_state.gpus[i];
                        return NVML_SUCCESS;
                }
        }
        return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t nvmlDeviceGetHandleByPciBusId(const char *pciBusId, nvmlDevice_t *device)
{
        return nvmlDeviceGetHandleByPciBusId_v2(pciBusId, device);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (d->mig != NULL)
                return nvml_copy_string(uuid, length, d->mig->uuid, sizeof(d->mig->uuid));
        return nvml_copy_string(uuid, length, d->gpu->uuid, sizeof(d->gpu->uuid));
}

/* MIG devices are named after their parent and profile, like the real
 * "NVIDIA A100-SXM4-40GB MIG 1g.5gb". */
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);
        char buf[FAKE_NAME_LEN + 48];

        if (ret != NVML_SUCCESS)
                return ret;
        if (d->mig == NULL)
                return nvml_copy_string(name, length, d->gpu->name, sizeof(d->gpu->name));
        snprintf(buf, sizeof(buf), "%.*s MIG %.*s", (int)strnlen(d->gpu->name, FAKE_NAME_LEN),
                 d->gpu->name, (int)strnlen(d->mig->profile, sizeof(d->mig->profile)),
                 d->mig->profile);
        return nvml_copy_string(name, length, buf, sizeof(buf));
}

nvmlReturn_t nvmlDeviceGetBrand(nvmlDevice_t device, nvmlBrandType_t *type)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (type == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *type = (nvmlBrandType_t)d->gpu->brand;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetVbiosVersion(nvmlDevice_t device, char *version, unsigned int length)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        return nvml_copy_string(version, length, d->gpu->vbios, sizeof(d->gpu->vbios));
}

/* MIG devices report their parent's PCI identity. */
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);
        const struct fake_gpu *g;

        if (ret != NVML_SUCCESS)
                return ret;
        if (pci == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        g = d->gpu;
        memset(pci, 0, sizeof(*pci));
        pci->domain = g->pci_domain;
        pci->bus = g->pci_bus;
        pci->device = g->pci_device;
        pci->pciDeviceId = g->pci_device_id;
        pci->pciSubSystemId = g->pci_subsystem_id;
        snprintf(pci->busIdLegacy, sizeof(pci->busIdLegacy), NVML_DEVICE_PCI_BUS_ID_LEGACY_FMT,
                 g->pci_domain & 0xffffu, g->pci_bus, g->pci_device);
        snprintf(pci->busId, sizeof(pci->busId), NVML_DEVICE_PCI_BUS_ID_FMT, g->pci_domain,
                 g->pci_bus, g->pci_device);
        return NVML_SUCCESS;
}

/* The pre-v3 layout: one 16-byte bus id, necessarily the legacy form. */
nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfoLegacy_t *pci)
{
        nvmlPciInfo_t v3;
        nvmlReturn_t ret;

        if (pci == NULL)
                return nvmlDeviceGetPciInfo_v3(device, NULL);
        ret = nvmlDeviceGetPciInfo_v3(device, &v3);
        if (ret != NVML_SUCCESS)
                return ret;
        memset(pci, 0, sizeof(*pci));
        memcpy(pci->busId, v3.busIdLegacy, sizeof(pci->busId));
        pci->domain = v3.domain;
        pci->bus = v3.bus;
        pci->device = v3.device;
        pci->pciDeviceId = v3.pciDeviceId;
        pci->pciSubSystemId = v3.pciSubSystemId;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfoLegacy_t *pci)
{
        return nvmlDeviceGetPciInfo_v2(device, pci);
}

/* A MIG device shares its parent's /dev/nvidia<minor>. */
nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int *minorNumber)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (minorNumber == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *minorNumber = d->gpu->minor;
        return NVML_SUCCESS;
}

/* The index in this process's enumeration, not the host's: a container
 * given only GPU 2 sees it as index 0. */
nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int *index)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_gpu(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (index == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *index = d->index;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (major == NULL || minor == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *major = (int)d->gpu->cc_major;
        *minor = (int)d->gpu->cc_minor;
        return NVML_SUCCESS;
}

static unsigned long long total_bytes(const struct nvmlDevice_st *d)
{
        return (d->mig ? d->mig->memory_mib : d->gpu->memory_mib) * MIB;
}

/* Nothing ever allocates on a fake GPU: all memory is free. */
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (memory == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        memory->total = total_bytes(d);
        memory->free = memory->total;
        memory->used = 0;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (memory == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        if (memory->version != nvmlMemory_v2)
                return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
        memory->total = total_bytes(d);
        memory->reserved = 0;
        memory->free = memory->total;
        memory->used = 0;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t device, nvmlDeviceArchitecture_t *arch)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (arch == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *arch = d->gpu->arch;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetAttributes_v2(nvmlDevice_t device, nvmlDeviceAttributes_t *attributes)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (attributes == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        memset(attributes, 0, sizeof(*attributes));
        if (d->mig != NULL) {
                attributes->multiprocessorCount = d->mig->multiprocessors;
                attributes->gpuInstanceSliceCount = d->mig->slices;
                attributes->computeInstanceSliceCount = d->mig->slices;
                attributes->memorySizeMB = d->mig->memory_mib;
        } else {
                attributes->multiprocessorCount = d->gpu->multiprocessors;
                attributes->gpuInstanceSliceCount = d->gpu->mig_capable ? FULL_GPU_SLICES : 0;
                attributes->computeInstanceSliceCount = attributes->gpuInstanceSliceCount;
                attributes->memorySizeMB = d->gpu->memory_mib;
        }
        attributes->sharedCopyEngineCount = 1;
        attributes->sharedDecoderCount = 1;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetAttributes(nvmlDevice_t device, nvmlDeviceAttributesV1_t *attributes)
{
        nvmlDeviceAttributes_t v2;
        nvmlReturn_t ret;

        if (attributes == NULL)
                return nvmlDeviceGetAttributes_v2(device, NULL);
        ret = nvmlDeviceGetAttributes_v2(device, &v2);
        if (ret != NVML_SUCCESS)
                return ret;
        memcpy(attributes, &v2, sizeof(*attributes)); /* v1 is v2's prefix */
        return NVML_SUCCESS;
}
