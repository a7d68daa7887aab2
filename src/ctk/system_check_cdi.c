/* The CDI specs the engines read ("cdi-specs"): loadable, not in conflict,
 * defining nvidia.com/gpu devices; and whether NVIDIA's specs still match
 * the driver ("cdi-fresh"): a spec is a snapshot of one driver version,
 * its files and its GPUs, which a driver upgrade or a GPU change leaves
 * behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "ctk/system_check.h"

#define GPU_KIND "nvidia.com/gpu"
#define MAX_MINORS 256

/* --- staleness (pure but for stat) ------------------------------------------------ */

/* Every set of edits of a spec: its own, then each device's. */
static const struct cdi_edits *edits_at(const struct cdi_spec *spec, size_t i)
{
        return i == 0 ? &spec->edits : &spec->devices[i - 1].edits;
}

/* The version in "PREFIX<version>" when version has a dot (not a SONAME's
 * ".so.1"), copied to buf. */
static const char *suffix_version(const char *s, const char *prefix, char *buf, size_t size)
{
        size_t n = strlen(prefix);

        if (strncmp(s, prefix, n) != 0 || strchr(s + n, '.') == NULL || s[n] < '0' || s[n] > '9')
                return NULL;
        snprintf(buf, size, "%s", s + n);
        return buf;
}

static const char *hook_version(const struct cdi_edits *e)
{
        static const char flag[] = "--host-driver-version=";

        for (size_t h = 0; h < e->n_hooks; h++)
                for (char **a = e->hooks[h].args; a != NULL && *a != NULL; a++)
                        if (strncmp(*a, flag, sizeof(flag) - 1) == 0 && (*a)[sizeof(flag) - 1] != '\0')
                                return *a + sizeof(flag) - 1;
        return NULL;
}

static const char *mount_version(const struct cdi_edits *e, char *buf, size_t size)
{
        static const char firmware[] = "/lib/firmware/nvidia/";

        for (size_t m = 0; m < e->n_mounts; m++) {
                const char *path = e->mounts[m].host_path, *base = strrchr(path, '/'), *fw = strstr(path, firmware);

                base = base != NULL ? base + 1 : path;
                if (suffix_version(base, "libcuda.so.", buf, size) != NULL ||
                    suffix_version(base, "libnvidia-ml.so.", buf, size) != NULL)
                        return buf;
                if (fw != NULL && suffix_version(fw + sizeof(firmware) - 1, "", buf, size) != NULL) {
                        buf[strcspn(buf, "/")] = '\0';
                        return buf;
                }
        }
        return NULL;
}

const char *ctk_check_spec_driver(const struct cdi_spec *spec, char *buf, size_t size)
{
        const char *v;

        for (size_t i = 0; i <= spec->n_devices; i++)
                if ((v = hook_version(edits_at(spec, i))) != NULL)
                        return v;
        for (size_t i = 0; i <= spec->n_devices; i++)
                if ((v = mount_version(edits_at(spec, i), buf, size)) != NULL)
                        return v;
        return NULL;
}

/* Counts the host paths of e that are missing; the first in first. */
struct missing {
        const char *root;
        size_t n;
        char first[4096];
};

static void check_path(struct missing *m, const char *path)
{
        cleanup_free char *host = path != NULL ? ctk_host_path(m->root, path) : NULL;

        if (host == NULL || ctk_host_exists(host))
                return;
        if (m->n++ == 0)
                snprintf(m->first, sizeof(m->first), "%s", path);
}

static void missing_paths(const struct cdi_edits *e, struct missing *m)
{
        for (size_t i = 0; i < e->n_device_nodes; i++)
                check_path(m, e->device_nodes[i].host_path != NULL ? e->device_nodes[i].host_path
                                                                  : e->device_nodes[i].path);
        for (size_t i = 0; i < e->n_mounts; i++)
                check_path(m, e->mounts[i].host_path);
        for (size_t i = 0; i < e->n_hooks; i++)
                check_path(m, e->hooks[i].path);
}

/* The GPU minors of the spec's /dev/nvidiaN nodes, as flags. */
static size_t spec_minors(const struct cdi_spec *spec, bool minors[MAX_MINORS])
{
        size_t n = 0;

        for (size_t i = 0; i <= spec->n_devices; i++) {
                const struct cdi_edits *e = edits_at(spec, i);

                for (size_t k = 0; k < e->n_device_nodes; k++) {
                        unsigned minor;
                        char end;

                        if (sscanf(e->device_nodes[k].path, "/dev/nvidia%u%c", &minor, &end) != 1 ||
                            minor >= MAX_MINORS || minors[minor])
                                continue;
                        minors[minor] = true;
                        n++;
                }
        }
        return n;
}

