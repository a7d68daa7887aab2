/* The cache of CDI spec directories (cdi.h), as the CDI library's Cache
 * refreshes itself: each directory's "*.json" and "*.yaml" files in name
 * order (subdirectories skipped), the directory's index as the priority of
 * its specs, invalid specs skipped with their errors recorded.
 *
 * One difference on purpose: the library marks a device defined twice at
 * one priority as a conflict even when a directory of higher priority
 * defines it too (then the device is lost, depending on scan order); here
 * only the definitions of the highest priority compete, so a spec in
 * /var/run/cdi still overrides two stale copies in /etc/cdi. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cdi_internal.h"
#include "common/cleanup.h"
#include "common/strv.h"

struct entry {
        char *name; /* qualified */
        const struct cdi_spec *spec;
        const struct cdi_device *device;
        size_t order; /* of definition, for stable results */
};

struct cdi_cache {
        struct cdi_spec **specs;
        size_t n_specs;
        struct entry *devices; /* usable ones, sorted by name */
        size_t n_devices;
        const char **names; /* NULL-terminated, into devices */
        char **warnings;    /* NULL-terminated */
        size_t n_warnings;
};

void cdi_cache_free(struct cdi_cache *cache)
{
        if (cache == NULL)
                return;
        for (size_t i = 0; i < cache->n_specs; i++)
                cdi_spec_free(cache->specs[i]);
        free(cache->specs);
        for (size_t i = 0; i < cache->n_devices; i++)
                free(cache->devices[i].name);
        free(cache->devices);
        free(cache->names);
        strv_free(cache->warnings);
        free(cache);
}

static int nomem(struct error *err)
{
        errno = ENOMEM;
        return error_set(err, "load CDI specs");
}

static int warn(struct error *err, struct cdi_cache *c, const char *msg)
{
        if (cdi_strv_append(&c->warnings, &c->n_warnings, "%s", msg) < 0)
                return nomem(err);
        return 0;
}

/* Loads one file; a spec that fails to read, parse or validate becomes
 * warnings. Fails only for memory. */
static int load_file(struct error *err, struct cdi_cache *c, const char *path, int priority)
{
        struct error perr = {0};
        struct cdi_spec *spec = NULL, **specs;
        int n;

        if (cdi_spec_load(&perr, path, &spec) < 0) {
                n = warn(err, c, error_msg(&perr));
                error_reset(&perr);
                return n;
        }
        spec->priority = priority;
        if ((n = cdi_spec_problems(err, spec, &c->warnings)) != 0) {
                c->n_warnings += n > 0 ? (size_t)n : 0;
                cdi_spec_free(spec);
                return n < 0 ? -1 : 0;
        }
        if ((specs = reallocarray(c->specs, c->n_specs + 1, sizeof(*specs))) == NULL) {
                cdi_spec_free(spec);
                return nomem(err);
        }
        c->specs = specs;
        c->specs[c->n_specs++] = spec;
        return 0;
}

