/* The parent half of the sandboxed ldconfig: checks the request, opens
 * everything on the host side (the host ldconfig, the container root, its
 * mount namespace), builds the seccomp program, starts the child
 * (ldconfig_sandbox.c) and supervises it with a deadline. */
#include "ldconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ldconfig_internal.h"
#include "log.h"
#include "nvc_internal.h"

#if __SIZEOF_POINTER__ == 8
#define ELFCLASS_NATIVE ELFCLASS64
#else
#define ELFCLASS_NATIVE ELFCLASS32
#endif

/* Namespaces of the child: it is PID 1 of its own PID namespace, so when
 * ldconfig exits anything it started dies with it. */
#define SANDBOX_CLONE_FLAGS (CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS)

/* Output kept for the debug log. */
#define OUTPUT_MAX 4096

struct job {
        struct sandbox sb;
        char **argv;
        const char *name;     /* ldconfig's path, for messages */
        int out_r;            /* read ends of the child's pipes */
        int report_r;
        int pidfd;
        pid_t pid;            /* > 0 until reaped */
        char output[OUTPUT_MAX + 1];
        size_t noutput;
};

static void close_fd(int *fd)
{
        if (*fd >= 0)
                close(*fd);
        *fd = -1;
}

/* Always reaps, killing first when the child overstayed. Fails only when
 * someone else reaped it (a SIGCHLD handler of the caller's). */
static int reap(struct job *j, bool kill_first, int *status)
{
        pid_t pid = j->pid;
        int rv;

        if (kill_first)
                syscall(SYS_pidfd_send_signal, j->pidfd, SIGKILL, NULL, 0);
        while ((rv = waitpid(pid, status, 0)) < 0 && errno == EINTR)
                ;
        j->pid = 0;
        return rv < 0 ? -1 : 0;
}

static void job_release(struct job *j)
{
        int status, *fds[] = {&j->sb.exec_fd, &j->sb.rootfs_fd, &j->sb.mntns_fd, &j->sb.null_fd, &j->sb.out_fd,
                              &j->sb.report_fd, &j->out_r, &j->report_r, &j->pidfd};

        if (j->pid > 0)
                reap(j, true, &status);
        for (size_t i = 0; i < nitems(fds); i++)
                close_fd(fds[i]);
        free(j->argv);
        free(j->sb.filter.filter);
}

static int check_params(struct error *err, const struct ldconfig_params *p)
{
        const char *path = p->ldconfig != NULL && p->ldconfig[0] == '@' ? p->ldconfig + 1 : p->ldconfig;

        if (path == NULL || path[0] != '/')
                return error_setx(err, "invalid ldconfig `%s`: not an absolute path", p->ldconfig ? p->ldconfig : "");
        if (p->rootfs == NULL || p->rootfs[0] != '/')
                return error_setx(err, "invalid container root `%s`: not an absolute path",
                                  p->rootfs ? p->rootfs : "");
        if (p->pid < 0)
                return error_setx(err, "invalid container pid %d", (int)p->pid);
        /* A directory is an ldconfig argument: it must not read as an option. */
        for (size_t i = 0; i < p->ndirs; i++) {
                if (p->dirs[i] == NULL || p->dirs[i][0] != '/')
                        return error_setx(err, "invalid library directory `%s`: not an absolute path",
                                          p->dirs[i] ? p->dirs[i] : "");
        }
        if (p->ldconfig[0] != '@' && !p->allow_container_ldconfig)
                return error_setx(err, "ldconfig `%s` is not host-relative (does not start with a '@') and "
                                  "features.allow-ldconfig-from-container is not set", p->ldconfig);
        return 0;
}

/* A host ldconfig must be a static ELF program: the kernel would load a
 * dynamic one's interpreter by its path inside the container root, that is
 * run the image's loader in ldconfig's place. Scripts fail the same way
 * (their interpreter too would be the image's). glibc's ldconfig is always
 * linked statically. */
static int check_static(struct error *err, int fd, const char *path)
{
        ElfW(Ehdr) eh;
        ElfW(Phdr) ph;

        if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
            eh.e_ident[EI_CLASS] != ELFCLASS_NATIVE || eh.e_phentsize != sizeof(ph))
                return error_setx(err, "host ldconfig `%s` is not an ELF program of this architecture", path);
        for (size_t i = 0; i < eh.e_phnum; i++) {
                if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
                        return error_setx(err, "host ldconfig `%s`: truncated program headers", path);
                if (ph.p_type == PT_INTERP)
                        return error_setx(err, "host ldconfig `%s` is dynamically linked: it would run "
                                          "the container's loader", path);
        }
        return 0;
}

/* Opened here, on the host, before anything of the container is touched;
 * the fd is put at or above the sandbox's RLIMIT_NOFILE (see
 * ldconfig_internal.h). */
