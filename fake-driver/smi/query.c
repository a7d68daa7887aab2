/* nvidia-smi --query-gpu=<fields> --format=csv[,noheader][,nounits]:
 * one CSV line per GPU, fields in the order asked, ", " separated, with the
 * real tool's header names ("memory.total [MiB]") and "[N/A]" for values
 * the driver does not report. */
#include "smi/smi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NA "[N/A]"
#define MAX_FIELDS 64

struct gpu_ctx {
        nvmlDevice_t dev;
        unsigned index;
};

/* Writes the bare value (no unit) into buf; returns 0, or -1 for "[N/A]". */
typedef int (*field_fn)(const struct gpu_ctx *g, char *buf, size_t len);

struct field {
        const char *name;
        const char *alias;     /* the older spelling the real tool accepts */
        const char *unit;      /* NULL: unitless */
        field_fn value;
};

static int f_index(const struct gpu_ctx *g, char *buf, size_t len)
{
        snprintf(buf, len, "%u", g->index);
        return 0;
}

static int f_count(const struct gpu_ctx *g, char *buf, size_t len)
{
        unsigned n;

        (void)g;
        if (nv.nvmlDeviceGetCount_v2(&n) != NVML_SUCCESS)
                return -1;
        snprintf(buf, len, "%u", n);
        return 0;
}

static int f_name(const struct gpu_ctx *g, char *buf, size_t len)
{
        return nv.nvmlDeviceGetName(g->dev, buf, (unsigned)len) == NVML_SUCCESS ? 0 : -1;
}

static int f_uuid(const struct gpu_ctx *g, char *buf, size_t len)
{
        return nv.nvmlDeviceGetUUID(g->dev, buf, (unsigned)len) == NVML_SUCCESS ? 0 : -1;
}

static int f_driver_version(const struct gpu_ctx *g, char *buf, size_t len)
{
        (void)g;
        return nv.nvmlSystemGetDriverVersion(buf, (unsigned)len) == NVML_SUCCESS ? 0 : -1;
}

static int f_vbios(const struct gpu_ctx *g, char *buf, size_t len)
{
        return NV_CALL(nvmlDeviceGetVbiosVersion, g->dev, buf, (unsigned)len) == NVML_SUCCESS ? 0 : -1;
}

/* Which part of the PCI info a field shows. */
enum pci_part { PCI_BUS_ID, PCI_DOMAIN, PCI_BUS, PCI_DEVICE, PCI_DEVICE_ID, PCI_SUB_ID };

static int pci_field(const struct gpu_ctx *g, char *buf, size_t len, enum pci_part part)
{
        nvmlPciInfo_t pci;

        if (nv.nvmlDeviceGetPciInfo_v3(g->dev, &pci) != NVML_SUCCESS)
                return -1;
        switch (part) {
        case PCI_BUS_ID: snprintf(buf, len, "%s", pci.busId); break;
        case PCI_DOMAIN: snprintf(buf, len, "0x%04X", pci.domain); break;
        case PCI_BUS: snprintf(buf, len, "0x%02X", pci.bus); break;
        case PCI_DEVICE: snprintf(buf, len, "0x%02X", pci.device); break;
        case PCI_DEVICE_ID: snprintf(buf, len, "0x%08X", pci.pciDeviceId); break;
        case PCI_SUB_ID: snprintf(buf, len, "0x%08X", pci.pciSubSystemId); break;
        }
        return 0;
}

static int f_pci_bus_id(const struct gpu_ctx *g, char *b, size_t l) { return pci_field(g, b, l, PCI_BUS_ID); }
static int f_pci_domain(const struct gpu_ctx *g, char *b, size_t l) { return pci_field(g, b, l, PCI_DOMAIN); }
static int f_pci_bus(const struct gpu_ctx *g, char *b, size_t l) { return pci_field(g, b, l, PCI_BUS); }
static int f_pci_device(const struct gpu_ctx *g, char *b, size_t l) { return pci_field(g, b, l, PCI_DEVICE); }
static int f_pci_device_id(const struct gpu_ctx *g, char *b, size_t l) { return pci_field(g, b, l, PCI_DEVICE_ID); }
static int f_pci_sub_id(const struct gpu_ctx *g, char *b, size_t l) { return pci_field(g, b, l, PCI_SUB_ID); }

