/* The nvidia-container-cli argv, in the order of NVIDIA's doPrestart
 * (cmd/nvidia-container-runtime-hook/main.go): argv[0], the global flags
 * from [nvidia-container-cli] (--root, --load-kmods,
 * --no-create-imex-channels, --no-pivot, --debug, --ldcache, --user),
 * `configure`, --cuda-compat-mode, --ldconfig, --no-cgroups, --device,
 * --mig-config, --mig-monitor, --imex-channel, one flag per capability,
 * --require per requirement, --pid, the rootfs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "hook/hook.h"

struct args {
        char **v; /* NULL-terminated while n < cap */
        size_t n, cap;
};

static int add(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add(struct args *a, const char *fmt, ...)
{
        va_list ap;
        char *s;
        int rv;

        if (a->n + 2 > a->cap) {
                size_t cap = a->cap == 0 ? 32 : a->cap * 2;
                char **v = reallocarray(a->v, cap, sizeof(*v));

                if (v == NULL)
                        return -1;
                a->v = v;
                a->cap = cap;
        }
        va_start(ap, fmt);
        rv = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (rv < 0)
                return -1;
        a->v[a->n++] = s;
        a->v[a->n] = NULL;
        return 0;
}

static bool set(const char *s)
{
        return s != NULL && s[0] != '\0';
}

static int global_flags(struct args *a, const struct config *cfg, const struct hook_call *call)
{
        const char *debug = call->debug ? "/dev/stderr" : cfg->cli.debug;

        if ((set(cfg->cli.root) && add(a, "--root=%s", cfg->cli.root) < 0) ||
            (cfg->cli.load_kmods && add(a, "--load-kmods") < 0) ||
            (cfg->features.disable_imex_channel_creation && add(a, "--no-create-imex-channels") < 0) ||
            (cfg->cli.no_pivot && add(a, "--no-pivot") < 0) || (set(debug) && add(a, "--debug=%s", debug) < 0) ||
            (set(cfg->cli.ldcache) && add(a, "--ldcache=%s", cfg->cli.ldcache) < 0) ||
            (set(cfg->cli.user) && add(a, "--user=%s", cfg->cli.user) < 0))
                return -1;
        return 0;
}

/* Upstream's nvidiaContainerCliCUDACompatModeFlags: the legacy mode's
 * cuda-compat-mode, and when it names no mode the compat libraries of the
 * image are used only if features.allow-cuda-compat-libs-from-container. */
static const char *cuda_compat_mode(const struct config *cfg)
{
        const char *mode = cfg->runtime.legacy.cuda_compat_mode != NULL ? cfg->runtime.legacy.cuda_compat_mode : "";

        if (strcmp(mode, "ldconfig") == 0 || strcmp(mode, "mount") == 0)
                return mode;
        if (strcmp(mode, "disabled") == 0 || strcmp(mode, "hook") == 0)
                return "disabled";
        return cfg->features.allow_cuda_compat_libs_from_container ? NULL : "disabled";
}

/* The ldconfig to pass: host paths ("@...") normalized as upstream does
 * (".real" when the host has it), container paths only when allowed. */
static int ldconfig_flag(struct error *err, struct args *a, const struct config *cfg)
{
        const char *path = cfg->cli.ldconfig;
        char *normalized;
        int rv;

        if (!set(path))
                return 0;
        if (path[0] != '@' && !cfg->features.allow_ldconfig_from_container)
                return error_setx(err,
                                  "nvidia-container-cli.ldconfig value \"%s\" is not host-relative (does not start "
                                  "with a '@')",
                                  path);
        if ((normalized = config_ldconfig_normalize(path)) == NULL)
                return error_set(err, "build nvidia-container-cli arguments");
        rv = add(a, "--ldconfig=%s", normalized);
        free(normalized);
        return rv < 0 ? error_set(err, "build nvidia-container-cli arguments") : 0;
}

/* Upstream's capabilityToCLI: every known capability is its own flag. */
static int capability_flags(struct error *err, struct args *a, const char *caps)
{
        static const char *const known[] = {"compute", "compat32", "graphics", "utility", "video", "display", "ngx"};
        const char *p = caps, *end;
        size_t len, i;

        while (*p != '\0') {
                end = strchrnul(p, ',');
                len = (size_t)(end - p);
                for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                        if (strlen(known[i]) == len && strncmp(known[i], p, len) == 0)
                                break;
                if (i == sizeof(known) / sizeof(known[0]))
                        return error_setx(err, "unknown driver capability: %.*s", (int)len, p);
                if (add(a, "--%s", known[i]) < 0)
                        return error_set(err, "build nvidia-container-cli arguments");
                p = *end == ',' ? end + 1 : end;
        }
        return 0;
}

static char *join(char *const *items, size_t n)
{
        size_t len = 1;
        char *s, *p;

        for (size_t i = 0; i < n; i++)
                len += strlen(items[i]) + 1;
        if ((s = p = malloc(len)) == NULL)
                return NULL;
        *p = '\0';
        for (size_t i = 0; i < n; i++)
                p = stpcpy(stpcpy(p, i > 0 ? "," : ""), items[i]);
        return s;
}

static int device_flags(struct args *a, const struct image_request *req)
{
        char *imex = NULL;
        int rv = -1;

        if (req->nimex_channels > 0 && (imex = join(req->imex_channels, req->nimex_channels)) == NULL)
                return -1;
        if ((!set(req->device_list) || add(a, "--device=%s", req->device_list) == 0) &&
            (!set(req->mig_config) || add(a, "--mig-config=%s", req->mig_config) == 0) &&
            (!set(req->mig_monitor) || add(a, "--mig-monitor=%s", req->mig_monitor) == 0) &&
            (!set(imex) || add(a, "--imex-channel=%s", imex) == 0))
                rv = 0;
        free(imex);
        return rv;
}

static int configure_flags(struct error *err, struct args *a, const struct config *cfg,
                           const struct image_request *req)
{
        const char *compat = cuda_compat_mode(cfg);

        if (add(a, "configure") < 0 || (compat != NULL && add(a, "--cuda-compat-mode=%s", compat) < 0))
                return error_set(err, "build nvidia-container-cli arguments");
        if (ldconfig_flag(err, a, cfg) < 0)
                return -1;
        if ((cfg->cli.no_cgroups && add(a, "--no-cgroups") < 0) || device_flags(a, req) < 0)
                return error_set(err, "build nvidia-container-cli arguments");
        if (capability_flags(err, a, req->capabilities != NULL ? req->capabilities : "") < 0)
                return -1;
        for (size_t i = 0; i < req->nrequirements; i++)
                if (add(a, "--require=%s", req->requirements[i]) < 0)
                        return error_set(err, "build nvidia-container-cli arguments");
        return 0;
}

int hook_cli_argv(struct error *err, const struct config *cfg, const struct image_request *req,
                  const struct hook_call *call, char ***argv)
{
        struct args a = {0};
        int rv;

        *argv = NULL;
        if (add(&a, "%s", call->cli_path) < 0 || global_flags(&a, cfg, call) < 0)
                rv = error_set(err, "build nvidia-container-cli arguments");
        else if ((rv = configure_flags(err, &a, cfg, req)) == 0 &&
                 (add(&a, "--pid=%d", call->pid) < 0 || add(&a, "%s", call->rootfs) < 0))
                rv = error_set(err, "build nvidia-container-cli arguments");
        if (rv < 0) {
                strv_free(a.v);
                return -1;
        }
        *argv = a.v;
        return 0;
}