static int open_host_ldconfig(struct error *err, struct job *j)
{
        cleanup_close int fd = open(j->name, O_RDONLY | O_CLOEXEC);
        struct stat st;

        if (fd < 0)
                return error_set(err, "open host ldconfig `%s`", j->name);
        if (fstat(fd, &st) < 0)
                return error_set(err, "stat host ldconfig `%s`", j->name);
        if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) {
                errno = EACCES;
                return error_set(err, "host ldconfig `%s`", j->name);
        }
        if (check_static(err, fd, j->name) < 0)
                return -1;
        if ((j->sb.exec_fd = fcntl(fd, F_DUPFD_CLOEXEC, SANDBOX_NOFILE)) < 0)
                return error_set(err, "move the descriptor of `%s`", j->name);
        return 0;
}

static int open_container(struct error *err, struct job *j, const struct ldconfig_params *p)
{
        char ns[64];

        if ((j->sb.rootfs_fd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return error_set(err, "open container root `%s`", p->rootfs);
        if (p->pid == 0)
                return 0;
        snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", (int)p->pid);
        if ((j->sb.mntns_fd = open(ns, O_RDONLY | O_CLOEXEC)) < 0)
                return error_set(err, "open mount namespace `%s`", ns);
        return 0;
}

/* In a user namespace whose setgroups is "deny" (rootless standalone
 * runs), supplementary groups cannot be set, so they are left alone. */
static bool setgroups_allowed(void)
{
        char buf[8] = "";
        cleanup_close int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

        if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
                return true;
        return strncmp(buf, "deny", 4) != 0;
}

/* libnvidia-container's command line: the image's configuration and cache
 * named explicitly, since the host's ldconfig may be built with others. */
static int make_argv(struct error *err, struct job *j, const struct ldconfig_params *p)
{
        static const char *const head[] = {"-f", "/etc/ld.so.conf", "-C", "/etc/ld.so.cache"};
        const size_t nhead = nitems(head);
        size_t n = 0;

        if ((j->argv = calloc(1 + nhead + p->ndirs + 1, sizeof(*j->argv))) == NULL)
                return error_set(err, "allocate the ldconfig arguments");
        j->argv[n++] = (char *)j->name;
        for (size_t i = 0; i < nhead; i++)
                j->argv[n++] = (char *)head[i];
        for (size_t i = 0; i < p->ndirs; i++)
                j->argv[n++] = (char *)p->dirs[i];
        j->sb.argv = j->argv;
        return 0;
}

/* Our read ends do not block: a fork in another thread of the caller may
 * hold a write end for a while, so EOF is not waited for once the child is
 * gone. */
static int make_pipe(struct error *err, int *r, int *w, const char *what)
{
        int fds[2];

        if (pipe2(fds, O_CLOEXEC) < 0)
                return error_set(err, "create the ldconfig %s pipe", what);
        *r = fds[0];
        *w = fds[1];
        if (fcntl(*r, F_SETFL, O_NONBLOCK) < 0)
                return error_set(err, "set up the ldconfig %s pipe", what);
        return 0;
}

static int make_pipes(struct error *err, struct job *j)
{
        if ((j->sb.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
                return error_set(err, "open `/dev/null`");
        if (make_pipe(err, &j->out_r, &j->sb.out_fd, "output") < 0)
                return -1;
        return make_pipe(err, &j->report_r, &j->sb.report_fd, "report");
}

static int prepare(struct error *err, struct job *j, const struct ldconfig_params *p)
{
        bool host = p->ldconfig[0] == '@';

        j->name = host ? p->ldconfig + 1 : p->ldconfig;
        j->sb.path = j->name;
        j->sb.no_pivot = p->no_pivot;
        j->sb.keep_dac_override = host;
        j->sb.set_groups = setgroups_allowed();
        j->sb.uid = p->uid;
        j->sb.gid = p->gid;
        if ((host && open_host_ldconfig(err, j) < 0) || open_container(err, j, p) < 0 ||
            make_argv(err, j, p) < 0 || make_pipes(err, j) < 0)
                return -1;
        return sandbox_filter(err, &j->sb.filter, j->sb.exec_fd);
}

/* clone3 gives a pidfd, so the wait below can poll the child and its
 * output together. Where clone3 is filtered out (ENOSYS under some seccomp
 * profiles), clone does the same; its parent_tid is the third argument on
 * x86_64 and arm64. */
static int spawn(struct error *err, struct job *j)
{
        struct clone_args args = {
                .flags = SANDBOX_CLONE_FLAGS | CLONE_PIDFD,
                .pidfd = (uint64_t)(uintptr_t)&j->pidfd,
                .exit_signal = SIGCHLD,
        };
        long pid = syscall(SYS_clone3, &args, sizeof(args));

        if (pid < 0 && errno == ENOSYS)
                pid = syscall(SYS_clone, SANDBOX_CLONE_FLAGS | CLONE_PIDFD | SIGCHLD, 0, &j->pidfd, 0, 0);
        if (pid < 0)
                return error_set(err, "create the ldconfig sandbox process");
        if (pid == 0)
                sandbox_exec(&j->sb);
        j->pid = (pid_t)pid;
        /* Only the child writes: EOF on the pipes then means it is gone. */
        close_fd(&j->sb.out_fd);
        close_fd(&j->sb.report_fd);
        return 0;
}

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keeps the first OUTPUT_MAX bytes; returns 0 at EOF, -1 when there is
 * nothing to read now. */
static ssize_t read_output(struct job *j)
{
        char buf[1024];
        ssize_t n;
        size_t keep;

        while ((n = read(j->out_r, buf, sizeof(buf))) < 0 && errno == EINTR)
                ;
        if (n <= 0)
                return n;
        keep = (size_t)n < OUTPUT_MAX - j->noutput ? (size_t)n : OUTPUT_MAX - j->noutput;
        memcpy(j->output + j->noutput, buf, keep);
        j->noutput += keep;
        return n;
}

/* Until the child has exited, collecting its output, or the deadline.
 * Returns 1 when the deadline passed, -1 when poll failed. */
static int wait_events(struct job *j, unsigned int timeout_ms)
{
        struct pollfd fds[2] = {{.fd = j->pidfd, .events = POLLIN}, {.fd = j->out_r, .events = POLLIN}};
        int64_t deadline = now_ms() + timeout_ms;

        for (;;) {
                int64_t left = deadline - now_ms();

                if (left <= 0)
                        return 1;
                if (poll(fds, 2, (int)left) < 0) {
                        if (errno == EINTR)
                                continue;
                        return -1;
                }
                if (fds[1].revents != 0 && read_output(j) == 0)
                        fds[1].fd = -1;
                /* The PID namespace died with ldconfig, so nobody in it
                 * writes any more: what is in the pipe is all there is. */
                if (fds[0].revents != 0) {
                        while (fds[1].fd >= 0 && read_output(j) > 0)
                                ;
                        return 0;
                }
        }
}

static void log_output(struct job *j)
{
        char *save = NULL;

        j->output[j->noutput] = '\0';
        for (char *line = strtok_r(j->output, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
                log_warn("%s", line);
}

/* A report from the child means the sandbox failed before ldconfig ran. A
 * container without the ldconfig it was asked to run has nothing to
 * refresh: upstream treats that as success, and so do we. */
static int check_report(struct error *err, struct job *j)
{
        struct sandbox_report r;
        ssize_t n = read(j->report_r, &r, sizeof(r));

        if (n != (ssize_t)sizeof(r))
                return 0;
        r.what[sizeof(r.what) - 1] = '\0';
        r.operand[sizeof(r.operand) - 1] = '\0';
        if (r.at_exec && r.code == ENOENT && j->sb.exec_fd < 0) {
                log_warn("no `%s` in the container, its linker cache is left as is", j->name);
                return 1;
        }
        errno = r.code != 0 ? r.code : EIO;
        if (r.operand[0] == '\0')
                return error_set(err, "sandbox of %s: %s", j->name, r.what);
        return error_set(err, "sandbox of %s: %s `%s`", j->name, r.what, r.operand);
}

static int supervise(struct error *err, struct job *j, unsigned int timeout_ms)
{
        int waited = wait_events(j, timeout_ms), saved = errno, status = 0, rv;

        if (reap(j, waited != 0, &status) < 0)
                return error_set(err, "wait for process %s", j->name);
        log_output(j);
        errno = saved;
        if (waited < 0)
                return error_set(err, "wait for process %s", j->name);
        if (waited > 0)
                return error_setx(err, "process %s timed out after %u ms", j->name, timeout_ms);
        if ((rv = check_report(err, j)) != 0)
                return rv < 0 ? -1 : 0;
        if (WIFSIGNALED(status))
                return error_setx(err, "process %s terminated with signal %d", j->name, WTERMSIG(status));
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
                return error_setx(err, "process %s failed with error code: %d", j->name, WEXITSTATUS(status));
        return 0;
}

int ldconfig_run(struct error *err, const struct ldconfig_params *p)
{
        __attribute__((cleanup(job_release))) struct job j = {
                .sb = {.exec_fd = -1, .rootfs_fd = -1, .mntns_fd = -1, .null_fd = -1, .out_fd = -1, .report_fd = -1},
                .out_r = -1,
                .report_r = -1,
                .pidfd = -1,
        };

        if (check_params(err, p) < 0)
                return -1;
        log_info("executing %s%s at %s", p->ldconfig[0] == '@' ? p->ldconfig + 1 : p->ldconfig,
                 p->ldconfig[0] == '@' ? " from host" : "", p->rootfs);
        if (prepare(err, &j, p) < 0 || spawn(err, &j) < 0)
                return -1;
        return supervise(err, &j, p->timeout_ms != 0 ? p->timeout_ms : LDCONFIG_TIMEOUT_MS);
}
