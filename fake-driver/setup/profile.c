#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "setup.h"

/* What NVML reports for the models tests use; other names need
 * --compute-capability and get their brand from the name. */
struct model {
        const char *name;
        unsigned brand, cc_major, cc_minor, memory_mib, sms, pci_device;
        bool mig_capable;
};

static const struct model models[] = {
        {"NVIDIA Tesla T4", FAKE_BRAND_TESLA, 7, 5, 15360, 40, 0x1eb8, false},
        {"Tesla V100-SXM2-16GB", FAKE_BRAND_TESLA, 7, 0, 16384, 80, 0x1db1, false},
        {"NVIDIA A100-SXM4-40GB", FAKE_BRAND_NVIDIA, 8, 0, 40960, 108, 0x20b0, true},
        {"NVIDIA A100-SXM4-80GB", FAKE_BRAND_NVIDIA, 8, 0, 81920, 108, 0x20b2, true},
        {"NVIDIA A30", FAKE_BRAND_NVIDIA, 8, 0, 24576, 56, 0x20b7, true},
        {"NVIDIA A10", FAKE_BRAND_NVIDIA, 8, 6, 23028, 72, 0x2236, false},
        {"NVIDIA L4", FAKE_BRAND_NVIDIA, 8, 9, 23034, 58, 0x27b8, false},
        {"NVIDIA H100 80GB HBM3", FAKE_BRAND_NVIDIA, 9, 0, 81559, 132, 0x2330, true},
        {"NVIDIA GeForce RTX 4090", FAKE_BRAND_GEFORCE, 8, 9, 24564, 128, 0x2684, false},
};

/* MIG-capable model used when --mig is given without --model. */
#define DEFAULT_MIG_MODEL "NVIDIA A100-SXM4-40GB"
#define MIG_SLICES 7

static const struct model *find_model(const char *name)
{
        for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
                if (strcmp(models[i].name, name) == 0)
                        return &models[i];
        return NULL;
}

static unsigned brand_from_name(const char *name)
{
        if (strstr(name, "Tesla") != NULL) return FAKE_BRAND_TESLA;
        if (strstr(name, "Quadro") != NULL) return FAKE_BRAND_QUADRO;
        if (strstr(name, "TITAN") != NULL) return FAKE_BRAND_TITAN;
        if (strstr(name, "GeForce") != NULL) return FAKE_BRAND_GEFORCE;
        return FAKE_BRAND_NVIDIA;
}

static unsigned arch_from_cc(unsigned major, unsigned minor)
{
        switch (major) {
        case 3: return FAKE_ARCH_KEPLER;
        case 5: return FAKE_ARCH_MAXWELL;
        case 6: return FAKE_ARCH_PASCAL;
        case 7: return minor >= 5 ? FAKE_ARCH_TURING : FAKE_ARCH_VOLTA;
        case 8: return minor >= 9 ? FAKE_ARCH_ADA : FAKE_ARCH_AMPERE;
        case 9: return FAKE_ARCH_HOPPER;
        default: return FAKE_ARCH_BLACKWELL;
        }
}

static int parse_cc(const char *s, unsigned *major, unsigned *minor, struct error *err)
{
        char tail;

        if (sscanf(s, "%u.%u%c", major, minor, &tail) != 2 || *major < 3 || *major > 12 || *minor > 9)
                return error_setx(err, "invalid value for --compute-capability: '%s' (expected X.Y, e.g. 8.0)", s);
        return 0;
}

int profile_parse_cuda_version(const char *s, unsigned *out, struct error *err)
{
        unsigned major, minor;
        char tail;

        if (sscanf(s, "%u.%u%c", &major, &minor, &tail) != 2 || major == 0 || major > 99 || minor > 9)
                return error_setx(err, "invalid value for --cuda-version: '%s' (expected MAJOR.MINOR, e.g. 12.2)", s);
        *out = major * 1000 + minor * 10;
        return 0;
}

static int fill_model(const struct setup_options *opts, struct model *m, struct error *err)
{
        const char *name = opts->model;
        const struct model *known;

        if (opts->mig_count > 0 && strcmp(name, "NVIDIA Tesla T4") == 0)
                name = DEFAULT_MIG_MODEL;
        known = find_model(name);
        if (known != NULL) {
                *m = *known;
        } else {
                *m = (struct model){name, brand_from_name(name), 8, 0, 16384, 64, 0x2000, false};
                if (opts->compute_capability == NULL)
                        return error_setx(err, "unknown model '%s': give --compute-capability", name);
        }
        if (opts->compute_capability != NULL &&
            parse_cc(opts->compute_capability, &m->cc_major, &m->cc_minor, err) < 0)
                return -1;
        return 0;
}

void profile_proc_busid(const struct fake_gpu *gpu, char *buf, size_t len)
{
        snprintf(buf, len, "%04x:%02x:%02x.0", gpu->pci_domain, gpu->pci_bus, gpu->pci_device);
}

static void fill_gpu(struct fake_gpu *g, unsigned i, const struct model *m)
{
        memset(g, 0, sizeof(*g));
        snprintf(g->name, sizeof(g->name), "%s", m->name);
        snprintf(g->uuid, sizeof(g->uuid), "GPU-%u-FAKE-UUID", i);
        snprintf(g->vbios, sizeof(g->vbios), "90.04.38.00.%02X", i & 0xffu);
        g->index = i;
        g->minor = i;
        g->brand = m->brand;
        g->arch = arch_from_cc(m->cc_major, m->cc_minor);
        g->cc_major = m->cc_major;
        g->cc_minor = m->cc_minor;
        g->memory_mib = m->memory_mib;
        g->multiprocessors = m->sms;
        /* Distinct bus ids, one GPU per bus as on a real server board. */
        g->pci_domain = 0;
        g->pci_bus = i + 1;
        g->pci_device = 0;
        snprintf(g->busid, sizeof(g->busid), "%08X:%02X:%02X.0", g->pci_domain, g->pci_bus, g->pci_device);
        g->pci_device_id = (m->pci_device << 16) | 0x10de;
        g->pci_subsystem_id = 0x12a210de;
        g->mig_capable = m->mig_capable;
}