static void stale(struct ctk_report *r, const struct cdi_spec *spec, const struct ctk_fresh_driver *drv)
{
        ctk_report_why(r, "engines inject what the spec says: libraries of another driver (\"Driver/library version "
                          "mismatch\"), files that are gone (\"no such file or directory\" at container start) or "
                          "the wrong GPUs");
        ctk_report_fix(r, "nvidia-ctk cdi generate%s --output=%s, or systemctl restart nvidia-cdi-refresh.service",
                       ctk_check_root_flag(drv->driver_root), spec->path);
}

static void check_gpus(struct ctk_report *r, const struct cdi_spec *spec, const struct ctk_fresh_driver *drv)
{
        bool minors[MAX_MINORS] = {false};
        size_t n = spec_minors(spec, minors);

        if (n != drv->ngpus) {
                ctk_report_add(r, "cdi-fresh", CTK_CHECK_FAIL, "stale CDI spec %s: lists %zu GPU%s, the driver has %zu",
                               spec->path, n, n == 1 ? "" : "s", drv->ngpus);
                stale(r, spec, drv);
                return;
        }
        for (size_t i = 0; i < drv->ngpus; i++)
                if (drv->minors[i] < MAX_MINORS)
                        minors[drv->minors[i]] = false;
        for (unsigned m = 0; m < MAX_MINORS; m++) {
                if (!minors[m])
                        continue;
                ctk_report_add(r, "cdi-fresh", CTK_CHECK_FAIL,
                               "stale CDI spec %s: lists /dev/nvidia%u, which the driver does not have", spec->path, m);
                stale(r, spec, drv);
                return;
        }
}

void ctk_check_spec_fresh(struct ctk_report *r, const struct cdi_spec *spec, const struct ctk_fresh_driver *drv)
{
        struct missing *m = calloc(1, sizeof(*m));
        size_t before = r->n;
        const char *made;
        char buf[64];

        if (m == NULL) {
                r->nomem = true;
                return;
        }
        made = ctk_check_spec_driver(spec, buf, sizeof(buf));
        if (drv->version != NULL && made != NULL && strcmp(made, drv->version) != 0) {
                ctk_report_add(r, "cdi-fresh", CTK_CHECK_FAIL, "stale CDI spec %s: made for driver %s, %s is loaded",
                               spec->path, made, drv->version);
                stale(r, spec, drv);
        }
        m->root = drv->root;
        for (size_t i = 0; i <= spec->n_devices; i++)
                missing_paths(edits_at(spec, i), m);
        if (m->n > 0) {
                ctk_report_add(r, "cdi-fresh", CTK_CHECK_FAIL,
                               "stale CDI spec %s: %zu path%s it names no longer exist%s, e.g. %s", spec->path, m->n,
                               m->n == 1 ? "" : "s", m->n == 1 ? "s" : "", m->first);
                stale(r, spec, drv);
        }
        free(m);
        if (drv->version != NULL)
                check_gpus(r, spec, drv);
        if (r->n == before)
                ctk_report_add(r, "cdi-fresh", CTK_CHECK_OK, "%s matches driver %s and its %zu GPU%s", spec->path,
                               drv->version != NULL ? drv->version : "(none loaded)", drv->ngpus,
                               drv->ngpus == 1 ? "" : "s");
}

/* --- the spec directories ---------------------------------------------------------------- */

/* "A", "B" of a conflict warning ("conflicting device \"X\" (specs A, B)"). */
static const char *conflict_specs(const char *warning)
{
        const char *specs = strstr(warning, " (specs ");

        return strncmp(warning, "conflicting device ", 19) == 0 && specs != NULL ? specs + 8 : NULL;
}

/* One finding per set of conflicting files, with the count of devices. */
static void report_conflicts(struct ctk_report *r, const char *const *w, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                const char *specs = conflict_specs(w[i]);
                size_t count = 0;
                bool first = true;

                for (size_t j = 0; specs != NULL && j < n; j++) {
                        const char *other = conflict_specs(w[j]);

                        if (other == NULL || strcmp(other, specs) != 0)
                                continue;
                        first = first && j >= i;
                        count++;
                }
                if (specs == NULL || !first)
                        continue;
                ctk_report_add(r, "cdi-specs", CTK_CHECK_FAIL,
                               "%.*s, %zu device%s in all, are defined by several specs in one directory: %.*s",
                               (int)(strstr(w[i], " (specs ") - w[i]), w[i], count, count == 1 ? "" : "s",
                               (int)strlen(specs) - 1, specs);
                ctk_report_why(r, "engines use neither definition: requests for these devices fail (\"unresolvable "
                                  "CDI devices\")");
                ctk_report_fix(r, "keep one of %.*s and remove the others", (int)strlen(specs) - 1, specs);
        }
}

