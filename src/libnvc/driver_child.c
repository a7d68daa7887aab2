/* The driver process: a child of the library's process that loads the
 * driver root's NVML and answers queries about it. It runs NVML, code from
 * the driver root, so it keeps nothing of its parent's: no other file
 * descriptors, no privileges, no capabilities, and it sees only the driver
 * root. As libnvidia-container's rpc.c and driver.c, plus the fd, ambient,
 * bounding-set and no_new_privs hardening and unprivileged user namespaces.
 *
 * Nothing here logs: the debug log's file descriptor is closed in the child
 * and its lock may have been held by another thread at fork time. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "driver_child.h"
#include "nvml_rpc.h"

/* The kernel clears PDEATHSIG on credential changes, so it is armed again
 * once the identity is final; a parent that died before it took effect is
 * caught by the getppid check. (It fires when the forking *thread* exits.) */
static int watch_parent(pid_t ppid)
{
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != ppid)
                return -1;
        return 0;
}

/* The caller's handlers and mask are not the child's. */
static void reset_signals(void)
{
        struct sigaction sa = {.sa_handler = SIG_DFL};
        sigset_t none;

        for (int sig = 1; sig < NSIG; sig++)
                sigaction(sig, &sa, NULL);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Keeps the socket as fd 3, /dev/null on 0-2, and closes everything else:
 * no descriptor of the caller's reaches the driver root's code. */
static int keep_only(int sock)
{
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        int fd = fcntl(sock, F_DUPFD, 3);

        if (fd < 0)
                return -1;
        for (int i = 0; i < 3; i++) {
                if (null >= 0)
                        dup2(null, i);
                else
                        close(i);
        }
        if (fd != 3 && (fd = dup2(fd, 3)) != 3)
                return -1;
        if (close_range(4, ~0U, 0) < 0) {
                for (long i = 4, max = sysconf(_SC_OPEN_MAX); i < max; i++)
                        close((int)i);
        }
        return fd;
}

/* The driver root has no C library of its own: NVML's dependencies must be
 * the copies already in this process, matched by SONAME, so the glibc
 * libraries NVML links against are loaded before the root changes (as
 * libnvidia-container does). Since glibc 2.34 most are empty stubs. */
static void preload_system_libraries(void)
{
        static const char *const libs[] = {"libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0"};

        for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++)
                dlopen(libs[i], RTLD_NOW);  /* kept for the process's life */
}

static int write_proc(const char *path, const char *text)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        size_t len = strlen(text);
        ssize_t n;

        if (fd < 0)
                return -1;
        n = write(fd, text, len);
        close(fd);
        return n == (ssize_t)len ? 0 : -1;
}

/* An unprivileged caller may chroot inside a user namespace of its own, in
 * which it keeps its ids (mapped onto themselves) and holds capabilities. */
static int enter_user_namespace(struct error *err)
{
        char uid_map[32], gid_map[32];

        snprintf(uid_map, sizeof(uid_map), "%u %u 1", (unsigned)geteuid(), (unsigned)geteuid());
        snprintf(gid_map, sizeof(gid_map), "%u %u 1", (unsigned)getegid(), (unsigned)getegid());
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                return error_set(err, "change root failed: an unprivileged chroot needs a user namespace");
        /* Writing a gid map unprivileged requires setgroups to be denied. */
        if (write_proc("/proc/self/setgroups", "deny") < 0 || write_proc("/proc/self/gid_map", gid_map) < 0 ||
            write_proc("/proc/self/uid_map", uid_map) < 0)
                return error_set(err, "change root failed: map ids into the user namespace");
        return 0;
}

static int change_root(struct error *err, const char *root, bool privileged)
{
        if (strcmp(root, "/") == 0)
                return 0;
        preload_system_libraries();
        if (!privileged && enter_user_namespace(err) < 0)
                return -1;
        if (chroot(root) < 0 || chdir("/") < 0)
                return error_set(err, "change root failed: `%s`", root);
        return 0;
}

/* Needs CAP_SETPCAP, which an unprivileged caller outside a user namespace
 * lacks; its bounding set then stays, with nothing permitted to use it. */
