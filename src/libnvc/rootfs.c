#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "rootfs.h"

#define RESOLVE_FLAGS (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

static int sys_openat2(int dirfd, const char *path, int flags)
{
        struct open_how how = {.flags = (unsigned)flags | O_CLOEXEC, .resolve = RESOLVE_FLAGS};

        return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

int rootfs_open(struct error *err, int rootfd, const char *path, int flags, int *fd)
{
        const char *rel = path;

        while (*rel == '/')
                rel++;
        if (*rel == '\0')
                rel = ".";
        if ((*fd = sys_openat2(rootfd, rel, flags)) < 0)
                return error_set(err, "open `%s` in the container", path);
        return 0;
}

int rootfs_split(struct error *err, const char *path, char *buf, size_t len, const char **parent, const char **name)
{
        char *slash;

        if ((size_t)snprintf(buf, len, "%s", path) >= len)
                return error_setx(err, "path too long: `%s`", path);
        while (strlen(buf) > 1 && buf[strlen(buf) - 1] == '/')
                buf[strlen(buf) - 1] = '\0';
        slash = strrchr(buf, '/');
        *name = slash != NULL ? slash + 1 : buf;
        if (**name == '\0' || strcmp(*name, ".") == 0 || strcmp(*name, "..") == 0)
                return error_setx(err, "invalid path `%s`", path);
        if (slash == NULL) {
                *parent = "/";
        } else {
                *slash = '\0';
                *parent = buf[0] != '\0' ? buf : "/";
        }
        return 0;
}

/* Creates NAME in the directory PARENTFD and opens it without following a
 * symlink, so what we opened is what we created (or what was there). */
static int make_dir(struct error *err, int parentfd, const char *name, const char *path, uid_t uid, gid_t gid,
                    int *fd)
{
        if (mkdirat(parentfd, name, 0755) == 0) {
                if (fchownat(parentfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
                        return error_set(err, "chown `%s` in the container", path);
        } else if (errno != EEXIST) {
                return error_set(err, "create directory `%s` in the container", path);
        }
        if ((*fd = openat(parentfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
                return error_set(err, "open directory `%s` in the container", path);
        return 0;
}

int rootfs_mkdirs(struct error *err, int rootfd, const char *path, uid_t uid, gid_t gid, int *fd)
{
        char buf[PATH_MAX];
        const char *parent, *name;
        cleanup_close int parentfd = -1;

        if (rootfs_open(err, rootfd, path, O_PATH | O_DIRECTORY, fd) == 0)
                return 0;
        if (err->code != ENOENT)
                return -1;
        /* Missing is what this function is for: not an error to report. */
        error_reset(err);
        if (rootfs_split(err, path, buf, sizeof(buf), &parent, &name) < 0 ||
            rootfs_mkdirs(err, rootfd, parent, uid, gid, &parentfd) < 0)
                return -1;
        return make_dir(err, parentfd, name, path, uid, gid, fd);
}

/* A file made here is the target through the descriptor that made it (no
 * second lookup for a swapped name to divert); one already there is opened
 * without following a symlink. */
static int make_file(struct error *err, int parentfd, const char *name, const char *path, uid_t uid, gid_t gid,
                     int *fd)
{
        int wfd = openat(parentfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

        if (wfd >= 0) {
                if (fchown(wfd, uid, gid) < 0) {
                        error_set(err, "chown `%s` in the container", path);
                        close(wfd);
                        return -1;
                }
                *fd = wfd;
                return 0;
        }
        if (errno != EEXIST)
                return error_set(err, "create `%s` in the container", path);
        if ((*fd = openat(parentfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
                return error_set(err, "open `%s` in the container", path);
        return 0;
}

/* What is at NAME now: 0 missing, else its st_mode; symlinks are removed. */
static int existing_kind(struct error *err, int parentfd, const char *name, const char *path, mode_t *mode)
{
        struct stat st;

        *mode = 0;
        if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : error_set(err, "stat `%s` in the container", path);
        if (S_ISLNK(st.st_mode)) {
                if (unlinkat(parentfd, name, 0) < 0 && errno != ENOENT)
                        return error_set(err, "replace symlink `%s` in the container", path);
                return 0;
        }
        *mode = st.st_mode;
        return 0;
}

int rootfs_mktarget(struct error *err, int rootfd, const char *path, bool dir, uid_t uid, gid_t gid, int *fd)
{
        char buf[PATH_MAX];
        const char *parent, *name;
        cleanup_close int parentfd = -1;
        mode_t mode;

        if (rootfs_split(err, path, buf, sizeof(buf), &parent, &name) < 0 ||
            rootfs_mkdirs(err, rootfd, parent, uid, gid, &parentfd) < 0 ||
            existing_kind(err, parentfd, name, path, &mode) < 0)
                return -1;
        if (mode != 0 && dir != S_ISDIR(mode))
                return error_setx(err, "`%s` in the container is %s", path, dir ? "not a directory" : "a directory");
        if (mode != 0 && !dir && !S_ISREG(mode) && !S_ISCHR(mode) && !S_ISSOCK(mode) && !S_ISFIFO(mode))
                return error_setx(err, "`%s` in the container is not a file", path);
        if (dir)
                return make_dir(err, parentfd, name, path, uid, gid, fd);
        return make_file(err, parentfd, name, path, uid, gid, fd);
}
