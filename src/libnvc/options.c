/* The option tables of the public API and their parser. Names and semantics
 * are libnvidia-container's (src/options.h, src/options.c). */
#include "options.h"

#include <string.h>

#include "nvc.h"
#include "nvc_internal.h"

const struct nvc_option library_opts[] = {
        {"load-kmods", OPT_LOAD_KMODS},
        {"no-create-imex-channels", OPT_NO_CREATE_IMEX_CHANNELS},
        {"lazy-nvml", OPT_LAZY_NVML},
};
const size_t library_opts_count = nitems(library_opts);

const struct nvc_option driver_opts[] = {
        {"no-glvnd", OPT_NO_GLVND},
        {"no-uvm", OPT_NO_UVM},
        {"no-modeset", OPT_NO_MODESET},
        {"no-mps", OPT_NO_MPS},
        {"no-persistenced", OPT_NO_PERSISTENCED},
        {"no-fabricmanager", OPT_NO_FABRICMANAGER},
        {"no-gsp-firmware", OPT_NO_GSP_FIRMWARE},
        {"devices-only", OPT_DEVICES_ONLY},
        {"no-cuda-version", OPT_NO_CUDA_VERSION},
};
const size_t driver_opts_count = nitems(driver_opts);

/* A capability brings the libraries (and binaries) it needs: video decoding
 * goes through CUDA, display needs the graphics stack. */
const struct nvc_option container_opts[] = {
        {"supervised", OPT_SUPERVISED},
        {"standalone", OPT_STANDALONE},
        {"no-cgroups", OPT_NO_CGROUPS},
        {"no-devbind", OPT_NO_DEVBIND},
        {"no-cntlibs", OPT_NO_CNTLIBS},
        {"utility", OPT_UTILITY_BINS | OPT_UTILITY_LIBS},
        {"compute", OPT_COMPUTE_BINS | OPT_COMPUTE_LIBS},
        {"video", OPT_VIDEO_LIBS | OPT_COMPUTE_LIBS},
        {"graphics", OPT_GRAPHICS_LIBS},
        {"display", OPT_DISPLAY | OPT_GRAPHICS_LIBS},
        {"ngx", OPT_NGX_LIBS},
        {"compat32", OPT_COMPAT32},
        {"cuda-compat-mode=mount", OPT_CUDA_COMPAT_MOUNT},
        {"cuda-compat-mode=ldconfig", OPT_CUDA_COMPAT_LDCONFIG},
        {"cuda-compat-mode=disabled", OPT_CUDA_COMPAT_DISABLED},
};
const size_t container_opts_count = nitems(container_opts);

static const struct nvc_option *find_option(const char *name, size_t len, const struct nvc_option *table, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (strlen(table[i].name) == len && strncmp(table[i].name, name, len) == 0)
                        return &table[i];
        return NULL;
}

/* libnvidia-container copies the string into an NVC_ARG_MAX buffer and
 * rejects longer ones as "too many options"; the limit is kept so that the
 * same strings fail the same way. Only single spaces separate names, as
 * upstream: a tab is part of a name and makes it invalid. */
int options_parse(struct error *err, const char *opts, const struct nvc_option *table, size_t n, int32_t *flags)
{
        const struct nvc_option *opt;
        int32_t result = 0;
        size_t len;

        if (opts == NULL)
                opts = "";
        if (strlen(opts) >= NVC_ARG_MAX)
                return error_setx(err, "too many options");
        for (const char *p = opts; *p != '\0'; p += len) {
                if (*p == ' ') {
                        len = 1;
                        continue;
                }
                len = strcspn(p, " ");
                if ((opt = find_option(p, len, table, n)) == NULL)
                        return error_setx(err, "invalid option: %.*s", (int)len, p);
                result |= opt->value;
        }
        *flags = result;
        return 0;
}
