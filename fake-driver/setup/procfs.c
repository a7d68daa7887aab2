/* The kernel module's /proc/driver tree, as the real driver writes it. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "setup.h"

#define PROC "proc/driver/nvidia"

static const char params_fmt[] =
        "ResmanDebugLevel: 4294967295\n"
        "RmLogonRC: 1\n"
        "ModifyDeviceFiles: 1\n"
        "DeviceFileUID: 0\n"
        "DeviceFileGID: 0\n"
        "DeviceFileMode: 438\n"
        "InitializeSystemMemoryAllocations: 1\n"
        "UsePageAttributeTable: 4294967295\n"
        "EnableMSI: 1\n"
        "EnablePCIeGen3: 0\n"
        "MemoryPoolSize: 0\n"
        "KMallocHeapMaxSize: 0\n"
        "VMallocHeapMaxSize: 0\n"
        "IgnoreMMIOCheck: 0\n"
        "EnableStreamMemOPs: 0\n"
        "EnableUserNUMAManagement: 1\n"
        "NvLinkDisable: 0\n"
        "RmProfilingAdminOnly: 1\n"
        "PreserveVideoMemoryAllocations: 0\n"
        "EnableS0ixPowerManagement: 0\n"
        "S0ixPowerManagementVideoMemoryThreshold: 256\n"
        "DynamicPowerManagement: 3\n"
        "DynamicPowerManagementVideoMemoryThreshold: 200\n"
        "RegisterPCIDriver: 1\n"
        "EnablePCIERelaxedOrderingMode: 0\n"
        "EnableResizableBar: 0\n"
        "EnableGpuFirmware: 18\n"
        "EnableGpuFirmwareLogs: 2\n"
        "EnableDbgBreakpoint: 0\n"
        "OpenRmEnableUnsupportedGpus: 1\n"
        "DmaRemapPeerMmio: 1\n"
        "RegistryDwords: \"\"\n"
        "RegistryDwordsPerDevice: \"\"\n"
        "RmMsg: \"\"\n"
        "GpuBlacklist: \"\"\n"
        "TemporaryFilePath: \"\"\n"
        "ExcludedGpus: \"\"\n";

static int write_version(struct installer *in, const struct fake_inventory *inv, struct error *err)
{
        char buf[512];

        snprintf(buf, sizeof(buf),
                 "NVRM version: NVIDIA UNIX x86_64 Kernel Module  %s  Sat May 24 07:21:24 UTC 2025\n"
                 "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14+deb12u1)\n",
                 inv->driver_version);
        return inst_write(in, PROC "/version", buf, 0444, err);
}

static int write_gpu(struct installer *in, const struct fake_gpu *g, struct error *err)
{
        char busid[32], rel[PATH_MAX], buf[1024];

        profile_proc_busid(g, busid, sizeof(busid));
        snprintf(rel, sizeof(rel), PROC "/gpus/%s/information", busid);
        snprintf(buf, sizeof(buf),
                 "Model: \t\t %s\n"
                 "IRQ:   \t\t %u\n"
                 "GPU UUID: \t %s\n"
                 "Video BIOS: \t %s\n"
                 "Bus Type: \t PCIe\n"
                 "DMA Size: \t 47 bits\n"
                 "DMA Mask: \t 0x7fffffffffff\n"
                 "Bus Location: \t %s\n"
                 "Device Minor: \t %u\n"
                 "GPU Excluded:\t No\n",
                 g->name, 64 + g->index, g->uuid, g->vbios, busid, g->minor);
        return inst_write(in, rel, buf, 0444, err);
}

static int write_cap(struct installer *in, const char *rel, unsigned minor, unsigned mode, struct error *err)
{
        char buf[128];

        snprintf(buf, sizeof(buf), "DeviceFileMinor: %u\nDeviceFileMode: %u\nDeviceFileModify: 1\n", minor, mode);
        return inst_write(in, rel, buf, 0444, err);
}

/* Per MIG device: gpu<minor>/mig/gi<N>/access and gi<N>/ci<M>/access. The
 * driver has a gpu<minor>/mig directory for every MIG-capable GPU, MIG mode
 * on or off. */
static int write_mig_caps(struct installer *in, const struct fake_gpu *g, struct error *err)
{
        char rel[PATH_MAX];

        snprintf(rel, sizeof(rel), PROC "/capabilities/gpu%u/mig", g->minor);
        if (g->mig_capable && inst_mkdirs(in, rel, err) < 0)
                return -1;

        for (unsigned j = 0; j < g->mig_count; j++) {
                const struct fake_mig *m = &g->migs[j];

                snprintf(rel, sizeof(rel), PROC "/capabilities/gpu%u/mig/gi%u/access", g->minor, m->gi_id);
                if (write_cap(in, rel, m->access_minor, 0444, err) < 0)
                        return -1;
                snprintf(rel, sizeof(rel), PROC "/capabilities/gpu%u/mig/gi%u/ci%u/access", g->minor, m->gi_id,
                         m->ci_id);
                if (write_cap(in, rel, m->ci_access_minor, 0444, err) < 0)
                        return -1;
        }
        return 0;
}

/* The driver's full minor table, independent of which instances exist. */
static int write_mig_minors(struct installer *in, unsigned gpus, struct error *err)
{
        size_t cap = 64 + (size_t)gpus * 15 * 9 * 40, len = 0;
        char *buf = malloc(cap);
        int rv;

        if (buf == NULL)
                return error_set(err, "allocate mig-minors");
        len += (size_t)snprintf(buf + len, cap - len, "config 1\nmonitor 2\n");
        for (unsigned g = 0; g < gpus; g++)
                for (unsigned gi = 0; gi < 15; gi++) {
                        unsigned base = 3 + g * 135 + gi * 9;
                        len += (size_t)snprintf(buf + len, cap - len, "gpu%u/gi%u/access %u\n", g, gi, base);
                        for (unsigned ci = 0; ci < 8; ci++)
                                len += (size_t)snprintf(buf + len, cap - len, "gpu%u/gi%u/ci%u/access %u\n", g, gi,
                                                        ci, base + 1 + ci);
                }
        rv = inst_write(in, "proc/driver/nvidia-caps/mig-minors", buf, 0444, err);
        free(buf);
        return rv;
}

static bool any_mig(const struct fake_inventory *inv)
{
        for (unsigned i = 0; i < inv->gpu_count; i++)
                if (inv->gpus[i].mig_capable)
                        return true;
        return false;
}

int install_procfs(struct installer *in, const struct fake_inventory *inv, struct error *err)
{
        if (write_version(in, inv, err) < 0 || inst_write(in, PROC "/params", params_fmt, 0444, err) < 0 ||
            inst_write(in, PROC "/registry", "Binary: \"\"\n", 0444, err) < 0)
                return -1;
        if (inst_mkdirs(in, PROC "/gpus", err) < 0)
                return -1;
        for (unsigned i = 0; i < inv->gpu_count; i++)
                if (write_gpu(in, &inv->gpus[i], err) < 0)
                        return -1;
        if (!any_mig(inv))
                return 0;
        if (write_cap(in, PROC "/capabilities/mig/config", inv->mig_config_minor, 0400, err) < 0 ||
            write_cap(in, PROC "/capabilities/mig/monitor", inv->mig_monitor_minor, 0444, err) < 0 ||
            write_mig_minors(in, inv->gpu_count, err) < 0)
                return -1;
        for (unsigned i = 0; i < inv->gpu_count; i++)
                if (write_mig_caps(in, &inv->gpus[i], err) < 0)
                        return -1;
        return 0;
}
