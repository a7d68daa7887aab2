/* The fake nvidia-smi: shared declarations.  Like the real tool it reaches
 * the driver only through libnvidia-ml.so.1, loaded with dlopen. */
#ifndef FAKE_SMI_H
#define FAKE_SMI_H

#include "nvml/nvml_abi.h"

/* Exit codes documented by nvidia-smi(1). */
enum {
        SMI_EXIT_OK = 0,
        SMI_EXIT_BAD_ARGUMENT = 2,
        SMI_EXIT_NO_PERMISSION = 4,
        SMI_EXIT_NOT_FOUND = 6,
        SMI_EXIT_DRIVER_NOT_LOADED = 9,
        SMI_EXIT_LIBRARY_NOT_FOUND = 12,
        SMI_EXIT_FUNCTION_NOT_FOUND = 13,
        SMI_EXIT_VERSION_MISMATCH = 18,
        SMI_EXIT_OTHER = 255,
};

/* Pointers into the loaded libnvidia-ml, named after the symbols. */
#define SMI_NVML_FN(name) __typeof__(name) *name
struct smi_nvml {
        void *lib;
        /* required */
        SMI_NVML_FN(nvmlInit_v2);
        SMI_NVML_FN(nvmlShutdown);
        SMI_NVML_FN(nvmlErrorString);
        SMI_NVML_FN(nvmlSystemGetDriverVersion);
        SMI_NVML_FN(nvmlDeviceGetCount_v2);
        SMI_NVML_FN(nvmlDeviceGetHandleByIndex_v2);
        SMI_NVML_FN(nvmlDeviceGetName);
        SMI_NVML_FN(nvmlDeviceGetUUID);
        SMI_NVML_FN(nvmlDeviceGetPciInfo_v3);
        SMI_NVML_FN(nvmlDeviceGetMemoryInfo);
        /* optional: a missing one reads as "not supported" */
        SMI_NVML_FN(nvmlSystemGetCudaDriverVersion);
        SMI_NVML_FN(nvmlDeviceGetHandleByUUID);
        SMI_NVML_FN(nvmlDeviceGetHandleByPciBusId_v2);
        SMI_NVML_FN(nvmlDeviceGetIndex);
        SMI_NVML_FN(nvmlDeviceGetVbiosVersion);
        SMI_NVML_FN(nvmlDeviceGetCudaComputeCapability);
        SMI_NVML_FN(nvmlDeviceGetPersistenceMode);
        SMI_NVML_FN(nvmlDeviceGetDisplayActive);
        SMI_NVML_FN(nvmlDeviceGetFanSpeed);
        SMI_NVML_FN(nvmlDeviceGetTemperature);
        SMI_NVML_FN(nvmlDeviceGetPerformanceState);
        SMI_NVML_FN(nvmlDeviceGetPowerUsage);
        SMI_NVML_FN(nvmlDeviceGetEnforcedPowerLimit);
        SMI_NVML_FN(nvmlDeviceGetUtilizationRates);
        SMI_NVML_FN(nvmlDeviceGetComputeMode);
        SMI_NVML_FN(nvmlDeviceGetEccMode);
        SMI_NVML_FN(nvmlDeviceGetTotalEccErrors);
        SMI_NVML_FN(nvmlDeviceGetComputeRunningProcesses_v3);
        SMI_NVML_FN(nvmlDeviceGetMigMode);
        SMI_NVML_FN(nvmlDeviceGetMaxMigDeviceCount);
        SMI_NVML_FN(nvmlDeviceGetMigDeviceHandleByIndex);
        SMI_NVML_FN(nvmlDeviceGetGpuInstanceId);
        SMI_NVML_FN(nvmlDeviceGetComputeInstanceId);
        SMI_NVML_FN(nvmlDeviceGetGpuInstanceById);
        SMI_NVML_FN(nvmlGpuInstanceGetInfo);
        SMI_NVML_FN(nvmlDeviceGetGpuInstanceProfileInfoV);
        SMI_NVML_FN(nvmlDeviceGetAttributes_v2);
};

extern struct smi_nvml nv;

/* Calls an optional entry point, or reports it missing. */
#define NV_CALL(fn, ...) (nv.fn ? nv.fn(__VA_ARGS__) : NVML_ERROR_FUNCTION_NOT_FOUND)

/* The GPUs the command operates on (all, or those chosen with -i). */
struct smi_targets {
        unsigned count;
        unsigned index[64];
};

/* nvml_load.c: dlopen + dlsym.  0, or an SMI_EXIT_* code after printing
 * the real tool's message. */
int smi_load(void);
void smi_unload(void);

/* list.c */
int smi_list(const struct smi_targets *targets);
/* The MIG profile name of a MIG device handle ("MIG 1g.5gb"). */
void smi_mig_profile(nvmlDevice_t gpu, nvmlDevice_t mig, char *buf, size_t len);

/* summary.c */
int smi_summary(const struct smi_targets *targets);

/* query.c: --query-gpu=<fields> --format=<csv,...>. */
int smi_query(const struct smi_targets *targets, const char *fields, const char *format);

/* The driver's CUDA version as "12.2", or "N/A". */
void smi_cuda_version(char *buf, size_t len);

#endif
