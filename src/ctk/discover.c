/* The driver facts of `cdi generate` (discover.h): one libnvidia-container
 * session, closed again before the spec is built. The strings of the
 * driver and device infos are borrowed, not copied: both infos outlive the
 * context that made them. */
#include "ctk/discover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli/nvcaps.h"
#include "nvc.h"

void ctk_discovery_free(struct ctk_discovery *d)
{
        nvc_driver_info_free(d->drv);
        nvc_device_info_free(d->dev);
        free(d->gpus);
        free(d->migs);
        free(d->lib_dir);
        free(d->nvml_path);
        memset(d, 0, sizeof(*d));
}

/* libnvidia-container reports the files of a driver root as paths inside
 * that root; the generator wants them as the host sees them. */
static char *host_path(const char *root, const char *path)
{
        size_t len = root != NULL ? strlen(root) : 0;
        char *full = NULL;

        while (len > 0 && root[len - 1] == '/')
                len--;
        if (asprintf(&full, "%.*s%s", (int)len, len > 0 ? root : "", path) < 0)
                return NULL;
        return full;
}

/* The first library whose file name starts with prefix, or NULL. */
static const char *find_lib(const struct nvc_driver_info *drv, const char *prefix)
{
        for (size_t i = 0; i < drv->nlibs; i++) {
                const char *base = strrchr(drv->libs[i], '/');

                base = base != NULL ? base + 1 : drv->libs[i];
                if (strncmp(base, prefix, strlen(prefix)) == 0)
                        return drv->libs[i];
        }
        return NULL;
}

/* The directory of libcuda.so.<version>, where NVIDIA's generator looks for
 * the driver's libraries, and the NVML library it names in its log. */
static int library_paths(struct error *err, const char *root, struct ctk_discovery *d)
{
        const char *cuda = find_lib(d->drv, "libcuda.so."), *nvml = find_lib(d->drv, "libnvidia-ml.so.");

        if (nvml != NULL && (d->nvml_path = host_path(root, nvml)) == NULL)
                return error_set(err, "driver library paths");
        if (cuda == NULL)
                return 0;
        if ((d->lib_dir = host_path(root, cuda)) == NULL)
                return error_set(err, "driver library paths");
        *strrchr(d->lib_dir, '/') = '\0';
        if (d->lib_dir[0] == '\0')
                strcpy(d->lib_dir, "/");
        d->lib_dirs[0] = d->lib_dir;
        d->driver.lib_dirs = d->lib_dirs;
        d->driver.nlib_dirs = 1;
        return 0;
}

/* The minor of the nvidia-caps node behind a MIG capability directory
 * (its "access" file); -1 when the driver publishes none. */
static int cap_minor(const char *root, const char *caps_dir)
{
        char *access = NULL, *node = NULL;
        unsigned minor;
        int rv = -1;

        if (caps_dir == NULL || asprintf(&access, "%s/access", caps_dir) < 0)
                return -1;
        if (nvcaps_node_of(root, access, &node) == 0 && sscanf(node, NVCAPS_DEVICE_DIR "/nvidia-cap%u", &minor) == 1)
                rv = (int)minor;
        free(node);
        free(access);
        return rv;
}

static void fill_migs(const char *root, const struct nvc_device *gpu, struct cdi_gen_mig *migs)
{
        for (size_t j = 0; j < gpu->mig_devices.ndevices; j++) {
                const struct nvc_mig_device *m = &gpu->mig_devices.devices[j];

                migs[j] = (struct cdi_gen_mig){(unsigned)j, m->gi, m->ci, m->uuid, cap_minor(root, m->gi_caps_path),
                                               cap_minor(root, m->ci_caps_path)};
        }
}

