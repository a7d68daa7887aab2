/* nvc_ldcache_update: the container's linker cache refreshed by the host's
 * ldconfig, sandboxed (ldconfig.c), over the directories the driver's
 * libraries were mounted into. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

#include "compat.h"
#include "ldconfig.h"
#include "nvc_internal.h"
#include "options.h"

/* In ldconfig mode the image's compat directory goes first, so its newer
 * libcuda wins; only when one of its libraries is newer than the driver. */
static bool compat_first(struct nvc_context *ctx, const struct nvc_container *cnt)
{
        cleanup_free char *version = NULL;
        bool newer = false;

        if (!(cnt->flags & OPT_CUDA_COMPAT_LDCONFIG) || cnt->ncompat_libs == 0)
                return false;
        if (ctx_rm_version(ctx, &version) < 0) {
                error_reset(&ctx->err);
                return false;
        }
        for (size_t i = 0; i < cnt->ncompat_libs && !newer; i++) {
                const char *name = strrchr(cnt->compat_libs[i], '/');
                newer = compat_is_newer(name != NULL ? name + 1 : cnt->compat_libs[i], version);
        }
        return newer;
}

int nvc_ldcache_update(struct nvc_context *ctx, const struct nvc_container *cnt)
{
        char compat[PATH_MAX];
        const char *dirs[3];
        size_t n = 0;

        if (ctx == NULL || ctx_check_init(ctx) < 0)
                return -1;
        if (cnt == NULL)
                return error_setx(&ctx->err, "invalid argument");
        if (compat_first(ctx, cnt)) {
                snprintf(compat, sizeof(compat), "%s/compat", cnt->cfg.cudart_dir);
                dirs[n++] = compat;
        }
        dirs[n++] = cnt->cfg.libs_dir;
        dirs[n++] = cnt->cfg.libs32_dir;
        struct ldconfig_params p = {
                .ldconfig = cnt->cfg.ldconfig,
                .pid = (cnt->flags & OPT_SUPERVISED) ? cnt->cfg.pid : 0,
                .rootfs = cnt->lookup_root,
                .uid = cnt->uid,
                .gid = cnt->gid,
                .dirs = dirs,
                .ndirs = n,
        };
        return ldconfig_run(&ctx->err, &p);
}
