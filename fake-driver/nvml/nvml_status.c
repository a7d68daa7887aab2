/* Live device status.  A fake GPU never runs anything, so these report a
 * plausible idle board: cool, in P8, drawing little power, no processes.
 * They exist because nvidia-smi's summary table and monitoring tools ask. */
#include "nvml/nvml_internal.h"

#define IDLE_TEMPERATURE_C 30u
#define IDLE_POWER_MW 12000u
#define POWER_LIMIT_MW 70000u
#define FAN_SPEED_PERCENT 30u

/* Resolves the handle and checks the output pointer in one step. */
static nvmlReturn_t lookup(nvmlDevice_t device, const void *out, struct nvmlDevice_st **d)
{
        nvmlReturn_t ret = nvml_device(device, d);

        if (ret == NVML_SUCCESS && out == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        return ret;
}

nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t device, nvmlEnableState_t *mode)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, mode, &d);

        if (ret == NVML_SUCCESS)
                *mode = NVML_FEATURE_DISABLED;
        return ret;
}

nvmlReturn_t nvmlDeviceGetDisplayActive(nvmlDevice_t device, nvmlEnableState_t *isActive)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, isActive, &d);

        if (ret == NVML_SUCCESS)
                *isActive = NVML_FEATURE_DISABLED;
        return ret;
}

nvmlReturn_t nvmlDeviceGetDisplayMode(nvmlDevice_t device, nvmlEnableState_t *display)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, display, &d);

        if (ret == NVML_SUCCESS)
                *display = NVML_FEATURE_DISABLED;
        return ret;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensorType,
                                      unsigned int *temp)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, temp, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (sensorType != NVML_TEMPERATURE_GPU)
                return NVML_ERROR_INVALID_ARGUMENT;
        *temp = IDLE_TEMPERATURE_C + d->index % 4;
        return NVML_SUCCESS;
}

/* Data-center (Tesla) boards are passively cooled and have no fan to report. */
nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t device, unsigned int *speed)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, speed, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (d->gpu->brand == FAKE_BRAND_TESLA || d->mig != NULL)
                return NVML_ERROR_NOT_SUPPORTED;
        *speed = FAN_SPEED_PERCENT;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t device, nvmlPstates_t *pState)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, pState, &d);

        if (ret == NVML_SUCCESS)
                *pState = NVML_PSTATE_8;
        return ret;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, power, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (d->mig != NULL)
                return NVML_ERROR_NOT_SUPPORTED;
        *power = IDLE_POWER_MW;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int *limit)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, limit, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (d->mig != NULL)
                return NVML_ERROR_NOT_SUPPORTED;
        *limit = POWER_LIMIT_MW;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit)
{
        return nvmlDeviceGetPowerManagementLimit(device, limit);
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, utilization, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (d->mig != NULL)
                return NVML_ERROR_NOT_SUPPORTED; /* as on real MIG devices */
        utilization->gpu = 0;
        utilization->memory = 0;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeMode(nvmlDevice_t device, nvmlComputeMode_t *mode)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, mode, &d);

        if (ret == NVML_SUCCESS)
                *mode = NVML_COMPUTEMODE_DEFAULT;
        return ret;
}

/* ECC is a data-center feature: on for Tesla boards, absent elsewhere. */
nvmlReturn_t nvmlDeviceGetEccMode(nvmlDevice_t device, nvmlEnableState_t *current,
                                  nvmlEnableState_t *pending)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, current, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (pending == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        if (d->gpu->brand != FAKE_BRAND_TESLA)
                return NVML_ERROR_NOT_SUPPORTED;
        *current = NVML_FEATURE_ENABLED;
        *pending = NVML_FEATURE_ENABLED;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, nvmlMemoryErrorType_t errorType,
                                         nvmlEccCounterType_t counterType,
                                         unsigned long long *eccCounts)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, eccCounts, &d);

        if (ret != NVML_SUCCESS)
                return ret;
        if (errorType >= NVML_MEMORY_ERROR_TYPE_COUNT || counterType >= NVML_ECC_COUNTER_TYPE_COUNT)
                return NVML_ERROR_INVALID_ARGUMENT;
        if (d->gpu->brand != FAKE_BRAND_TESLA)
                return NVML_ERROR_NOT_SUPPORTED;
        *eccCounts = 0;
        return NVML_SUCCESS;
}

/* No process ever runs on a fake GPU: an empty list. */
static nvmlReturn_t no_processes(nvmlDevice_t device, unsigned int *infoCount)
{
        struct nvmlDevice_st *d;
        nvmlReturn_t ret = lookup(device, infoCount, &d);

        if (ret == NVML_SUCCESS)
                *infoCount = 0;
        return ret;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount,
                                                     nvmlProcessInfo_t *infos)
{
        (void)infos;
        return no_processes(device, infoCount);
}

nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount,
                                                      nvmlProcessInfo_t *infos)
{
        (void)infos;
        return no_processes(device, infoCount);
}
