/* Files the CDI hooks write inside a container root: written whole or not at
 * all, relative to a directory fd resolved inside the root, never through a
 * path the image could redirect. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctk/hook_internal.h"
#include "libnvc/rootfs.h"

#define LDSOCONFD "/etc/ld.so.conf.d"

void ctk_random_suffix(char *buf, size_t len)
{
        static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        unsigned char bytes[64];
        size_t n = len - 1 < sizeof(bytes) ? len - 1 : sizeof(bytes);

        /* Names need only differ, not be secret: the clock will do when
         * getrandom cannot. */
        if (getrandom(bytes, n, 0) != (ssize_t)n) {
                unsigned long seed = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);

                for (size_t i = 0; i < n; i++, seed = seed * 6364136223846793005UL + 1442695040888963407UL)
                        bytes[i] = (unsigned char)(seed >> 33);
        }
        for (size_t i = 0; i < n; i++)
                buf[i] = chars[bytes[i] % (sizeof(chars) - 1)];
        buf[n] = '\0';
}

int ctk_mkdirs(struct error *err, const struct ctk_container *c, const char *path, int *fd)
{
        return rootfs_mkdirs(err, c->fd, path, c->uid, c->gid, fd);
}

static int write_all(int fd, const char *data, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, data, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -1;
                data += n;
                len -= (size_t)n;
        }
        return 0;
}

/* The temporary file, complete, moved to name. Nothing is synced: what the
 * hooks write into a container is written again at its every start, and a
 * crash before then discards the start (a flush per file would cost each
 * start a disk round trip). */
static int publish(struct error *err, int dirfd, const char *tmp, const char *name, bool replace)
{
        if (replace ? renameat(dirfd, tmp, dirfd, name) < 0 : linkat(dirfd, tmp, dirfd, name, 0) < 0)
                return error_set(err, "create `%s` in the container", name);
        if (!replace)
                unlinkat(dirfd, tmp, 0);
        return 0;
}

int ctk_write_at(struct error *err, const struct ctk_container *c, int dirfd, const char *name, const void *data,
                 size_t len, mode_t mode, bool replace)
{
        char tmp[NAME_MAX + 1], suffix[8];
        cleanup_close int fd = -1;
        int rv;

        ctk_random_suffix(suffix, sizeof(suffix));
        if ((size_t)snprintf(tmp, sizeof(tmp), ".%s.%s", name, suffix) >= sizeof(tmp)) {
                errno = ENAMETOOLONG;
                return error_set(err, "create `%s` in the container", name);
        }
        if ((fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
                return error_set(err, "create `%s` in the container", name);
        if (fchown(fd, c->uid, c->gid) < 0 || fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0)
                rv = error_set(err, "write `%s` in the container", name);
        else
                rv = publish(err, dirfd, tmp, name, replace);
        if (rv < 0)
                unlinkat(dirfd, tmp, 0);
        return rv;
}

char *ctk_ldsoconf_content(const char *const *dirs, size_t n)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (f == NULL)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                size_t j = 0;

                while (j < i && strcmp(dirs[j], dirs[i]) != 0)
                        j++;
                if (j == i)
                        fprintf(f, "%s\n", dirs[i]);
        }
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

int ctk_ldsoconf_write(struct error *err, const struct ctk_container *c, const char *prefix, const char *const *dirs,
                       size_t n)
{
        cleanup_free char *content = ctk_ldsoconf_content(dirs, n);
        cleanup_close int dirfd = -1;
        char name[NAME_MAX + 1], suffix[7];

        if (content == NULL)
                return error_set(err, "write `%s`", LDSOCONFD);
        if (ctk_mkdirs(err, c, LDSOCONFD, &dirfd) < 0)
                return -1;
        for (int tries = 0; tries < 16; tries++) {
                ctk_random_suffix(suffix, sizeof(suffix));
                snprintf(name, sizeof(name), "%s%s.conf", prefix, suffix);
                if (ctk_write_at(err, c, dirfd, name, content, strlen(content), 0644, false) == 0) {
                        ctk_log(CTK_DEBUG, "Wrote %s/%s", LDSOCONFD, name);
                        return 0;
                }
                if (err->code != EEXIST)
                        return error_prefix(err, "%s", LDSOCONFD);
                error_reset(err);
        }
        errno = EEXIST;
        return error_set(err, "create a file in `%s` in the container", LDSOCONFD);
}
