/* `nvidia-ctk cdi validate [--spec-dir DIR]... [FILE...]` (ours; NVIDIA's
 * tool has none): every reason an engine would skip a spec or a device, one
 * per line on stdout ("FILE:LINE:COL: reason", so scripts and editors can
 * use them), a summary in the log, exit status 1 when there is any.
 *
 * The cache already records everything: files it cannot read or parse,
 * every problem of an invalid spec, and devices defined twice at one
 * priority. Files named on the command line are one priority, so a device
 * two of them define is a conflict; directories keep their priorities, so
 * there a later directory overrides an earlier one, as for engines. */
#include <stdlib.h>

#include "common/cdi.h"
#include "common/strv.h"
#include "ctk/cdi_args.h"

static int validate(const struct ctk_strings *dirs, char **files)
{
        struct error err = {0};
        struct cdi_cache *cache = NULL;
        const char *const *problems;
        size_t nproblems, nspecs, ndevices;
        int rv;

        rv = files[0] != NULL ? cdi_cache_load_files(&err, (const char *const *)files,
                                                     strv_len((const char *const *)files), &cache)
                              : cdi_cache_load(&err, (const char *const *)dirs->v, dirs->n, &cache);
        if (rv < 0)
                return ctk_fail(&err, "failed to load CDI specs");
        problems = cdi_cache_warnings(cache, &nproblems);
        for (size_t i = 0; i < nproblems; i++)
                printf("%s\n", problems[i]);
        cdi_cache_specs(cache, &nspecs);
        cdi_cache_devices(cache, &ndevices);
        ctk_log(CTK_INFO, "Checked CDI specs: %zu valid, %zu devices, %zu problems", nspecs, ndevices, nproblems);
        cdi_cache_free(cache);
        return fflush(stdout) == 0 && nproblems == 0 ? 0 : 1;
}

int ctk_cdi_validate(int argc, char **argv)
{
        struct ctk_strings dirs = {0};
        const struct ctk_flag flags[] = {
                {"spec-dir", NULL, CTK_FLAG_STRINGS, &dirs,
                 "a directory of CDI specs to check (default: /etc/cdi, /var/run/cdi)", NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        static const struct ctk_cdi_usage usage = {
                "validate", "Check CDI specifications against every rule of the CDI specification", "[FILE...]"};
        char **pos = NULL;
        int rv = ctk_cdi_args(&usage, flags, argc, argv, &pos);

        if (rv < 0 && pos[0] != NULL && dirs.set) {
                ctk_log(CTK_ERROR, "incorrect usage: --spec-dir and spec files exclude each other");
                rv = 1;
        } else if (rv < 0) {
                rv = validate(&dirs, pos);
        }
        free(pos);
        ctk_strings_free(&dirs);
        return rv;
}
