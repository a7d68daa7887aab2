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
};

extern const struct nvc_option library_opts[];
extern const size_t library_opts_count;
extern const struct nvc_option driver_opts[];
extern const size_t driver_opts_count;

/* Parses a space-separated option string (NULL or "" means none) into the OR
 * of the flags; an unknown name is "invalid option: NAME". */
int options_parse(struct error *err, const char *opts, const struct nvc_option *table, size_t n, int32_t *flags);

#endif