static int fill_gpus(struct error *err, const char *root, struct ctk_discovery *d)
{
        const struct nvc_device_info *dev = d->dev;
        size_t nmigs = 0;

        for (size_t i = 0; i < dev->ngpus; i++)
                nmigs += dev->gpus[i].mig_devices.ndevices;
        if ((d->gpus = calloc(dev->ngpus + 1, sizeof(*d->gpus))) == NULL ||
            (d->migs = calloc(nmigs + 1, sizeof(*d->migs))) == NULL)
                return error_set(err, "GPU list");
        nmigs = 0;
        for (size_t i = 0; i < dev->ngpus; i++) {
                const struct nvc_device *g = &dev->gpus[i];
                size_t n = g->mig_devices.ndevices;

                fill_migs(root, g, &d->migs[nmigs]);
                /* MIG mode shows as MIG devices: nvc reports no mode flag. */
                d->gpus[i] = (struct cdi_gen_gpu){(unsigned)i, minor(g->node.id), g->uuid, g->busid, n > 0,
                                                  n > 0 ? &d->migs[nmigs] : NULL, n};
                nmigs += n;
        }
        d->driver.gpus = d->gpus;
        d->driver.ngpus = dev->ngpus;
        return 0;
}

static bool any_mig_capable(const struct nvc_device_info *dev)
{
        for (size_t i = 0; i < dev->ngpus; i++)
                if (dev->gpus[i].mig_capable)
                        return true;
        return false;
}

/* IDENTITY_ONLY takes the GPUs from the driver's proc tree, unless one is
 * MIG-capable: its MIG devices only NVML lists. */
static int query_with(struct error *err, struct nvc_context *ctx, bool identity_only, struct ctk_discovery *d)
{
        /* A spec holds no CUDA version: asking for one would start the driver
         * process of a lazy context (the runtime's jit-cdi) for nothing. */
        if ((d->drv = nvc_driver_info_new(ctx, "no-cuda-version")) == NULL)
                return error_setx(err, "query the driver: %s", nvc_error(ctx));
        if ((d->dev = nvc_device_info_new(ctx, identity_only ? "no-nvml" : NULL)) == NULL)
                return error_setx(err, "query the GPUs: %s", nvc_error(ctx));
        if (!identity_only || !any_mig_capable(d->dev))
                return 0;
        nvc_device_info_free(d->dev);
        if ((d->dev = nvc_device_info_new(ctx, NULL)) == NULL)
                return error_setx(err, "query the GPUs: %s", nvc_error(ctx));
        return 0;
}

/* Runs as its caller: root lets the library pick its unprivileged ids,
 * anyone else keeps their own (they could not switch to others). */
static int query(struct error *err, const char *root, struct ctk_discovery *d)
{
        struct nvc_context *ctx = nvc_context_new();
        struct nvc_config *cfg = nvc_config_new();
        int rv = -1;

        if (ctx == NULL || cfg == NULL) {
                rv = error_set(err, "initialize libnvidia-container");
        } else {
                cfg->root = (char *)(root != NULL ? root : "/");
                cfg->uid = geteuid() == 0 ? (uid_t)-1 : geteuid();
                cfg->gid = geteuid() == 0 ? (gid_t)-1 : getegid();
                if (nvc_init(ctx, cfg, NULL) < 0)
                        rv = error_setx(err, "initialize libnvidia-container: %s", nvc_error(ctx));
                else
                        rv = query_with(err, ctx, false, d);
                nvc_shutdown(ctx);
        }
        nvc_config_free(cfg);
        nvc_context_free(ctx);
        return rv;
}

static int finish(struct error *err, const char *driver_root, struct ctk_discovery *d)
{
        if (library_paths(err, driver_root, d) < 0 || fill_gpus(err, driver_root, d) < 0)
                return -1;
        d->driver.version = d->drv->nvrm_version;
        return 0;
}

int ctk_discover_with(struct error *err, struct nvc_context *ctx, const char *driver_root, bool identity_only,
                      struct ctk_discovery *d)
{
        memset(d, 0, sizeof(*d));
        if (query_with(err, ctx, identity_only, d) < 0 || finish(err, driver_root, d) < 0) {
                ctk_discovery_free(d);
                return -1;
        }
        return 0;
}

int ctk_discover(struct error *err, const char *driver_root, struct ctk_discovery *d)
{
        memset(d, 0, sizeof(*d));
        if (query(err, driver_root, d) < 0 || finish(err, driver_root, d) < 0) {
                ctk_discovery_free(d);
                return -1;
        }
        return 0;
}