static void report_invalid(struct ctk_check_ctx *c, struct ctk_report *r, const char *const *w, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                size_t file = strcspn(w[i], ":");

                if (conflict_specs(w[i]) != NULL)
                        continue;
                if (strncmp(w[i], "open `", 6) == 0) {
                        ctk_report_add(r, "cdi-specs", CTK_CHECK_WARN, "cannot read a spec directory: %s", w[i] + 5);
                        ctk_report_why(r, "the engines cannot read it either: its specs are not used");
                        ctk_report_fix(r, "make the directory readable (chmod 755)");
                        continue;
                }
                ctk_report_add(r, "cdi-specs", CTK_CHECK_FAIL, "invalid CDI spec %s", w[i]);
                ctk_report_why(r, "engines skip a spec they cannot load: its devices are unresolvable (\"unresolvable "
                                  "CDI devices nvidia.com/gpu=all\")");
                ctk_report_fix(r, "nvidia-ctk cdi validate %.*s lists its problems; regenerate it (nvidia-ctk cdi "
                                  "generate%s --output=%.*s) or remove it", (int)file, w[i],
                               ctk_check_root_flag(c->driver_root), (int)file, w[i]);
        }
}

/* The GPU devices the engines can use; nothing more to say when none and
 * the failures before explain why. */
static void report_devices(struct ctk_check_ctx *c, struct ctk_report *r, size_t failed)
{
        size_t n, gpus = 0, used = 0;
        const char *const *names = cdi_cache_devices(c->cdi, &n);
        char dirs[8192] = "";

        for (size_t i = 0; i < c->nspec_dirs && used < sizeof(dirs); i++)
                used += (size_t)snprintf(dirs + used, sizeof(dirs) - used, "%s%s", i > 0 ? ", " : "", c->spec_dirs[i]);
        for (size_t i = 0; i < n; i++)
                gpus += strncmp(names[i], GPU_KIND "=", sizeof(GPU_KIND)) == 0;
        if (gpus > 0) {
                ctk_report_add(r, "cdi-specs", CTK_CHECK_OK, "%zu " GPU_KIND " device%s in %s", gpus,
                               gpus == 1 ? "" : "s", dirs);
                return;
        }
        if (failed > 0)
                return;
        ctk_report_add(r, "cdi-specs", CTK_CHECK_WARN, "no CDI spec defines " GPU_KIND " devices (in %s)", dirs);
        ctk_report_why(r, "podman, CRI-O and containerd `--device " GPU_KIND "=all` fail with \"unresolvable CDI "
                          "devices " GPU_KIND "=all\"");
        ctk_report_fix(r, "nvidia-ctk cdi generate%s --output=%s/nvidia.yaml, or systemctl enable --now "
                          "nvidia-cdi-refresh.path nvidia-cdi-refresh.service", ctk_check_root_flag(c->driver_root),
                       c->spec_dirs[c->nspec_dirs - 1]);
}

static void check_fresh(struct ctk_check_ctx *c, struct ctk_report *r)
{
        const struct ctk_fresh_driver drv = {c->root, c->driver_root, c->driver_version, c->gpu_minors, c->ngpus};
        size_t n;
        const struct cdi_spec *const *specs = cdi_cache_specs(c->cdi, &n);

        for (size_t i = 0; i < n; i++)
                if (strncmp(specs[i]->kind, "nvidia.com/", 11) == 0)
                        ctk_check_spec_fresh(r, specs[i], &drv);
}

void ctk_check_cdi_specs(struct ctk_check_ctx *c, struct ctk_report *r)
{
        size_t n, failed = ctk_report_count(r, CTK_CHECK_FAIL);
        struct error err = {0};
        const char *const *warnings;

        if (cdi_cache_load(&err, c->spec_dirs, c->nspec_dirs, &c->cdi) < 0) {
                error_reset(&err);
                r->nomem = true;
                return;
        }
        warnings = cdi_cache_warnings(c->cdi, &n);
        report_invalid(c, r, warnings, n);
        report_conflicts(r, warnings, n);
        report_devices(c, r, ctk_report_count(r, CTK_CHECK_FAIL) - failed);
        check_fresh(c, r);
}