static int drop_bounding_set(struct error *err)
{
        cap_value_t max = (cap_value_t)cap_max_bits();

        for (cap_value_t c = 0; c < max; c++) {
                if (cap_drop_bound(c) < 0) {
                        if (errno == EPERM && c == 0)
                                return 0;
                        return error_set(err, "capability change failed");
                }
        }
        return 0;
}

/* Groups first: after setresuid the process may no longer change them. */
static int drop_identity(struct error *err, uid_t uid, gid_t gid)
{
        if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
                return error_set(err, "privilege change failed");
        return 0;
}

static int drop_capabilities(struct error *err)
{
        cap_t none = cap_init();
        int rv;

        if (none == NULL)
                return error_set(err, "capability change failed");
        rv = cap_set_proc(none);
        cap_free(none);
        /* EINVAL: a kernel without ambient capabilities has none to clear. */
        if (rv < 0 || (cap_reset_ambient() < 0 && errno != EINVAL))
                return error_set(err, "capability change failed");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return error_set(err, "set no_new_privs");
        return 0;
}

/* The child may start late (lazily, on the first NVML call), when the
 * caller has narrowed its effective set for another step (the CLI's
 * phases): what entering the sandbox takes is raised again from the
 * permitted set, if there, for the few calls until everything is dropped. */
static int raise_sandbox_caps(struct error *err)
{
        static const cap_value_t needed[] = {CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT, CAP_SETPCAP};
        cap_t state = cap_get_proc();
        cap_flag_value_t permitted;
        int rv = 0;

        if (state == NULL)
                return error_set(err, "capability change failed");
        for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]) && rv == 0; i++)
                if (cap_get_flag(state, needed[i], CAP_PERMITTED, &permitted) < 0 ||
                    (permitted == CAP_SET && cap_set_flag(state, CAP_EFFECTIVE, 1, &needed[i], CAP_SET) < 0))
                        rv = -1;
        if (rv == 0)
                rv = cap_set_proc(state);
        cap_free(state);
        return rv < 0 ? error_set(err, "capability change failed") : 0;
}

/* Only root can become another user; any other caller is unprivileged
 * already and keeps its own ids (pass them as uid/gid to say so). */
static int enter_sandbox(struct error *err, const struct driver_child_config *cfg)
{
        bool privileged = geteuid() == 0;

        if (privileged && raise_sandbox_caps(err) < 0)
                return -1;
        if (change_root(err, cfg->root, privileged) < 0 || drop_bounding_set(err) < 0)
                return -1;
        if (privileged && drop_identity(err, cfg->uid, cfg->gid) < 0)
                return -1;
        return drop_capabilities(err);
}

/* svc_run would block forever once the transport is gone; this loop ends
 * on shutdown or when libtirpc closed the socket after the parent hung up. */
static void serve(int fd)
{
        struct pollfd pfd = {.fd = fd, .events = POLLIN};

        while (!service_done()) {
                if (poll(&pfd, 1, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return;
                }
                svc_getreq_common(fd);
                if (fcntl(fd, F_GETFD) < 0)
                        return;
        }
}

noreturn void driver_child_run(int sock, const struct driver_child_config *cfg)
{
        struct error err = {0};
        SVCXPRT *xprt;
        int fd;

        reset_signals();
        if (watch_parent(cfg->ppid) < 0 || (fd = keep_only(sock)) < 0)
                _exit(EXIT_FAILURE);
        prctl(PR_SET_NAME, (unsigned long)"nvc:[driver]", 0, 0, 0);
        /* The transport is made before the root changes (libtirpc may look
         * for /etc/netconfig); no request is read before the sandbox is up. */
        if ((xprt = svc_fd_create(fd, 0, 0)) == NULL ||
            !svc_register(xprt, NVML_RPC_PROG, NVML_RPC_VERS, nvml_rpc_prog_1, 0))
                _exit(EXIT_FAILURE);
        if (enter_sandbox(&err, cfg) < 0)
                service_set_sandbox_error(&err);
        else if (watch_parent(cfg->ppid) < 0)
                _exit(EXIT_FAILURE);
        error_reset(&err);
        serve(fd);
        _exit(EXIT_SUCCESS);
}
