/* nvc_driver_mount and nvc_device_mount: the driver's files and a GPU's
 * device node into a container, read-only, through fds resolved inside its
 * root (session.c), and the device cgroup rules beside them; a failure
 * anywhere undoes every mount of the call. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup.h"
#include "common/cleanup.h"
#include "compat.h"
#include "libtables.h"
#include "log.h"
#include "nvc_internal.h"
#include "nvc_mount.h"
#include "options.h"
#include "procfs.h"
#include "rootfs.h"

#define NV_DEVICE_MAJOR 195
#define NV_MODESET_MINOR 254

int host_path(struct error *err, const struct nvc_context *ctx, const char *path, char *buf, size_t len)
{
        const char *root = strcmp(ctx->cfg.root, "/") == 0 ? "" : ctx->cfg.root;

        if ((size_t)snprintf(buf, len, "%s%s", root, path) >= len)
                return error_setx(err, "path too long: `%s%s`", root, path);
        return 0;
}

static const char *base_name(const char *path)
{
        const char *slash = strrchr(path, '/');

        return slash != NULL ? slash + 1 : path;
}

/* Driver files named by the container's capabilities, into DIR. */
static int plan_files(struct error *err, const struct nvc_context *ctx, const struct nvc_container *cnt,
                      struct plan *p, char *const *paths, size_t n, const char *dir, bool bins)
{
        char src[PATH_MAX], dst[PATH_MAX];

        for (size_t i = 0; i < n; i++) {
                const char *name = base_name(paths[i]);

                if (bins ? !match_binary_flags(name, cnt->flags) : !match_library_flags(name, cnt->flags))
                        continue;
                if ((size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= sizeof(dst))
                        return error_setx(err, "path too long: `%s/%s`", dir, name);
                if (host_path(err, ctx, paths[i], src, sizeof(src)) < 0 || plan_bind(err, p, src, dst, MNT_FILES) < 0)
                        return -1;
        }
        return 0;
}

/* Files mounted where the driver has them: firmware and IPC endpoints. */
static int plan_same_path(struct error *err, const struct nvc_context *ctx, struct plan *p, char *const *paths,
                          size_t n, uint64_t attrs)
{
        char src[PATH_MAX];

        for (size_t i = 0; i < n; i++)
                if (host_path(err, ctx, paths[i], src, sizeof(src)) < 0 || plan_bind(err, p, src, paths[i], attrs) < 0)
                        return -1;
        return 0;
}

int plan_device(struct error *err, const struct nvc_context *ctx, struct plan *p, const struct nvc_device_node *dev)
{
        char src[PATH_MAX];
        struct stat st;

        if (host_path(err, ctx, dev->path, src, sizeof(src)) < 0)
                return -1;
        if (stat(src, &st) < 0)
                return error_set(err, "stat `%s`", src);
        if (!S_ISCHR(st.st_mode) || st.st_rdev != dev->id)
                return error_setx(err, "invalid device node: %s", src);
        return plan_bind(err, p, src, dev->path, MNT_DEVICES);
}

/* CUDA forward compatibility, mount mode: the image's newer libraries take
 * the driver's names in the libs dir. They live in the container's mount
 * namespace, so they are opened (inside its root, and must still be regular
 * files there) and cloned once we are in it. */
static int attach_compat(struct error *err, struct session *s, const struct nvc_driver_info *info)
{
        const struct nvc_container *cnt = s->cnt;
        struct plan p = {0};
        char dst[PATH_MAX];
        int rv = -1;

        if (!(cnt->flags & OPT_CUDA_COMPAT_MOUNT))
                return 0;
        for (size_t i = 0; i < cnt->ncompat_libs; i++) {
                const char *lib = cnt->compat_libs[i];
                cleanup_close int fd = -1;
                struct stat st;
                int tree;

                if (!compat_is_newer(base_name(lib), info->nvrm_version)) {
                        log_info("skipping %s: not newer than driver %s", lib, info->nvrm_version);
                        continue;
                }
                if (rootfs_open(err, s->rootfd, lib, O_PATH | O_NOFOLLOW, &fd) < 0)
                        goto out;
                if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                        error_setx(err, "`%s` in the container is not a regular file", lib);
                        goto out;
                }
                snprintf(dst, sizeof(dst), "%s/%s", cnt->cfg.libs_dir, base_name(lib));
                if (mount_tree_fd(err, fd, lib, MNT_FILES, &tree) < 0 || plan_tree(err, &p, tree, dst, false) < 0)
                        goto out;
        }
        rv = session_apply(err, s, &p);
out:
        plan_free(&p);
        return rv;
}

