/* Atomic file replacement (atomic_file.h). */
#include "common/atomic_file.h"

#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

static int write_all(struct error *err, int fd, const char *tmp, const char *data, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, data, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return error_set(err, "write `%s`", tmp);
                data += n;
                len -= (size_t)n;
        }
        return 0;
}

/* The old file's mode and owner, so that replacing config.json does not
 * widen or narrow who may read it. A new file keeps the mode it was created
 * with (less the umask, applied by open). */
static int copy_attributes(struct error *err, int fd, const char *path, const char *tmp)
{
        struct stat st;

        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
                return 0;
        if ((st.st_uid != geteuid() || st.st_gid != getegid()) && fchown(fd, st.st_uid, st.st_gid) < 0)
                return error_set(err, "change owner of `%s`", tmp);
        if (fchmod(fd, st.st_mode & 07777) < 0)
                return error_set(err, "change mode of `%s`", tmp);
        return 0;
}

/* Creates tmp (its last six characters replaced) exclusively with mode;
 * unlike mkstemp, which always uses 0600, open applies the umask. */
static int create_temp(char *tmp, mode_t mode)
{
        static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        char *suffix = tmp + strlen(tmp) - 6;
        unsigned char rnd[6];

        for (int attempt = 0; attempt < 100; attempt++) {
                int fd;

                if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
                        return -1;
                for (size_t i = 0; i < sizeof(rnd); i++)
                        suffix[i] = chars[rnd[i] % (sizeof(chars) - 1)];
                fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
                if (fd >= 0 || errno != EEXIST)
                        return fd;
        }
        errno = EEXIST;
        return -1;
}

/* The directory is synced so that the rename itself survives a crash. */
static int sync_dir(struct error *err, const char *path)
{
        cleanup_free char *copy = strdup(path);
        cleanup_close int fd = -1;
        const char *dir;

        if (copy == NULL)
                return error_set(err, "sync directory of `%s`", path);
        dir = dirname(copy);
        if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(fd) < 0)
                return error_set(err, "sync directory `%s`", dir);
        return 0;
}

enum {
        WRITE_EXACT_MODE = 1 << 0, /* mode whatever the umask and the file replaced */
        WRITE_NO_SYNC = 1 << 1,
};

/* exact: the file gets mode whatever the umask and the file it replaces. */
static int fill_temp(struct error *err, int fd, const char *path, const char *tmp, const void *data, size_t len,
                     const mode_t *exact, bool sync)
{
        if (exact == NULL && copy_attributes(err, fd, path, tmp) < 0)
                return -1;
        if (exact != NULL && fchmod(fd, *exact) < 0)
                return error_set(err, "change mode of `%s`", tmp);
        if (write_all(err, fd, tmp, data, len) < 0)
                return -1;
        if (sync && fsync(fd) < 0)
                return error_set(err, "sync `%s`", tmp);
        return 0;
}

/* Fails after removing the temporary file, with the step that failed. */
static int discard(struct error *err, const char *tmp, const char *what)
{
        if (what != NULL)
                error_set(err, "%s `%s`", what, tmp);
        unlink(tmp);
        return -1;
}

static int write_file(struct error *err, const char *path, const void *data, size_t len, mode_t mode, int flags)
{
        cleanup_free char *copy = strdup(path), *tmp = NULL;
        const char *base = strrchr(path, '/');
        int fd, rv;

        base = base != NULL ? base + 1 : path;
        if (copy == NULL || asprintf(&tmp, "%s/.%s.XXXXXX", dirname(copy), base) < 0) {
                tmp = NULL;
                return error_set(err, "write `%s`", path);
        }
        if ((fd = create_temp(tmp, mode)) < 0)
                return error_set(err, "create temporary file `%s`", tmp);
        rv = fill_temp(err, fd, path, tmp, data, len, (flags & WRITE_EXACT_MODE) ? &mode : NULL,
                       !(flags & WRITE_NO_SYNC));
        if (rv < 0) {
                close(fd);
                return discard(err, tmp, NULL);
        }
        if (close(fd) < 0)
                return discard(err, tmp, "close");
        if (rename(tmp, path) < 0) {
                error_set(err, "rename `%s` to `%s`", tmp, path);
                return discard(err, tmp, NULL);
        }
        return (flags & WRITE_NO_SYNC) ? 0 : sync_dir(err, path);
}

int atomic_write_file(struct error *err, const char *path, const void *data, size_t len, mode_t mode)
{
        return write_file(err, path, data, len, mode, 0);
}

int atomic_write_file_mode(struct error *err, const char *path, const void *data, size_t len, mode_t mode)
{
        return write_file(err, path, data, len, mode, WRITE_EXACT_MODE);
}

int atomic_write_file_unsynced(struct error *err, const char *path, const void *data, size_t len, mode_t mode)
{
        return write_file(err, path, data, len, mode, WRITE_NO_SYNC);
}
