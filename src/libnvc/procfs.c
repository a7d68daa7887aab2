#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "log.h"
#include "mount.h"
#include "nvc_internal.h"
#include "nvc_mount.h"
#include "procfs.h"
#include "rootfs.h"

#define NV_PROC_DRIVER "/proc/driver/nvidia"


static int read_small(struct error *err, const char *path, char *buf, size_t len, mode_t *mode)
{
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        ssize_t n;

        if (fd < 0 || fstat(fd, &st) < 0)
                return error_set(err, "open `%s`", path);
        if ((n = read(fd, buf, len - 1)) < 0)
                return error_set(err, "read `%s`", path);
        buf[n] = '\0';
        *mode = st.st_mode & 07777;
        return 0;
}

/* Copies one of the driver's proc files into the tmpfs (directory DIRFD). */
static int copy_file(struct error *err, const struct nvc_context *ctx, int dirfd, const char *name)
{
        char src[PATH_MAX], path[PATH_MAX], buf[16384], *param;
        cleanup_close int fd = -1;
        mode_t mode = 0444;
        size_t len;

        snprintf(path, sizeof(path), NV_PROC_DRIVER "/%s", name);
        if (host_path(err, ctx, path, src, sizeof(src)) < 0)
                return -1;
        if (read_small(err, src, buf, sizeof(buf), &mode) < 0) {
                if (err->code != ENOENT)
                        return -1;
                log_warn("%s not found; skipping", src);
                error_reset(err);
                return 0;
        }
        /* Keep the driver from adjusting device nodes inside the container. */
        if (strcmp(name, "params") == 0 && (param = strstr(buf, "ModifyDeviceFiles: 1")) != NULL)
                param[strlen("ModifyDeviceFiles: ")] = '0';
        len = strlen(buf);
        if ((fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) < 0 ||
            write(fd, buf, len) != (ssize_t)len)
                return error_set(err, "write `%s` in the container's procfs", path);
        return 0;
}

static bool container_has(const struct nvc_container *cnt, const char *path)
{
        struct error ignored = {0};
        cleanup_close int rootfd = open(cnt->lookup_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        int fd;

        if (rootfd < 0 || rootfs_open(&ignored, rootfd, path, O_PATH | O_DIRECTORY, &fd) < 0) {
                error_reset(&ignored);
                return false;
        }
        close(fd);
        return true;
}

int procfs_plan(struct error *err, const struct nvc_context *ctx, const struct nvc_container *cnt, struct plan *p)
{
        static const char *const files[] = {"params", "version", "registry"};
        bool native = container_has(cnt, NV_PROC_DRIVER);
        cleanup_close int tree = -1, dirfd = -1;
        char src[PATH_MAX];
        struct stat st;

        if (host_path(err, ctx, NV_PROC_DRIVER, src, sizeof(src)) < 0)
                return -1;
        if (stat(src, &st) < 0 || (!native && !container_has(cnt, "/proc/driver"))) {
                log_warn("skipping %s: not present on the host or in the container", NV_PROC_DRIVER);
                return 0;
        }
        if (mount_tmpfs(err, &tree) < 0)
                return -1;
        if (!native && mkdirat(tree, "nvidia", 0555) < 0)
                return error_set(err, "create `%s` in the container's procfs", NV_PROC_DRIVER);
        if ((dirfd = openat(tree, native ? "." : "nvidia", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return error_set(err, "open `%s` in the container's procfs", NV_PROC_DRIVER);
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                if (copy_file(err, ctx, dirfd, files[i]) < 0)
                        return -1;
        if (mount_seal(err, tree, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC) < 0)
                return -1;
        log_info("mounting tmpfs at %s", native ? NV_PROC_DRIVER : "/proc/driver");
        if (plan_tree(err, p, tree, native ? NV_PROC_DRIVER : "/proc/driver", true) < 0) {
                tree = -1;
                return -1;
        }
        tree = -1;
        return 0;
}

int procfs_plan_entry(struct error *err, const struct nvc_context *ctx, const char *path, struct plan *p)
{
        char src[PATH_MAX];

        if (host_path(err, ctx, path, src, sizeof(src)) < 0)
                return -1;
        return plan_bind(err, p, src, path, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
}

/* The driver names the entry after the bus id in lower case, with a 16- or
 * 32-bit PCI domain depending on its version: try both. */
int procfs_plan_gpu(struct error *err, const struct nvc_context *ctx, const char *busid, struct plan *p)
{
        char lower[64], path[PATH_MAX], src[PATH_MAX];
        size_t len = strlen(busid);

        if (len >= sizeof(lower))
                return error_setx(err, "invalid bus id `%s`", busid);
        for (size_t i = 0; i <= len; i++)
                lower[i] = (char)tolower((unsigned char)busid[i]);
        for (size_t off = 0; off < len && off <= 4; off += 4) {
                snprintf(path, sizeof(path), NV_PROC_DRIVER "/gpus/%s", lower + off);
                if (host_path(err, ctx, path, src, sizeof(src)) < 0)
                        return -1;
                if (access(src, F_OK) == 0)
                        return procfs_plan_entry(err, ctx, path, p);
        }
        log_warn("no %s/gpus entry for %s; skipping", NV_PROC_DRIVER, busid);
        return 0;
}