/* The nvidia-caps minors follow the driver's fixed table
 * (/proc/driver/nvidia-caps/mig-minors): config 1, monitor 2, then per GPU
 * 15 GPU instances, each an access minor followed by 8 compute instances. */
static unsigned gi_minor(unsigned gpu, unsigned gi)
{
        return 3 + gpu * 135 + gi * 9;
}

static int parse_mig_profile(const char *p, size_t len, unsigned *slices, unsigned *gb)
{
        char buf[32], tail;

        if (len == 0 || len >= sizeof(buf))
                return -1;
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (sscanf(buf, "%ug.%ugb%c", slices, gb, &tail) != 2)
                return -1;
        return (*slices == 1 || *slices == 2 || *slices == 3 || *slices == 4 || *slices == 7) && *gb > 0 ? 0 : -1;
}

static unsigned gi_profile_id(unsigned slices)
{
        switch (slices) {
        case 1: return 0;  /* NVML_GPU_INSTANCE_PROFILE_1_SLICE */
        case 2: return 1;
        case 3: return 2;
        case 4: return 3;
        default: return 4; /* NVML_GPU_INSTANCE_PROFILE_7_SLICE */
        }
}

static int add_mig(struct fake_gpu *g, const char *p, size_t len, const char *spec, struct error *err)
{
        unsigned slices, gb, used = 0;
        struct fake_mig *mig;

        if (parse_mig_profile(p, len, &slices, &gb) < 0)
                return error_setx(err, "invalid MIG profile '%.*s' in --mig '%s' (expected e.g. 1g.5gb)", (int)len, p,
                                  spec);
        for (unsigned i = 0; i < g->mig_count; i++)
                used += g->migs[i].slices;
        if (g->mig_count == FAKE_MAX_MIGS || used + slices > MIG_SLICES || gb * 1024 > g->memory_mib)
                return error_setx(err, "MIG profiles in --mig '%s' do not fit on a %s", spec, g->name);
        mig = &g->migs[g->mig_count++];
        snprintf(mig->profile, sizeof(mig->profile), "%ug.%ugb", slices, gb);
        snprintf(mig->uuid, sizeof(mig->uuid), "MIG-%u-%u-FAKE-UUID", g->index, g->mig_count - 1);
        mig->gi_id = g->mig_count;
        mig->ci_id = 0;
        mig->gi_profile_id = gi_profile_id(slices);
        mig->slices = slices;
        mig->memory_mib = gb * 1024 - 256;
        mig->multiprocessors = g->multiprocessors * slices / MIG_SLICES;
        mig->access_minor = gi_minor(g->index, mig->gi_id);
        mig->ci_access_minor = mig->access_minor + 1 + mig->ci_id;
        return 0;
}

static int apply_mig_spec(struct fake_inventory *inv, const char *spec, struct error *err)
{
        const char *eq = strchr(spec, '='), *p;
        char *end = NULL;
        unsigned long idx;
        struct fake_gpu *g;

        errno = 0;
        idx = strtoul(spec, &end, 10);
        if (eq == NULL || end != eq || end == spec || errno != 0)
                return error_setx(err, "invalid value for --mig: '%s' (expected INDEX=PROFILE[+PROFILE...])", spec);
        if (idx >= inv->gpu_count)
                return error_setx(err, "invalid value for --mig: '%s': there is no GPU %lu", spec, idx);
        g = &inv->gpus[idx];
        if (!g->mig_capable)
                return error_setx(err, "invalid value for --mig: '%s': %s is not MIG capable", spec, g->name);
        if (g->mig_enabled)
                return error_setx(err, "invalid value for --mig: '%s': GPU %lu given twice", spec, idx);
        g->mig_enabled = 1;
        for (p = eq + 1;; p += strcspn(p, "+") + 1) {
                if (add_mig(g, p, strcspn(p, "+"), spec, err) < 0)
                        return -1;
                if (p[strcspn(p, "+")] == '\0')
                        break;
        }
        return 0;
}

int profile_build(const struct setup_options *opts, struct fake_inventory *inv, struct error *err)
{
        struct model m;

        memset(inv, 0, sizeof(*inv));
        memcpy(inv->magic, FAKE_INVENTORY_MAGIC, sizeof(inv->magic));
        inv->version = FAKE_INVENTORY_VERSION;
        inv->nvml_major = 12;
        inv->mig_config_minor = 1;
        inv->mig_monitor_minor = 2;
        snprintf(inv->driver_version, sizeof(inv->driver_version), "%s", opts->driver_version);
        if (profile_parse_cuda_version(opts->cuda_version, &inv->cuda_version, err) < 0 ||
            fill_model(opts, &m, err) < 0)
                return -1;
        inv->gpu_count = opts->gpus;
        for (unsigned i = 0; i < inv->gpu_count; i++) {
                fill_gpu(&inv->gpus[i], i, &m);
                inv->gpus[i].open_delay_ms = opts->open_delay_ms;
        }
        for (unsigned i = 0; i < opts->mig_count; i++)
                if (apply_mig_spec(inv, opts->mig[i], err) < 0)
                        return -1;
        return 0;
}
