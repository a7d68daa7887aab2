/* The library context: version, configuration, init/shutdown, last error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "gpu_proc.h"
#include "kmods.h"
#include "log.h"
#include "nvc_internal.h"
#include "options.h"

const struct nvc_version *nvc_version(void)
{
        static const struct nvc_version version = {NVC_MAJOR, NVC_MINOR, NVC_PATCH, NVC_VERSION};

        return &version;
}

struct nvc_context *nvc_context_new(void)
{
        return calloc(1, sizeof(struct nvc_context));
}

void nvc_context_free(struct nvc_context *ctx)
{
        if (ctx == NULL)
                return;
        if (ctx->initialized)
                nvc_shutdown(ctx);
        error_reset(&ctx->err);
        free(ctx);
}

struct nvc_config *nvc_config_new(void)
{
        struct nvc_config *cfg = calloc(1, sizeof(*cfg));

        if (cfg == NULL)
                return NULL;
        cfg->uid = (uid_t)-1;
        cfg->gid = (gid_t)-1;
        return cfg;
}

void nvc_config_free(struct nvc_config *cfg)
{
        free(cfg);
}

const char *nvc_error(struct nvc_context *ctx)
{
        if (ctx == NULL)
                return NULL;
        return ctx->err.msg;
}

int ctx_check_init(struct nvc_context *ctx)
{
        if (!ctx->initialized)
                return error_setx(&ctx->err, "context uninitialized");
        return 0;
}

int ctx_rm_version(struct nvc_context *ctx, char **version)
{
        int rv;

        if ((ctx->lib_opts & OPT_LAZY_NVML) && (rv = gpu_proc_version(&ctx->err, ctx->cfg.root, version)) <= 0)
                return rv;
        return driver_get_rm_version(ctx->driver, &ctx->err, version);
}

/* The kernel's overflow ids: the identity of "nobody" for the NVML child. */
static unsigned overflow_id(const char *path)
{
        unsigned id = 65534;
        FILE *f = fopen(path, "re");

        if (f != NULL) {
                if (fscanf(f, "%u", &id) != 1)
                        id = 65534;
                fclose(f);
        }
        return id;
}

static int copy_config(struct nvc_context *ctx, const struct nvc_config *cfg)
{
        const char *root = cfg != NULL && cfg->root != NULL ? cfg->root : "/";
        const char *ldcache = cfg != NULL && cfg->ldcache != NULL ? cfg->ldcache : "/etc/ld.so.cache";

        if ((ctx->cfg.root = strdup(root)) == NULL || (ctx->cfg.ldcache = strdup(ldcache)) == NULL)
                return error_set(&ctx->err, "copy configuration");
        ctx->cfg.uid = cfg != NULL && cfg->uid != (uid_t)-1 ? cfg->uid : overflow_id("/proc/sys/kernel/overflowuid");
        ctx->cfg.gid = cfg != NULL && cfg->gid != (gid_t)-1 ? cfg->gid : overflow_id("/proc/sys/kernel/overflowgid");
        return 0;
}

static void clear_config(struct nvc_context *ctx)
{
        free(ctx->cfg.root);
        free(ctx->cfg.ldcache);
        memset(&ctx->cfg, 0, sizeof(ctx->cfg));
}

int nvc_init(struct nvc_context *ctx, const struct nvc_config *cfg, const char *opts)
{
        if (ctx == NULL)
                return -1;
        if (ctx->initialized)
                return error_setx(&ctx->err, "context already initialized");
        log_open(secure_getenv("NVC_DEBUG_FILE"));
        log_info("initializing library context (version=%s)", NVC_VERSION);
        if (options_parse(&ctx->err, opts, library_opts, library_opts_count, &ctx->lib_opts) < 0 ||
            copy_config(ctx, cfg) < 0)
                goto fail;
        log_info("using root %s", ctx->cfg.root);
        log_info("using ldcache %s", ctx->cfg.ldcache);
        log_info("using unprivileged user %u:%u", (unsigned)ctx->cfg.uid, (unsigned)ctx->cfg.gid);
        if ((ctx->lib_opts & OPT_LOAD_KMODS) && kmods_load(&ctx->err, ctx->cfg.root) < 0)
                goto fail;
        /* Without the control node NVML fails at once; let it say why. */
        if ((ctx->lib_opts & OPT_LAZY_NVML) && !gpu_proc_has_control(ctx->cfg.root))
                ctx->lib_opts &= ~OPT_LAZY_NVML;
        if (driver_new(&ctx->driver, &ctx->err, ctx->cfg.root, ctx->cfg.uid, ctx->cfg.gid,
                       (ctx->lib_opts & OPT_LAZY_NVML) != 0) < 0)
                goto fail;
        ctx->initialized = true;
        return 0;
fail:
        clear_config(ctx);
        log_close();
        return -1;
}

int nvc_shutdown(struct nvc_context *ctx)
{
        int rv = 0;

        if (ctx == NULL)
                return -1;
        if (!ctx->initialized)
                return 0;
        log_info("shutting down library context");
        if (driver_free(ctx->driver, &ctx->err) < 0)
                rv = -1;
        ctx->driver = NULL;
        clear_config(ctx);
        ctx->initialized = false;
        log_close();
        return rv;
}
