/* The child half of the sandboxed ldconfig: confines itself, step by step,
 * and executes ldconfig. It was made by clone3 (new PID, IPC and UTS
 * namespaces) without fork handlers, so it calls only system calls and
 * async-signal-safe functions, and never allocates; the uid and capability
 * changes are raw system calls because glibc's wrappers would try to
 * synchronise threads that exist only in the parent. Each step either
 * succeeds or reports and exits. */
#include "ldconfig_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nvc_internal.h"

/* Past the seccomp filter a sanitizer's runtime would fail (its hook before
 * a noreturn call uses sigaltstack): the last steps are not instrumented. */
#define NO_SANITIZE __attribute__((no_sanitize("address,undefined")))

static void copy(char *dst, size_t size, const char *src)
{
        size_t i = 0;

        for (; src != NULL && src[i] != '\0' && i + 1 < size; i++)
                dst[i] = src[i];
        dst[i] = '\0';
}

/* Reports what failed (the parent formats the message) and exits. No
 * printf: under a sanitizer it maps memory, which RLIMIT_AS may refuse. */
static NO_SANITIZE __attribute__((noreturn)) void report_exit(const struct sandbox *sb, bool at_exec,
                                                              const char *what, const char *operand)
{
        struct sandbox_report r = {.code = errno, .at_exec = at_exec};

        copy(r.what, sizeof(r.what), what);
        copy(r.operand, sizeof(r.operand), operand);
        if (write(sb->report_fd, &r, sizeof(r)) < 0)
                _exit(2);
        _exit(1);
}

static __attribute__((noreturn)) void die_on(const struct sandbox *sb, const char *what, const char *operand)
{
        report_exit(sb, false, what, operand);
}

static __attribute__((noreturn)) void die(const struct sandbox *sb, const char *what)
{
        die_on(sb, what, NULL);
}

static __attribute__((noreturn)) void die_num(const struct sandbox *sb, const char *what, unsigned long n)
{
        char buf[24], *p = buf + sizeof(buf);
        int saved = errno;

        *--p = '\0';
        do
                *--p = (char)('0' + n % 10);
        while ((n /= 10) != 0);
        errno = saved;
        die_on(sb, what, p);
}

static void raise_fd(struct sandbox *sb, int *fd)
{
        int moved;

        if (*fd < 0)
                return;
        if ((moved = fcntl(*fd, F_DUPFD_CLOEXEC, 3)) < 0)
                die(sb, "duplicate a descriptor");
        *fd = moved;
}

/* stdin is /dev/null, stdout and stderr go to the parent. Our descriptors
 * are first moved above 2 (the caller may run with stdio closed, so one of
 * them could be 0..2); every descriptor but 0..2 is then close-on-exec, so
 * nothing of ours, or of the caller's, reaches ldconfig. */
static void setup_fds(struct sandbox *sb)
{
        int *fds[] = {&sb->report_fd, &sb->null_fd, &sb->out_fd, &sb->rootfs_fd, &sb->mntns_fd};

        for (size_t i = 0; i < nitems(fds); i++)
                raise_fd(sb, fds[i]);
        if (dup2(sb->null_fd, STDIN_FILENO) < 0 || dup2(sb->out_fd, STDOUT_FILENO) < 0 ||
            dup2(sb->out_fd, STDERR_FILENO) < 0)
                die(sb, "set up stdio");
        if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                die(sb, "mark descriptors close-on-exec");
}

/* ldconfig starts with an empty signal mask and default dispositions,
 * whatever the caller blocks or ignores. */
static void reset_signals(const struct sandbox *sb)
{
        sigset_t none;

        sigemptyset(&none);
        for (int sig = 1; sig < NSIG; sig++) {
                if (sig != SIGKILL && sig != SIGSTOP)
                        signal(sig, SIG_DFL);
        }
        if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
                die(sb, "reset the signal mask");
}

/* Whether the directory we are in is the root of our mount namespace: a
 * container that runc pivoted into has nothing else in its namespace (the
 * host's root was detached), so there is nothing to leave behind. */
