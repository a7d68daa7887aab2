/* The seccomp allowlist of the sandboxed ldconfig. It is built here, in the
 * parent, and handed to the child as a ready BPF program: libseccomp
 * allocates, which the child must not do. */
#include "ldconfig_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "nvc_internal.h"

/* libnvidia-container's list (nvc_ldcache.c), then what glibc's startup
 * calls today and the *at forms newer C libraries use in place of the
 * classic calls: neither gives ldconfig a power the list lacks. Anything
 * else fails with EPERM, as upstream, so a libc probing a newer call falls
 * back instead of dying. exec is not here: see exec_rule. */
static const int allowed[] = {
        SCMP_SYS(access), SCMP_SYS(arch_prctl), SCMP_SYS(brk), SCMP_SYS(chdir),
        SCMP_SYS(chmod), SCMP_SYS(close), SCMP_SYS(exit), SCMP_SYS(exit_group),
        SCMP_SYS(fcntl), SCMP_SYS(fstat),
        SCMP_SYS(ftruncate), SCMP_SYS(getcwd), SCMP_SYS(getdents), SCMP_SYS(getdents64),
        SCMP_SYS(getegid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getpgrp),
        SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(gettimeofday), SCMP_SYS(getuid),
        SCMP_SYS(lseek), SCMP_SYS(lstat), SCMP_SYS(mkdir), SCMP_SYS(mmap),
        SCMP_SYS(mprotect), SCMP_SYS(mremap), SCMP_SYS(munmap), SCMP_SYS(newfstatat),
        SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(pread64), SCMP_SYS(read),
        SCMP_SYS(readlink), SCMP_SYS(readv), SCMP_SYS(rename), SCMP_SYS(rt_sigaction),
        SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(stat), SCMP_SYS(symlink),
        SCMP_SYS(tgkill), SCMP_SYS(time), SCMP_SYS(uname), SCMP_SYS(unlink),
        SCMP_SYS(write), SCMP_SYS(writev),
        /* glibc 2.3x startup and runtime */
        SCMP_SYS(set_tid_address), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
        SCMP_SYS(prlimit64), SCMP_SYS(getrandom), SCMP_SYS(futex), SCMP_SYS(clock_gettime),
        /* the *at forms (upstream lists them for aarch64, which lacks the others) */
        SCMP_SYS(mkdirat), SCMP_SYS(unlinkat), SCMP_SYS(readlinkat), SCMP_SYS(faccessat),
        SCMP_SYS(faccessat2), SCMP_SYS(symlinkat), SCMP_SYS(fchmodat), SCMP_SYS(renameat),
        SCMP_SYS(renameat2), SCMP_SYS(statx),
};

/* Answered with success, doing nothing: ldconfig flushes the cache it
 * writes, but a container's ld.so.cache is written again at its every start
 * (by the hook that runs ldconfig), so durability buys nothing there and
 * each flush would cost the start a disk round trip. */
static const int pretend[] = {
        SCMP_SYS(fsync),
        SCMP_SYS(fdatasync),
};

static void release_ctx(scmp_filter_ctx *ctx)
{
        if (*ctx != NULL)
                seccomp_release(*ctx);
}

/* libseccomp returns -errno instead of setting errno. */
static int scmp_fail(struct error *err, int rc, const char *what)
{
        errno = -rc;
        return error_set(err, "seccomp: %s", what);
}

/* The host ldconfig runs through execveat(exec_fd, "", ..., AT_EMPTY_PATH)
 * and nothing else may be executed: exec_fd is close-on-exec and above
 * ldconfig's RLIMIT_NOFILE, so that one call can never succeed again. A
 * container ldconfig is found by path (execve); it gets no capability. */
static int exec_rule(struct error *err, scmp_filter_ctx ctx, int exec_fd)
{
        int rc;

        if (exec_fd < 0)
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(execve), 0);
        else
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(execveat), 2,
                                      SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)exec_fd),
                                      SCMP_A4(SCMP_CMP_EQ, (scmp_datum_t)AT_EMPTY_PATH));
        return rc < 0 ? scmp_fail(err, rc, "add the exec rule") : 0;
}

/* Only the native architecture's calls are allowed (libseccomp adds no
 * other arch); i386 (int 0x80) and x32 calls on x86_64 kill the process. */
static int build(struct error *err, scmp_filter_ctx ctx, int exec_fd)
{
        int rc;

        if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0)
                return scmp_fail(err, rc, "set the foreign architecture action");
        for (size_t i = 0; i < nitems(allowed); i++) {
                if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0)) < 0)
                        return scmp_fail(err, rc, "add a syscall rule");
        }
        for (size_t i = 0; i < nitems(pretend); i++) {
                if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), pretend[i], 0)) < 0)
                        return scmp_fail(err, rc, "add a syscall rule");
        }
        return exec_rule(err, ctx, exec_fd);
}

static int export(struct error *err, scmp_filter_ctx ctx, struct sock_fprog *prog)
{
        cleanup_close int fd = memfd_create("ldconfig-seccomp", MFD_CLOEXEC);
        struct stat st;
        int rc;

        if (fd < 0)
                return error_set(err, "seccomp: create a memfd");
        if ((rc = seccomp_export_bpf(ctx, fd)) < 0)
                return scmp_fail(err, rc, "export the filter");
        if (fstat(fd, &st) < 0)
                return error_set(err, "seccomp: stat the filter");
        if (st.st_size <= 0 || (size_t)st.st_size % sizeof(struct sock_filter) != 0 ||
            (size_t)st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
                return error_setx(err, "seccomp: unexpected filter size %jd", (intmax_t)st.st_size);
        if ((prog->filter = malloc((size_t)st.st_size)) == NULL)
                return error_set(err, "seccomp: allocate the filter");
        prog->len = (unsigned short)((size_t)st.st_size / sizeof(struct sock_filter));
        if (pread(fd, prog->filter, (size_t)st.st_size, 0) != st.st_size) {
                free(prog->filter);
                prog->filter = NULL;
                return error_set(err, "seccomp: read the filter");
        }
        return 0;
}

int sandbox_filter(struct error *err, struct sock_fprog *prog, int exec_fd)
{
        __attribute__((cleanup(release_ctx))) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));

        *prog = (struct sock_fprog){0};
        if (ctx == NULL) {
                errno = ENOMEM;
                return error_set(err, "seccomp: create a filter");
        }
        if (build(err, ctx, exec_fd) < 0)
                return -1;
        return export(err, ctx, prog);
}
