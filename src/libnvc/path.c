/* Path resolution inside a root directory without ever leaving it.
 *
 * Two mechanisms: the kernel's openat2(RESOLVE_IN_ROOT) when a file is only
 * opened, and a walk of our own, one component at a time with O_NOFOLLOW
 * and readlinkat, when the resolved *name* is wanted (the driver's file
 * lists are names inside the root) or the kernel predates openat2 (5.6).
 * The walk holds an fd of the directory it is in, so a symlink swapped in
 * behind its back is never followed blindly; after ".." it walks down from
 * the root again instead of trusting the parent of a directory that may
 * have been moved out of the root meanwhile. */
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/path_clean.h"

/* The kernel's limit on symlinks in one lookup (MAXSYMLINKS). */
#define MAX_SYMLINKS 40

int path_join(struct error *err, char *buf, size_t size, const char *a, const char *b)
{
        size_t alen = strlen(a);
        bool aslash = alen > 0 && a[alen - 1] == '/';
        int n;

        if (*b == '\0')
                n = snprintf(buf, size, "%s", a);
        else if (aslash && *b == '/')
                n = snprintf(buf, size, "%s%s", a, b + 1);
        else
                n = snprintf(buf, size, "%s%s%s", a, aslash || *b == '/' ? "" : "/", b);
        if (n < 0 || (size_t)n >= size) {
                errno = ENAMETOOLONG;
                return error_set(err, "join `%s` and `%s`", a, b);
        }
        return 0;
}

int path_open_root(struct error *err, const char *root)
{
        int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return error_set(err, "open `%s`", root);
        return fd;
}

/* Opens the directory `dirs` (already resolved: no symlink, no "..") by
 * walking down from the root. Returns an owned fd, or -1 with errno. */
