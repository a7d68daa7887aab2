/* nvidia-smi -L: one line per GPU, its MIG devices indented below it. */
#include "smi/smi.h"

#include <stdio.h>
#include <string.h>

/* Through the GPU instance and its profile, as NVML intends; the device
 * name ("... MIG 1g.5gb") is the fallback. */
void smi_mig_profile(nvmlDevice_t gpu, nvmlDevice_t mig, char *buf, size_t len)
{
        unsigned gi_id;
        nvmlGpuInstance_t gi;
        nvmlGpuInstanceInfo_t info;
        nvmlGpuInstanceProfileInfo_v2_t prof = { .version = nvmlGpuInstanceProfileInfo_v2 };
        char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
        const char *suffix;

        if (NV_CALL(nvmlDeviceGetGpuInstanceId, mig, &gi_id) == NVML_SUCCESS &&
            NV_CALL(nvmlDeviceGetGpuInstanceById, gpu, gi_id, &gi) == NVML_SUCCESS &&
            NV_CALL(nvmlGpuInstanceGetInfo, gi, &info) == NVML_SUCCESS &&
            NV_CALL(nvmlDeviceGetGpuInstanceProfileInfoV, gpu, info.profileId, &prof) == NVML_SUCCESS) {
                snprintf(buf, len, "%s", prof.name);
                return;
        }
        if (nv.nvmlDeviceGetName(mig, name, sizeof(name)) == NVML_SUCCESS &&
            (suffix = strstr(name, " MIG ")) != NULL)
                snprintf(buf, len, "%s", suffix + 1);
        else
                snprintf(buf, len, "MIG");
}

static void list_migs(nvmlDevice_t gpu)
{
        unsigned current, pending, max = 0, shown = 0;

        if (NV_CALL(nvmlDeviceGetMigMode, gpu, &current, &pending) != NVML_SUCCESS ||
            current != NVML_DEVICE_MIG_ENABLE ||
            NV_CALL(nvmlDeviceGetMaxMigDeviceCount, gpu, &max) != NVML_SUCCESS)
                return;
        for (unsigned i = 0; i < max; i++) {
                nvmlDevice_t mig;
                char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE], profile[NVML_DEVICE_NAME_V2_BUFFER_SIZE];

                if (NV_CALL(nvmlDeviceGetMigDeviceHandleByIndex, gpu, i, &mig) != NVML_SUCCESS ||
                    nv.nvmlDeviceGetUUID(mig, uuid, sizeof(uuid)) != NVML_SUCCESS)
                        continue;
                smi_mig_profile(gpu, mig, profile, sizeof(profile));
                printf("  %s     Device %2u: (UUID: %s)\n", profile, shown++, uuid);
        }
}

int smi_list(const struct smi_targets *targets)
{
        for (unsigned i = 0; i < targets->count; i++) {
                nvmlDevice_t gpu;
                char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE], uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE];

                if (nv.nvmlDeviceGetHandleByIndex_v2(targets->index[i], &gpu) != NVML_SUCCESS ||
                    nv.nvmlDeviceGetName(gpu, name, sizeof(name)) != NVML_SUCCESS ||
                    nv.nvmlDeviceGetUUID(gpu, uuid, sizeof(uuid)) != NVML_SUCCESS) {
                        printf("Unable to determine the device handle for GPU%u: Unknown Error\n",
                               targets->index[i]);
                        continue;
                }
                printf("GPU %u: %s (UUID: %s)\n", targets->index[i], name, uuid);
                list_migs(gpu);
        }
        return SMI_EXIT_OK;
}
