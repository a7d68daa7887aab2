/* File lookups of the CDI spec generator (cdi_gen_internal.h): every path
 * is looked up under the driver root, by directory listing and fnmatch (not
 * glob, so a root holding wildcard characters is taken literally), in name
 * order, and a file that resolves out of the driver root is skipped. */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cdi_gen_internal.h"
#include "common/cleanup.h"
#include "common/path_clean.h"
#include "common/strv.h"

void gen_log(const struct gen *g, enum cdi_gen_log_level level, const char *fmt, ...)
{
        char *msg = NULL;
        va_list ap;
        int r;

        if (g->opts->log == NULL)
                return;
        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0)
                return;
        g->opts->log(g->opts->log_data, level, msg);
        free(msg);
}

int gen_nomem(struct gen *g)
{
        errno = ENOMEM;
        return error_set(g->err, "generate CDI spec");
}

char *gen_join(const char *root, const char *path)
{
        char *s = NULL;

        return asprintf(&s, "%s%s", root, path) < 0 ? NULL : s;
}

const char *gen_in_root(const struct gen *g, const char *path)
{
        size_t len = strlen(g->root);

        if (strncmp(path, g->root, len) != 0)
                return NULL;
        if (path[len] == '\0')
                return "/";
        return path[len] == '/' ? path + len : NULL;
}

static bool is_kind(const struct stat *st, enum gen_kind kind)
{
        switch (kind) {
        case GEN_KIND_FILE:
                return S_ISREG(st->st_mode);
        case GEN_KIND_EXEC:
                return S_ISREG(st->st_mode) && (st->st_mode & 0111) != 0;
        case GEN_KIND_DIR:
                return S_ISDIR(st->st_mode);
        case GEN_KIND_OTHER:
                return !S_ISDIR(st->st_mode);
        }
        return false;
}

char *gen_resolve(struct gen *g, const char *p, enum gen_kind kind)
{
        char *real = realpath(p, NULL);
        struct stat st;

        if (real == NULL) {
                if (errno != ENOMEM)
                        errno = 0;
                return NULL;
        }
        if (gen_in_root(g, real) == NULL) {
                gen_log(g, CDI_GEN_LOG_WARN, "Ignoring %s: it resolves to %s, outside the driver root", p, real);
                free(real);
                errno = 0;
                return NULL;
        }
        if (stat(real, &st) < 0 || !is_kind(&st, kind)) {
                free(real);
                errno = 0;
                return NULL;
        }
        return real;
}

static bool holds(char *const *list, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], s) == 0)
                        return true;
        return false;
}

int gen_dirs(struct gen *g, const char *const *dirs, size_t n, bool in_root, char ***out, size_t *nout)
{
        for (size_t i = 0; i < n; i++) {
                cleanup_free char *host = in_root ? gen_join(g->root, dirs[i]) : strdup(dirs[i]);
                cleanup_free char *real = NULL;

                if (host == NULL)
                        return gen_nomem(g);
                if ((real = gen_resolve(g, host, GEN_KIND_DIR)) == NULL) {
                        if (errno != 0)
                                return gen_nomem(g);
                        continue;
                }
                if (!holds(*out, *nout, real) && cdi_strv_append(out, nout, "%s", real) < 0)
                        return gen_nomem(g);
        }
        return 0;
}

static int compare_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A pattern without wildcards is its own match when something of that
 * name exists. */
int gen_list(struct gen *g, const char *dir, const char *pattern, char ***out, size_t *n)
{
        cleanup_dir DIR *d = NULL;
        struct dirent *de;

        if (strpbrk(pattern, "*?[") == NULL) {
                cleanup_free char *p = NULL;
                struct stat st;

                if (asprintf(&p, "%s/%s", dir, pattern) < 0)
                        return gen_nomem(g);
                if (lstat(p, &st) == 0 && cdi_strv_append(out, n, "%s", pattern) < 0)
                        return gen_nomem(g);
                return 0;
        }
        if ((d = opendir(dir)) == NULL)
                return 0;
        while ((de = readdir(d)) != NULL)
                if (fnmatch(pattern, de->d_name, FNM_PERIOD) == 0 && cdi_strv_append(out, n, "%s", de->d_name) < 0)
                        return gen_nomem(g);
        if (*n > 1)
                qsort(*out, *n, sizeof(**out), compare_names);
        return 0;
}

