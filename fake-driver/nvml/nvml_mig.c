/* Multi-Instance GPU queries.  Each inventory MIG device is one GPU instance
 * with one compute instance; only the MIG devices this process can see (see
 * fake_probe) get handles.  MIG calls on GPUs without MIG support or with
 * MIG disabled return NVML_ERROR_NOT_SUPPORTED, as NVML documents. */
#include "nvml/nvml_internal.h"

#include <stdio.h>
#include <string.h>

/* A full GPU handle whose MIG mode is on. */
static nvmlReturn_t mig_parent(nvmlDevice_t device, struct nvmlDevice_st **d)
{
        nvmlReturn_t ret = nvml_gpu(device, d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (!(*d)->gpu->mig_capable || !(*d)->gpu->mig_enabled)
                return NVML_ERROR_NOT_SUPPORTED;
        return NVML_SUCCESS;
}

/* A MIG device handle. */
static nvmlReturn_t mig_device(nvmlDevice_t device, struct nvmlDevice_st **d)
{
        nvmlReturn_t ret = nvml_device(device, d);

        if (ret == NVML_SUCCESS && (*d)->mig == NULL)
                return NVML_ERROR_NOT_SUPPORTED;
        return ret;
}

static nvmlReturn_t gpu_instance(nvmlGpuInstance_t gi, struct nvmlDevice_st **d)
{
        nvmlReturn_t ret = nvml_initialized();

        if (ret != NVML_SUCCESS)
                return ret;
        if (gi == NULL || !nvml_points_into(gi, nvml_state.gis, sizeof(nvml_state.gis),
                                            sizeof(nvml_state.gis[0][0])) || gi->mig_dev == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *d = gi->mig_dev;
        return NVML_SUCCESS;
}

static nvmlReturn_t compute_instance(nvmlComputeInstance_t ci, struct nvmlDevice_st **d)
{
        nvmlReturn_t ret = nvml_initialized();

        if (ret != NVML_SUCCESS)
                return ret;
        if (ci == NULL || !nvml_points_into(ci, nvml_state.cis, sizeof(nvml_state.cis),
                                            sizeof(nvml_state.cis[0][0])) || ci->mig_dev == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *d = ci->mig_dev;
        return NVML_SUCCESS;
}

/* The compute-instance profile spanning a whole GPU instance of n slices. */
static unsigned ci_profile(unsigned slices)
{
        switch (slices) {
        case 1: return NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE;
        case 2: return NVML_COMPUTE_INSTANCE_PROFILE_2_SLICE;
        case 3: return NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE;
        case 4: return NVML_COMPUTE_INSTANCE_PROFILE_4_SLICE;
        case 6: return NVML_COMPUTE_INSTANCE_PROFILE_6_SLICE;
        case 8: return NVML_COMPUTE_INSTANCE_PROFILE_8_SLICE;
        default: return NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE;
        }
}

/* Memory slices before this MIG device, in inventory order. */
static unsigned placement_start(const struct nvmlDevice_st *d)
{
        unsigned start = 0;

        for (const struct fake_mig *m = d->gpu->migs; m < d->mig; m++)
                start += m->slices;
        return start;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *currentMode,
                                  unsigned int *pendingMode)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_gpu(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (currentMode == NULL || pendingMode == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        if (!d->gpu->mig_capable)
                return NVML_ERROR_NOT_SUPPORTED;
        *currentMode = d->gpu->mig_enabled ? NVML_DEVICE_MIG_ENABLE : NVML_DEVICE_MIG_DISABLE;
        *pendingMode = *currentMode;
        return NVML_SUCCESS;
}

/* The maximum a MIG-capable GPU can hold, not how many exist: callers walk
 * 0..max and skip NOT_FOUND slots, as with the real library. */
nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int *count)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_gpu(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (count == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        if (!d->gpu->mig_capable)
                return NVML_ERROR_NOT_SUPPORTED;
        *count = FAKE_MAX_MIGS;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index,
                                                 nvmlDevice_t *migDevice)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = mig_parent(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (migDevice == NULL || index >= FAKE_MAX_MIGS)
                return NVML_ERROR_INVALID_ARGUMENT;
        if (index >= nvml_state.mig_count[d->index])
                return NVML_ERROR_NOT_FOUND;
        *migDevice = &nvml_state.migs[d->index][index];
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned int *isMigDevice)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = nvml_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (isMigDevice == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *isMigDevice = d->mig != NULL;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int *id)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = mig_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (id == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *id = d->mig->gi_id;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int *id)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = mig_device(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (id == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *id = d->mig->ci_id;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t migDevice,
                                                          nvmlDevice_t *device)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = mig_device(migDevice, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (device == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        *device = d->parent;
        return NVML_SUCCESS;
}

/* The profile's description, taken from the first inventory MIG device of
 * that profile (profiles are static for a GPU, whether visible or not). */
static const struct fake_mig *find_profile(const struct fake_gpu *gpu, unsigned profile)
{
        unsigned n = gpu->mig_count < FAKE_MAX_MIGS ? gpu->mig_count : FAKE_MAX_MIGS;

        for (unsigned i = 0; i < n; i++) {
                if (gpu->migs[i].gi_profile_id == profile)
                        return &gpu->migs[i];
        }
        return NULL;
}

static nvmlReturn_t profile_info(nvmlDevice_t device, unsigned profile, const void *info,
                                 const struct fake_mig **mig)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = mig_parent(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (info == NULL || profile >= NVML_GPU_INSTANCE_PROFILE_COUNT)
                return NVML_ERROR_INVALID_ARGUMENT;
        *mig = find_profile(d->gpu, profile);
        return *mig ? NVML_SUCCESS : NVML_ERROR_NOT_SUPPORTED;
}

static void fill_profile(const struct fake_mig *m, unsigned profile, nvmlGpuInstanceProfileInfo_t *info)
{
        unsigned slices = m->slices ? m->slices : 1;

        memset(info, 0, sizeof(*info));
        info->id = profile;
        info->sliceCount = slices;
        info->instanceCount = slices <= FULL_GPU_SLICES ? FULL_GPU_SLICES / slices : 1;
        info->multiprocessorCount = m->multiprocessors;
        info->copyEngineCount = slices;
        info->decoderCount = slices / 2;
        info->jpegCount = slices == FULL_GPU_SLICES ? 1 : 0;
        info->ofaCount = slices == FULL_GPU_SLICES ? 1 : 0;
        info->memorySizeMB = m->memory_mib;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfo(nvmlDevice_t device, unsigned int profile,
                                                 nvmlGpuInstanceProfileInfo_t *info)
{
        const struct fake_mig *m;
        nvmlReturn_t ret = profile_info(device, profile, info, &m);

        if (ret == NVML_SUCCESS)
                fill_profile(m, profile, info);
        return ret;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoV(nvmlDevice_t device, unsigned int profile,
                                                  nvmlGpuInstanceProfileInfo_v2_t *info)
{
        const struct fake_mig *m;
        nvmlGpuInstanceProfileInfo_t v1;
        nvmlReturn_t ret = profile_info(device, profile, info, &m);

        if (ret != NVML_SUCCESS)
                return ret;
        if (info->version != nvmlGpuInstanceProfileInfo_v2)
                return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
        fill_profile(m, profile, &v1);
        memset(info, 0, sizeof(*info));
        info->version = nvmlGpuInstanceProfileInfo_v2;
        info->id = v1.id;
        info->isP2pSupported = v1.isP2pSupported;
        info->sliceCount = v1.sliceCount;
        info->instanceCount = v1.instanceCount;
        info->multiprocessorCount = v1.multiprocessorCount;
        info->copyEngineCount = v1.copyEngineCount;
        info->decoderCount = v1.decoderCount;
        info->encoderCount = v1.encoderCount;
        info->jpegCount = v1.jpegCount;
        info->ofaCount = v1.ofaCount;
        info->memorySizeMB = v1.memorySizeMB;
        snprintf(info->name, sizeof(info->name), "MIG %.*s",
                 (int)strnlen(m->profile, sizeof(m->profile)), m->profile);
        return NVML_SUCCESS;
}

/* Writes the visible GPU instances of a profile; the caller sizes the
 * array by the profile's instanceCount, as NVML requires. */
nvmlReturn_t nvmlDeviceGetGpuInstances(nvmlDevice_t device, unsigned int profileId,
                                       nvmlGpuInstance_t *gpuInstances, unsigned int *count)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = mig_parent(device, &d);
        unsigned n = 0;

        if (ret != NVML_SUCCESS)
                return ret;
        if (gpuInstances == NULL || count == NULL || profileId >= NVML_GPU_INSTANCE_PROFILE_COUNT)
                return NVML_ERROR_INVALID_ARGUMENT;
        for (unsigned j = 0; j < nvml_state.mig_count[d->index]; j++) {
                if (nvml_state.migs[d->index][j].mig->gi_profile_id == profileId)
                        gpuInstances[n++] = &nvml_state.gis[d->index][j];
        }
        *count = n;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceById(nvmlDevice_t device, unsigned int id,
                                          nvmlGpuInstance_t *gpuInstance)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = mig_parent(device, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (gpuInstance == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        for (unsigned j = 0; j < nvml_state.mig_count[d->index]; j++) {
                if (nvml_state.migs[d->index][j].mig->gi_id == id) {
                        *gpuInstance = &nvml_state.gis[d->index][j];
                        return NVML_SUCCESS;
                }
        }
        return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t nvmlGpuInstanceGetInfo(nvmlGpuInstance_t gpuInstance, nvmlGpuInstanceInfo_t *info)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = gpu_instance(gpuInstance, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (info == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        memset(info, 0, sizeof(*info));
        info->device = d->parent;
        info->id = d->mig->gi_id;
        info->profileId = d->mig->gi_profile_id;
        info->placement.start = placement_start(d);
        info->placement.size = d->mig->slices;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlGpuInstanceGetComputeInstances(nvmlGpuInstance_t gpuInstance,
                                                unsigned int profileId,
                                                nvmlComputeInstance_t *computeInstances,
                                                unsigned int *count)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = gpu_instance(gpuInstance, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (computeInstances == NULL || count == NULL ||
            profileId >= NVML_COMPUTE_INSTANCE_PROFILE_COUNT)
                return NVML_ERROR_INVALID_ARGUMENT;
        *count = 0;
        if (ci_profile(d->mig->slices) == profileId) {
                computeInstances[0] = &nvml_state.cis[d->index][d->mig_index];
                *count = 1;
        }
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlGpuInstanceGetComputeInstanceById(nvmlGpuInstance_t gpuInstance, unsigned int id,
                                                   nvmlComputeInstance_t *computeInstance)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = gpu_instance(gpuInstance, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (computeInstance == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        if (d->mig->ci_id != id)
                return NVML_ERROR_NOT_FOUND;
        *computeInstance = &nvml_state.cis[d->index][d->mig_index];
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlComputeInstanceGetInfo_v2(nvmlComputeInstance_t computeInstance,
                                           nvmlComputeInstanceInfo_t *info)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = compute_instance(computeInstance, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (info == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        memset(info, 0, sizeof(*info));
        info->device = d->parent;
        info->gpuInstance = &nvml_state.gis[d->index][d->mig_index];
        info->id = d->mig->ci_id;
        info->profileId = ci_profile(d->mig->slices);
        info->placement.start = 0;
        info->placement.size = d->mig->slices;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlComputeInstanceGetInfo(nvmlComputeInstance_t computeInstance,
                                        nvmlComputeInstanceInfoV1_t *info)
{
        nvmlComputeInstanceInfo_t v2;
        nvmlReturn_t ret;

        if (info == NULL)
                return nvmlComputeInstanceGetInfo_v2(computeInstance, NULL);
        ret = nvmlComputeInstanceGetInfo_v2(computeInstance, &v2);
        if (ret != NVML_SUCCESS)
                return ret;
        info->device = v2.device;
        info->gpuInstance = v2.gpuInstance;
        info->id = v2.id;
        info->profileId = v2.profileId;
        return NVML_SUCCESS;
}
