/* `configure`: give a created (not yet started) container its GPUs: the
 * driver's files, the selected GPUs' and MIG devices' nodes, the device
 * cgroup rules and a refreshed linker cache. With --pid the container
 * process's namespaces are entered (supervised, as runc and containerd
 * hooks call it); without, the caller's are used (standalone, as enroot
 * and Apptainer call it). Texts and order are libnvidia-container's. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/devices.h"
#include "cli/dsl.h"
#include "cli/session.h"

enum {
        OPTION_PID = 1000,
        OPTION_COMPAT32,
        OPTION_NO_CGROUPS,
        OPTION_NO_DEVBIND,
        OPTION_MIG_CONFIG,
        OPTION_MIG_MONITOR,
        OPTION_CUDA_COMPAT_MODE,
        OPTION_NO_PERSISTENCED,
        OPTION_NO_FABRICMANAGER,
};

static error_t configure_parser(int key, char *arg, struct argp_state *state);

static const struct argp_option configure_options[] = {
        {NULL, 0, NULL, 0, "Options:", -1},
        {"pid", 'p', "PID", 0, "Container PID", -1},
        {"device", 'd', "ID", 0, "Device UUID(s) or index(es) to isolate", -1},
        {"require", 'r', "EXPR", 0, "Check container requirements", -1},
        {"ldconfig", 'l', "PATH", 0, "Path to the ldconfig binary", -1},
        {"compute", 'c', NULL, 0, "Enable compute capability", -1},
        {"utility", 'u', NULL, 0, "Enable utility capability", -1},
        {"video", 'v', NULL, 0, "Enable video capability", -1},
        {"graphics", 'g', NULL, 0, "Enable graphics capability", -1},
        {"display", 'D', NULL, 0, "Enable display capability", -1},
        {"ngx", 'n', NULL, 0, "Enable ngx capability", -1},
        {"compat32", OPTION_COMPAT32, NULL, 0, "Enable 32bits compatibility", -1},
        {"mig-config", OPTION_MIG_CONFIG, "ID", 0, "Enable configuration of MIG devices", -1},
        {"mig-monitor", OPTION_MIG_MONITOR, "ID", 0, "Enable monitoring of MIG devices", -1},
        {"no-cgroups", OPTION_NO_CGROUPS, NULL, 0, "Don't use cgroup enforcement", -1},
        {"no-devbind", OPTION_NO_DEVBIND, NULL, 0, "Don't bind mount devices", -1},
        {"cuda-compat-mode", OPTION_CUDA_COMPAT_MODE, "MODE", 0,
         "Mode for CUDA forward compatibility libraries: disabled, mount or ldconfig", -1},
        {"no-persistenced", OPTION_NO_PERSISTENCED, NULL, 0, "Don't include the NVIDIA persistenced socket", -1},
        {"no-fabricmanager", OPTION_NO_FABRICMANAGER, NULL, 0, "Don't include the NVIDIA fabricmanager socket", -1},
        {0},
};

const struct argp configure_usage = {
        configure_options,
        configure_parser,
        "ROOTFS",
        "Configure a container with GPU support by exposing device drivers to it.\n\n"
        "This command enters the namespace of the container process referred by PID (or the current parent "
        "process if none specified) and performs the necessary steps to ensure that the given capabilities are "
        "available inside the container.\nIt is assumed that the container has been created but not yet started, "
        "and the host filesystem is accessible (i.e. chroot/pivot_root hasn't been called).",
        NULL,
        NULL,
        NULL,
};

static void add_flag(struct context *ctx, char **list, const char *flag, const char *sep)
{
        struct error err = {0};

        (void)ctx;
        if (args_join(&err, list, flag, sep) < 0)
                input_error(&err);
}

static void parse_pid(struct context *ctx, const char *arg)
{
        struct error err = {0};
        char *end = NULL;
        long pid;

        errno = 0;
        pid = strtol(arg, &end, 10);
        if (errno != 0 || end == arg || *end != '\0' || pid <= 0 || pid > 4194304) {
                error_setx(&err, "invalid pid: %s", arg);
                input_error(&err);
        }
        ctx->pid = (pid_t)pid;
}

static void parse_compat_mode(struct context *ctx, const char *arg)
{
        struct error err = {0};
        char flag[64];

        if (strcmp(arg, "disabled") != 0 && strcmp(arg, "mount") != 0 && strcmp(arg, "ldconfig") != 0) {
                error_setx(&err, "invalid cuda-compat-mode: %s (expected disabled, mount or ldconfig)", arg);
                input_error(&err);
        }
        snprintf(flag, sizeof(flag), "cuda-compat-mode=%s", arg);
        add_flag(ctx, &ctx->container_flags, flag, " ");
}

static void parse_rootfs(struct context *ctx, const char *arg)
{
        struct error err = {0};

        if (arg[0] != '/' || strcmp(arg, "/") == 0) {
                error_setx(&err, "invalid rootfs directory");
                input_error(&err);
        }
        ctx->rootfs = arg;
}

static void add_require(struct context *ctx, const char *arg)
{
        struct error err = {0};

        if (ctx->nreqs >= nitems(ctx->reqs)) {
                error_setx(&err, "too many requirements");
                input_error(&err);
        }
        ctx->reqs[ctx->nreqs++] = arg;
}

/* Only a requirement on cuda needs the CUDA version, and only the driver
 * process answers it: without one, configure starts no such process. */
