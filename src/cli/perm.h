/* Capabilities of the CLI when it runs as root, as libnvidia-container's
 * CLI manages them: the permitted set is cut once to what any phase needs,
 * the bounding set to what programs the library executes may keep, and each
 * phase raises only its own effective capabilities. Non-root runs skip all
 * of this (they have nothing to drop). */
#ifndef CLI_PERM_H
#define CLI_PERM_H

#include "common/error.h"

/* The phases of a command, each with its effective set (perm.c). */
enum perm_phase {
        PERM_INIT,        /* nvc_init: fork, chroot and drop the NVML process */
        PERM_INIT_KMODS,  /* nvc_init with load-kmods: modprobe, mknod */
        PERM_SHUTDOWN,    /* nvc_shutdown: signal the NVML process */
        PERM_CONTAINER,   /* configure: read the container's /proc entries */
        PERM_INFO,        /* driver and device queries */
        PERM_MOUNT,       /* configure: mounts in the container's namespace */
        PERM_LDCACHE,     /* configure: the sandboxed ldconfig */
};

/* Cuts the permitted, inheritable and bounding sets. Once, before any phase.
 * Errors read "capability change failed: <strerror>". */
int perm_setup(struct error *err) __attribute__((nonnull(1)));

/* Makes the phase's capabilities the effective set. */
int perm_enter(struct error *err, enum perm_phase phase) __attribute__((nonnull(1)));

#endif