/* The links libnvidia-container adds beside the libraries, for programs
 * that dlopen names no package provides. TARGET NULL: the library itself. */
static int make_symlinks(struct error *err, struct session *s, char *const *libs, size_t n, const char *dir)
{
        static const struct {
                const char *prefix, *target, *link;
        } links[] = {
                {"libcuda.so", "libcuda.so.1", "libcuda.so"},
                {"libGLX_nvidia.so", NULL, "libGLX_indirect.so.0"},
                {"libnvidia-opticalflow.so", "libnvidia-opticalflow.so.1", "libnvidia-opticalflow.so"},
        };

        for (size_t i = 0; i < n; i++) {
                const char *name = base_name(libs[i]);

                if (!match_library_flags(name, s->cnt->flags))
                        continue;
                for (size_t j = 0; j < sizeof(links) / sizeof(links[0]); j++)
                        if (strncmp(name, links[j].prefix, strlen(links[j].prefix)) == 0 &&
                            session_symlink(err, s, dir, links[j].link,
                                            links[j].target != NULL ? links[j].target : name) < 0)
                                return -1;
        }
        return 0;
}

/* As upstream: the persistenced socket serves utility, the other IPC
 * endpoints compute; UVM nodes serve compute and modeset display only. */
static bool wants_ipc(const struct nvc_container *cnt, const char *ipc)
{
        const char *persistenced = "/nvidia-persistenced/socket";
        size_t len = strlen(ipc), plen = strlen(persistenced);

        if (len >= plen && strcmp(ipc + len - plen, persistenced) == 0)
                return cnt->flags & OPT_UTILITY_LIBS;
        return cnt->flags & OPT_COMPUTE_LIBS;
}

static bool wants_device(const struct nvc_container *cnt, const struct nvc_device_node *dev)
{
        if (!(cnt->flags & OPT_COMPUTE_LIBS) && major(dev->id) != NV_DEVICE_MAJOR)
                return false;
        if (!(cnt->flags & OPT_DISPLAY) && major(dev->id) == NV_DEVICE_MAJOR && minor(dev->id) == NV_MODESET_MINOR)
                return false;
        return true;
}

static int allow_devices(struct error *err, const struct nvc_container *cnt, int cgfd, const struct nvc_device_node *devs,
                  size_t n, const char *access)
{
        struct cgroup_rule rules[64];

        if (cgfd < 0)
                return 0;
        for (size_t i = 0; i < n; i += 64) {
                size_t k = 0;
                for (; k < 64 && i + k < n; k++)
                        rules[k] = (struct cgroup_rule){'c', major(devs[i + k].id), minor(devs[i + k].id), access};
                if (cnt->cg_ops->allow(err, cgfd, cnt->dev_cg, rules, k) < 0)
                        return -1;
        }
        return 0;
}

static int open_cgroup(struct error *err, const struct nvc_container *cnt, int *fd)
{
        *fd = -1;
        if (cnt->flags & OPT_NO_CGROUPS)
                return 0;
        return cgroup_open(err, cnt->dev_cg, fd);
}

static int plan_ipcs(struct error *err, const struct nvc_context *ctx, const struct nvc_container *cnt,
                     const struct nvc_driver_info *info, struct plan *p)
{
        for (size_t i = 0; i < info->nipcs; i++)
                if (wants_ipc(cnt, info->ipcs[i]) && plan_same_path(err, ctx, p, &info->ipcs[i], 1, MNT_IPC) < 0)
                        return -1;
        return 0;
}

/* The control devices this container's capabilities use. */
static size_t wanted_devices(const struct nvc_container *cnt, const struct nvc_driver_info *info,
                             struct nvc_device_node *out)
{
        size_t n = 0;

        for (size_t i = 0; i < info->ndevs; i++)
                if (wants_device(cnt, &info->devs[i]))
                        out[n++] = info->devs[i];
        return n;
}

