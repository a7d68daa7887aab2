/* Which CDI spec versions the installed engines read ("cdi-engines"). An
 * engine reads the spec versions of the container-device-interface (CDI)
 * library release it was built with and skips any other spec (`invalid
 * version "0.8.0"`), so a spec newer than an engine's library makes its
 * devices unresolvable there. The engine's version comes from running `BIN
 * --version` (BIN from ROOT's PATH directories, fixed argv and environment,
 * stdin /dev/null, output capped, killed after a timeout). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctk/system_check.h"
#include "libnvc/compat.h"

#define RUN_TIMEOUT_MS 5000
#define OUTPUT_MAX 4096

/* The newest spec version each engine release reads: the spec version of
 * the CDI library release it vendors. Rows ascending per engine; a release
 * reads what the last row at or below it says, and below the first row it
 * has no CDI support. Where the release that moved is not certain, the row
 * errs late (a spec the engine could read may be flagged, never the
 * reverse). The facts (from the engines' go.mod history):
 *   podman 4.1, 4.2: CDI v0.4.0 (no device-node hostPath); 4.3 to 4.6:
 *   v0.5.x (Debian 12's 4.3.1 is built with 0.5.2); 4.7 to 5.0: v0.6.x
 *   (4.9.3 rejects the additionalGids of 0.7.0); 5.1: v0.7.1; 5.2 to 5.4:
 *   v0.8.x; 5.5 on: v1.0.x.
 *   containerd 1.7.0: v0.5.x (CDI arrived in 1.7, behind enable_cdi);
 *   1.7.13: v0.6.2 and 1.7.16: v0.7.1 (backports to release/1.7); 2.0:
 *   v0.8.x (CDI on by default); 2.1 on: v1.0.x.
 *   docker (dockerd) 25, 26: v0.6.x (CDI behind features.cdi until 28); 27:
 *   v0.7.x; 28.0: v0.8.1; 28.2 on: v1.0.1.
 *   CRI-O 1.23: v0.3.x; 1.27: v0.5.4; 1.30: v0.7.2; 1.32: v0.8.1. */
static const struct cdi_reader {
        const char *engine;
        const char *since; /* the first release of the row */
        const char *reads; /* the newest spec version it reads */
} readers[] = {
        {"podman", "4.1.0", "0.4.0"},     {"podman", "4.3.0", "0.5.0"},     {"podman", "4.7.0", "0.6.0"},
        {"podman", "5.1.0", "0.7.0"},     {"podman", "5.2.0", "0.8.0"},     {"podman", "5.5.0", "1.0.0"},
        {"containerd", "1.7.0", "0.5.0"}, {"containerd", "1.7.13", "0.6.0"}, {"containerd", "1.7.16", "0.7.0"},
        {"containerd", "2.0.0", "0.8.0"}, {"containerd", "2.1.0", "1.0.0"}, {"docker", "25.0.0", "0.6.0"},
        {"docker", "27.0.0", "0.7.0"},    {"docker", "28.0.0", "0.8.0"},    {"docker", "28.2.0", "1.0.0"},
        {"crio", "1.23.0", "0.3.0"},      {"crio", "1.27.0", "0.5.0"},      {"crio", "1.30.0", "0.7.0"},
        {"crio", "1.32.0", "0.8.0"},
};

/* Dotted numbers compared as numbers (libnvidia-container's compare),
 * after a leading "v"; a missing part is 0 ("1.7" = "1.7.0"). */
static int version_cmp(const char *a, const char *b)
{
        return compat_version_cmp(a + (*a == 'v'), b + (*b == 'v'));
}

const char *ctk_check_cdi_reads(const char *engine, const char *version)
{
        const char *reads = NULL;

        for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
                if (strcmp(readers[i].engine, engine) == 0 && version_cmp(version, readers[i].since) >= 0)
                        reads = readers[i].reads;
        return reads;
}

const char *ctk_check_cdi_since(const char *engine)
{
        for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
                if (strcmp(readers[i].engine, engine) == 0)
                        return readers[i].since;
        return "?";
}

int ctk_check_parse_version(const char *text, char *buf, size_t size)
{
        for (const char *p = text; *p != '\0'; p++) {
                const char *s = p + (*p == 'v');
                size_t n;

                if (p != text && !isspace((unsigned char)p[-1]))
                        continue;
                n = strspn(s, "0123456789.");
                while (n > 0 && s[n - 1] == '.')
                        n--;
                if (n == 0 || !isdigit((unsigned char)s[0]) || memchr(s, '.', n) == NULL ||
                    isalpha((unsigned char)s[n]))
                        continue;
                if (n >= size)
                        return -1;
                memcpy(buf, s, n);
                buf[n] = '\0';
                return 0;
        }
        return -1;
}

