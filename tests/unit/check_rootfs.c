/* Resolving and mounting inside a container root that the image controls:
 * symlinks pointing out of the root stay inside it, mounts are read-only
 * and undone on request. Mounting needs root; each case runs in a child in
 * a private mount namespace, so nothing leaks into the test's namespace. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "libnvc/mount.h"
#include "libnvc/rootfs.h"
#include "unit.h"

static char base[] = "/tmp/check-rootfs.XXXXXX";
static char root[PATH_MAX], host[PATH_MAX];

static void put(const char *path, const char *content)
{
        FILE *f = fopen(path, "w");

        ck_assert_ptr_nonnull(f);
        fputs(content, f);
        fclose(f);
}

/* base/root is the container root; base/host is a host directory the image
 * tries to reach through absolute, relative and /proc symlinks. */
static void setup(void)
{
        char path[PATH_MAX + 64];

        strcpy(base, "/tmp/check-rootfs.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(base));
        snprintf(root, sizeof(root), "%s/root", base);
        snprintf(host, sizeof(host), "%s/host", base);
        ck_assert_int_eq(mkdir(root, 0755), 0);
        ck_assert_int_eq(mkdir(host, 0755), 0);
        snprintf(path, sizeof(path), "%s/etc", root);
        ck_assert_int_eq(mkdir(path, 0755), 0);
        snprintf(path, sizeof(path), "%s/abs", root);
        ck_assert_int_eq(symlink(host, path), 0);
        snprintf(path, sizeof(path), "%s/rel", root);
        ck_assert_int_eq(symlink("../../../../../../../..", path), 0);
        snprintf(path, sizeof(path), "%s/proc", root);
        ck_assert_int_eq(symlink("/proc/self/root", path), 0);
        snprintf(path, sizeof(path), "%s/libfoo", host);
        put(path, "driver\n");
}

static void teardown(void)
{
        char cmd[PATH_MAX + 16];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
        ck_assert_int_eq(system(cmd), 0);
        strcpy(base, "/tmp/check-rootfs.XXXXXX");
}

START_TEST(links_out_of_the_root_stay_inside)
{
        struct error err = {0};
        char path[2 * PATH_MAX + 64];
        int rootfd, fd;

        setup();
        ck_assert_int_ge(rootfd = open(root, O_PATH | O_DIRECTORY), 0);
        /* A link dangling inside the root is not followed into creation: a clean failure. */
        ck_assert_int_eq(rootfs_mktarget(&err, rootfd, "/abs/lib/a.so", false, 0, 0, &fd), -1);
        ck_assert_str_eq(error_msg(&err), "open directory `/abs` in the container: Not a directory");
        error_reset(&err);
        snprintf(path, sizeof(path), "%s/lib", host);
        ck_assert_int_eq(access(path, F_OK), -1);
        /* Once the link's target exists inside the root, everything lands there, never in host/. */
        snprintf(path, sizeof(path), "mkdir -p '%s%s'", root, host);
        ck_assert_int_eq(system(path), 0);
        ck_assert_msg(rootfs_mktarget(&err, rootfd, "/abs/lib/a.so", false, 0, 0, &fd) == 0, "%s", error_msg(&err));
        close(fd);
        ck_assert_int_eq(rootfs_mktarget(&err, rootfd, "rel/b.so", false, 0, 0, &fd), 0);
        close(fd);
        ck_assert_int_eq(rootfs_mkdirs(&err, rootfd, "/abs/deeper/dir", 0, 0, &fd), 0);
        close(fd);
        snprintf(path, sizeof(path), "%s/lib/a.so", host);
        ck_assert_int_eq(access(path, F_OK), -1);
        snprintf(path, sizeof(path), "%s%s/lib/a.so", root, host);
        ck_assert_int_eq(access(path, F_OK), 0);
        snprintf(path, sizeof(path), "%s/b.so", root);
        ck_assert_int_eq(access(path, F_OK), 0);
        /* Magic links are refused outright. */
        ck_assert_int_eq(rootfs_open(&err, rootfd, "/proc/x", O_PATH, &fd), -1);
        error_reset(&err);
        close(rootfd);
        teardown();
}
END_TEST

START_TEST(symlink_target_is_replaced_and_kinds_checked)
{
        struct error err = {0};
        char path[PATH_MAX + 64];
        struct stat st;
        int rootfd, fd;

        setup();
        rootfd = open(root, O_PATH | O_DIRECTORY);
        snprintf(path, sizeof(path), "%s/etc/libcuda.so.1", root);
        ck_assert_int_eq(symlink("/etc/shadow", path), 0);
        ck_assert_int_eq(rootfs_mktarget(&err, rootfd, "/etc/libcuda.so.1", false, 0, 0, &fd), 0);
        close(fd);
        ck_assert_int_eq(lstat(path, &st), 0);
        ck_assert(S_ISREG(st.st_mode));
        ck_assert_int_eq(rootfs_mktarget(&err, rootfd, "/etc", false, 0, 0, &fd), -1);
        ck_assert_str_eq(error_msg(&err), "`/etc` in the container is a directory");
        ck_assert_int_eq(rootfs_mktarget(&err, rootfd, "/etc/..", false, 0, 0, &fd), -1);
        error_reset(&err);
        close(rootfd);
        teardown();
}
END_TEST

/* In a child with its own mount namespace: mount, check, undo. */
static int mount_child(void)
{
        struct error err = {0};
        struct mount_log log = {0};
        char src[PATH_MAX + 16], dst[PATH_MAX + 32], buf[16] = "";
        int rootfd, target = -1, tree = -1, fd;

        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return 10;
        rootfd = open(root, O_PATH | O_DIRECTORY);
        log.rootfd = rootfd;
        log.procfd = open("/proc", O_PATH | O_DIRECTORY);
        snprintf(src, sizeof(src), "%s/libfoo", host);
        if (rootfs_mktarget(&err, rootfd, "/usr/lib/libfoo.so.1", false, 0, 0, &target) < 0 ||
            mount_tree(&err, src, MNT_FILES, &tree) < 0 ||
            mount_attach(&err, &log, tree, target, "/usr/lib/libfoo.so.1") < 0)
                return 11;
        snprintf(dst, sizeof(dst), "%s/usr/lib/libfoo.so.1", root);
        if ((fd = open(dst, O_RDONLY)) < 0 || read(fd, buf, sizeof(buf) - 1) != 7 || strcmp(buf, "driver\n") != 0)
                return 12;
        close(fd);
        if (open(dst, O_WRONLY) >= 0 || errno != EROFS)
                return 13;
        mount_undo(&log);
        if ((fd = open(dst, O_RDONLY)) < 0 || read(fd, buf, sizeof(buf)) != 0)
                return 14;
        return 0;
}

START_TEST(mount_is_read_only_and_undone)
{
        int status;
        pid_t pid;

        if (geteuid() != 0) {
                fprintf(stderr, "check_rootfs: mount case skipped: needs root\n");
                return;
        }
        setup();
        if ((pid = fork()) == 0)
                _exit(mount_child());
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_int_eq(WEXITSTATUS(status), 0);
        teardown();
}
END_TEST

Suite *rootfs_suite(void)
{
        Suite *s = suite_create("rootfs");
        TCase *tc = tcase_create("resolve");

        tcase_add_test(tc, links_out_of_the_root_stay_inside);
        tcase_add_test(tc, symlink_target_is_replaced_and_kinds_checked);
        tcase_add_test(tc, mount_is_read_only_and_undone);
        suite_add_tcase(s, tc);
        return s;
}
