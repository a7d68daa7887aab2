/* A command's time with the library: capabilities per phase (as root),
 * nvc_init with the global options, the driver and device queries, and a
 * shutdown that always reaps the NVML process, on success and on error.
 * info and list use it as is; configure adds its phases in between. */
#ifndef CLI_SESSION_H
#define CLI_SESSION_H

#include <stdbool.h>

#include "cli/cli.h"
#include "cli/perm.h"
#include "common/error.h"
#include "nvc.h"

struct session {
        bool as_root;                 /* capabilities are managed */
        struct nvc_context *nvc;
        struct nvc_config *cfg;
        struct nvc_driver_info *drv;  /* after session_query */
        struct nvc_device_info *dev;
};

/* Cuts the capabilities and initializes the library; LAZY_NVML leaves
 * nvmlInit to the first query needing it. Errors come prefixed with their
 * stage: "permission error: ...", "initialization error: ...". */
int session_open(struct session *s, const struct context *ctx, bool lazy_nvml, struct error *err)
        __attribute__((nonnull(1, 2, 4)));

/* Queries the driver (with `driver_opts`, may be NULL) and the devices (with
 * `device_opts`, may be NULL): "detection error: ..." on failure. */
int session_query(struct session *s, const char *driver_opts, const char *device_opts, struct error *err)
        __attribute__((nonnull(1, 4)));

/* Queries the devices again, through NVML: "detection error: ..." on failure. */
int session_requery_devices(struct session *s, struct error *err) __attribute__((nonnull(1, 2)));

/* Raises the phase's capabilities (nothing when not root). */
int session_enter(struct session *s, enum perm_phase phase, struct error *err) __attribute__((nonnull(1, 3)));

/* Shuts the library down and frees everything; safe on a session that
 * failed to open. */
void session_close(struct session *s) __attribute__((nonnull(1)));

#endif