/* --- running `BIN --version` ----------------------------------------------------------- */

static long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child gets default signal handling, no signal blocked, a process
 * group of its own (so that a timeout kills what it started too), stdin
 * /dev/null and the pipe as stdout and stderr. */
static int spawn(const char *bin, int out, pid_t *pid)
{
        char *const argv[] = {(char *)bin, "--version", NULL};
        char *const envp[] = {"PATH=" CTK_CHECK_PATH, "LC_ALL=C", NULL};
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        sigset_t none, all;
        int rv;

        sigemptyset(&none);
        sigfillset(&all);
        posix_spawn_file_actions_init(&fa);
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, out, 1);
        posix_spawn_file_actions_adddup2(&fa, out, 2);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setpgroup(&attr, 0);
        rv = posix_spawn(pid, bin, &fa, &attr, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        return rv;
}

/* Reads the child's output into out until EOF or the deadline; what does
 * not fit is read and dropped. Returns 0 at EOF, -1 at the deadline. */
static int collect(int fd, char *out, size_t size, long deadline)
{
        size_t len = 0;
        char drop[512];

        for (;;) {
                struct pollfd p = {fd, POLLIN, 0};
                long left = deadline - now_ms();
                ssize_t n;

                if (left <= 0)
                        break;
                if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
                        break;
                if (p.revents == 0)
                        continue;
                n = len + 1 < size ? read(fd, out + len, size - 1 - len) : read(fd, drop, sizeof(drop));
                if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
                        out[len] = '\0';
                        return 0;
                }
                if (n > 0 && len + 1 < size)
                        len += (size_t)n;
        }
        out[len] = '\0';
        return -1;
}

static int reap(pid_t pid)
{
        int status;

        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        return status;
}

/* `bin --version`'s output (stdout and stderr) in out. */
static int run_version(struct error *err, const char *bin, char *out, size_t size)
{
        int fds[2], rv, status;
        pid_t pid;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return error_set(err, "run `%s --version`", bin);
        if ((rv = spawn(bin, fds[1], &pid)) != 0) {
                close(fds[0]);
                close(fds[1]);
                errno = rv;
                return error_set(err, "run `%s --version`", bin);
        }
        close(fds[1]);
        rv = collect(fds[0], out, size, now_ms() + RUN_TIMEOUT_MS);
        if (rv < 0)
                kill(-pid, SIGKILL);
        status = reap(pid);
        close(fds[0]);
        if (rv < 0)
                return error_setx(err, "`%s --version` did not finish in %d s (killed)", bin, RUN_TIMEOUT_MS / 1000);
        if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return error_setx(err, "`%s --version` failed (status %d)", bin, status);
        return 0;
}

/* --- the check ---------------------------------------------------------------------- */

struct engine {
        const char *name; /* in the table and in messages */
        const char *bin;  /* the program that reads the specs */
};

static void spec_too_new(struct ctk_check_ctx *c, struct ctk_report *r, const struct cdi_spec *spec,
                         const char *engine, const char *version, const char *reads)
{
        const char *declared, *needed = cdi_spec_required_version(spec);
        bool generate = strncmp(spec->kind, "nvidia.com/", 11) == 0;

        if (spec->version == NULL || needed == NULL || engine == NULL || reads == NULL)
                return;
        declared = spec->version + (spec->version[0] == 'v');
        if (version_cmp(declared, reads) > 0) {
                ctk_report_add(r, "cdi-engines", CTK_CHECK_FAIL, "spec %s has cdiVersion %s; %s %s reads up to %s",
                               spec->path, declared, engine, version, reads);
                ctk_report_why(r, "%s skips a spec of a version it does not know (\"invalid version \\\"%s\\\"\"): "
                                  "its devices are unresolvable there", engine, declared);
        } else if (version_cmp(needed, reads) > 0) {
                ctk_report_add(r, "cdi-engines", CTK_CHECK_FAIL,
                               "spec %s uses features of CDI %s; %s %s reads up to %s", spec->path, needed, engine,
                               version, reads);
                ctk_report_why(r, "%s cannot decode the newer fields: its devices are unresolvable there", engine);
        } else {
                return;
        }
        if (generate)
                ctk_report_fix(r, "nvidia-ctk cdi generate%s --output=%s (it writes the lowest version the spec "
                                  "needs), or upgrade %s", ctk_check_root_flag(c->driver_root), spec->path, engine);
        else
                ctk_report_fix(r, "regenerate %s with its producer for CDI %s, or upgrade %s", spec->path, reads,
                               engine);
}