enum mem_part { MEM_TOTAL, MEM_USED, MEM_FREE };

static int memory_field(const struct gpu_ctx *g, char *buf, size_t len, enum mem_part part)
{
        nvmlMemory_t mem;
        unsigned long long bytes;

        if (nv.nvmlDeviceGetMemoryInfo(g->dev, &mem) != NVML_SUCCESS)
                return -1;
        bytes = part == MEM_TOTAL ? mem.total : part == MEM_USED ? mem.used : mem.free;
        snprintf(buf, len, "%llu", bytes / (1024ULL * 1024ULL));
        return 0;
}

static int f_mem_total(const struct gpu_ctx *g, char *b, size_t l) { return memory_field(g, b, l, MEM_TOTAL); }
static int f_mem_used(const struct gpu_ctx *g, char *b, size_t l) { return memory_field(g, b, l, MEM_USED); }
static int f_mem_free(const struct gpu_ctx *g, char *b, size_t l) { return memory_field(g, b, l, MEM_FREE); }

static int f_compute_cap(const struct gpu_ctx *g, char *buf, size_t len)
{
        int major, minor;

        if (NV_CALL(nvmlDeviceGetCudaComputeCapability, g->dev, &major, &minor) != NVML_SUCCESS)
                return -1;
        snprintf(buf, len, "%d.%d", major, minor);
        return 0;
}

static int mig_mode(const struct gpu_ctx *g, char *buf, size_t len, int pending)
{
        unsigned current, next;

        if (NV_CALL(nvmlDeviceGetMigMode, g->dev, &current, &next) != NVML_SUCCESS)
                return -1;
        snprintf(buf, len, "%s", (pending ? next : current) ? "Enabled" : "Disabled");
        return 0;
}

static int f_mig_current(const struct gpu_ctx *g, char *b, size_t l) { return mig_mode(g, b, l, 0); }
static int f_mig_pending(const struct gpu_ctx *g, char *b, size_t l) { return mig_mode(g, b, l, 1); }

static int f_persistence(const struct gpu_ctx *g, char *buf, size_t len)
{
        nvmlEnableState_t mode;

        if (NV_CALL(nvmlDeviceGetPersistenceMode, g->dev, &mode) != NVML_SUCCESS)
                return -1;
        snprintf(buf, len, "%s", mode == NVML_FEATURE_ENABLED ? "Enabled" : "Disabled");
        return 0;
}

static int f_temperature(const struct gpu_ctx *g, char *buf, size_t len)
{
        unsigned t;

        if (NV_CALL(nvmlDeviceGetTemperature, g->dev, NVML_TEMPERATURE_GPU, &t) != NVML_SUCCESS)
                return -1;
        snprintf(buf, len, "%u", t);
        return 0;
}

static int f_utilization(const struct gpu_ctx *g, char *buf, size_t len)
{
        nvmlUtilization_t u;

        if (NV_CALL(nvmlDeviceGetUtilizationRates, g->dev, &u) != NVML_SUCCESS)
                return -1;
        snprintf(buf, len, "%u", u.gpu);
        return 0;
}

static int f_power_draw(const struct gpu_ctx *g, char *buf, size_t len)
{
        unsigned mw;

        if (NV_CALL(nvmlDeviceGetPowerUsage, g->dev, &mw) != NVML_SUCCESS)
                return -1;
        snprintf(buf, len, "%u.%02u", mw / 1000, mw % 1000 / 10);
        return 0;
}

