#include "cli/devices.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"

/* --- parsing ------------------------------------------------------------- */

static bool has_prefix_nocase(const char *s, const char *prefix)
{
        size_t n = strlen(prefix);

        return strncasecmp(s, prefix, n) == 0 && s[n] != '\0';
}

/* A run of 1..max digits of the given base at *s, advancing *s past it. */
static bool scan_number(const char **s, int base, size_t max, uintmax_t *value)
{
        const char *p = *s;
        char *end;

        while (base == 16 ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p))
                p++;
        if (p == *s || (size_t)(p - *s) > max)
                return false;
        errno = 0;
        *value = strtoumax(*s, &end, base);
        if (errno == ERANGE || end != p)
                return false;
        *s = p;
        return true;
}

/* DOMAIN:BUS:DEVICE[.FUNCTION] with NVML's field widths, normalized to
 * NVML's layout. Leading zeros may be left out, as lspci and sysfs do. A GPU
 * is always function 0; another function names another PCI device (the
 * GPU's audio controller), never a GPU. */
static bool parse_pci(const char *s, char busid[DEVID_BUSID_LEN + 1])
{
        uintmax_t domain, bus, dev, fn = 0;

        if (!scan_number(&s, 16, 8, &domain) || *s++ != ':' || !scan_number(&s, 16, 2, &bus) || *s++ != ':' ||
            !scan_number(&s, 16, 2, &dev))
                return false;
        if (*s == '.') {
                s++;
                if (!scan_number(&s, 16, 1, &fn))
                        return false;
        }
        if (*s != '\0' || fn != 0)
                return false;
        snprintf(busid, DEVID_BUSID_LEN + 1, "%08jx:%02jx:%02jx.0", domain, bus, dev);
        return true;
}

static bool parse_index(const char *s, size_t *index)
{
        uintmax_t n;

        if (!scan_number(&s, 10, 20, &n) || *s != '\0' || n > SIZE_MAX)
                return false;
        *index = (size_t)n;
        return true;
}

static bool parse_mig_index(const char *s, size_t *gpu, size_t *mig)
{
        uintmax_t g, m;

        if (!scan_number(&s, 10, 20, &g) || *s++ != ':' || !scan_number(&s, 10, 20, &m) || *s != '\0' ||
            g > SIZE_MAX || m > SIZE_MAX)
                return false;
        *gpu = (size_t)g;
        *mig = (size_t)m;
        return true;
}

void devid_parse(const char *token, struct devid *id)
{
        memset(id, 0, sizeof(*id));
        id->text = token;
        if (strcasecmp(token, "all") == 0)
                id->kind = DEVID_ALL;
        else if (has_prefix_nocase(token, "GPU-"))
                id->kind = DEVID_GPU_UUID;
        else if (has_prefix_nocase(token, "MIG-"))
                id->kind = DEVID_MIG_UUID;
        else if (parse_pci(token, id->busid))
                id->kind = DEVID_PCI;
        else if (parse_index(token, &id->gpu))
                id->kind = DEVID_INDEX;
        else if (parse_mig_index(token, &id->gpu, &id->mig))
                id->kind = DEVID_MIG_INDEX;
        else
                id->kind = DEVID_INVALID;
}

/* --- lookup -------------------------------------------------------------- */

static const struct nvc_device *find_gpu(const struct devid *id, const struct nvc_device_info *info)
{
        for (size_t i = 0; i < info->ngpus; i++) {
                const struct nvc_device *gpu = &info->gpus[i];

                if (id->kind == DEVID_GPU_UUID && gpu->uuid != NULL && strcasecmp(gpu->uuid, id->text) == 0)
                        return gpu;
                /* NVML may print the domain with fewer digits or in upper
                 * case; a prefix match in any case is what upstream does. */
                if (id->kind == DEVID_PCI && gpu->busid != NULL &&
                    strncasecmp(gpu->busid, id->busid, strlen(id->busid)) == 0)
                        return gpu;
        }
        if (id->kind == DEVID_INDEX && id->gpu < info->ngpus)
                return &info->gpus[id->gpu];
        return NULL;
}

static const struct nvc_mig_device *find_mig(const struct devid *id, const struct nvc_device_info *info)
{
        if (id->kind == DEVID_MIG_INDEX) {
                if (id->gpu >= info->ngpus || id->mig >= info->gpus[id->gpu].mig_devices.ndevices)
                        return NULL;
                return &info->gpus[id->gpu].mig_devices.devices[id->mig];
        }
        for (size_t i = 0; id->kind == DEVID_MIG_UUID && i < info->ngpus; i++) {
                const struct nvc_mig_device_info *migs = &info->gpus[i].mig_devices;

                for (size_t j = 0; j < migs->ndevices; j++)
                        if (migs->devices[j].uuid != NULL && strcasecmp(migs->devices[j].uuid, id->text) == 0)
                                return &migs->devices[j];
        }
        return NULL;
}

void devid_lookup(const struct devid *id, const struct nvc_device_info *info, const struct nvc_device **gpu,
                  const struct nvc_mig_device **mig)
{
        *gpu = find_gpu(id, info);
        *mig = *gpu == NULL ? find_mig(id, info) : NULL;
}

/* --- selection ----------------------------------------------------------- */

int devices_init(struct error *err, struct devices *d, const struct nvc_device_info *info)
{
        size_t nmigs = 0;

        for (size_t i = 0; i < info->ngpus; i++)
                nmigs += info->gpus[i].mig_devices.ndevices;
        memset(d, 0, sizeof(*d));
        /* +1: calloc(0) may return NULL, which would read as a failure. */
        d->gpus = calloc(info->ngpus + 1, sizeof(*d->gpus));
        d->migs = calloc(nmigs + 1, sizeof(*d->migs));
        if (d->gpus == NULL || d->migs == NULL) {
                devices_free(d);
                return error_set(err, "memory allocation failed");
        }
        return 0;
}