static int add_found(struct gen *g, const struct gen_lookup *l, enum gen_group group, const char *located, char *real)
{
        const char *container = l->container != NULL ? l->container : gen_in_root(g, l->resolve ? real : located);
        struct gen_mount *v;

        if (container == NULL || (v = realloc(g->mounts, (g->nmounts + 1) * sizeof(*v))) == NULL) {
                free(real);
                return container == NULL ? 0 : gen_nomem(g);
        }
        g->mounts = v;
        v[g->nmounts] = (struct gen_mount){.host = real, .container = strdup(container), .group = group};
        if (v[g->nmounts].container == NULL) {
                free(real);
                return gen_nomem(g);
        }
        g->nmounts++;
        gen_log(g, CDI_GEN_LOG_INFO, "Selecting %s as %s", real, container);
        return 1;
}

/* The matches of the pattern in one directory, appended; stops after the
 * first unless l->all. Returns the number found, or -1. */
static int locate_in(struct gen *g, const char *dir, const struct gen_lookup *l, enum gen_group group)
{
        const char *slash = strrchr(l->pattern, '/');
        const char *name = slash != NULL ? slash + 1 : l->pattern;
        cleanup_free char *sub = NULL, *where = NULL;
        char **names = NULL;
        size_t n = 0;
        int found = 0, r = 0;

        if (asprintf(&sub, "%s/%.*s", dir, slash != NULL ? (int)(slash - l->pattern) : 0, l->pattern) < 0 ||
            (where = path_clean(sub)) == NULL)
                return gen_nomem(g);
        if (gen_list(g, where, name, &names, &n) < 0)
                return -1;
        for (size_t i = 0; i < n && r >= 0 && (l->all || found == 0); i++) {
                cleanup_free char *p = NULL, *located = NULL;
                char *real;

                if (asprintf(&p, "%s/%s", where, names[i]) < 0 || (located = path_clean(p)) == NULL) {
                        r = gen_nomem(g);
                } else if ((real = gen_resolve(g, located, l->kind)) == NULL) {
                        r = errno != 0 ? gen_nomem(g) : 0;
                } else if ((r = add_found(g, l, group, located, real)) > 0) {
                        found++;
                }
        }
        strv_free(names);
        return r < 0 ? -1 : found;
}

static void warn_missing(const struct gen *g, const struct gen_lookup *l)
{
        const char *p = l->pattern;

        switch (l->miss) {
        case GEN_MISS_PLAIN:
                gen_log(g, CDI_GEN_LOG_WARN, "Could not locate %s: pattern %s not found", p, p);
                break;
        case GEN_MISS_LDCACHE:
                gen_log(g, CDI_GEN_LOG_WARN, "Could not locate %s: pattern %s not found\n%s: not found", p, p, p);
                break;
        case GEN_MISS_TWICE:
                gen_log(g, CDI_GEN_LOG_WARN, "Could not locate %s: pattern %s not found\npattern %s not found", p, p,
                        p);
                break;
        }
}

int gen_locate(struct gen *g, char *const *dirs, size_t ndirs, const struct gen_lookup *l, enum gen_group group)
{
        int found = 0;

        for (size_t i = 0; i < ndirs && (l->all || found == 0); i++) {
                int r = locate_in(g, dirs[i], l, group);

                if (r < 0)
                        return -1;
                found += r;
        }
        if (found == 0 && !l->optional)
                warn_missing(g, l);
        return found;
}