static int by_string(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_spec_name(const char *name)
{
        size_t n = strlen(name);

        return (n > 5 && strcmp(name + n - 5, ".json") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

/* The spec file names of dir, sorted; a missing directory has none. */
static int list_dir(struct error *err, struct cdi_cache *c, const char *dir, char ***names)
{
        cleanup_dir DIR *d = NULL;
        struct dirent *de;
        size_t n = 0;

        *names = NULL;
        if ((d = opendir(dir)) == NULL) {
                char *msg = NULL;
                int r;

                if (errno == ENOENT)
                        return 0;
                if (asprintf(&msg, "open `%s`: %s", dir, strerror(errno)) < 0)
                        return nomem(err);
                r = warn(err, c, msg);
                free(msg);
                return r;
        }
        while ((errno = 0, de = readdir(d)) != NULL) {
                struct stat st;

                if (!is_spec_name(de->d_name))
                        continue;
                /* Subdirectories are skipped, not followed (lstat, as the
     * library's walk); a link to a file is read. */
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
                        continue;
                if (cdi_strv_append(names, &n, "%s", de->d_name) < 0) {
                        strv_free(*names);
                        *names = NULL;
                        return nomem(err);
                }
        }
        if (n > 1)
                qsort(*names, n, sizeof(**names), by_string);
        return 0;
}

static int load_dir(struct error *err, struct cdi_cache *c, const char *dir, int priority)
{
        char **names = NULL;
        int rv = 0;

        if (list_dir(err, c, dir, &names) < 0)
                return -1;
        for (size_t i = 0; rv == 0 && names != NULL && names[i] != NULL; i++) {
                char *path = NULL;

                if (asprintf(&path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]) < 0) {
                        rv = nomem(err);
                        break;
                }
                rv = load_file(err, c, path, priority);
                free(path);
        }
        strv_free(names);
        return rv;
}

/* Highest priority first, then in the order of definition. */
static int by_name_priority(const void *a, const void *b)
{
        const struct entry *x = a, *y = b;
        int c = strcmp(x->name, y->name);

        if (c != 0)
                return c;
        if (x->spec->priority != y->spec->priority)
                return x->spec->priority > y->spec->priority ? -1 : 1;
        return x->order < y->order ? -1 : x->order > y->order;
}

static int collect(struct error *err, struct cdi_cache *c, struct entry **out, size_t *count)
{
        size_t n = 0, total = 0;
        struct entry *e;

        for (size_t i = 0; i < c->n_specs; i++)
                total += c->specs[i]->n_devices;
        if ((e = calloc(total + 1, sizeof(*e))) == NULL)
                return nomem(err);
        for (size_t i = 0; i < c->n_specs; i++) {
                for (size_t j = 0; j < c->specs[i]->n_devices; j++, n++) {
                        e[n] = (struct entry){NULL, c->specs[i], &c->specs[i]->devices[j], n};
                        if (asprintf(&e[n].name, "%s=%s", c->specs[i]->kind, e[n].device->name) < 0) {
                                for (size_t k = 0; k < n; k++)
                                        free(e[k].name);
                                free(e);
                                return nomem(err);
                        }
                }
        }
        qsort(e, n, sizeof(*e), by_name_priority);
        *out = e;
        *count = n;
        return 0;
}

static int conflict(struct error *err, struct cdi_cache *c, const struct entry *e, size_t n)
{
        char *msg = NULL, *specs = NULL;
        int rv;

        for (size_t k = 0; k < n; k++) {
                char *next = NULL;

                if (asprintf(&next, "%s%s\"%s\"", specs != NULL ? specs : "", k > 0 ? ", " : "", e[k].spec->path) < 0) {
                        free(specs);
                        return nomem(err);
                }
                free(specs);
                specs = next;
        }
        if (asprintf(&msg, "conflicting device \"%s\" (specs %s)", e[0].name, specs) < 0) {
                free(specs);
                return nomem(err);
        }
        rv = warn(err, c, msg);
        free(msg);
        free(specs);
        return rv;
}

/* Keeps the first entry of each name (the highest priority) unless the
 * next one has the same priority: then the conflict is recorded and none
 * is kept. Takes the entries. */
static int resolve(struct error *err, struct cdi_cache *c, struct entry *e, size_t n)
{
        int rv = 0;

        if ((c->devices = calloc(n + 1, sizeof(*c->devices))) == NULL)
                rv = nomem(err);
        for (size_t i = 0, j; rv == 0 && i < n; i = j) {
                size_t top = i + 1;

                for (j = i + 1; j < n && strcmp(e[j].name, e[i].name) == 0; j++)
                        ;
                while (top < j && e[top].spec->priority == e[i].spec->priority)
                        top++;
                if (top - i > 1) {
                        rv = conflict(err, c, &e[i], top - i);
                } else {
                        c->devices[c->n_devices++] = e[i];
                        e[i].name = NULL;
                }
        }
        for (size_t i = 0; i < n; i++)
                free(e[i].name);
        free(e);
        if (rv < 0)
                return -1;
        if ((c->names = calloc(c->n_devices + 1, sizeof(*c->names))) == NULL)
                return nomem(err);
        for (size_t i = 0; i < c->n_devices; i++)
                c->names[i] = c->devices[i].name;
        return 0;
}

static int finish(struct error *err, struct cdi_cache *c, struct cdi_cache **out)
{
        struct entry *e = NULL;
        size_t n = 0;

        if (collect(err, c, &e, &n) < 0 || resolve(err, c, e, n) < 0) {
                cdi_cache_free(c);
                return -1;
        }
        *out = c;
        return 0;
}

int cdi_cache_load(struct error *err, const char *const *dirs, size_t ndirs, struct cdi_cache **out)
{
        static const char *const defaults[] = CDI_DEFAULT_SPEC_DIRS;
        struct cdi_cache *c;

        *out = NULL;
        if (ndirs == 0 || dirs == NULL) {
                dirs = defaults;
                ndirs = sizeof(defaults) / sizeof(defaults[0]);
        }
        if ((c = calloc(1, sizeof(*c))) == NULL)
                return nomem(err);
        for (size_t i = 0; i < ndirs; i++) {
                if (dirs[i][0] == '\0')
                        continue;
                if (load_dir(err, c, dirs[i], (int)i) < 0) {
                        cdi_cache_free(c);
                        return -1;
                }
        }
        return finish(err, c, out);
}

int cdi_cache_load_files(struct error *err, const char *const *files, size_t nfiles, struct cdi_cache **out)
{
        struct cdi_cache *c;

        *out = NULL;
        if ((c = calloc(1, sizeof(*c))) == NULL)
                return nomem(err);
        for (size_t i = 0; i < nfiles; i++) {
                if (load_file(err, c, files[i], 0) < 0) {
                        cdi_cache_free(c);
                        return -1;
                }
        }
        return finish(err, c, out);
}

const char *const *cdi_cache_warnings(const struct cdi_cache *cache, size_t *n)
{
        static const char *const none[] = {NULL};

        *n = cache->n_warnings;
        return cache->warnings != NULL ? (const char *const *)cache->warnings : none;
}

const char *const *cdi_cache_devices(const struct cdi_cache *cache, size_t *n)
{
        *n = cache->n_devices;
        return cache->names;
}

const struct cdi_spec *const *cdi_cache_specs(const struct cdi_cache *cache, size_t *n)
{
        *n = cache->n_specs;
        return (const struct cdi_spec *const *)cache->specs;
}

static int by_entry_name(const void *key, const void *elem)
{
        return strcmp(key, ((const struct entry *)elem)->name);
}

const struct cdi_device *cdi_cache_lookup(const struct cdi_cache *cache, const char *qualified,
                                          const struct cdi_spec **spec)
{
        const struct entry *e = NULL;

        if (cache->n_devices > 0)
                e = bsearch(qualified, cache->devices, cache->n_devices, sizeof(*cache->devices), by_entry_name);
        if (spec != NULL)
                *spec = e != NULL ? e->spec : NULL;
        return e != NULL ? e->device : NULL;
}