void devices_free(struct devices *d)
{
        free(d->gpus);
        free(d->migs);
        memset(d, 0, sizeof(*d));
}

/* The arrays are sized for the whole inventory and entries are unique, so
 * adding never overflows. */
static void add_gpu(struct devices *d, const struct nvc_device *gpu)
{
        for (size_t i = 0; i < d->ngpus; i++)
                if (d->gpus[i] == gpu)
                        return;
        d->gpus[d->ngpus++] = gpu;
}

static void add_mig(struct devices *d, const struct nvc_mig_device *mig)
{
        for (size_t i = 0; i < d->nmigs; i++)
                if (d->migs[i] == mig)
                        return;
        d->migs[d->nmigs++] = mig;
}

static void select_all(struct devices *sel, const struct nvc_device_info *info)
{
        for (size_t i = 0; i < info->ngpus; i++)
                add_gpu(sel, &info->gpus[i]);
        for (size_t i = 0; i < info->ngpus; i++)
                for (size_t j = 0; j < info->gpus[i].mig_devices.ndevices; j++)
                        add_mig(sel, &info->gpus[i].mig_devices.devices[j]);
        sel->all = true;
}

/* One id that is not "all"; false when it names nothing. */
static bool select_one(struct devices *sel, const char *token, const struct nvc_device_info *info)
{
        struct devid id;
        const struct nvc_device *gpu;
        const struct nvc_mig_device *mig;

        devid_parse(token, &id);
        devid_lookup(&id, info, &gpu, &mig);
        if (gpu != NULL) {
                add_gpu(sel, gpu);
        } else if (mig != NULL) {
                add_mig(sel, mig);
                if (mig->parent != NULL)
                        add_gpu(sel, mig->parent);
        }
        return gpu != NULL || mig != NULL;
}

int devices_select(struct error *err, struct devices *sel, const char *ids, const struct nvc_device_info *info)
{
        cleanup_free char *list = NULL;
        char *rest, *token;

        if (ids == NULL)
                return 0;
        if ((list = rest = strdup(ids)) == NULL)
                return error_set(err, "memory allocation failed");
        while ((token = strsep(&rest, ",")) != NULL) {
                if (*token == '\0')
                        continue;
                /* As upstream, "all" ends the list: what follows is not read. */
                if (strcasecmp(token, "all") == 0) {
                        select_all(sel, info);
                        break;
                }
                if (!select_one(sel, token, info))
                        return error_setx(err, "unknown device id: %s", token);
        }
        return 0;
}

/* The MIG-capable GPUs among `visible`, including the parents of visible
 * MIG devices. */
static void select_mig_capable(struct devices *sel, const struct devices *visible)
{
        for (size_t i = 0; i < visible->ngpus; i++)
                if (visible->gpus[i]->mig_capable)
                        add_gpu(sel, visible->gpus[i]);
        for (size_t i = 0; i < visible->nmigs; i++) {
                const struct nvc_device *parent = visible->migs[i]->parent;

                if (parent != NULL && parent->mig_capable)
                        add_gpu(sel, parent);
        }
        sel->all = true;
}

int devices_select_mig_caps(struct error *err, struct devices *sel, const char *ids, const struct devices *visible,
                            const char *what)
{
        cleanup_free char *list = NULL;
        char *rest, *token;

        if (ids == NULL)
                return 0;
        if ((list = rest = strdup(ids)) == NULL)
                return error_set(err, "memory allocation failed");
        while ((token = strsep(&rest, ",")) != NULL) {
                if (*token == '\0')
                        continue;
                if (strcasecmp(token, "all") != 0)
                        return error_setx(err, "%s: only 'all' devices are currently supported", token);
                /* The config and monitor capabilities give access to every
                 * MIG device of a GPU, which a selection of single MIG
                 * devices must not widen. */
                if (!visible->all && visible->nmigs > 0)
                        return error_setx(err, "%s: cannot enable %s with specific MIG devices selected", token, what);
                select_mig_capable(sel, visible);
                break;
        }
        return 0;
}

int selection_make(struct error *err, struct selection *sel, const char *devices, const char *mig_config,
                   const char *mig_monitor, const struct nvc_device_info *info)
{
        if (devices_init(err, &sel->visible, info) < 0 || devices_init(err, &sel->mig_config, info) < 0 ||
            devices_init(err, &sel->mig_monitor, info) < 0)
                return -1;
        if (info->ngpus > 0 && devices_select(err, &sel->visible, devices, info) < 0)
                return error_prefix(err, "device error");
        if (devices_select_mig_caps(err, &sel->mig_config, mig_config, &sel->visible, "mig-config") < 0)
                return error_prefix(err, "mig-config error");
        if (devices_select_mig_caps(err, &sel->mig_monitor, mig_monitor, &sel->visible, "mig-monitor") < 0)
                return error_prefix(err, "mig-monitor error");
        return 0;
}

bool selection_has_mig_capable(const struct selection *sel)
{
        for (size_t i = 0; i < sel->visible.ngpus; i++)
                if (sel->visible.gpus[i]->mig_capable)
                        return true;
        return false;
}

void selection_free(struct selection *sel)
{
        devices_free(&sel->visible);
        devices_free(&sel->mig_config);
        devices_free(&sel->mig_monitor);
}
