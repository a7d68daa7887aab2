/* The cdi mode (upstream's NewCDIModifier and the hook remover that runs
 * before it): the NVIDIA hooks come out of hooks.prestart, and the devices
 * the container asks for are injected from the CDI specs of
 * nvidia-container-runtime.modes.cdi.spec-dirs with the CDI library's rules
 * (src/common/cdi.h). Injection puts each device node and its cgroup rule
 * into config.json, so these GPUs also survive a cgroup reload. */
#include <stdlib.h>
#include <string.h>

#include "common/cdi.h"
#include "common/cdi_name.h"
#include "common/strv.h"
#include "runtime/runtime.h"

/* Every comma-separated name of one annotation's value must be fully
 * qualified (upstream's getAnnotationDevices). */
static int check_value(struct error *err, const char *key, const char *value)
{
        for (const char *d = value;; d += strcspn(d, ",") + 1) {
                char *name = strndup(d, strcspn(d, ","));
                int rv = 0;

                if (name == NULL)
                        return error_set(err, "annotation %s", key);
                if (!cdi_name_is_qualified(name))
                        rv = error_setx(err, "invalid device name \"%s\" in annotation \"%s\"", name, key);
                free(name);
                if (rv < 0 || d[strcspn(d, ",")] == '\0')
                        return rv;
        }
}

/* Devices from annotations are taken as written by the request; the CDI
 * mode wants them qualified. */
static int check_annotations(struct error *err, const struct oci_spec *spec, char *const *prefixes)
{
        struct oci_annotation *a = NULL;
        size_t n = 0;
        int rv = 0;

        if (oci_spec_annotations(err, spec, &a, &n) < 0)
                return -1;
        for (size_t i = 0; i < n && rv == 0; i++)
                for (size_t p = 0; prefixes != NULL && prefixes[p] != NULL && rv == 0; p++)
                        if (strncmp(a[i].key, prefixes[p], strlen(prefixes[p])) == 0)
                                rv = check_value(err, a[i].key, a[i].value);
        free(a);
        return rv < 0 ? error_prefix(err, "failed to parse container annotations") : 0;
}

/* A device as a CDI name: plain ids get modes.cdi.default-kind ("all" is
 * "nvidia.com/gpu=all"). */
static char *cdi_device_name(const char *kind, const char *device)
{
        char *name = NULL;

        if (cdi_name_is_qualified(device))
                return strdup(device);
        return asprintf(&name, "%s=%s", kind, device) < 0 ? NULL : name;
}

/* The request's devices as CDI names, each once, in request order. */
static int device_names(struct error *err, const struct modify_ctx *ctx, char ***names, size_t *n)
{
        const char *kind = ctx->cfg->runtime.cdi.default_kind != NULL ? ctx->cfg->runtime.cdi.default_kind : "";
        char **v = calloc(ctx->req->ndevices + 1, sizeof(*v)), *name;
        bool seen;

        *names = NULL;
        *n = 0;
        if (v == NULL)
                return error_set(err, "CDI device names");
        for (size_t i = 0; i < ctx->req->ndevices; i++) {
                if ((name = cdi_device_name(kind, ctx->req->devices[i])) == NULL) {
                        strv_free(v);
                        return error_set(err, "CDI device names");
                }
                seen = false;
                for (size_t j = 0; j < *n && !seen; j++)
                        seen = strcmp(v[j], name) == 0;
                if (seen)
                        free(name);
                else
                        v[(*n)++] = name;
        }
        *names = v;
        return 0;
}

/* runtime.nvidia.com/gpu names ask for a spec generated on the spot. */
static size_t automatic(char *const *names, size_t n)
{
        size_t k = 0;

        for (size_t i = 0; i < n; i++)
                k += strncmp(names[i], "runtime.nvidia.com/gpu=", strlen("runtime.nvidia.com/gpu=")) == 0;
        return k;
}

static void log_cache_problems(const struct cdi_cache *cache, enum rtlog_level level)
{
        size_t n = 0;
        const char *const *w = cdi_cache_warnings(cache, &n);

        for (size_t i = 0; i < n; i++)
                rtlog(level, "CDI registry: %s", w[i]);
}

static int inject(struct error *err, struct modify_ctx *ctx, char *const *names, size_t n)
{
        char *const *dirs = ctx->cfg->runtime.cdi.spec_dirs;
        struct cdi_cache *cache = NULL;
        int rv;

        if (cdi_cache_load(err, (const char *const *)dirs, strv_len((const char *const *)dirs), &cache) < 0)
                return error_prefix(err, "failed to load CDI specs");
        log_cache_problems(cache, RTLOG_DEBUG);
        rv = cdi_inject(err, cache, ctx->spec, (const char *const *)names, n);
        if (rv < 0) {
                /* Broken or conflicting specs may be why a device is missing. */
                log_cache_problems(cache, RTLOG_WARN);
                error_prefix(err, "failed to inject CDI devices");
        } else {
                ctx->changed = true;
        }
        cdi_cache_free(cache);
        return rv;
}

int cdi_modify(struct error *err, struct modify_ctx *ctx)
{
        char **names = NULL;
        size_t n = 0, k;
        int rv = -1;

        ctx->changed = spec_remove_nvidia_hooks(ctx->spec) > 0;
        if (check_annotations(err, ctx->spec, ctx->cfg->runtime.cdi.annotation_prefixes) < 0 ||
            device_names(err, ctx, &names, &n) < 0)
                return error_prefix(err, "failed to get required devices from OCI specification");
        if (n == 0) {
                rtlog(RTLOG_DEBUG, "No devices requested; no modification required.");
                rv = 0;
        } else if ((k = automatic(names, n)) > 0 && k != n) {
                error_setx(err, "requesting a CDI device with vendor 'runtime.nvidia.com' is not supported when "
                                "requesting other CDI devices");
        } else {
                if (k > 0)
                        rtlog(RTLOG_WARN, "Failed to create the automatic CDI modifier: no CDI spec generator in this "
                                          "build; falling back to the standard CDI modifier");
                rv = inject(err, ctx, names, n);
        }
        strv_free(names);
        return rv;
}
