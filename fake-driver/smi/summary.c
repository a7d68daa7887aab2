/* The default nvidia-smi output: the GPU table of the 570+ drivers (three
 * columns of 41, 24 and 22 characters, 91 in all), a MIG device table when
 * a GPU is in MIG mode, and the process table. */
#include "smi/smi.h"

#include <stdio.h>
#include <time.h>

#define RULE_FULL "+-----------------------------------------------------------------------------------------+\n"
/* The real tool separates its tables with a line of 89 blanks. */
#define BLANK_LINE "%89s\n", ""
#define RULE_GPU "+-----------------------------------------+------------------------+----------------------+\n"

static void print_header(void)
{
        char driver[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = "N/A", cuda[16], stamp[64];
        time_t now = time(NULL);
        struct tm tm;

        nv.nvmlSystemGetDriverVersion(driver, sizeof(driver));
        smi_cuda_version(cuda, sizeof(cuda));
        strftime(stamp, sizeof(stamp), "%a %b %e %H:%M:%S %Y", localtime_r(&now, &tm));
        printf("%s       \n", stamp);
        printf(RULE_FULL);
        printf("| NVIDIA-SMI %-23sDriver Version: %-15sCUDA Version: %-9s|\n", driver, driver, cuda);
        printf("|-----------------------------------------+------------------------+----------------------+\n"
               "| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |\n"
               "| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |\n"
               "|                                         |                        |               MIG M. |\n"
               "|=========================================+========================+======================|\n");
}

static const char *on_off(nvmlReturn_t ret, nvmlEnableState_t state, const char *on, const char *off)
{
        if (ret != NVML_SUCCESS)
                return "N/A";
        return state == NVML_FEATURE_ENABLED ? on : off;
}

/* First line: index, name, persistence | bus id, display | ECC errors. */
static void row_identity(nvmlDevice_t dev, unsigned index)
{
        char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = "N/A", ecc[24] = "N/A";
        nvmlPciInfo_t pci = { .busId = "N/A" };
        nvmlEnableState_t persist = NVML_FEATURE_DISABLED, disp = NVML_FEATURE_DISABLED;
        nvmlEnableState_t ecc_cur, ecc_pend;
        nvmlReturn_t r_persist = NV_CALL(nvmlDeviceGetPersistenceMode, dev, &persist);
        nvmlReturn_t r_disp = NV_CALL(nvmlDeviceGetDisplayActive, dev, &disp);
        unsigned long long errors;

        nv.nvmlDeviceGetName(dev, name, sizeof(name));
        nv.nvmlDeviceGetPciInfo_v3(dev, &pci);
        if (NV_CALL(nvmlDeviceGetEccMode, dev, &ecc_cur, &ecc_pend) == NVML_SUCCESS) {
                if (ecc_cur != NVML_FEATURE_ENABLED)
                        snprintf(ecc, sizeof(ecc), "Off");
                else if (NV_CALL(nvmlDeviceGetTotalEccErrors, dev, NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
                                 NVML_VOLATILE_ECC, &errors) == NVML_SUCCESS)
                        snprintf(ecc, sizeof(ecc), "%llu", errors);
        }
        printf("|%4u  %-31.31s%-4s|   %-16.16s %3s |%21s |\n", index, name,
               on_off(r_persist, persist, "On", "Off"), pci.busId, on_off(r_disp, disp, "On", "Off"), ecc);
}

/* Second line: fan, temperature, P-state, power | memory | utilisation,
 * compute mode. */
static void row_status(nvmlDevice_t dev)
{
        static const char *const modes[] = { "Default", "E. Thread", "Prohibited", "E. Process" };
        char fan[8] = "N/A", temp[8] = "N/A", perf[8] = "N/A", usage[16] = "N/A", cap[16] = "N/A";
        char used[24] = "N/A", total[24] = "N/A", util[8] = "N/A";
        unsigned v;
        nvmlPstates_t ps;
        nvmlMemory_t mem;
        nvmlUtilization_t u;
        nvmlComputeMode_t mode = NVML_COMPUTEMODE_COUNT;

        if (NV_CALL(nvmlDeviceGetFanSpeed, dev, &v) == NVML_SUCCESS)
                snprintf(fan, sizeof(fan), "%u%%", v);
        if (NV_CALL(nvmlDeviceGetTemperature, dev, NVML_TEMPERATURE_GPU, &v) == NVML_SUCCESS)
                snprintf(temp, sizeof(temp), "%uC", v);
        if (NV_CALL(nvmlDeviceGetPerformanceState, dev, &ps) == NVML_SUCCESS && ps != NVML_PSTATE_UNKNOWN)
                snprintf(perf, sizeof(perf), "P%u", (unsigned)ps);
        if (NV_CALL(nvmlDeviceGetPowerUsage, dev, &v) == NVML_SUCCESS)
                snprintf(usage, sizeof(usage), "%uW", v / 1000);
        if (NV_CALL(nvmlDeviceGetEnforcedPowerLimit, dev, &v) == NVML_SUCCESS)
                snprintf(cap, sizeof(cap), "%uW", v / 1000);
        if (nv.nvmlDeviceGetMemoryInfo(dev, &mem) == NVML_SUCCESS) {
                snprintf(used, sizeof(used), "%lluMiB", mem.used >> 20);
                snprintf(total, sizeof(total), "%lluMiB", mem.total >> 20);
        }
        if (NV_CALL(nvmlDeviceGetUtilizationRates, dev, &u) == NVML_SUCCESS)
                snprintf(util, sizeof(util), "%u%%", u.gpu);
        NV_CALL(nvmlDeviceGetComputeMode, dev, &mode);
        printf("| %3s%6s    %-2s%16s / %5s |%11s / %9s |%8s%13s |\n", fan, temp, perf, usage, cap, used,
               total, util, (unsigned)mode < 4 ? modes[mode] : "N/A");
}

/* Returns whether the GPU is in MIG mode, for the MIG table. */
static int row_mig(nvmlDevice_t dev)
{
        unsigned current, pending;
        const char *text = "N/A";
        int enabled = 0;

        if (NV_CALL(nvmlDeviceGetMigMode, dev, &current, &pending) == NVML_SUCCESS) {
                enabled = current == NVML_DEVICE_MIG_ENABLE;
                text = enabled ? "Enabled" : "Disabled";
        }
        printf("|%41s|%24s|%21s |\n", "", "", text);
        return enabled;
}

static void print_mig_device(nvmlDevice_t gpu, nvmlDevice_t mig, unsigned gpu_index, unsigned dev)
{
        unsigned gi = 0, ci = 0;
        nvmlMemory_t mem = { 0 };
        nvmlDeviceAttributes_t attr = { 0 };
        char mem_text[48];

        NV_CALL(nvmlDeviceGetGpuInstanceId, mig, &gi);
        NV_CALL(nvmlDeviceGetComputeInstanceId, mig, &ci);
        NV_CALL(nvmlDeviceGetAttributes_v2, mig, &attr);
        nv.nvmlDeviceGetMemoryInfo(mig, &mem);
        (void)gpu;
        snprintf(mem_text, sizeof(mem_text), "%lluMiB / %lluMiB", mem.used >> 20, mem.total >> 20);
        printf("|%3u  %3u %3u %3u  |%32s  |%3u      0 |%3u %3u  %3u  %3u  %3u |\n", gpu_index, gi, ci, dev,
               mem_text, attr.multiprocessorCount, attr.sharedCopyEngineCount, attr.sharedEncoderCount,
               attr.sharedDecoderCount, attr.sharedOfaCount, attr.sharedJpegCount);
        printf("|                  |%32s  |           |                       |\n", "");
        printf("+------------------+----------------------------------+-----------+-----------------------+\n");
}

static void print_mig_table(const struct smi_targets *t)
{
        printf(BLANK_LINE);
        printf(RULE_FULL
               "| MIG devices:                                                                            |\n"
               "+------------------+----------------------------------+-----------+-----------------------+\n"
               "| GPU  GI  CI  MIG |                     Memory-Usage |        Vol|        Shared         |\n"
               "|      ID  ID  Dev |                       BAR1-Usage | SM     Unc| CE ENC  DEC  OFA  JPG |\n"
               "|                  |                                  |        ECC|                       |\n"
               "|==================+==================================+===========+=======================|\n");
        for (unsigned i = 0; i < t->count; i++) {
                nvmlDevice_t gpu, mig;
                unsigned max = 0, shown = 0;

                if (nv.nvmlDeviceGetHandleByIndex_v2(t->index[i], &gpu) != NVML_SUCCESS ||
                    NV_CALL(nvmlDeviceGetMaxMigDeviceCount, gpu, &max) != NVML_SUCCESS)
                        continue;
                for (unsigned j = 0; j < max; j++) {
                        if (NV_CALL(nvmlDeviceGetMigDeviceHandleByIndex, gpu, j, &mig) == NVML_SUCCESS)
                                print_mig_device(gpu, mig, t->index[i], shown++);
                }
        }
}

static void print_processes(void)
{
        printf(BLANK_LINE);
        printf(RULE_FULL
               "| Processes:                                                                              |\n"
               "|  GPU   GI   CI              PID   Type   Process name                        GPU Memory |\n"
               "|        ID   ID                                                               Usage      |\n"
               "|=========================================================================================|\n"
               "|  No running processes found                                                             |\n"
               RULE_FULL);
}

int smi_summary(const struct smi_targets *targets)
{
        int any_mig = 0;

        print_header();
        for (unsigned i = 0; i < targets->count; i++) {
                nvmlDevice_t dev;

                if (nv.nvmlDeviceGetHandleByIndex_v2(targets->index[i], &dev) != NVML_SUCCESS)
                        continue;
                if (i > 0)
                        printf(RULE_GPU);
                row_identity(dev, targets->index[i]);
                row_status(dev);
                any_mig |= row_mig(dev);
        }
        printf(RULE_GPU);
        if (any_mig)
                print_mig_table(targets);
        print_processes();
        return SMI_EXIT_OK;
}
