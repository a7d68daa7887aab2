/* The CLI's other inputs: option values (src/cli/args.c) and the driver's
 * nvidia-caps files (src/cli/nvcaps.c), read from a scratch driver root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/args.h"
#include "cli/nvcaps.h"
#include "unit.h"

START_TEST(join_accumulates)
{
        struct error err = {0};
        char *s = NULL;

        ck_assert_int_eq(args_join(&err, &s, "0", ","), 0);
        ck_assert_str_eq(s, "0");
        ck_assert_int_eq(args_join(&err, &s, "GPU-1", ","), 0);
        ck_assert_str_eq(s, "0,GPU-1");
        s[0] = '\0';
        ck_assert_int_eq(args_join(&err, &s, "load-kmods", " "), 0);
        ck_assert_str_eq(s, "load-kmods");
        free(s);
}
END_TEST

struct ugid_case {
        const char *arg;
        long uid;            /* -1: an error is expected */
        long gid;
        int code;            /* errno of the error */
};

/* root (0:0) and nobody/nogroup (65534) are in every Debian passwd/group;
 * uid 123457 is in none. */
static const struct ugid_case ugid_cases[] = {
        {"0", 0, 0, 0},
        {"0:5", 0, 5, 0},
        {"root", 0, 0, 0},
        {"root:", 0, 0, 0},
        {"nobody", 65534, 65534, 0},
        {"65534:nogroup", 65534, 65534, 0},
        {"123457:42", 123457, 42, 0},
        {"123457", -1, 0, ENOENT},
        {"123457:", -1, 0, ENOENT},
        {"no-such-user-xyz", -1, 0, ENOENT},
        {"0:no-such-group-xyz", -1, 0, ENOENT},
        {"1x", -1, 0, EINVAL},
        {"0:5x", -1, 0, EINVAL},
        {"4294967295", -1, 0, ERANGE},
        {"0:99999999999999999999", -1, 0, ERANGE},
};

START_TEST(parse_ugid)
{
        const struct ugid_case *c = &ugid_cases[_i];
        struct error err = {0};
        uid_t uid = 7;
        gid_t gid = 7;
        int rv = args_parse_ugid(&err, c->arg, &uid, &gid);

        if (c->uid < 0) {
                ck_assert_msg(rv == -1, "'%s' parsed", c->arg);
                ck_assert_int_eq(err.code, c->code);
                ck_assert_msg(strncmp(error_msg(&err), "parse user/group failed: ", 25) == 0, "%s", error_msg(&err));
                ck_assert_uint_eq(uid, 7);
        } else {
                ck_assert_msg(rv == 0, "'%s': %s", c->arg, error_msg(&err));
                ck_assert_uint_eq(uid, (uid_t)c->uid);
                ck_assert_uint_eq(gid, (gid_t)c->gid);
        }
        error_reset(&err);
}
END_TEST

/* --- nvidia-caps ----------------------------------------------------------- */

static char root[] = "/tmp/check-nvcaps.XXXXXX";

/* Writes root + rel, creating the directories on the way. */
static void write_file(const char *rel, const char *text)
{
        char path[512];
        FILE *f;

        snprintf(path, sizeof(path), "%s%s", root, rel);
        for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
                *p = '\0';
                ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
                *p = '/';
        }
        ck_assert_ptr_nonnull(f = fopen(path, "w"));
        fputs(text, f);
        fclose(f);
}

static void nvcaps_setup(void)
{
        strcpy(root, "/tmp/check-nvcaps.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(root));
        write_file("/proc/driver/nvidia/capabilities/gpu1/mig/gi2/access",
                   "DeviceFileMinor: 156\nDeviceFileMode: 292\nDeviceFileModify: 1\n");
        write_file("/proc/driver/nvidia/capabilities/mig/config", "DeviceFileMode: 256\n");
        write_file("/proc/driver/nvidia-caps/mig-minors",
                   "config 1\nmonitor 2\ngpu0/gi0/access 3\ngpu1/gi0/access 138\ngpu1/gi0/ci0/access 139\n"
                   "gpu10/gi0/access 1353\ngpu1/gi14/ci7/access 272\n");
}

static void nvcaps_teardown(void)
{
        char cmd[300];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        ck_assert_int_eq(system(cmd), 0);
}

START_TEST(nvcaps_style_and_nodes)
{
        char *node = NULL;
        char trailing[300];

        ck_assert(nvcaps_dev_style(root));
        snprintf(trailing, sizeof(trailing), "%s//", root);
        ck_assert(nvcaps_dev_style(trailing));
        ck_assert_int_eq(nvcaps_node_of(root, "/proc/driver/nvidia/capabilities/gpu1/mig/gi2/access", &node), 0);
        ck_assert_str_eq(node, "/dev/nvidia-caps/nvidia-cap156");
        free(node);
        ck_assert_int_eq(nvcaps_node_of(root, "/proc/driver/nvidia/capabilities/mig/config", &node), -1);
        ck_assert_int_eq(nvcaps_node_of(root, "/proc/driver/nvidia/capabilities/mig/monitor", &node), -1);
}
END_TEST

START_TEST(nvcaps_gpu_nodes)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);

        ck_assert_int_eq(nvcaps_print_gpu_nodes(out, root, 1), 0);
        fclose(out);
        ck_assert_str_eq(buf, "/dev/nvidia-caps/nvidia-cap138\n/dev/nvidia-caps/nvidia-cap139\n"
                              "/dev/nvidia-caps/nvidia-cap272\n");
        free(buf);
        ck_assert_int_eq(nvcaps_print_gpu_nodes(stdout, "/nonexistent-root", 1), -1);
        ck_assert(!nvcaps_dev_style("/nonexistent-root"));
}
END_TEST

Suite *cli_args_suite(void)
{
        Suite *s = suite_create("cli_args");
        TCase *args = tcase_create("args");
        TCase *nvcaps = tcase_create("nvcaps");

        tcase_add_test(args, join_accumulates);
        tcase_add_loop_test(args, parse_ugid, 0, (int)(sizeof(ugid_cases) / sizeof(ugid_cases[0])));
        suite_add_tcase(s, args);
        tcase_add_checked_fixture(nvcaps, nvcaps_setup, nvcaps_teardown);
        tcase_add_test(nvcaps, nvcaps_style_and_nodes);
        tcase_add_test(nvcaps, nvcaps_gpu_nodes);
        suite_add_tcase(s, nvcaps);
        return s;
}
