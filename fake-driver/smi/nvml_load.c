/* Loading libnvidia-ml.so.1 the way nvidia-smi does: by SONAME, through the
 * dynamic linker's search path (ld.so.cache), so what it finds depends on
 * the installation it runs in, exactly like the real tool. */
#include "smi/smi.h"

#include <dlfcn.h>
#include <stdio.h>

struct smi_nvml nv;

struct symbol {
        const char *name;
        void **slot;
        int required;
};

#define REQ(fn) { #fn, (void **)&nv.fn, 1 }
#define OPT(fn) { #fn, (void **)&nv.fn, 0 }

static const struct symbol symbols[] = {
        REQ(nvmlInit_v2),
        REQ(nvmlShutdown),
        REQ(nvmlErrorString),
        REQ(nvmlSystemGetDriverVersion),
        REQ(nvmlDeviceGetCount_v2),
        REQ(nvmlDeviceGetHandleByIndex_v2),
        REQ(nvmlDeviceGetName),
        REQ(nvmlDeviceGetUUID),
        REQ(nvmlDeviceGetPciInfo_v3),
        REQ(nvmlDeviceGetMemoryInfo),
        OPT(nvmlSystemGetCudaDriverVersion),
        OPT(nvmlDeviceGetHandleByUUID),
        OPT(nvmlDeviceGetHandleByPciBusId_v2),
        OPT(nvmlDeviceGetIndex),
        OPT(nvmlDeviceGetVbiosVersion),
        OPT(nvmlDeviceGetCudaComputeCapability),
        OPT(nvmlDeviceGetPersistenceMode),
        OPT(nvmlDeviceGetDisplayActive),
        OPT(nvmlDeviceGetFanSpeed),
        OPT(nvmlDeviceGetTemperature),
        OPT(nvmlDeviceGetPerformanceState),
        OPT(nvmlDeviceGetPowerUsage),
        OPT(nvmlDeviceGetEnforcedPowerLimit),
        OPT(nvmlDeviceGetUtilizationRates),
        OPT(nvmlDeviceGetComputeMode),
        OPT(nvmlDeviceGetEccMode),
        OPT(nvmlDeviceGetTotalEccErrors),
        OPT(nvmlDeviceGetComputeRunningProcesses_v3),
        OPT(nvmlDeviceGetMigMode),
        OPT(nvmlDeviceGetMaxMigDeviceCount),
        OPT(nvmlDeviceGetMigDeviceHandleByIndex),
        OPT(nvmlDeviceGetGpuInstanceId),
        OPT(nvmlDeviceGetComputeInstanceId),
        OPT(nvmlDeviceGetGpuInstanceById),
        OPT(nvmlGpuInstanceGetInfo),
        OPT(nvmlDeviceGetGpuInstanceProfileInfoV),
        OPT(nvmlDeviceGetAttributes_v2),
};

int smi_load(void)
{
        nv.lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
        if (nv.lib == NULL) {
                printf("NVIDIA-SMI couldn't find libnvidia-ml.so library in your system. Please make sure "
                       "that the NVIDIA Display Driver is properly installed and present in your system.\n"
                       "Please also try adding directory that contains libnvidia-ml.so to your system "
                       "PATH.\n");
                return SMI_EXIT_LIBRARY_NOT_FOUND;
        }
        for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
                *symbols[i].slot = dlsym(nv.lib, symbols[i].name);
                if (*symbols[i].slot == NULL && symbols[i].required) {
                        printf("NVIDIA-SMI: libnvidia-ml.so.1 does not provide %s.\n", symbols[i].name);
                        smi_unload();
                        return SMI_EXIT_FUNCTION_NOT_FOUND;
                }
        }
        return SMI_EXIT_OK;
}

void smi_unload(void)
{
        if (nv.lib != NULL)
                dlclose(nv.lib);
        nv.lib = NULL;
}