static bool names_cuda(const struct context *ctx)
{
        for (size_t i = 0; i < ctx->nreqs; i++)
                if (strcasestr(ctx->reqs[i], "cuda") != NULL)
                        return true;
        return false;
}

static const char *capability_flag(int key)
{
        switch (key) {
        case 'c': return "compute";
        case 'u': return "utility";
        case 'v': return "video";
        case 'g': return "graphics";
        case 'D': return "display";
        case 'n': return "ngx";
        case OPTION_COMPAT32: return "compat32";
        case OPTION_NO_CGROUPS: return "no-cgroups";
        case OPTION_NO_DEVBIND: return "no-devbind";
        default: return NULL;
        }
}

static error_t configure_parser(int key, char *arg, struct argp_state *state)
{
        struct context *ctx = state->input;
        const char *flag = capability_flag(key);

        if (flag != NULL) {
                add_flag(ctx, &ctx->container_flags, flag, " ");
                return 0;
        }
        switch (key) {
        case 'p': parse_pid(ctx, arg); break;
        case 'd': add_flag(ctx, &ctx->devices, arg, ","); break;
        case 'r': add_require(ctx, arg); break;
        case 'l': ctx->ldconfig = arg; break;
        case OPTION_MIG_CONFIG: add_flag(ctx, &ctx->mig_config, arg, ","); break;
        case OPTION_MIG_MONITOR: add_flag(ctx, &ctx->mig_monitor, arg, ","); break;
        case OPTION_CUDA_COMPAT_MODE: parse_compat_mode(ctx, arg); break;
        case OPTION_NO_PERSISTENCED: add_flag(ctx, &ctx->driver_opts, "no-persistenced", " "); break;
        case OPTION_NO_FABRICMANAGER: add_flag(ctx, &ctx->driver_opts, "no-fabricmanager", " "); break;
        case ARGP_KEY_ARG:
                if (state->arg_num > 0)
                        argp_usage(state);
                parse_rootfs(ctx, arg);
                break;
        case ARGP_KEY_END:
                if (state->arg_num < 1)
                        argp_usage(state);
                /* Without --pid the caller is in the container's namespaces. */
                add_flag(ctx, &ctx->container_flags, ctx->pid > 0 ? "supervised" : "standalone", " ");
                if (!names_cuda(ctx))
                        add_flag(ctx, &ctx->driver_opts, "no-cuda-version", " ");
                if (ctx->pid <= 0)
                        ctx->pid = getppid();
                break;
        default:
                return ARGP_ERR_UNKNOWN;
        }
        return 0;
}

/* --- requirements ------------------------------------------------------- */

static int check_requirements(const struct context *ctx, const struct nvc_driver_info *drv,
                              const struct nvc_device *gpu, struct error *err)
{
        struct dsl_facts facts = {drv->cuda_version, drv->nvrm_version, gpu ? gpu->arch : NULL,
                                  gpu ? gpu->brand : NULL};

        for (size_t i = 0; i < ctx->nreqs; i++)
                if (dsl_evaluate(err, ctx->reqs[i], &facts) != 1)
                        return error_prefix(err, "requirement error");
        return 0;
}

/* Per selected GPU (a MIG device is checked on its parent), or once for the
 * driver alone when no GPU is selected. */
static int check_all_requirements(const struct context *ctx, const struct nvc_driver_info *drv,
                                  const struct devices *sel, struct error *err)
{
        for (size_t i = 0; i < sel->ngpus; i++)
                if (check_requirements(ctx, drv, sel->gpus[i], err) < 0)
                        return -1;
        return sel->ngpus > 0 ? 0 : check_requirements(ctx, drv, NULL, err);
}

/* --- devices -------------------------------------------------------------- */

/* Only NVML knows a GPU's compute capability, brand and MIG devices. */
static bool needs_nvml(const struct context *ctx)
{
        if (ctx->mig_config != NULL || ctx->mig_monitor != NULL)
                return true;
        for (size_t i = 0; i < ctx->nreqs; i++)
                if (strcasestr(ctx->reqs[i], "arch") != NULL || strcasestr(ctx->reqs[i], "brand") != NULL)
                        return true;
        return false;
}

/* Without a need for NVML, GPU identity comes from the driver's proc tree, so
 * that no GPU is opened and none waits to initialise (issue 10). A selection
 * that tree cannot make (a MIG id, an unknown id) or that holds a MIG-capable
 * GPU is made again from NVML's answer, which decides as before. */
