/* The child side of the driver process (see driver.h): the process itself and
 * its sandbox (driver_child.c), and the NVML service it runs
 * (driver_service.c). Only driver.c starts it. */
#ifndef NVC_DRIVER_CHILD_H
#define NVC_DRIVER_CHILD_H

#include <rpc/rpc.h>
#include <stdbool.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include "common/error.h"

struct driver_child_config {
        const char *root;  /* driver root to chroot into */
        uid_t uid;         /* identity to drop to (when the caller is root) */
        gid_t gid;
        pid_t ppid;        /* the library's process, watched with PDEATHSIG */
};

/* Runs the driver process on its end of the socketpair; never returns. */
noreturn void driver_child_run(int sock, const struct driver_child_config *cfg);

/* driver_service.c */
/* The dispatch function rpcgen generates for nvml_rpc.x (it declares none). */
void nvml_rpc_prog_1(struct svc_req *req, SVCXPRT *xprt);
/* Records why the sandbox could not be entered; NVML_RPC_INIT reports it. */
void service_set_sandbox_error(const struct error *err);
/* True once NVML_RPC_SHUTDOWN has been answered. */
bool service_done(void);

#endif