/* CDI switched off in an engine that has it: specs are ignored there. */
static bool cdi_disabled(const struct ctk_check_ctx *c, const struct engine *e, const char *version, char *buf,
                         size_t size)
{
        if (strcmp(e->name, "docker") == 0 && version_cmp(version, "28.0.0") < 0 && !c->docker.cdi_feature)
                snprintf(buf, size, "nvidia-ctk runtime configure --runtime=docker --cdi.enabled%s%s && systemctl "
                                    "restart docker", c->docker_default ? "" : " --config=",
                         c->docker_default ? "" : c->docker_config);
        else if (strcmp(e->name, "containerd") == 0 && version_cmp(version, "2.0.0") < 0 && !c->containerd_cdi)
                snprintf(buf, size, "nvidia-ctk runtime configure --runtime=containerd --cdi.enabled%s%s && systemctl "
                                    "restart containerd", c->containerd_default ? "" : " --config=",
                         c->containerd_default ? "" : c->containerd_config);
        else
                return false;
        return true;
}

static void check_specs(struct ctk_check_ctx *c, struct ctk_report *r, const struct engine *e, const char *version)
{
        const char *reads = ctk_check_cdi_reads(e->name, version);
        size_t n, before = r->n;
        const struct cdi_spec *const *specs = c->cdi != NULL ? cdi_cache_specs(c->cdi, &n) : NULL;
        char fix[8192];

        if (reads == NULL) {
                ctk_report_add(r, "cdi-engines", CTK_CHECK_OK, "%s %s has no CDI support (it came in %s %s): it gets "
                                                               "GPUs through the nvidia runtime or --gpus",
                               e->name, version, e->name, ctk_check_cdi_since(e->name));
                return;
        }
        for (size_t i = 0; specs != NULL && i < n; i++)
                spec_too_new(c, r, specs[i], e->name, version, reads);
        if (r->n != before)
                return;
        if (specs != NULL && n > 0 && cdi_disabled(c, e, version, fix, sizeof(fix))) {
                ctk_report_add(r, "cdi-engines", CTK_CHECK_WARN, "%s %s reads CDI specs up to %s, but CDI is off in "
                                                                 "its config", e->name, version, reads);
                ctk_report_why(r, "`--device nvidia.com/gpu=all` is not resolved through the specs there");
                ctk_report_fix(r, "%s", fix);
                return;
        }
        ctk_report_add(r, "cdi-engines", CTK_CHECK_OK,
                       "%s %s reads CDI specs up to %s, which covers the %zu spec%s here", e->name, version, reads,
                       specs != NULL ? n : 0, specs != NULL && n == 1 ? "" : "s");
}

static void check_engine(struct ctk_check_ctx *c, struct ctk_report *r, const struct engine *e)
{
        cleanup_free char *bin = ctk_host_which(c->root, e->bin);
        char out[OUTPUT_MAX], version[64];
        struct error err = {0};

        if (bin == NULL)
                return;
        if (run_version(&err, bin, out, sizeof(out)) < 0) {
                ctk_report_add(r, "cdi-engines", CTK_CHECK_WARN, "cannot tell %s's version: %s", e->name,
                               error_msg(&err));
                ctk_report_why(r, "whether it reads the CDI specs here is unknown");
                ctk_report_fix(r, "check that %s runs: %s --version", bin, bin);
                error_reset(&err);
                return;
        }
        if (ctk_check_parse_version(out, version, sizeof(version)) < 0) {
                out[strcspn(out, "\n")] = '\0';
                ctk_report_add(r, "cdi-engines", CTK_CHECK_WARN, "no version in `%s --version`: \"%s\"", bin, out);
                ctk_report_why(r, "whether it reads the CDI specs here is unknown");
                ctk_report_fix(r, "check that %s runs: %s --version", bin, bin);
                return;
        }
        check_specs(c, r, e, version);
}

void ctk_check_cdi_engines(struct ctk_check_ctx *c, struct ctk_report *r)
{
        static const struct engine engines[] = {
                {"podman", "podman"},
                {"containerd", "containerd"},
                {"docker", "dockerd"},
                {"crio", "crio"},
        };
        size_t before = r->n;

        for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
                check_engine(c, r, &engines[i]);
        if (r->n == before)
                ctk_report_add(r, "cdi-engines", CTK_CHECK_OK, "no container engine is installed");
}
