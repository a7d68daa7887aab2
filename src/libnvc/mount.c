#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "log.h"
#include "mount.h"
#include "rootfs.h"

int mount_tree(struct error *err, const char *src, uint64_t attrs, int *tree)
{
        if ((*tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW)) < 0)
                return error_set(err, "open `%s`", src);
        if (mount_seal(err, *tree, attrs) < 0) {
                close(*tree);
                *tree = -1;
                return error_prefix(err, "mount `%s`", src);
        }
        return 0;
}

int mount_tree_fd(struct error *err, int fd, const char *name, uint64_t attrs, int *tree)
{
        if ((*tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)) < 0)
                return error_set(err, "open `%s`", name);
        if (mount_seal(err, *tree, attrs) < 0) {
                close(*tree);
                *tree = -1;
                return error_prefix(err, "mount `%s`", name);
        }
        return 0;
}

int mount_tmpfs(struct error *err, int *tree)
{
        cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);

        if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
            fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return error_set(err, "create tmpfs");
        if ((*tree = fsmount(fs, FSMOUNT_CLOEXEC, 0)) < 0)
                return error_set(err, "mount tmpfs");
        return 0;
}

int mount_seal(struct error *err, int mnt, uint64_t attrs)
{
        struct mount_attr attr = {.attr_set = attrs};

        if (mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
                return error_set(err, "set mount flags");
        return 0;
}

static int log_add(struct error *err, struct mount_log *log, const char *path)
{
        if (log->n == log->cap) {
                size_t cap = log->cap != 0 ? log->cap * 2 : 16;
                char **p = realloc(log->paths, cap * sizeof(*p));
                if (p == NULL)
                        return error_set(err, "record mount");
                log->paths = p;
                log->cap = cap;
        }
        if ((log->paths[log->n] = strdup(path)) == NULL)
                return error_set(err, "record mount");
        log->n++;
        return 0;
}

/* Unmounts through an fd of the mount itself, resolved inside the root, so
 * a path changed by the image meanwhile cannot redirect the unmount. */
static void detach(const struct mount_log *log, const char *path)
{
        struct error ignored = {0};
        char proc[64];
        int fd;

        if (rootfs_open(&ignored, log->rootfd, path, O_PATH | O_NOFOLLOW, &fd) < 0) {
                log_warn("cannot undo mount %s: %s", path, error_msg(&ignored));
                error_reset(&ignored);
                return;
        }
        /* Through our own procfs: the container's may not show our pid. */
        snprintf(proc, sizeof(proc), "self/fd/%d", fd);
        if (fchdir(log->procfd) < 0 || umount2(proc, MNT_DETACH) < 0)
                log_warn("cannot undo mount %s: %s", path, strerror(errno));
        close(fd);
}

int mount_attach(struct error *err, struct mount_log *log, int tree, int target, const char *path)
{
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return error_set(err, "mount `%s` in the container", path);
        log_info("mounted %s", path);
        if (log_add(err, log, path) < 0) {
                detach(log, path);
                return -1;
        }
        return 0;
}

int mount_log_move(struct error *err, struct mount_log *dst, struct mount_log *src)
{
        for (size_t i = 0; i < src->n; i++)
                if (log_add(err, dst, src->paths[i]) < 0)
                        return -1;
        mount_log_clear(src);
        return 0;
}

void mount_undo(struct mount_log *log)
{
        for (size_t i = log->n; i-- > 0;)
                detach(log, log->paths[i]);
        mount_log_clear(log);
}

void mount_log_clear(struct mount_log *log)
{
        for (size_t i = 0; i < log->n; i++)
                free(log->paths[i]);
        free(log->paths);
        log->paths = NULL;
        log->n = log->cap = 0;
}