static bool at_namespace_root(void)
{
        struct statx here, root;

        /* The same mount as well as the same inode: a rootfs fd from another
         * namespace names the same directory through a mount of that one. */
        if (statx(AT_FDCWD, ".", 0, STATX_INO | STATX_MNT_ID, &here) < 0 ||
            statx(AT_FDCWD, "/", 0, STATX_INO | STATX_MNT_ID, &root) < 0 || !(here.stx_mask & STATX_MNT_ID) ||
            !(root.stx_mask & STATX_MNT_ID))
                return false;
        return here.stx_mnt_id == root.stx_mnt_id && here.stx_ino == root.stx_ino &&
               here.stx_dev_major == root.stx_dev_major && here.stx_dev_minor == root.stx_dev_minor;
}

/* A private copy of the container's mount namespace, rooted at a clone of
 * its rootfs. The rootfs fd was opened in the caller's namespace (through
 * /proc/<pid>/root when supervised): after setns it lies in the namespace
 * we enter, and unshare carries our cwd over to the copy, so no path is
 * looked up again. Mounts turn private before we mount anything, so nothing
 * propagates back to the container. When the rootfs is the namespace's
 * root already (a container runc has created and pivoted; the hooks of a
 * start run before that pivot), the copy is all it takes: the clone,
 * the pivot and the detach of the old root would each walk every mount of
 * the container again (about a millisecond with a GPU's 70 mounts). */
static void enter_root(struct sandbox *sb)
{
        int tree;

        if (sb->mntns_fd >= 0 && setns(sb->mntns_fd, CLONE_NEWNS) < 0)
                die(sb, "enter the container's mount namespace");
        if (fchdir(sb->rootfs_fd) < 0)
                die(sb, "change to the container root");
        if (unshare(CLONE_NEWNS) < 0)
                die(sb, "unshare the mount namespace");
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                die(sb, "make the mounts private");
        if (sb->mntns_fd >= 0 && at_namespace_root()) {
                sb->at_ns_root = true;
                return;
        }
        if ((tree = open_tree(AT_FDCWD, ".", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)) < 0)
                die(sb, "clone the container root (not in the container's mount namespace?)");
        if (move_mount(tree, "", AT_FDCWD, ".", MOVE_MOUNT_F_EMPTY_PATH) < 0 || fchdir(tree) < 0)
                die(sb, "attach the container root");
        close(tree);
}

/* pivot_root(".", ".") stacks the old root on the new one; detaching it
 * leaves nothing outside the container reachable, so every symlink of the
 * image (/etc/ld.so.cache, /etc/ld.so.conf.d, ...) resolves inside it.
 * no_pivot (a ramfs root, which cannot be pivoted) falls back to chroot:
 * ldconfig then has neither the capability nor the system call to leave.
 * At the namespace's root, chroot changes nothing and there is no way out. */
static void change_root(const struct sandbox *sb)
{
        if (sb->no_pivot || sb->at_ns_root) {
                if (chroot(".") < 0)
                        die(sb, "chroot into the container root");
        } else {
                if (syscall(SYS_pivot_root, ".", ".") < 0)
                        die(sb, "pivot_root into the container root");
                if (umount2(".", MNT_DETACH) < 0)
                        die(sb, "detach the old root");
        }
        if (chdir("/") < 0)
                die(sb, "change to the new root");
}

static int empty_tmpfs(void)
{
        int fs, mnt;

        if ((fs = fsopen("tmpfs", FSOPEN_CLOEXEC)) < 0)
                return -1;
        if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
            fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
                close(fs);
                return -1;
        }
        mnt = fsmount(fs, FSMOUNT_CLOEXEC,
                      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        close(fs);
        return mnt;
}

/* An empty read-only tmpfs over dir, if the image has it; nothing is
 * created. A symlink is followed (only inside the container now): runc
 * mounts /proc where the image's /proc leads, and a procfs there would show
 * the host's root through /proc/1/root while the container is being
 * created. Magic links are not followed. */
