#include "cli/session.h"

#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "common/cleanup.h"

int session_enter(struct session *s, enum perm_phase phase, struct error *err)
{
        if (s->as_root && perm_enter(err, phase) < 0)
                return error_prefix(err, "permission error");
        return 0;
}

/* Without --user, root leaves the NVML process to the library's default
 * (the overflow ids), while anyone else keeps their own ids: they could not
 * switch to others anyway. */
static void set_identity(struct nvc_config *cfg, const struct context *ctx, bool as_root)
{
        cfg->uid = !as_root && ctx->uid == (uid_t)-1 ? geteuid() : ctx->uid;
        cfg->gid = !as_root && ctx->gid == (gid_t)-1 ? getegid() : ctx->gid;
}

int session_open(struct session *s, const struct context *ctx, bool lazy_nvml, struct error *err)
{
        cleanup_free char *opts = NULL;

        memset(s, 0, sizeof(*s));
        s->as_root = geteuid() == 0;
        if (s->as_root && perm_setup(err) < 0)
                return error_prefix(err, "permission error");
        if (session_enter(s, ctx->load_kmods ? PERM_INIT_KMODS : PERM_INIT, err) < 0)
                return -1;
        if ((s->nvc = nvc_context_new()) == NULL || (s->cfg = nvc_config_new()) == NULL)
                return error_set(err, "memory allocation failed");
        /* The library copies what it keeps; argv outlives the session. */
        s->cfg->root = (char *)ctx->root;
        s->cfg->ldcache = (char *)ctx->ldcache;
        set_identity(s->cfg, ctx, s->as_root);
        if ((ctx->init_flags != NULL && args_join(err, &opts, ctx->init_flags, " ") < 0) ||
            (lazy_nvml && args_join(err, &opts, "lazy-nvml", " ") < 0))
                return -1;
        if (nvc_init(s->nvc, s->cfg, opts) < 0)
                return error_setx(err, "initialization error: %s", nvc_error(s->nvc));
        return 0;
}

int session_query(struct session *s, const char *driver_opts, const char *device_opts, struct error *err)
{
        if (session_enter(s, PERM_INFO, err) < 0)
                return -1;
        if ((s->drv = nvc_driver_info_new(s->nvc, driver_opts)) == NULL ||
            (s->dev = nvc_device_info_new(s->nvc, device_opts)) == NULL)
                return error_setx(err, "detection error: %s", nvc_error(s->nvc));
        return 0;
}

int session_requery_devices(struct session *s, struct error *err)
{
        nvc_device_info_free(s->dev);
        if ((s->dev = nvc_device_info_new(s->nvc, NULL)) == NULL)
                return error_setx(err, "detection error: %s", nvc_error(s->nvc));
        return 0;
}

void session_close(struct session *s)
{
        struct error ignored = {0};

        /* Best effort on an error path too: stopping the NVML process needs
         * CAP_KILL whatever phase failed, and a failure to raise it leaves
         * the library's own SIGKILL and PDEATHSIG to end the process. */
        session_enter(s, PERM_SHUTDOWN, &ignored);
        error_reset(&ignored);
        if (s->nvc != NULL)
                nvc_shutdown(s->nvc);
        nvc_device_info_free(s->dev);
        nvc_driver_info_free(s->drv);
        nvc_config_free(s->cfg);
        nvc_context_free(s->nvc);
        memset(s, 0, sizeof(*s));
}
