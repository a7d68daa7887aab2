/* The sandboxed ldconfig of nvc_ldcache_update: refreshes a container's
 * linker cache after the driver libraries were mounted into it, as
 * libnvidia-container does. ldconfig parses files the image controls, so it
 * runs confined: in the container's root only (pivot_root), with new PID,
 * IPC, UTS and mount namespaces, empty read-only tmpfs over /proc, /sys and
 * /dev, rlimits, the container owner's uid/gid, no capability but
 * CAP_DAC_OVERRIDE, no_new_privs, a seccomp allowlist, an empty environment,
 * and a bounded run time. */
#ifndef NVC_LDCONFIG_H
#define NVC_LDCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* Wall-clock bound of one run; RLIMIT_CPU alone does not stop an ldconfig
 * blocked on a FIFO the image put in place of /etc/ld.so.conf. */
#define LDCONFIG_TIMEOUT_MS 30000

struct ldconfig_params {
        /* "@/sbin/ldconfig": a host program, opened here before anything of
         * the container is touched and executed from that fd, so the image
         * can never substitute it (it must be statically linked: a dynamic
         * one would run the image's loader). A path without '@' names the
         * image's own ldconfig; it is refused unless allowed. */
        const char *ldconfig;
        bool allow_container_ldconfig;   /* features.allow-ldconfig-from-container */
        bool no_pivot;                   /* chroot instead of pivot_root (--no-pivot: a ramfs root) */
        /* The container process whose mount namespace holds the rootfs
         * (supervised mode); 0 when the rootfs is in our own (standalone). */
        pid_t pid;
        /* The container root as this process reaches it: /proc/<pid>/root/...
         * when supervised (so it lies in that process's namespace), else the
         * directory itself. */
        const char *rootfs;
        uid_t uid;                       /* the container's owner */
        gid_t gid;
        /* Absolute library directories inside the container to add to the
         * cache, in order (libs dir, libs32 dir, ...); missing ones are fine. */
        const char *const *dirs;
        size_t ndirs;
        unsigned int timeout_ms;         /* 0: LDCONFIG_TIMEOUT_MS */
};

/* Runs `ldconfig -f /etc/ld.so.conf -C /etc/ld.so.cache DIRS...` in the
 * sandbox and waits for it (killed at the timeout; always reaped). Fails
 * when the sandbox cannot be set up, when ldconfig exits non-zero or dies.
 * An image without the container ldconfig it was asked to run is not an
 * error (nothing to refresh), as in libnvidia-container. */
int ldconfig_run(struct error *err, const struct ldconfig_params *p) __attribute__((nonnull(1, 2)));

#endif