static int plan_driver(struct error *err, const struct nvc_context *ctx, const struct nvc_container *cnt,
                       const struct nvc_driver_info *info, struct plan *p)
{
        if (procfs_plan(err, ctx, cnt, p) < 0 ||
            plan_files(err, ctx, cnt, p, info->bins, info->nbins, cnt->cfg.bins_dir, true) < 0 ||
            plan_files(err, ctx, cnt, p, info->libs, info->nlibs, cnt->cfg.libs_dir, false) < 0 ||
            ((cnt->flags & OPT_COMPAT32) &&
             plan_files(err, ctx, cnt, p, info->libs32, info->nlibs32, cnt->cfg.libs32_dir, false) < 0) ||
            plan_same_path(err, ctx, p, info->firmwares, info->nfirmwares, MNT_FILES) < 0 ||
            plan_ipcs(err, ctx, cnt, info, p) < 0)
                return -1;
        for (size_t i = 0; i < info->ndevs && !(cnt->flags & OPT_NO_DEVBIND); i++)
                if (wants_device(cnt, &info->devs[i]) && plan_device(err, ctx, p, &info->devs[i]) < 0)
                        return -1;
        return 0;
}

static int apply_driver(struct error *err, struct session *s, const struct plan *p, const struct nvc_driver_info *info,
                        int cgfd)
{
        const struct nvc_container *cnt = s->cnt;

        if (session_apply(err, s, p) < 0 || make_symlinks(err, s, info->libs, info->nlibs, cnt->cfg.libs_dir) < 0 ||
            attach_compat(err, s, info) < 0)
                return -1;
        if ((cnt->flags & OPT_COMPAT32) && make_symlinks(err, s, info->libs32, info->nlibs32, cnt->cfg.libs32_dir) < 0)
                return -1;
        struct nvc_device_node devs[info->ndevs + 1];
        return allow_devices(err, cnt, cgfd, devs, wanted_devices(cnt, info, devs), "rw");
}

int nvc_driver_mount(struct nvc_context *ctx, const struct nvc_container *cnt, const struct nvc_driver_info *info)
{
        cleanup_close int cgfd = -1;
        struct plan p = {0};
        struct session s;
        int rv = -1;

        if (ctx == NULL || ctx_check_init(ctx) < 0)
                return -1;
        if (cnt == NULL || info == NULL)
                return error_setx(&ctx->err, "invalid argument");
        if (plan_driver(&ctx->err, ctx, cnt, info, &p) == 0 && open_cgroup(&ctx->err, cnt, &cgfd) == 0 &&
            session_enter(&ctx->err, &s, cnt) == 0) {
                rv = apply_driver(&ctx->err, &s, &p, info, cgfd);
                session_leave(&s, rv < 0);
        }
        plan_free(&p);
        return rv;
}

int mount_planned(struct nvc_context *ctx, const struct nvc_container *cnt, struct plan *p,
                  const struct nvc_device_node *devs, size_t ndevs, const char *access)
{
        cleanup_close int cgfd = -1;
        struct session s;
        int rv = -1;

        if (open_cgroup(&ctx->err, cnt, &cgfd) == 0 && session_enter(&ctx->err, &s, cnt) == 0) {
                rv = session_apply(&ctx->err, &s, p);
                if (rv == 0)
                        rv = allow_devices(&ctx->err, cnt, cgfd, devs, ndevs, access);
                session_leave(&s, rv < 0);
        }
        plan_free(p);
        return rv;
}

int nvc_device_mount(struct nvc_context *ctx, const struct nvc_container *cnt, const struct nvc_device *dev)
{
        struct plan p = {0};

        if (ctx == NULL || ctx_check_init(ctx) < 0)
                return -1;
        if (cnt == NULL || dev == NULL)
                return error_setx(&ctx->err, "invalid argument");
        if ((!(cnt->flags & OPT_NO_DEVBIND) && plan_device(&ctx->err, ctx, &p, &dev->node) < 0) ||
            procfs_plan_gpu(&ctx->err, ctx, dev->busid, &p) < 0) {
                plan_free(&p);
                return -1;
        }
        return mount_planned(ctx, cnt, &p, &dev->node, 1, "rw");
}

int nvc_container_unmount(struct nvc_context *ctx, const struct nvc_container *cnt)
{
        struct session s;

        if (ctx == NULL || ctx_check_init(ctx) < 0)
                return -1;
        if (cnt == NULL)
                return error_setx(&ctx->err, "invalid argument");
        if (cnt->history->n == 0)
                return 0;
        if (session_enter(&ctx->err, &s, cnt) < 0)
                return -1;
        log_info("undoing %zu mounts", cnt->history->n);
        if (mount_log_move(&ctx->err, &s.log, cnt->history) < 0) {
                session_leave(&s, false);
                return -1;
        }
        session_leave(&s, true);
        return 0;
}