static int open_dirs(int rootfd, const char *dirs)
{
        char copy[PATH_MAX];
        char *save = NULL, *name;
        int fd, next;

        if (strlen(dirs) >= sizeof(copy)) {
                errno = ENAMETOOLONG;
                return -1;
        }
        strcpy(copy, dirs);
        if ((fd = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return -1;
        for (name = strtok_r(copy, "/", &save); name != NULL; name = strtok_r(NULL, "/", &save)) {
                next = openat(fd, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
                close(fd);
                if (next < 0)
                        return -1;
                fd = next;
        }
        return fd;
}

struct walk {
        int root;               /* borrowed */
        int dir;                /* owned: the last existing directory of path */
        char path[PATH_MAX];    /* resolved so far, "" for the root */
        size_t len;
        unsigned missing;       /* trailing components of path that do not exist */
        unsigned links;
        const char *orig;       /* for messages */
};

static int walk_fail(struct walk *w, struct error *err, int code)
{
        errno = code;
        return error_set(err, "resolve `%s`", w->orig);
}

static int walk_reset(struct walk *w, struct error *err)
{
        int fd = open_dirs(w->root, w->path);

        if (fd < 0)
                return walk_fail(w, err, errno);
        if (w->dir >= 0)
                close(w->dir);
        w->dir = fd;
        return 0;
}

static int walk_append(struct walk *w, struct error *err, const char *name)
{
        size_t n = strlen(name);

        if (w->len + 1 + n >= sizeof(w->path))
                return walk_fail(w, err, ENAMETOOLONG);
        w->path[w->len++] = '/';
        memcpy(w->path + w->len, name, n + 1);
        w->len += n;
        return 0;
}

/* ".." of the root is the root, as in a chroot. */
static int walk_dotdot(struct walk *w, struct error *err)
{
        char *slash;

        if (w->len == 0)
                return 0;
        slash = strrchr(w->path, '/');
        *slash = '\0';
        w->len = (size_t)(slash - w->path);
        if (w->missing > 0) {
                w->missing--;
                return 0;
        }
        return walk_reset(w, err);
}

/* A symlink: its target goes in front of what is left of the path (into
 * next); an absolute target starts again at the root. */
static int walk_symlink(struct walk *w, struct error *err, const char *target, const char *rest, char *next)
{
        int n;

        if (++w->links > MAX_SYMLINKS)
                return walk_fail(w, err, ELOOP);
        n = snprintf(next, PATH_MAX, "%s/%s", target, rest);
        if (n < 0 || n >= PATH_MAX)
                return walk_fail(w, err, ENAMETOOLONG);
        if (target[0] == '/') {
                w->len = 0;
                w->path[0] = '\0';
                return walk_reset(w, err);
        }
        return 0;
}

/* One component: returns 1 when it was a symlink (the path to follow is
 * then in next), 0 otherwise, -1 on error. */
static int walk_step(struct walk *w, struct error *err, const char *name, const char *rest, char *next)
{
        char target[PATH_MAX];
        ssize_t n;
        int fd;

        if (w->missing > 0) {
                w->missing++;
                return walk_append(w, err, name);
        }
        n = readlinkat(w->dir, name, target, sizeof(target));
        if (n > 0) {
                if ((size_t)n >= sizeof(target))
                        return walk_fail(w, err, ENAMETOOLONG);
                target[n] = '\0';
                return walk_symlink(w, err, target, rest, next) < 0 ? -1 : 1;
        }
        /* An empty symlink resolves to nothing, as in the kernel. */
        if (n == 0 || errno == ENOENT) {
                w->missing++;
                return walk_append(w, err, name);
        }
        if (errno != EINVAL)
                return walk_fail(w, err, errno);
        if ((fd = openat(w->dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
                return walk_fail(w, err, errno);
        close(w->dir);
        w->dir = fd;
        return walk_append(w, err, name);
}

static int walk_run(struct walk *w, struct error *err, const char *path)
{
        char bufs[2][PATH_MAX], name[PATH_MAX];
        char *rest = bufs[0];
        unsigned cur = 0;
        size_t n;
        int rv;

        if (strlen(path) >= PATH_MAX)
                return walk_fail(w, err, ENAMETOOLONG);
        strcpy(rest, path);
        while (*(rest += strspn(rest, "/")) != '\0') {
                n = strcspn(rest, "/");
                memcpy(name, rest, n);
                name[n] = '\0';
                rest += n;
                if (strcmp(name, ".") == 0)
                        continue;
                if (strcmp(name, "..") == 0)
                        rv = walk_dotdot(w, err);
                else if ((rv = walk_step(w, err, name, rest, bufs[cur ^ 1])) == 1)
                        rest = bufs[cur ^= 1];
                if (rv < 0)
                        return -1;
        }
        return 0;
}

/* Where the walk may start instead of the root: the directory part of path,
 * when the kernel finds no symlink on the way to it (one openat2 with
 * RESOLVE_NO_SYMLINKS where the walk takes three calls per component). With
 * no symlink the lexical name is the resolved one, ".." included (clamped at
 * the root, as RESOLVE_IN_ROOT does). The driver's files are looked up by the
 * dozen on every start, each a symlink (the cache's SONAME link) in
 * directories that are not. 0 when w starts there, -1 when at the root. */
static int walk_from_dir(struct walk *w, const char *path, size_t n)
{
        struct open_how how = {
                .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        cleanup_free char *clean = NULL;
        char dir[PATH_MAX];
        size_t len;
        int fd;

        if (n == 0 || snprintf(dir, sizeof(dir), "/%.*s", (int)n, path) >= (int)sizeof(dir) ||
            (clean = path_clean(dir)) == NULL)
                return -1;
        /* The walk's names have no trailing slash: "" is the root. */
        len = strcmp(clean, "/") == 0 ? 0 : strlen(clean);
        if (len >= sizeof(w->path) || (fd = (int)syscall(SYS_openat2, w->root, dir, &how, sizeof(how))) < 0)
                return -1;
        memcpy(w->path, clean, len);
        w->path[len] = '\0';
        w->len = len;
        w->dir = fd;
        return 0;
}

/* The offset of path's last component (trailing slashes belong to it). */
static size_t last_component(const char *path)
{
        size_t end = strlen(path);

        while (end > 0 && path[end - 1] == '/')
                end--;
        while (end > 0 && path[end - 1] != '/')
                end--;
        return end;
}

int path_resolve_at(struct error *err, char *buf, size_t size, int rootfd, const char *path)
{
        struct walk w = {.root = rootfd, .dir = -1, .orig = path};
        size_t last = last_component(path);
        int rv = -1;

        if (walk_from_dir(&w, path, last) == 0)
                rv = walk_run(&w, err, path + last);
        else if ((rv = walk_reset(&w, err)) == 0)
                rv = walk_run(&w, err, path);
        if (rv == 0 && (size_t)snprintf(buf, size, "%s", w.len > 0 ? w.path : "/") >= size)
                rv = walk_fail(&w, err, ENAMETOOLONG);
        if (w.dir >= 0)
                close(w.dir);
        return rv;
}

int path_resolve(struct error *err, char *buf, size_t size, const char *root, const char *path)
{
        cleanup_close int rootfd = path_open_root(err, root);

        if (rootfd < 0)
                return -1;
        return path_resolve_at(err, buf, size, rootfd, path);
}

/* Without openat2: resolve the name with the walk, then open the last
 * component from its directory with O_NOFOLLOW, so that a symlink put there
 * in between fails (ELOOP) instead of being followed. */
static int open_walk(int rootfd, const char *path, int flags, mode_t mode)
{
        struct error ignored = {0};
        char resolved[PATH_MAX];
        char *slash;
        int dir, fd, rv;

        rv = path_resolve_at(&ignored, resolved, sizeof(resolved), rootfd, path);
        error_reset(&ignored);
        if (rv < 0)
                return -1;
        slash = strrchr(resolved, '/');
        *slash = '\0';
        if ((dir = open_dirs(rootfd, resolved)) < 0)
                return -1;
        fd = openat(dir, slash[1] != '\0' ? slash + 1 : ".", flags | O_NOFOLLOW | O_CLOEXEC, mode);
        rv = errno;
        close(dir);
        errno = rv;
        return fd;
}

/* openat2 may fail with EAGAIN when a rename raced with the lookup; the
 * kernel documentation asks callers to retry. */
static int open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
        struct open_how how = {
                .flags = (uint64_t)(unsigned)(flags | O_CLOEXEC),
                .mode = (flags & (O_CREAT | __O_TMPFILE)) != 0 ? mode : 0,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = -1;

        for (int i = 0; i < 8; i++) {
                fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
                if (fd >= 0 || errno != EAGAIN)
                        break;
        }
        if (fd < 0 && errno == ENOSYS)
                return open_walk(rootfd, path, flags, mode);
        return fd;
}

int path_open_at(struct error *err, int rootfd, const char *path, int flags, mode_t mode)
{
        int fd = open_in_root(rootfd, path, flags, mode);

        if (fd < 0)
                return error_set(err, "open `%s`", path);
        return fd;
}

int path_exists_at(struct error *err, int rootfd, const char *path)
{
        int fd = open_in_root(rootfd, path, O_PATH, 0);

        if (fd >= 0) {
                close(fd);
                return 1;
        }
        if (errno == ENOENT || errno == ENOTDIR)
                return 0;
        return error_set(err, "look up `%s`", path);
}
