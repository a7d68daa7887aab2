/* Device cgroups, v1 and v2, on the real kernel: a process moved into the
 * cgroup opens the test's device nodes. With no driver behind major 195 an
 * allowed open fails with ENXIO, a denied one with EPERM. Needs root and
 * the cgroup mounts of these machines (hybrid: v1 devices + unified v2). */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libnvc/cgroup.h"
#include "unit.h"

#define V1_ROOT "/sys/fs/cgroup/devices"
#define V2_ROOT "/sys/fs/cgroup/unified"

static char nodes[] = "/tmp/check-cgroup.XXXXXX";
static const struct {
        const char *name;
        unsigned major, minor;
} node_table[] = {{"gpu0", 195, 0}, {"gpu1", 195, 1}, {"ctl", 195, 255}, {"null", 1, 3}, {"zero", 1, 5}};

static bool usable(const char *root)
{
        if (geteuid() != 0 || access(root, W_OK) != 0) {
                fprintf(stderr, "check_cgroup: skipped: needs root and %s\n", root);
                return false;
        }
        return true;
}

static void make_nodes(void)
{
        char path[PATH_MAX];

        ck_assert_ptr_nonnull(mkdtemp(nodes));
        for (size_t i = 0; i < sizeof(node_table) / sizeof(node_table[0]); i++) {
                snprintf(path, sizeof(path), "%s/%s", nodes, node_table[i].name);
                ck_assert_int_eq(mknod(path, S_IFCHR | 0666, makedev(node_table[i].major, node_table[i].minor)), 0);
        }
}

static void remove_nodes(void)
{
        char path[PATH_MAX];

        for (size_t i = 0; i < sizeof(node_table) / sizeof(node_table[0]); i++) {
                snprintf(path, sizeof(path), "%s/%s", nodes, node_table[i].name);
                unlink(path);
        }
        rmdir(nodes);
        strcpy(nodes, "/tmp/check-cgroup.XXXXXX");
}

/* Moves a child into the cgroup and returns the errno of opening each node
 * (0 for success), in node_table order, as one string like "6 1 6 0 1". */
static void probe(const char *cgdir, char *out, size_t len)
{
        int pipefd[2], status;
        pid_t pid;
        ssize_t n;

        ck_assert_int_eq(pipe(pipefd), 0);
        if ((pid = fork()) == 0) {
                char procs[PATH_MAX], buf[128] = "", path[PATH_MAX];
                int fd;

                snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgdir);
                if ((fd = open(procs, O_WRONLY)) < 0 || write(fd, "0", 1) != 1)
                        _exit(2);
                close(fd);
                for (size_t i = 0; i < sizeof(node_table) / sizeof(node_table[0]); i++) {
                        snprintf(path, sizeof(path), "%s/%s", nodes, node_table[i].name);
                        fd = open(path, O_RDWR);
                        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%d", i ? " " : "",
                                 fd >= 0 ? 0 : errno);
                        if (fd >= 0)
                                close(fd);
                }
                if (write(pipefd[1], buf, strlen(buf)) < 0)
                        _exit(3);
                _exit(0);
        }
        close(pipefd[1]);
        n = read(pipefd[0], out, len - 1);
        out[n > 0 ? n : 0] = '\0';
        close(pipefd[0]);
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_int_eq(status, 0);
}

START_TEST(v2_keeps_old_rules_and_adds_ours)
{
        const struct cgroup_rule old[] = {{'c', 1, 3, "rwm"}};
        const struct cgroup_rule ours[] = {{'c', 195, 0, "rw"}, {'c', 195, 255, "rw"}};
        struct error err = {0};
        char dir[PATH_MAX], got[128];
        int fd;

        if (!usable(V2_ROOT "/cgroup.procs"))
                return;
        make_nodes();
        snprintf(dir, sizeof(dir), V2_ROOT "/check-cgroup-%d", (int)getpid());
        ck_assert_int_eq(mkdir(dir, 0755), 0);
        /* The rules attached before ours: /dev/null only, as a runtime would. */
        ck_assert_int_eq(cgroup_open(&err, dir, &fd), 0);
        ck_assert_msg(cgroup_v2_ops.allow(&err, fd, dir, old, 1) == 0, "%s", error_msg(&err));
        probe(dir, got, sizeof(got));
        ck_assert_str_eq(got, "1 1 1 0 1");
        ck_assert_msg(cgroup_v2_ops.allow(&err, fd, dir, ours, 2) == 0, "%s", error_msg(&err));
        close(fd);
        probe(dir, got, sizeof(got));
        /* gpu0 and ctl reach the (absent) driver: ENXIO; gpu1 and zero stay denied; null still works. */
        ck_assert_str_eq(got, "6 1 6 0 1");
        ck_assert_int_eq(rmdir(dir), 0);
        remove_nodes();
}
END_TEST

START_TEST(v1_allows_listed_devices)
{
        const struct cgroup_rule ours[] = {{'c', 195, 0, "rw"}, {'c', 1, 3, "rwm"}};
        struct error err = {0};
        char dir[PATH_MAX], deny[PATH_MAX + 16], got[128];
        FILE *f;
        int fd;

        if (!usable(V1_ROOT "/devices.allow"))
                return;
        make_nodes();
        snprintf(dir, sizeof(dir), V1_ROOT "/check-cgroup-%d", (int)getpid());
        ck_assert_int_eq(mkdir(dir, 0755), 0);
        snprintf(deny, sizeof(deny), "%s/devices.deny", dir);
        ck_assert_ptr_nonnull(f = fopen(deny, "w"));
        fputs("a", f);
        fclose(f);
        ck_assert_int_eq(cgroup_open(&err, dir, &fd), 0);
        ck_assert_msg(cgroup_v1_ops.allow(&err, fd, dir, ours, 2) == 0, "%s", error_msg(&err));
        close(fd);
        probe(dir, got, sizeof(got));
        ck_assert_str_eq(got, "6 1 1 0 1");
        ck_assert_int_eq(rmdir(dir), 0);
        remove_nodes();
}
END_TEST

START_TEST(find_own_device_cgroup)
{
        const struct cgroup_ops *ops = NULL;
        struct error err = {0};
        char *dir = NULL;

        if (!usable("/proc/self/mountinfo"))
                return;
        ck_assert_msg(cgroup_find(&err, "/proc", getpid(), &ops, &dir) == 0, "%s", error_msg(&err));
        /* These machines mount the v1 devices controller: it decides. */
        if (access(V1_ROOT, F_OK) == 0) {
                ck_assert_ptr_eq(ops, &cgroup_v1_ops);
                ck_assert_int_eq(strncmp(dir, V1_ROOT, strlen(V1_ROOT)), 0);
        }
        free(dir);
        ck_assert_int_eq(cgroup_find(&err, "/proc", 999999999, &ops, &dir), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "/proc/999999999/cgroup"));
        error_reset(&err);
}
END_TEST

Suite *cgroup_suite(void)
{
        Suite *s = suite_create("cgroup");
        TCase *tc = tcase_create("devices");

        tcase_add_test(tc, v2_keeps_old_rules_and_adds_ours);
        tcase_add_test(tc, v1_allows_listed_devices);
        tcase_add_test(tc, find_own_device_cgroup);
        suite_add_tcase(s, tc);
        return s;
}
