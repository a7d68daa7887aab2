/* libnvidia-container internals shared by the library's files. */
#ifndef NVC_INTERNAL_H
#define NVC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "nvc.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

struct driver;  /* the sandboxed NVML process, driver.c */

struct nvc_context {
        bool initialized;
        struct error err;
        struct nvc_config cfg;   /* owned copies; root and ldcache never NULL once initialized */
        int32_t lib_opts;        /* OPT_LOAD_KMODS ... */
        struct driver *driver;   /* NULL until nvc_init */
};

/* The library calls that need nvc_init first start with this. */
int ctx_check_init(struct nvc_context *ctx);

#endif