static void hide(const struct sandbox *sb, const char *dir)
{
        struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
        int target, tmpfs;

        if ((target = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how))) < 0) {
                if (errno == ENOENT || errno == ENOTDIR)
                        return;
                die_on(sb, "open in the container", dir);
        }
        if ((tmpfs = empty_tmpfs()) < 0)
                die_on(sb, "make a tmpfs for", dir);
        if (move_mount(tmpfs, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                die_on(sb, "mount a tmpfs over", dir);
        close(tmpfs);
        close(target);
}

/* libnvidia-container's limits: 10 s of CPU, 2 GiB of address space, 64
 * descriptors, files of at most 1 MiB. */
static void limit_resources(const struct sandbox *sb)
{
        static const struct {
                int resource;
                const char *name;
                rlim_t value;
        } limits[] = {
                {RLIMIT_CPU, "RLIMIT_CPU", 10},
                {RLIMIT_AS, "RLIMIT_AS", 2ULL << 30},
                {RLIMIT_NOFILE, "RLIMIT_NOFILE", SANDBOX_NOFILE},
                {RLIMIT_FSIZE, "RLIMIT_FSIZE", 1ULL << 20},
        };

        for (size_t i = 0; i < nitems(limits); i++) {
                struct rlimit rl = {limits[i].value, limits[i].value};

                if (setrlimit(limits[i].resource, &rl) < 0)
                        die_on(sb, "set resource limit", limits[i].name);
        }
}

static void set_inheritable(const struct sandbox *sb, unsigned long long caps)
{
        struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

        if (syscall(SYS_capget, &hdr, data) < 0)
                die(sb, "get capabilities");
        data[0].inheritable = (__u32)caps;
        data[1].inheritable = (__u32)(caps >> 32);
        if (syscall(SYS_capset, &hdr, data) < 0)
                die(sb, "set inheritable capabilities");
}

/* As libnvidia-container: the bounding set goes, so the exec can give
 * ldconfig nothing but the inheritable set; the host ldconfig keeps
 * CAP_DAC_OVERRIDE (inheritable; ambient for a non-root owner, with
 * SECBIT_NO_SETUID_FIXUP so the uid change keeps it) because images such
 * as RHEL's have 0555 library dirs where ldconfig must create the SONAME
 * links. A container ldconfig gets no capability at all. */
static void drop_capabilities(const struct sandbox *sb)
{
        bool ambient = sb->keep_dac_override && sb->uid != 0;

        set_inheritable(sb, sb->keep_dac_override ? 1ULL << CAP_DAC_OVERRIDE : 0);
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
                die(sb, "clear the ambient capabilities");
        if (ambient && (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_OVERRIDE, 0, 0) < 0 ||
                        prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP, 0, 0, 0) < 0))
                die_num(sb, "keep CAP_DAC_OVERRIDE for uid", sb->uid);
        /* Last: the inheritable set can only be raised within the bounding set. */
        for (unsigned long cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
                        die_num(sb, "drop from the bounding set capability", cap);
        }
}

/* The container owner's ids, with only its gid as supplementary group
 * (unless the user namespace denies setgroups, as in a rootless standalone
 * run). The parent-death signal is set after the uid change, which clears
 * it. */
static void drop_privileges(const struct sandbox *sb)
{
        gid_t groups[] = {sb->gid};

        if (sb->set_groups && syscall(SYS_setgroups, 1, groups) < 0)
                die_num(sb, "set groups to", sb->gid);
        if (syscall(SYS_setresgid, sb->gid, sb->gid, sb->gid) < 0)
                die_num(sb, "set gid", sb->gid);
        if (syscall(SYS_setresuid, sb->uid, sb->uid, sb->uid) < 0)
                die_num(sb, "set uid", sb->uid);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                die(sb, "set the parent-death signal");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                die(sb, "set no_new_privs");
}

static NO_SANITIZE __attribute__((noreturn)) void exec_ldconfig(const struct sandbox *sb)
{
        static char *const empty_env[] = {NULL};

        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &sb->filter) < 0)
                die(sb, "load the seccomp filter");
        if (sb->exec_fd >= 0)
                syscall(SYS_execveat, sb->exec_fd, "", sb->argv, empty_env, AT_EMPTY_PATH);
        else
                syscall(SYS_execve, sb->path, sb->argv, empty_env);
        report_exit(sb, true, "execute", sb->argv[0]);
}

void sandbox_exec(const struct sandbox *in)
{
        static const char *const hidden[] = {"/proc", "/sys", "/dev"};
        struct sandbox sb = *in;

        prctl(PR_SET_NAME, (unsigned long)"nvc:[ldconfig]", 0, 0, 0);
        setup_fds(&sb);
        reset_signals(&sb);
        enter_root(&sb);
        change_root(&sb);
        for (size_t i = 0; i < nitems(hidden); i++)
                hide(&sb, hidden[i]);
        limit_resources(&sb);
        drop_capabilities(&sb);
        drop_privileges(&sb);
        exec_ldconfig(&sb);
}
