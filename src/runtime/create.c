/* A creating command (create, run): config.json is read, changed in memory
 * by the mode's modifier, and written back atomically only when everything
 * succeeded, so a failure leaves the file byte for byte as it was
 * (upstream's modifyingRuntimeWrapper and initRuntimeModeAndImage). */
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "common/toolkit.h"
#include "runtime/runtime.h"

/* The variables that locate config.toml: the hook gets the ones the shim
 * was run with, so that both read the same file (upstream's hook entry has
 * no env, and a runtime started with another config then gets a hook that
 * reads /etc's). */
static const char *const config_vars[] = {"NVIDIA_CTK_CONFIG_FILE_PATH", "XDG_CONFIG_HOME"};

/* "NAME=value" strings for the hook, NULL-terminated, or NULL for none
 * (or when out of memory: the hook then reads the default file). */
static char **hook_env(void)
{
        const size_t nvars = sizeof(config_vars) / sizeof(config_vars[0]);
        char **env = calloc(nvars + 1, sizeof(*env));
        size_t n = 0;
        const char *v;

        for (size_t i = 0; env != NULL && i < nvars; i++) {
                if ((v = getenv(config_vars[i])) == NULL || v[0] == '\0')
                        continue;
                if (asprintf(&env[n], "%s=%s", config_vars[i], v) < 0) {
                        env[n] = NULL;
                        break;
                }
                n++;
        }
        if (n == 0) {
                strv_free(env);
                return NULL;
        }
        return env;
}

static int request(struct error *err, const struct oci_spec *spec, const struct config *cfg, bool annotations,
                   struct image_request *req)
{
        struct image_policy policy;

        toolkit_image_policy(cfg, &policy);
        if (annotations)
                policy.annotation_prefixes = (const char *const *)cfg->runtime.cdi.annotation_prefixes;
        image_request_free(req);
        if (image_request_from_spec(err, spec, &policy, req) < 0)
                return -1;
        for (size_t i = 0; i < req->nwarnings; i++)
                rtlog(RTLOG_WARN, "%s", req->warnings[i]);
        return 0;
}

/* The mode for this container. "auto" asks the driver only when it matters:
 * for a container that requests GPUs by something else than CDI names. */
static const char *resolve(const struct config *cfg, const struct image_request *req, struct gpu_session *gpus)
{
        const char *configured = cfg->runtime.mode != NULL ? cfg->runtime.mode : "";
        struct error probe = {0};
        bool driver = false;
        const char *mode;

        if (strcmp(configured, "auto") != 0) {
                rtlog(RTLOG_INFO, "Using requested mode '%s'", configured);
                return configured;
        }
        if (!req->cdi_only) {
                driver = gpu_session_open(&probe, gpus, cfg) == 0;
                if (!driver)
                        rtlog(RTLOG_DEBUG, "No driver found: %s", error_msg(&probe));
                error_reset(&probe);
        }
        mode = runtime_mode(configured, req->cdi_only, driver);
        rtlog(RTLOG_INFO, "Auto-detected mode as '%s'", mode);
        return mode;
}

static int modify(struct error *err, const struct config *cfg, struct oci_spec *spec, struct gpu_session *gpus,
                  bool *changed)
{
        struct image_request req = {0};
        char *hook = NULL, **env = NULL;
        const struct mode_ops *ops = NULL;
        struct modify_ctx ctx = {.cfg = cfg, .spec = spec, .req = &req, .gpus = gpus};
        const char *mode;
        bool prefixes = cfg->runtime.cdi.annotation_prefixes != NULL && cfg->runtime.cdi.annotation_prefixes[0] != NULL;
        int rv = -1;

        if (request(err, spec, cfg, true, &req) < 0)
                goto out;
        /* A container that asks for no GPU under "auto": upstream's auto
         * resolves to a CDI mode, which then has nothing to inject. */
        if (strcmp(cfg->runtime.mode != NULL ? cfg->runtime.mode : "", "auto") == 0 && !req.gpu) {
                rtlog(RTLOG_DEBUG, "No GPU requested: nothing to do in mode 'auto'");
                rv = 0;
                goto out;
        }
        mode = resolve(cfg, &req, gpus);
        /* Only the CDI mode reads devices from annotations. */
        if (strcmp(mode, "cdi") != 0 && prefixes && request(err, spec, cfg, false, &req) < 0)
                goto out;
        if ((ops = mode_lookup(mode)) == NULL) {
                error_setx(err, "invalid runtime mode: %s", mode);
                goto out;
        }
        if ((hook = runtime_hook_path(cfg->hook.path)) == NULL) {
                error_set(err, "nvidia-container-runtime-hook path");
                goto out;
        }
        env = hook_env();
        ctx.hook_path = hook;
        ctx.hook_env = (const char *const *)env;
        rv = ops->modify(err, &ctx);
        *changed = ctx.changed;
out:
        strv_free(env);
        free(hook);
        image_request_free(&req);
        return rv;
}

int runtime_create(struct error *err, const struct config *cfg, const char *spec_path)
{
        struct oci_spec spec = {0};
        struct gpu_session gpus = {0};
        bool changed = false;
        int rv = -1;

        if (oci_spec_load(err, spec_path, &spec) < 0)
                return error_prefix(err, "error loading OCI specification for modification");
        if (modify(err, cfg, &spec, &gpus, &changed) < 0)
                error_prefix(err, "error modifying OCI spec");
        else if (changed && oci_spec_write_atomic(err, &spec, spec.path) < 0)
                error_prefix(err, "error writing modified OCI specification");
        else
                rv = 0;
        gpu_session_close(&gpus);
        oci_spec_free(&spec);
        if (rv == 0)
                rtlog(RTLOG_INFO, changed ? "Applied required modification to OCI specification"
                                          : "No modification of OCI specification required");
        return rv;
}
