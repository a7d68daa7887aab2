/* The manifest lists, in creation order, every path an install made, so
 * that --remove (and a re-install) undoes exactly that and nothing else.
 * It lives in the root itself, written atomically at the end. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "setup.h"

#define MANIFEST_DIR "var/lib/fake-nvidia"
#define MANIFEST "var/lib/fake-nvidia/manifest"

static const char *const manifest_dirs[] = {"var", "var/lib", MANIFEST_DIR};

struct manifest {
        char root[PATH_MAX];
        char *text;
        size_t len, cap;
};

static int join(const char *root, const char *rel, char *buf, size_t len, struct error *err)
{
        const char *sep = root[strlen(root) - 1] == '/' ? "" : "/";

        if ((size_t)snprintf(buf, len, "%s%s%s", root, sep, rel) >= len)
                return error_setx(err, "path too long: `%s%s%s`", root, sep, rel);
        return 0;
}

int manifest_open(struct manifest **m, const char *root, struct error *err)
{
        struct manifest *n = calloc(1, sizeof(*n));

        if (n == NULL)
                return error_set(err, "allocate manifest");
        snprintf(n->root, sizeof(n->root), "%s", root);
        *m = n;
        return 0;
}

int manifest_add(struct manifest *m, char type, const char *rel, struct error *err)
{
        size_t need = strlen(rel) + 3;

        if (m->len + need + 1 > m->cap) {
                size_t cap = (m->cap + need) * 2;
                char *t = realloc(m->text, cap);
                if (t == NULL)
                        return error_set(err, "allocate manifest");
                m->text = t;
                m->cap = cap;
        }
        m->len += (size_t)sprintf(m->text + m->len, "%c %s\n", type, rel);
        return 0;
}

int manifest_commit(struct manifest *m, struct error *err)
{
        char path[PATH_MAX], tmp[PATH_MAX + 8];
        cleanup_close int fd = -1;

        for (size_t i = 0; i < sizeof(manifest_dirs) / sizeof(manifest_dirs[0]); i++) {
                if (join(m->root, manifest_dirs[i], path, sizeof(path), err) < 0)
                        return -1;
                if (mkdir(path, 0755) < 0 && errno != EEXIST)
                        return error_set(err, "create `%s`", path);
        }
        if (join(m->root, MANIFEST, path, sizeof(path), err) < 0)
                return -1;
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
                return error_set(err, "create `%s`", tmp);
        if (m->len > 0 && write(fd, m->text, m->len) != (ssize_t)m->len)
                return error_set(err, "write `%s`", tmp);
        if (fsync(fd) < 0 || rename(tmp, path) < 0)
                return error_set(err, "commit `%s`", path);
        return 0;
}

void manifest_free(struct manifest *m)
{
        if (m == NULL)
                return;
        free(m->text);
        free(m);
}

static int remove_entry(const char *root, char type, const char *rel, struct error *err)
{
        char path[PATH_MAX];

        if (join(root, rel, path, sizeof(path), err) < 0)
                return -1;
        if (type == 'd') {
                /* Directories may hold files that are not ours (a --system
                 * install shares /usr/lib): keep them then. */
                if (rmdir(path) < 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST && errno != EBUSY)
                        return error_set(err, "remove `%s`", path);
                return 0;
        }
        if (unlink(path) < 0 && errno != ENOENT)
                return error_set(err, "remove `%s`", path);
        return 0;
}

/* Reads the manifest into an array of lines, for removal in reverse. */
static int read_lines(const char *path, char **text, char ***lines, size_t *n, struct error *err)
{
        cleanup_file FILE *f = fopen(path, "re");
        size_t len = 0, count = 0;
        char *buf = NULL, **v;

        if (f == NULL)
                return errno == ENOENT ? 0 : error_set(err, "open `%s`", path);
        if (getdelim(&buf, &len, '\0', f) < 0 && ferror(f)) {
                free(buf);
                return error_set(err, "read `%s`", path);
        }
        if (buf == NULL && (buf = strdup("")) == NULL)
                return error_set(err, "read `%s`", path);
        for (char *p = buf; *p != '\0'; p++)
                count += *p == '\n';
        if ((v = calloc(count + 1, sizeof(*v))) == NULL) {
                free(buf);
                return error_set(err, "read `%s`", path);
        }
        count = 0;
        for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save))
                v[count++] = l;
        *text = buf;
        *lines = v;
        *n = count;
        return 1;
}

int manifest_remove_all(const char *root, bool *found, struct error *err)
{
        char path[PATH_MAX], dir[PATH_MAX];
        cleanup_free char *text = NULL;
        cleanup_free char **lines = NULL;
        size_t n = 0;
        int rv;

        *found = false;
        if (join(root, MANIFEST, path, sizeof(path), err) < 0 || (rv = read_lines(path, &text, &lines, &n, err)) < 0)
                return -1;
        if (rv == 0)
                return 0;
        *found = true;
        for (size_t i = n; i-- > 0;) {
                if (strlen(lines[i]) < 3 || lines[i][1] != ' ' || strstr(lines[i], "..") != NULL)
                        return error_setx(err, "`%s`: corrupt line %zu", path, i + 1);
                if (remove_entry(root, lines[i][0], lines[i] + 2, err) < 0)
                        return -1;
        }
        if (unlink(path) < 0 && errno != ENOENT)
                return error_set(err, "remove `%s`", path);
        /* The manifest's own directories are not listed in it; shared ones
         * such as /var/lib stay because they are not empty. */
        for (size_t i = 0; i < sizeof(manifest_dirs) / sizeof(manifest_dirs[0]); i++) {
                if (join(root, manifest_dirs[sizeof(manifest_dirs) / sizeof(manifest_dirs[0]) - 1 - i], dir,
                         sizeof(dir), err) < 0)
                        return -1;
                rmdir(dir);
        }
        return 0;
}
