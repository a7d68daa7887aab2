/* Drives the sandboxed ldconfig (src/libnvc/ldconfig.h) for the
 * integration tests:
 *   ldconfig-run [--pid PID] --rootfs DIR [--uid U] [--gid G]
 *                [--ldconfig @/sbin/ldconfig] [--allow-container] [--no-pivot]
 *                [--timeout MS] [--debug FILE] [--repeat N] [DIR...]
 * Exit 0 on success; on failure one line "ldconfig-run: <error>", exit 1
 * (2 for bad usage). --repeat runs N times (reporting the last error) and
 * then also fails if a descriptor or a child process was left behind. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "common/error.h"
#include "libnvc/ldconfig.h"
#include "libnvc/log.h"

enum {
        OPTION_PID = 1000,
        OPTION_ROOTFS,
        OPTION_UID,
        OPTION_GID,
        OPTION_LDCONFIG,
        OPTION_ALLOW_CONTAINER,
        OPTION_NO_PIVOT,
        OPTION_TIMEOUT,
        OPTION_DEBUG,
        OPTION_REPEAT,
};

static const struct option options[] = {
        {"pid", required_argument, NULL, OPTION_PID},
        {"rootfs", required_argument, NULL, OPTION_ROOTFS},
        {"uid", required_argument, NULL, OPTION_UID},
        {"gid", required_argument, NULL, OPTION_GID},
        {"ldconfig", required_argument, NULL, OPTION_LDCONFIG},
        {"allow-container", no_argument, NULL, OPTION_ALLOW_CONTAINER},
        {"no-pivot", no_argument, NULL, OPTION_NO_PIVOT},
        {"timeout", required_argument, NULL, OPTION_TIMEOUT},
        {"debug", required_argument, NULL, OPTION_DEBUG},
        {"repeat", required_argument, NULL, OPTION_REPEAT},
        {NULL, 0, NULL, 0},
};

static __attribute__((noreturn)) void usage(const char *why)
{
        fprintf(stderr, "ldconfig-run: %s\nusage: ldconfig-run [--pid PID] --rootfs DIR [--uid U] [--gid G] "
                        "[--ldconfig PATH] [--allow-container] [--no-pivot] [--timeout MS] [--debug FILE] [--repeat N] "
                        "[DIR...]\n",
                why);
        exit(2);
}

static uintmax_t number(const char *s, uintmax_t max)
{
        char *end;
        uintmax_t n;

        errno = 0;
        n = strtoumax(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0' || n > max)
                usage("invalid number");
        return n;
}

static unsigned long repeat = 1;

static void parse(int argc, char *argv[], struct ldconfig_params *p)
{
        int c;

        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                switch (c) {
                case OPTION_PID: p->pid = (pid_t)number(optarg, INT32_MAX); break;
                case OPTION_ROOTFS: p->rootfs = optarg; break;
                case OPTION_UID: p->uid = (uid_t)number(optarg, UINT32_MAX - 1); break;
                case OPTION_GID: p->gid = (gid_t)number(optarg, UINT32_MAX - 1); break;
                case OPTION_LDCONFIG: p->ldconfig = optarg; break;
                case OPTION_ALLOW_CONTAINER: p->allow_container_ldconfig = true; break;
                case OPTION_NO_PIVOT: p->no_pivot = true; break;
                case OPTION_TIMEOUT: p->timeout_ms = (unsigned int)number(optarg, UINT32_MAX); break;
                case OPTION_DEBUG: log_open(optarg); break;
                case OPTION_REPEAT: repeat = (unsigned long)number(optarg, 100000); break;
                default: usage("invalid option");
                }
        }
        if (p->rootfs == NULL)
                usage("--rootfs is required");
        p->dirs = (const char *const *)(argv + optind);
        p->ndirs = (size_t)(argc - optind);
}

static int count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        int n = 0;

        if (d == NULL)
                return -1;
        while (readdir(d) != NULL)
                n++;
        closedir(d);
        return n;
}

static int check_leaks(int fds_before)
{
        int fds = count_fds();

        if (fds != fds_before) {
                fprintf(stderr, "ldconfig-run: %d descriptors before, %d after\n", fds_before, fds);
                return -1;
        }
        if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
                fprintf(stderr, "ldconfig-run: a child process was left behind\n");
                return -1;
        }
        return 0;
}

int main(int argc, char *argv[])
{
        struct ldconfig_params p = {.ldconfig = "@/sbin/ldconfig"};
        struct error err = {0};
        int rv = 0, fds_before;

        parse(argc, argv, &p);
        fds_before = count_fds();
        for (unsigned long i = 0; i < repeat; i++) {
                if (ldconfig_run(&err, &p) < 0)
                        rv = -1;
        }
        if (rv < 0)
                fprintf(stderr, "ldconfig-run: %s\n", error_msg(&err));
        if (repeat > 1 && check_leaks(fds_before) < 0)
                rv = -1;
        error_reset(&err);
        log_close();
        return rv < 0 ? 1 : 0;
}
