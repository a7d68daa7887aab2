/* Creation helpers: every path is created fresh (never over an existing
 * file that is not ours) and recorded in the manifest. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "setup.h"

int inst_path(const struct installer *in, const char *rel, char *buf, size_t len, struct error *err)
{
        const char *sep = in->root[strlen(in->root) - 1] == '/' ? "" : "/";

        if ((size_t)snprintf(buf, len, "%s%s%s", in->root, sep, rel) >= len)
                return error_setx(err, "path too long: `%s%s%s`", in->root, sep, rel);
        return 0;
}

int inst_mkdirs(struct installer *in, const char *rel, struct error *err)
{
        char part[PATH_MAX], path[PATH_MAX];
        size_t len = strlen(rel);

        if (len >= sizeof(part))
                return error_setx(err, "path too long: `%s`", rel);
        for (size_t i = 1; i <= len; i++) {
                if (rel[i] != '/' && rel[i] != '\0')
                        continue;
                memcpy(part, rel, i);
                part[i] = '\0';
                if (inst_path(in, part, path, sizeof(path), err) < 0)
                        return -1;
                if (mkdir(path, 0755) == 0) {
                        if (manifest_add(in->manifest, 'd', part, err) < 0)
                                return -1;
                } else if (errno != EEXIST) {
                        return error_set(err, "create directory `%s`", path);
                }
        }
        return 0;
}

/* Makes the parent directories of rel and returns its full path. */
static int prepare(struct installer *in, const char *rel, char *path, size_t len, struct error *err)
{
        char parent[PATH_MAX];
        const char *slash = strrchr(rel, '/');

        if (slash != NULL) {
                snprintf(parent, sizeof(parent), "%.*s", (int)(slash - rel), rel);
                if (inst_mkdirs(in, parent, err) < 0)
                        return -1;
        }
        return inst_path(in, rel, path, len, err);
}

int inst_write(struct installer *in, const char *rel, const char *content, unsigned mode, struct error *err)
{
        char path[PATH_MAX];
        cleanup_close int fd = -1;
        size_t len = strlen(content);

        if (prepare(in, rel, path, sizeof(path), err) < 0)
                return -1;
        if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)) < 0)
                return error_set(err, "create `%s`", path);
        if (manifest_add(in->manifest, 'f', rel, err) < 0)
                return -1;
        if (write(fd, content, len) != (ssize_t)len || fchmod(fd, mode) < 0)
                return error_set(err, "write `%s`", path);
        in->files++;
        return 0;
}

int inst_symlink(struct installer *in, const char *target, const char *rel, struct error *err)
{
        char path[PATH_MAX];

        if (prepare(in, rel, path, sizeof(path), err) < 0)
                return -1;
        if (symlink(target, path) < 0)
                return error_set(err, "create symlink `%s`", path);
        in->links++;
        return manifest_add(in->manifest, 'l', rel, err);
}

int inst_mknod(struct installer *in, const char *rel, unsigned major, unsigned minor, struct error *err)
{
        char path[PATH_MAX];

        if (prepare(in, rel, path, sizeof(path), err) < 0)
                return -1;
        if (mknod(path, S_IFCHR | 0666, makedev(major, minor)) < 0)
                return error_set(err, "create device node `%s`", path);
        if (chmod(path, 0666) < 0)
                return error_set(err, "chmod `%s`", path);
        in->nodes++;
        return manifest_add(in->manifest, 'c', rel, err);
}

int inst_copy_lib(struct installer *in, const char *src, const char *rel, const char *soname,
                  const struct fake_inventory *inv, struct error *err)
{
        char path[PATH_MAX];

        if (prepare(in, rel, path, sizeof(path), err) < 0)
                return -1;
        if (stamp_library(src, path, soname, inv, err) < 0) {
                /* Never leave a half-written library; an existing file was not ours. */
                if (err->code != EEXIST)
                        unlink(path);
                return -1;
        }
        in->files++;
        return manifest_add(in->manifest, 'f', rel, err);
}
