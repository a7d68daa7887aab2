/* Option strings of the public API ("load-kmods", "no-glvnd no-uvm", ...):
 * the names libnvidia-container accepts, each mapped to a flag. */
#ifndef NVC_OPTIONS_H
#define NVC_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct nvc_option {
        const char *name;
        int32_t value;
};

/* Library options (nvc_init). */
enum {
        OPT_LOAD_KMODS = 1 << 0,
        /* Accepted for upstream's callers; this library makes no IMEX channel nodes. */
        OPT_NO_CREATE_IMEX_CHANNELS = 1 << 1,
        /* Ours: nvmlInit waits for the first call that needs it (see "no-nvml"). */
        OPT_LAZY_NVML = 1 << 2,
};

/* Driver options (nvc_driver_info_new). */
enum {
        OPT_NO_GLVND = 1 << 0,
        OPT_NO_UVM = 1 << 1,
        OPT_NO_MODESET = 1 << 2,
        OPT_NO_MPS = 1 << 3,
        OPT_NO_PERSISTENCED = 1 << 4,
        OPT_NO_FABRICMANAGER = 1 << 5,
        OPT_NO_GSP_FIRMWARE = 1 << 6,
        /* Ours: the control device nodes alone (the runtime's legacy spec edit). */
        OPT_DEVICES_ONLY = 1 << 7,
        /* Ours: cuda_version left NULL, so the driver process is not started
         * for it (configure when no requirement names cuda). */
        OPT_NO_CUDA_VERSION = 1 << 8,
};

/* Container options (issue 4's nvc_container_new): the capability flags also
 * select which driver files a container gets (libtables.h). Values are
 * libnvidia-container's; "utility" and friends set a LIBS and a BINS flag. */
enum {
        OPT_SUPERVISED = 1 << 0,
        OPT_STANDALONE = 1 << 1,
        OPT_NO_CGROUPS = 1 << 2,
        OPT_NO_DEVBIND = 1 << 3,
        OPT_NO_CNTLIBS = 1 << 4,
        OPT_UTILITY_LIBS = 1 << 5,
        OPT_COMPUTE_LIBS = 1 << 6,
        OPT_NGX_LIBS = 1 << 7,
        OPT_VIDEO_LIBS = 1 << 8,
        OPT_GRAPHICS_LIBS = 1 << 9,
        OPT_DISPLAY = 1 << 10,
        OPT_UTILITY_BINS = 1 << 11,
        OPT_COMPUTE_BINS = 1 << 12,
        OPT_COMPAT32 = 1 << 13,
};

/* CUDA forward compatibility (container options "cuda-compat-mode=..."):
 * mount the image's newer compat libraries over the driver's names (the
 * default), or only put their directory first for ldconfig, or ignore them. */
enum {
        OPT_CUDA_COMPAT_MOUNT = 1 << 14,
        OPT_CUDA_COMPAT_LDCONFIG = 1 << 15,
        OPT_CUDA_COMPAT_DISABLED = 1 << 16,
};

extern const struct nvc_option library_opts[];
extern const size_t library_opts_count;
extern const struct nvc_option driver_opts[];
extern const size_t driver_opts_count;
extern const struct nvc_option container_opts[];
extern const size_t container_opts_count;

/* Parses a space-separated option string (NULL or "" means none) into the OR
 * of the flags; an unknown name is "invalid option: NAME". */
int options_parse(struct error *err, const char *opts, const struct nvc_option *table, size_t n, int32_t *flags);

#endif
