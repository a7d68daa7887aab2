/* The cdi and jit-cdi modes (upstream's NewCDIModifier and the hook
 * remover that runs before it): the NVIDIA hooks come out of
 * hooks.prestart, and the devices the container asks for are injected with
 * the CDI library's rules (src/common/cdi.h): from the specs of
 * nvidia-container-runtime.modes.cdi.spec-dirs, or, for runtime.nvidia.com
 * names (what jit-cdi makes of plain ids), from a spec generated in memory
 * from the driver for just those devices, so no file can be stale.
 * Injection puts each device node and its cgroup rule into config.json, so
 * these GPUs also survive a cgroup reload. */
#include <stdlib.h>
#include <string.h>

#include "common/cdi.h"
#include "common/cdi_gen.h"
#include "common/cdi_name.h"
#include "common/strv.h"
#include "ctk/discover.h"
#include "runtime/runtime.h"

/* The kind of the specs jit-cdi generates (upstream's automatic CDI spec). */
#define JIT_KIND "runtime.nvidia.com/gpu"

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
static int device_names(struct error *err, const struct modify_ctx *ctx, const char *kind, char ***names, size_t *n)
{
        /* + 2: "none" has no device of the request's but takes a slot, and the NULL. */
        char **v = calloc(ctx->req->ndevices + 2, sizeof(*v)), *name;
        bool seen;

        *names = NULL;
        *n = 0;
        if (v == NULL)
                return error_set(err, "CDI device names");
        /* jit-cdi serves "none" (driver files, no GPU) from its generated
         * spec; in the cdi mode there is nothing to look up for it. */
        if (ctx->req->gpu && ctx->req->kind == IMAGE_DEVICES_NONE && strcmp(kind, JIT_KIND) == 0) {
                if ((v[0] = strdup(JIT_KIND "=none")) == NULL) {
                        free(v);
                        return error_set(err, "CDI device names");
                }
                *names = v;
                *n = 1;
                return 0;
        }
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
                k += strncmp(names[i], JIT_KIND "=", strlen(JIT_KIND "=")) == 0;
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

/* The hook path of generated specs: nvidia-ctk.path located as the other
 * executables (upstream's jit specs run `nvidia-ctk hook ...`). */
static char *jit_hook_path(const struct config *cfg)
{
        const char *name = cfg->ctk.path != NULL && cfg->ctk.path[0] != '\0' ? cfg->ctk.path : "nvidia-ctk";
        char *path = name[0] == '/' ? strdup(name) : runtime_locate(name);

        return path != NULL ? path : strdup("/usr/bin/nvidia-ctk");
}

static void jit_log(void *data, enum cdi_gen_log_level level, const char *msg)
{
        (void)data;
        rtlog(level == CDI_GEN_LOG_WARN ? RTLOG_WARN : level == CDI_GEN_LOG_INFO ? RTLOG_DEBUG : RTLOG_TRACE, "%s",
              msg);
}

/* A MIG id ("MIG-...", "0:1") needs NVML's list of MIG devices; a bus id
 * ("0000:01:00.0") is taken for one too, which only costs time. */
static bool identity_only(const char *const *wanted)
{
        for (size_t i = 0; wanted[i] != NULL; i++)
                if (strncmp(wanted[i], "MIG-", 4) == 0 || strchr(wanted[i], ':') != NULL)
                        return false;
        return true;
}

/* The spec of the requested ids ("all", indexes, UUIDs, "0:1"), generated
 * from the driver. "none" asks for the driver files without a GPU: no
 * device of the spec, only its common edits. */
static int jit_spec(struct error *err, const struct modify_ctx *ctx, char *const *ids, size_t n,
                    struct cdi_spec **out)
{
        const char *root = ctx->cfg->cli.root != NULL && ctx->cfg->cli.root[0] != '\0' ? ctx->cfg->cli.root : "/";
        const char **wanted = calloc(n + 1, sizeof(*wanted));
        struct cdi_gen_options opts = {.mode = CDI_GEN_MODE_NVML, .driver_root = root, .vendor = "runtime.nvidia.com",
                                       .class = "gpu", .log = jit_log};
        struct ctk_discovery d = {0};
        char *hook = jit_hook_path(ctx->cfg);
        size_t m = 0;
        int rv = -1;

        if (wanted == NULL || hook == NULL) {
                error_set(err, "generate CDI spec");
                goto out;
        }
        for (size_t i = 0; i < n; i++)
                if (strcmp(ids[i], "all") != 0 && strcmp(ids[i], "none") != 0)
                        wanted[m++] = ids[i];
        opts.hook_path = hook;
        opts.device_ids = wanted;
        opts.ndevice_ids = m;
        if (gpu_session_open(err, ctx->gpus, ctx->cfg) == 0 && ctk_discover_with(err, ctx->gpus->nvc, root, identity_only(wanted), &d) == 0 &&
            cdi_generate(err, &opts, &d.driver, out) == 0)
                rv = 0;
        ctk_discovery_free(&d);
out:
        if (rv < 0)
                error_prefix(err, "failed to generate CDI spec");
        free(hook);
        free(wanted);
        return rv;
}

/* Injects the generated devices: each name's id picks its device; "none"
 * picks none but still brings the common edits. */
static int jit_inject(struct error *err, struct modify_ctx *ctx, char *const *names, size_t n)
{
        char **ids = calloc(n + 1, sizeof(*ids));
        struct cdi_request *req = calloc(n + 1, sizeof(*req));
        struct cdi_spec *spec = NULL;
        size_t m = 0;
        int rv = -1;

        if (ids == NULL || req == NULL) {
                error_set(err, "CDI devices");
                goto out;
        }
        for (size_t i = 0; i < n; i++)
                ids[i] = names[i] + strlen(JIT_KIND "=");
        rtlog(RTLOG_DEBUG, "Generating in-memory CDI specs for %zu devices", n);
        if (jit_spec(err, ctx, ids, n, &spec) < 0)
                goto out;
        for (size_t i = 0; i < n; i++) {
                req[m].spec = spec;
                req[m].device = strcmp(ids[i], "none") == 0 ? NULL : cdi_spec_device(spec, ids[i]);
                if (req[m].device == NULL && strcmp(ids[i], "none") != 0) {
                        error_setx(err, "unresolvable CDI devices %s", names[i]);
                        goto out;
                }
                m++;
        }
        if ((rv = cdi_inject_resolved(err, ctx->spec, req, m)) < 0)
                error_prefix(err, "failed to inject CDI devices");
        else
                ctx->changed = true;
out:
        cdi_spec_free(spec);
        free(req);
        free(ids);
        return rv;
}

static int modify(struct error *err, struct modify_ctx *ctx, const char *kind)
{
        char **names = NULL;
        size_t n = 0, k;
        int rv = -1;

        ctx->changed = spec_remove_nvidia_hooks(ctx->spec) > 0;
        if (check_annotations(err, ctx->spec, ctx->cfg->runtime.cdi.annotation_prefixes) < 0 ||
            device_names(err, ctx, kind, &names, &n) < 0)
                return error_prefix(err, "failed to get required devices from OCI specification");
        if (n == 0) {
                rtlog(RTLOG_DEBUG, "No devices requested; no modification required.");
                rv = 0;
        } else if ((k = automatic(names, n)) > 0 && k != n) {
                error_setx(err, "requesting a CDI device with vendor 'runtime.nvidia.com' is not supported when "
                                "requesting other CDI devices");
        } else {
                rv = k > 0 ? jit_inject(err, ctx, names, n) : inject(err, ctx, names, n);
        }
        strv_free(names);
        return rv;
}

int cdi_modify(struct error *err, struct modify_ctx *ctx)
{
        const char *kind = ctx->cfg->runtime.cdi.default_kind;

        return modify(err, ctx, kind != NULL ? kind : "");
}

/* jit-cdi: plain ids become runtime.nvidia.com names, served by a spec
 * generated on the spot (upstream's automatic CDI spec modifier). */
int jit_cdi_modify(struct error *err, struct modify_ctx *ctx)
{
        return modify(err, ctx, JIT_KIND);
}
