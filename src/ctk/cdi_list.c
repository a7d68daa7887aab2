/* `nvidia-ctk cdi list`: the usable devices of the CDI spec directories, as
 * an engine would see them (common/cdi.h's cache: highest priority wins,
 * conflicts and invalid specs left out), one qualified name per line on
 * stdout, the count in the log. */
#include <stdlib.h>

#include "common/cdi.h"
#include "ctk/cdi_args.h"

static int list(const struct ctk_strings *dirs)
{
        struct error err = {0};
        struct cdi_cache *cache = NULL;
        const char *const *names, *const *warnings;
        size_t n, nwarnings;

        if (cdi_cache_load(&err, (const char *const *)dirs->v, dirs->n, &cache) < 0)
                return ctk_fail(&err, "failed to create CDI cache");
        /* What an engine would skip is worth a warning, not a failure. */
        warnings = cdi_cache_warnings(cache, &nwarnings);
        for (size_t i = 0; i < nwarnings; i++)
                ctk_log(CTK_WARN, "%s", warnings[i]);
        names = cdi_cache_devices(cache, &n);
        ctk_log(CTK_INFO, "Found %zu CDI devices", n);
        for (size_t i = 0; i < n; i++)
                printf("%s\n", names[i]);
        cdi_cache_free(cache);
        return fflush(stdout) == 0 ? 0 : 1;
}

int ctk_cdi_list(int argc, char **argv)
{
        struct ctk_strings dirs = {0};
        const struct ctk_flag flags[] = {
                {"spec-dir", NULL, CTK_FLAG_STRINGS, &dirs,
                 "a directory to search for CDI specs (default: /etc/cdi, /var/run/cdi)", NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        static const struct ctk_cdi_usage usage = {"list", "List the available CDI devices", NULL};
        char **pos = NULL;
        int rv = ctk_cdi_args(&usage, flags, argc, argv, &pos);

        if (rv < 0)
                rv = list(&dirs);
        free(pos);
        ctk_strings_free(&dirs);
        return rv;
}
