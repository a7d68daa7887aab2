#include "cli/perm.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "cli/cli.h"

/* Everything any phase may need (libnvidia-container's pcaps), with the
 * reason each is kept. */
static const cap_value_t permitted_caps[] = {
        CAP_CHOWN,           /* kmods: device node owners */
        CAP_DAC_OVERRIDE,    /* user namespaces on RHEL, cgroup files */
        CAP_DAC_READ_SEARCH, /* user namespaces */
        CAP_FOWNER,          /* kmods: device node modes */
        CAP_KILL,            /* signal the unprivileged NVML process */
        CAP_MKNOD,           /* kmods: create missing device nodes */
        CAP_NET_ADMIN,       /* query BPF programs of a cgroup (v2 devices) */
        CAP_SETGID,          /* privilege separation, user namespaces */
        CAP_SETPCAP,         /* bounding set, user namespaces */
        CAP_SETUID,          /* privilege separation, user namespaces */
        CAP_SYS_ADMIN,       /* setns, mount */
        CAP_SYS_CHROOT,      /* setns, chroot of the NVML process */
        CAP_SYS_PTRACE,      /* the container's namespaces under /proc/PID */
};

/* What a program the library executes (modprobe, through load-kmods) may
 * still gain on exec; everything else leaves the bounding set. */
static const cap_value_t bounding_caps[] = {
        CAP_DAC_OVERRIDE,
        CAP_SYS_MODULE,
};

#define PHASE_MAX nitems(permitted_caps)

struct phase_caps {
        size_t n;
        cap_value_t caps[PHASE_MAX];
};

/* Each phase's effective set, libnvidia-container's ecaps table. */
static const struct phase_caps phase_caps[] = {
        [PERM_INIT] = {4, {CAP_KILL, CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT}},
        [PERM_INIT_KMODS] = {8, {CAP_KILL, CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT, CAP_CHOWN, CAP_FOWNER, CAP_MKNOD,
                                 CAP_SETPCAP}},
        [PERM_SHUTDOWN] = {1, {CAP_KILL}},
        [PERM_CONTAINER] = {3, {CAP_KILL, CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE}},
        [PERM_INFO] = {1, {CAP_KILL}},
        [PERM_MOUNT] = {9, {CAP_KILL, CAP_NET_ADMIN, CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT, CAP_SYS_ADMIN,
                            CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_DAC_OVERRIDE}},
        [PERM_LDCACHE] = {8, {CAP_KILL, CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT, CAP_SYS_ADMIN, CAP_DAC_READ_SEARCH,
                              CAP_SYS_PTRACE, CAP_SETPCAP}},
};

/* Cutting the permitted set must cut the effective set with it (the kernel
 * refuses an effective capability that is not permitted); the capabilities
 * kept stay effective or not as they were. */
static int narrow_effective(cap_t state, const cap_value_t *caps, size_t n)
{
        cap_flag_value_t was[PHASE_MAX];

        if (n > PHASE_MAX)
                return -1;
        for (size_t i = 0; i < n; i++)
                if (cap_get_flag(state, caps[i], CAP_EFFECTIVE, &was[i]) < 0)
                        return -1;
        if (cap_clear_flag(state, CAP_EFFECTIVE) < 0)
                return -1;
        for (size_t i = 0; i < n; i++)
                if (was[i] == CAP_SET && cap_set_flag(state, CAP_EFFECTIVE, 1, &caps[i], CAP_SET) < 0)
                        return -1;
        return 0;
}

static void cleanup_capp(cap_t *state)
{
        if (*state != NULL)
                cap_free(*state);
}
#define cleanup_cap __attribute__((cleanup(cleanup_capp)))

/* Replaces one flag set of the process with `caps`. */
static int set_caps(cap_flag_t flag, const cap_value_t *caps, size_t n)
{
        cleanup_cap cap_t state = cap_get_proc();

        if (state == NULL)
                return -1;
        if (flag == CAP_PERMITTED && narrow_effective(state, caps, n) < 0)
                return -1;
        if (cap_clear_flag(state, flag) < 0 || (n > 0 && cap_set_flag(state, flag, (int)n, caps, CAP_SET) < 0))
                return -1;
        return cap_set_proc(state);
}

/* The highest capability the running kernel knows, which may be newer than
 * the headers we were built with. */
static cap_value_t last_cap(void)
{
        FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
        int n = CAP_LAST_CAP;

        if (f != NULL) {
                if (fscanf(f, "%d", &n) != 1 || n < CAP_LAST_CAP)
                        n = CAP_LAST_CAP;
                fclose(f);
        }
        return n;
}

static bool kept_in_bounds(cap_value_t c)
{
        for (size_t i = 0; i < nitems(bounding_caps); i++)
                if (bounding_caps[i] == c)
                        return true;
        return false;
}

static int set_bounds(void)
{
        cap_value_t last = last_cap();

        for (cap_value_t c = 0; c <= last; c++) {
                if (kept_in_bounds(c))
                        continue;
                if (prctl(PR_CAPBSET_READ, c) > 0 && prctl(PR_CAPBSET_DROP, c) < 0)
                        return -1;
        }
        return 0;
}

int perm_setup(struct error *err)
{
        if (set_caps(CAP_PERMITTED, permitted_caps, nitems(permitted_caps)) < 0 ||
            set_caps(CAP_INHERITABLE, NULL, 0) < 0 || set_bounds() < 0)
                return error_set(err, "capability change failed");
        return 0;
}

int perm_enter(struct error *err, enum perm_phase phase)
{
        const struct phase_caps *p = &phase_caps[phase];

        if (set_caps(CAP_EFFECTIVE, p->caps, p->n) < 0)
                return error_set(err, "capability change failed");
        return 0;
}
