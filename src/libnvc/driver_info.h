/* Driver file discovery (nvc_driver_info_new), split so that the part that
 * needs no driver process can be called, and tested, on its own. */
#ifndef NVC_DRIVER_INFO_H
#define NVC_DRIVER_INFO_H

#include <stdint.h>

#include "common/error.h"
#include "nvc.h"

/* Fills libs, libs32, bins, firmwares, devs and ipcs of info for the driver
 * root and its linker cache (a path inside the root), as the driver options
 * (OPT_NO_*) ask. info->nvrm_version must be set: only files of that
 * version are selected. On error the lists filled so far stay in info for
 * nvc_driver_info_free. Paths are inside the root. */
int driver_info_lookup(struct error *err, struct nvc_driver_info *info, const char *root, const char *ldcache,
                       int32_t flags);

#endif