static const struct field fields[] = {
        { "index", NULL, NULL, f_index },
        { "count", NULL, NULL, f_count },
        { "name", "gpu_name", NULL, f_name },
        { "uuid", "gpu_uuid", NULL, f_uuid },
        { "pci.bus_id", "gpu_bus_id", NULL, f_pci_bus_id },
        { "pci.domain", NULL, NULL, f_pci_domain },
        { "pci.bus", NULL, NULL, f_pci_bus },
        { "pci.device", NULL, NULL, f_pci_device },
        { "pci.device_id", NULL, NULL, f_pci_device_id },
        { "pci.sub_device_id", NULL, NULL, f_pci_sub_id },
        { "driver_version", NULL, NULL, f_driver_version },
        { "vbios_version", NULL, NULL, f_vbios },
        { "memory.total", NULL, "MiB", f_mem_total },
        { "memory.used", NULL, "MiB", f_mem_used },
        { "memory.free", NULL, "MiB", f_mem_free },
        { "compute_cap", NULL, NULL, f_compute_cap },
        { "mig.mode.current", NULL, NULL, f_mig_current },
        { "mig.mode.pending", NULL, NULL, f_mig_pending },
        { "persistence_mode", NULL, NULL, f_persistence },
        { "temperature.gpu", NULL, NULL, f_temperature },
        { "utilization.gpu", NULL, "%", f_utilization },
        { "power.draw", NULL, "W", f_power_draw },
};

static const struct field *find_field(const char *name)
{
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
                if (strcmp(name, fields[i].name) == 0 ||
                    (fields[i].alias && strcmp(name, fields[i].alias) == 0))
                        return &fields[i];
        }
        return NULL;
}

/* Splits the field list; prints the real tool's complaint on a bad name. */
static int parse_fields(char *list, const struct field **out, unsigned *n)
{
        char *save = NULL;

        *n = 0;
        for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                tok += strspn(tok, " ");
                tok[strcspn(tok, " ")] = '\0';
                if (*n == MAX_FIELDS || (out[*n] = find_field(tok)) == NULL) {
                        printf("Field \"%s\" is not a valid field to query.\n\n", tok);
                        return -1;
                }
                (*n)++;
        }
        if (*n == 0)
                printf("Field \"\" is not a valid field to query.\n\n");
        return *n > 0 ? 0 : -1;
}

struct csv_format {
        int header;
        int units;
};

static int parse_format(const char *format, struct csv_format *f)
{
        char copy[128], *save = NULL;
        int csv = 0;

        f->header = 1;
        f->units = 1;
        snprintf(copy, sizeof(copy), "%s", format ? format : "");
        for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                tok += strspn(tok, " ");
                if (strcmp(tok, "csv") == 0)
                        csv = 1;
                else if (strcmp(tok, "noheader") == 0)
                        f->header = 0;
                else if (strcmp(tok, "nounits") == 0)
                        f->units = 0;
                else
                        return -1;
        }
        return csv ? 0 : -1;
}

static void print_header(const struct field **list, unsigned n)
{
        for (unsigned i = 0; i < n; i++) {
                printf("%s%s", i ? ", " : "", list[i]->name);
                if (list[i]->unit)
                        printf(" [%s]", list[i]->unit);
        }
        printf("\n");
}

static void print_row(const struct gpu_ctx *g, const struct field **list, unsigned n,
                      const struct csv_format *f)
{
        for (unsigned i = 0; i < n; i++) {
                char value[NVML_DEVICE_NAME_V2_BUFFER_SIZE];

                printf("%s", i ? ", " : "");
                if (list[i]->value(g, value, sizeof(value)) != 0)
                        printf(NA);
                else if (f->units && list[i]->unit)
                        printf("%s %s", value, list[i]->unit);
                else
                        printf("%s", value);
        }
        printf("\n");
}

int smi_query(const struct smi_targets *targets, const char *query, const char *format)
{
        const struct field *list[MAX_FIELDS];
        struct csv_format f;
        unsigned n;
        char *copy;
        int bad;

        if (format == NULL || parse_format(format, &f) != 0) {
                printf("ERROR: Option --format requires a valid value (csv[,noheader][,nounits]). "
                       "Please run 'nvidia-smi -h' for help.\n");
                return SMI_EXIT_BAD_ARGUMENT;
        }
        copy = strdup(query);
        if (copy == NULL)
                return SMI_EXIT_OTHER;
        bad = parse_fields(copy, list, &n);
        free(copy);
        if (bad)
                return SMI_EXIT_BAD_ARGUMENT;
        if (f.header)
                print_header(list, n);
        for (unsigned i = 0; i < targets->count; i++) {
                struct gpu_ctx g = { .index = targets->index[i] };

                if (nv.nvmlDeviceGetHandleByIndex_v2(g.index, &g.dev) == NVML_SUCCESS)
                        print_row(&g, list, n, &f);
        }
        return SMI_EXIT_OK;
}