static int select_devices(struct session *s, const struct context *ctx, struct selection *sel, struct error *err)
{
        bool proc = !needs_nvml(ctx);

        if (session_query(s, ctx->driver_opts, proc ? "no-nvml" : NULL, err) < 0)
                return -1;
        if (selection_make(err, sel, ctx->devices, ctx->mig_config, ctx->mig_monitor, s->dev) == 0 &&
            !(proc && selection_has_mig_capable(sel)))
                return 0;
        if (!proc)
                return -1;
        error_reset(err);
        selection_free(sel);
        if (session_requery_devices(s, err) < 0)
                return -1;
        return selection_make(err, sel, ctx->devices, ctx->mig_config, ctx->mig_monitor, s->dev);
}

/* --- mounts ---------------------------------------------------------------- */

static int mount_mig_caps(struct nvc_context *nvc, const struct nvc_container *cnt, const struct devices *sel,
                          int (*global)(struct nvc_context *, const struct nvc_container *))
{
        if (!sel->all || sel->ngpus == 0)
                return 0;
        if (global(nvc, cnt) < 0)
                return -1;
        for (size_t i = 0; i < sel->ngpus; i++)
                if (nvc_device_mig_caps_mount(nvc, cnt, sel->gpus[i]) < 0)
                        return -1;
        return 0;
}

static int mount_all(struct session *s, const struct nvc_container *cnt, const struct selection *sel,
                     struct error *err)
{
        if (nvc_driver_mount(s->nvc, cnt, s->drv) < 0)
                goto fail;
        for (size_t i = 0; i < sel->visible.ngpus; i++)
                if (nvc_device_mount(s->nvc, cnt, sel->visible.gpus[i]) < 0)
                        goto fail;
        /* Global MIG rights already give access to every MIG device. */
        if (!sel->mig_config.all && !sel->mig_monitor.all)
                for (size_t i = 0; i < sel->visible.nmigs; i++)
                        if (nvc_mig_device_access_caps_mount(s->nvc, cnt, sel->visible.migs[i]) < 0)
                                goto fail;
        if (mount_mig_caps(s->nvc, cnt, &sel->mig_config, nvc_mig_config_global_caps_mount) < 0 ||
            mount_mig_caps(s->nvc, cnt, &sel->mig_monitor, nvc_mig_monitor_global_caps_mount) < 0)
                goto fail;
        return 0;
fail:
        return error_setx(err, "mount error: %s", nvc_error(s->nvc));
}

/* The library checks the ldconfig path only when it runs it, after the
 * mounts; a bad one must fail before anything reaches the container. */
static int check_ldconfig(const char *ldconfig, struct error *err)
{
        const char *path = ldconfig != NULL && ldconfig[0] == '@' ? ldconfig + 1 : ldconfig;

        if (path != NULL && path[0] != '/')
                return error_setx(err, "ldcache error: invalid ldconfig `%s`: not an absolute path", ldconfig);
        return 0;
}

static int configure(struct session *s, const struct context *ctx, struct selection *sel, struct error *err)
{
        struct nvc_container_config *cfg = NULL;
        struct nvc_container *cnt = NULL;
        struct error ignored = {0};
        int rv = -1;

        if (check_ldconfig(ctx->ldconfig, err) < 0 || session_enter(s, PERM_CONTAINER, err) < 0)
                return -1;
        if ((cfg = nvc_container_config_new(ctx->pid, ctx->rootfs)) == NULL)
                return error_set(err, "memory allocation failed");
        cfg->ldconfig = (char *)ctx->ldconfig;
        if ((cnt = nvc_container_new(s->nvc, cfg, ctx->container_flags)) == NULL) {
                error_setx(err, "container error: %s", nvc_error(s->nvc));
                goto out;
        }
        if (select_devices(s, ctx, sel, err) < 0 || check_all_requirements(ctx, s->drv, &sel->visible, err) < 0 || session_enter(s, PERM_MOUNT, err) < 0)
                goto out;
        if (mount_all(s, cnt, sel, err) < 0 || session_enter(s, PERM_LDCACHE, err) < 0)
                goto undo;
        if (nvc_ldcache_update(s->nvc, cnt) < 0) {
                error_setx(err, "ldcache error: %s", nvc_error(s->nvc));
                goto undo;
        }
        rv = 0;
        goto out;
undo:
        /* Nothing half-done: the mounts of the calls that succeeded go too. */
        if (session_enter(s, PERM_MOUNT, &ignored) < 0 || nvc_container_unmount(s->nvc, cnt) < 0)
                warnx("cannot undo the container's mounts: %s",
                      ignored.msg != NULL ? error_msg(&ignored) : nvc_error(s->nvc));
        error_reset(&ignored);
out:
        nvc_container_free(cnt);
        nvc_container_config_free(cfg);
        return rv;
}

int configure_command(const struct context *ctx, struct error *err)
{
        struct selection sel = {0};
        struct session s;
        int rv = -1;

        if (session_open(&s, ctx, !needs_nvml(ctx), err) == 0)
                rv = configure(&s, ctx, &sel, err);
        selection_free(&sel);
        session_close(&s);
        return rv;
}
