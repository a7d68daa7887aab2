/* Between the two halves of the sandboxed ldconfig: the parent
 * (ldconfig.c) prepares everything that allocates or can be refused early,
 * the child (ldconfig_sandbox.c) confines itself with plain system calls
 * and executes ldconfig. The child is made by clone3, which runs no fork
 * handlers, so it must not allocate: every buffer it needs is ready here. */
#ifndef NVC_LDCONFIG_INTERNAL_H
#define NVC_LDCONFIG_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"

/* ldconfig's RLIMIT_NOFILE, as libnvidia-container sets it. The host
 * ldconfig's fd is put at or above it, so once executed ldconfig can never
 * get that number again, and the seccomp filter can allow exactly one exec. */
#define SANDBOX_NOFILE 64

struct sandbox {
        int exec_fd;          /* host ldconfig (>= SANDBOX_NOFILE), or -1 */
        const char *path;     /* the container's ldconfig when exec_fd < 0 */
        char *const *argv;
        int rootfs_fd;        /* O_PATH, in the namespace of mntns_fd */
        int mntns_fd;         /* the container's mount namespace, -1 standalone */
        int null_fd;          /* stdin */
        int out_fd;           /* stdout and stderr: a pipe to the parent */
        int report_fd;        /* a close-on-exec pipe for a setup failure */
        bool no_pivot;
        bool at_ns_root;      /* the root is the namespace's own (child-side) */
        bool keep_dac_override;   /* the host ldconfig keeps CAP_DAC_OVERRIDE */
        bool set_groups;      /* false when the user namespace denies setgroups */
        uid_t uid;
        gid_t gid;
        struct sock_fprog filter;
};

/* What the child writes to report_fd when it cannot exec ldconfig: the
 * parent makes "what `operand`: strerror(code)" of it. */
struct sandbox_report {
        int code;             /* errno, 0 when none */
        bool at_exec;         /* the confinement worked, the exec failed */
        char what[96];
        char operand[160];    /* "" when none */
};

/* Confines the calling (child) process and executes ldconfig; on failure
 * writes a report and exits 1. Never returns. */
__attribute__((noreturn)) void sandbox_exec(const struct sandbox *sb);

/* Builds the allowlist for ldconfig (default EPERM, foreign architectures
 * killed). With exec_fd >= 0 the only exec allowed is execveat of that fd;
 * otherwise execve (a container ldconfig, found by path). The program is
 * allocated (free prog->filter). */
int sandbox_filter(struct error *err, struct sock_fprog *prog, int exec_fd);

#endif
