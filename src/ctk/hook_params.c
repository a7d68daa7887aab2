/* The disable-device-node-modification hook: the driver creates and fixes
 * up /dev/nvidia* nodes itself when its ModifyDeviceFiles parameter is 1,
 * also for a process in a container, where NVML would then make nodes of
 * GPUs the container was not given. The container's
 * /proc/driver/nvidia/params gets a read-only copy of the host's with the
 * parameter set to 0 mounted over it; nothing else of the container
 * changes (NVIDIA's hook leaves a tmpfs under /run/nvidia-ctk-hook). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctk/hook_internal.h"
#include "libnvc/mount.h"
#include "libnvc/rootfs.h"

#define PARAMS_DIR "/proc/driver/nvidia"
#define PARAMS PARAMS_DIR "/params"
#define PARAMS_MAX 65536
#define MODIFY "ModifyDeviceFiles: "

int ctk_params_rewrite(const char *text, size_t len, char **out, size_t *outlen)
{
        FILE *f = open_memstream(out, outlen);
        bool changed = false, off = false;

        if (f == NULL)
                return -1;
        for (const char *p = text, *end = text + len; p < end && !off;) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
                bool modify = n == strlen(MODIFY) + 1 && strncmp(p, MODIFY, strlen(MODIFY)) == 0;

                off = modify && p[n - 1] == '0';
                if (modify && p[n - 1] == '1') {
                        fprintf(f, MODIFY "0\n");
                        changed = true;
                } else {
                        fprintf(f, "%.*s\n", (int)n, p);
                }
                p += n + 1;
        }
        if (fclose(f) != 0)
                return -1;
        if (!changed || off) {
                free(*out);
                *out = NULL;
                *outlen = 0;
        }
        return 0;
}

/* The host's params rewritten; NULL when it has none or nothing to change. */
static int host_params(struct error *err, char **out, size_t *outlen)
{
        cleanup_close int fd = open(PARAMS, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        cleanup_free char *buf = malloc(PARAMS_MAX);
        size_t len = 0;
        ssize_t n = 0;

        *out = NULL;
        if (fd < 0 && errno == ENOENT) {
                ctk_log(CTK_DEBUG, "No %s on the host", PARAMS);
                return 0;
        }
        if (fd < 0 || buf == NULL)
                return error_set(err, "open `%s`", PARAMS);
        while (len < PARAMS_MAX && (n = read(fd, buf + len, PARAMS_MAX - len)) > 0)
                len += (size_t)n;
        if (n < 0)
                return error_set(err, "read `%s`", PARAMS);
        if (ctk_params_rewrite(buf, len, out, outlen) < 0)
                return error_set(err, "read `%s`", PARAMS);
        if (*out == NULL)
                ctk_log(CTK_DEBUG, "Device node modification is disabled already");
        return 0;
}

/* The container's params file (target) and its directory; both -1 when the
 * container has none. */
static int open_target(struct error *err, const struct ctk_container *c, int *dirfd, int *target)
{
        struct stat st;

        if (rootfs_open(err, c->fd, PARAMS_DIR, O_PATH | O_DIRECTORY, dirfd) < 0) {
                if (err->code != ENOENT && err->code != ENOTDIR)
                        return -1;
                error_reset(err);
                return 0;
        }
        if ((*target = openat(*dirfd, "params", O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
                return errno == ENOENT ? 0 : error_set(err, "open `%s` in the container", PARAMS);
        if (fstat(*target, &st) < 0)
                return error_set(err, "stat `%s` in the container", PARAMS);
        if (!S_ISREG(st.st_mode)) {
                ctk_log(CTK_WARN, "Not replacing %s in the container: not a regular file", PARAMS);
                close(*target);
                *target = -1;
        }
        return 0;
}

/* Detaches the mount whose fd (an fsmount or open_tree fd) is mnt. */
static int detach(struct error *err, int mnt, const char *what)
{
        char path[64];

        snprintf(path, sizeof(path), "/proc/self/fd/%d", mnt);
        if (umount2(path, MNT_DETACH) < 0)
                return error_set(err, "unmount %s", what);
        return 0;
}

/* The copy, from the tmpfs attached as tmp, mounted read-only on target. */
static int attach_copy(struct error *err, int tmp, int target)
{
        cleanup_close int file = openat(tmp, "params", O_PATH | O_NOFOLLOW | O_CLOEXEC), tree = -1;

        if (file < 0)
                return error_set(err, "open the copy of `%s`", PARAMS);
        if (mount_tree_fd(err, file, "the copy of " PARAMS, MNT_FILES | MOUNT_ATTR_NOEXEC, &tree) < 0)
                return -1;
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return error_set(err, "mount over `%s` in the container", PARAMS);
        return 0;
}

/* The copy is written into a new tmpfs. Older kernels (Debian 12's 6.1)
 * refuse to clone a file of a detached mount, so the tmpfs is attached over the
 * params' directory just long enough to clone the file from it (the
 * container is not running yet), and detached again: only the file's mount
 * stays, over the params file the directory fd still leads to. */
static int mount_copy(struct error *err, const struct ctk_container *c, int dirfd, int target, const char *data,
                      size_t len)
{
        cleanup_close int tmp = -1;
        int rv;

        if (mount_tmpfs(err, &tmp) < 0 || ctk_write_at(err, c, tmp, "params", data, len, 0444, false) < 0)
                return -1;
        if (move_mount(tmp, "", dirfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return error_set(err, "mount a tmpfs over `%s` in the container", PARAMS_DIR);
        rv = attach_copy(err, tmp, target);
        if (rv < 0) {
                struct error ignored = {0};

                detach(&ignored, tmp, "the tmpfs");
                error_reset(&ignored);
                return -1;
        }
        return detach(err, tmp, "the tmpfs of the params copy");
}

static int disable(struct error *err, const char *state)
{
        cleanup_free char *params = NULL;
        cleanup_close int dirfd = -1, target = -1;
        struct ctk_container c;
        size_t len;
        int rv;

        if (host_params(err, &params, &len) < 0)
                return -1;
        if (params == NULL)
                return 0;
        if (ctk_container_open(err, state, &c) < 0)
                return -1;
        rv = open_target(err, &c, &dirfd, &target);
        if (rv == 0 && target < 0)
                ctk_log(CTK_DEBUG, "No %s in the container", PARAMS);
        else if (rv == 0)
                rv = mount_copy(err, &c, dirfd, target, params, len);
        ctk_container_close(&c);
        return rv;
}

int ctk_hook_disable_device_node_modification(int argc, char **argv)
{
        return ctk_hook_state_only(argc, argv, "failed to disable device node modification", disable);
}
