/* The update-ldcache hook: the folders the CDI spec mounted libraries into
 * are listed in /etc/ld.so.conf.d/00-nvcr-XXXXXX.conf of the container
 * (ordered before the image's own drop-ins, after a 00-compat- one) and the
 * host's ldconfig refreshes the container's cache, sandboxed exactly as for
 * `nvidia-container-cli configure` (libnvc/ldconfig.h): inside the root only,
 * so an image's symlinked /etc/ld.so.cache or ld.so.conf.d leads nowhere
 * else. We run in the container's mount namespace, so the root is a plain
 * path here (pid 0). */
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "ctk/hook_internal.h"
#include "libnvc/ldconfig.h"

/* A folder becomes an ldconfig argument and a line of the drop-in. */
static int check_folders(struct error *err, const struct ctk_strings *folders)
{
        for (size_t i = 0; i < folders->n; i++) {
                const char *f = folders->v[i];

                if (f[0] != '/' || strchr(f, '\n') != NULL)
                        return error_setx(err, "invalid folder \"%s\": not an absolute path", f);
        }
        return 0;
}

static int run_ldconfig(struct error *err, const struct ctk_container *c, const char *ldconfig,
                        const struct ctk_strings *folders)
{
        char *host = NULL, *normalized;
        int rv;

        if (asprintf(&host, "@%s", ldconfig) < 0 || (normalized = config_ldconfig_normalize(host)) == NULL) {
                free(host);
                return error_set(err, "run ldconfig");
        }
        struct ldconfig_params p = {
                .ldconfig = normalized,
                .rootfs = c->root,
                .uid = c->uid,
                .gid = c->gid,
                .dirs = (const char *const *)folders->v,
                .ndirs = folders->n,
        };
        ctk_log(CTK_DEBUG, "Running %s in %s", normalized + 1, c->root);
        rv = ldconfig_run(err, &p);
        free(normalized);
        free(host);
        return rv;
}

static int update(struct error *err, const struct ctk_strings *folders, const char *ldconfig, const char *state)
{
        struct ctk_container c;
        int rv;

        if (ldconfig[0] == '\0')
                return error_setx(err, "ldconfig-path must be specified");
        if (check_folders(err, folders) < 0 || ctk_container_open(err, state, &c) < 0)
                return -1;
        /* The sandbox would pivot into the host's own root. */
        if (strcmp(c.root, "/") == 0)
                rv = error_setx(err, "failed to determine container root: `/` is the host's");
        else if (folders->n > 0 && ctk_ldsoconf_write(err, &c, "00-nvcr-", (const char *const *)folders->v,
                                                      folders->n) < 0)
                rv = -1;
        else
                rv = run_ldconfig(err, &c, ldconfig, folders);
        ctk_container_close(&c);
        return rv;
}

int ctk_hook_update_ldcache(int argc, char **argv)
{
        struct ctk_strings folders = {0};
        const char *ldconfig = "/sbin/ldconfig", *state = NULL;
        const struct ctk_flag flags[] = {
                {"folder", NULL, CTK_FLAG_STRINGS, &folders,
                 "Specify a folder to add to /etc/ld.so.conf before updating the ld cache", NULL},
                {"ldconfig-path", NULL, CTK_FLAG_STRING, &ldconfig,
                 "Specify the path to the ldconfig program (default: \"/sbin/ldconfig\")", NULL},
                CTK_HOOK_STATE_FLAG(state),
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        struct error err = {0};
        int status;

        if (!ctk_hook_flags(flags, argc, argv, &status) && update(&err, &folders, ldconfig, state) < 0)
                status = ctk_fail(&err, "failed to update ldcache");
        ctk_strings_free(&folders);
        return status;
}
