/* nvc_device_info_new/free: the GPUs NVML sees and their MIG devices, as
 * libnvidia-container's nvc_info.c (init_nvc_device, fill_mig_device_info)
 * fills them: device nodes from the minor numbers, MIG capability paths
 * under /proc/driver/nvidia/capabilities. Ours, "no-nvml": the same identity
 * from the driver's proc tree (gpu_proc.h), so that no GPU is opened. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "driver.h"
#include "gpu_proc.h"
#include "log.h"
#include "nvc_internal.h"

#define NV_DEVICE_MAJOR 195
#define NV_DEVICE_PATH "/dev/nvidia%u"
/* Directories, as upstream names them; the caps minors are in their
 * "access" files. */
#define NV_GPU_CAPS_PATH "/proc/driver/nvidia/capabilities/gpu%u"
#define NV_GPU_INST_CAPS_PATH NV_GPU_CAPS_PATH "/mig/gi%u"
#define NV_COMP_INST_CAPS_PATH NV_GPU_INST_CAPS_PATH "/ci%u"

/* asprintf leaves *out undefined on failure; this leaves it NULL. */
static int format_path(struct error *err, char **out, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int format_path(struct error *err, char **out, const char *fmt, ...)
{
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(out, fmt, ap);
        va_end(ap);
        if (n < 0) {
                *out = NULL;
                return error_set(err, "memory allocation failed");
        }
        return 0;
}

static void clear_mig_devices(struct nvc_mig_device_info *info)
{
        for (size_t i = 0; info->devices != NULL && i < info->ndevices; i++) {
                free(info->devices[i].uuid);
                free(info->devices[i].gi_caps_path);
                free(info->devices[i].ci_caps_path);
        }
        free(info->devices);
        memset(info, 0, sizeof(*info));
}

static void clear_gpu(struct nvc_device *gpu)
{
        free(gpu->model);
        free(gpu->uuid);
        free(gpu->busid);
        free(gpu->arch);
        free(gpu->brand);
        free(gpu->node.path);
        free(gpu->mig_caps_path);
        clear_mig_devices(&gpu->mig_devices);
}

/* Takes the strings out of *drv (left NULL there). */
static void take_strings(struct nvc_device *gpu, struct driver_device *drv)
{
        gpu->model = drv->model;
        gpu->uuid = drv->uuid;
        gpu->busid = drv->busid;
        gpu->arch = drv->arch;
        gpu->brand = drv->brand;
        drv->model = drv->uuid = drv->busid = drv->arch = drv->brand = NULL;
}

static int fill_mig_devices(struct error *err, struct nvc_device *gpu, struct driver_device *drv)
{
        struct nvc_mig_device_info *info = &gpu->mig_devices;
        unsigned int minor = minor(gpu->node.id);

        if (drv->nmigs == 0)
                return 0;
        if ((info->devices = calloc(drv->nmigs, sizeof(*info->devices))) == NULL)
                return error_set(err, "memory allocation failed");
        for (size_t i = 0; i < drv->nmigs; i++, info->ndevices++) {
                struct nvc_mig_device *mig = &info->devices[i];

                *mig = (struct nvc_mig_device){.parent = gpu, .uuid = drv->migs[i].uuid, .gi = drv->migs[i].gi,
                                               .ci = drv->migs[i].ci};
                drv->migs[i].uuid = NULL;
                if (format_path(err, &mig->gi_caps_path, NV_GPU_INST_CAPS_PATH, minor, mig->gi) < 0 ||
                    format_path(err, &mig->ci_caps_path, NV_COMP_INST_CAPS_PATH, minor, mig->gi, mig->ci) < 0) {
                        info->ndevices++;  /* so that clearing frees this one too */
                        return -1;
                }
        }
        return 0;
}

static int init_device(struct nvc_context *ctx, unsigned int idx, struct nvc_device *gpu)
{
        struct driver_device drv;
        int rv = -1;

        if (driver_get_device(ctx->driver, &ctx->err, idx, &drv) < 0)
                return -1;
        take_strings(gpu, &drv);
        gpu->node.id = makedev(NV_DEVICE_MAJOR, drv.minor);
        gpu->mig_capable = drv.mig_capable;
        if (format_path(&ctx->err, &gpu->node.path, NV_DEVICE_PATH, drv.minor) < 0 ||
            format_path(&ctx->err, &gpu->mig_caps_path, NV_GPU_CAPS_PATH, drv.minor) < 0 ||
            fill_mig_devices(&ctx->err, gpu, &drv) < 0)
                goto out;
        log_info("listing device %s (%s at %s)", gpu->node.path, gpu->uuid, gpu->busid);
        rv = 0;
out:
        driver_device_clear(&drv);
        return rv;
}

static int init_nvml_devices(struct nvc_context *ctx, struct nvc_device_info *info)
{
        unsigned int n;

        if (driver_get_device_count(ctx->driver, &ctx->err, &n) < 0)
                return -1;
        if (n > 0 && (info->gpus = calloc(n, sizeof(*info->gpus))) == NULL)
                return error_set(&ctx->err, "memory allocation failed");
        info->ngpus = n;
        for (unsigned int i = 0; i < n; i++) {
                if (init_device(ctx, i, &info->gpus[i]) < 0)
                        return -1;
        }
        return 0;
}

/* Identity only: what NVML alone knows (arch, brand, MIG devices) stays
 * empty. Takes the strings out of *src. */
static int init_proc_device(struct error *err, struct gpu_proc *src, struct nvc_device *gpu)
{
        gpu->model = src->model;
        gpu->uuid = src->uuid;
        gpu->busid = src->busid;
        src->model = src->uuid = src->busid = NULL;
        gpu->node.id = makedev(NV_DEVICE_MAJOR, src->minor);
        gpu->mig_capable = src->mig_capable;
        if (format_path(err, &gpu->node.path, NV_DEVICE_PATH, src->minor) < 0 ||
            format_path(err, &gpu->mig_caps_path, NV_GPU_CAPS_PATH, src->minor) < 0)
                return -1;
        log_info("listing device %s (%s at %s) from the driver's proc tree", gpu->node.path, gpu->uuid, gpu->busid);
        return 0;
}

/* 1 when the proc tree cannot tell (none, or a UUID not known yet). */
static int init_proc_devices(struct nvc_context *ctx, struct nvc_device_info *info)
{
        struct gpu_proc *gpus;
        size_t n;
        int rv;

        if ((rv = gpu_proc_list(&ctx->err, ctx->cfg.root, &gpus, &n)) != 0)
                return rv;
        if (n > 0 && (info->gpus = calloc(n, sizeof(*info->gpus))) == NULL)
                rv = error_set(&ctx->err, "memory allocation failed");
        for (size_t i = 0; rv == 0 && i < n; i++, info->ngpus++)
                rv = init_proc_device(&ctx->err, &gpus[i], &info->gpus[i]);
        gpu_proc_list_free(gpus, n);
        return rv;
}

/* libnvidia-container defines no device options and ignores any; ours is
 * "no-nvml" (see nvc.h). */
static bool wants_no_nvml(const char *opts)
{
        for (const char *p = opts; p != NULL && *p != '\0';) {
                size_t len;

                p += strspn(p, " ");
                len = strcspn(p, " ");
                if (len == strlen("no-nvml") && strncmp(p, "no-nvml", len) == 0)
                        return true;
                p += len;
        }
        return false;
}

struct nvc_device_info *nvc_device_info_new(struct nvc_context *ctx, const char *opts)
{
        struct nvc_device_info *info;
        int rv = 1;

        if (ctx == NULL || ctx_check_init(ctx) < 0)
                return NULL;
        log_info("requesting device information with '%s'", opts != NULL ? opts : "");
        if ((info = calloc(1, sizeof(*info))) == NULL) {
                error_set(&ctx->err, "memory allocation failed");
                return NULL;
        }
        if (wants_no_nvml(opts) && (rv = init_proc_devices(ctx, info)) == 1)
                log_info("the driver's proc tree cannot tell the devices: asking NVML");
        if (rv == 1)
                rv = init_nvml_devices(ctx, info);
        if (rv == 0)
                return info;
        nvc_device_info_free(info);
        return NULL;
}

void nvc_device_info_free(struct nvc_device_info *info)
{
        if (info == NULL)
                return;
        for (size_t i = 0; info->gpus != NULL && i < info->ngpus; i++)
                clear_gpu(&info->gpus[i]);
        free(info->gpus);
        free(info);
}
