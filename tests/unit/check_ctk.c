/* nvidia-ctk's shared pieces: Go-style flags (src/ctk/flags.c), logrus'
 * line format (log.c) and, as root on fake driver roots made by the setup
 * tool's code, the driver discovery of `cdi generate` (discover.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctk/ctk.h"
#include "ctk/discover.h"
#include "fake_root.h"
#include "nvc.h"
#include "unit.h"

/* --- list flags ----------------------------------------------------------- */

static void expect_strings(const struct ctk_strings *s, const char *const *want, size_t n)
{
        ck_assert_uint_eq(s->n, n);
        for (size_t i = 0; i < n; i++)
                ck_assert_str_eq(s->v[i], want[i]);
        ck_assert_ptr_null(s->v[n]);
}

START_TEST(strings_split_on_commas)
{
        static const char *const want[] = {"index", "uuid", "type-index", "", "x", ""};
        struct ctk_strings s = {0};

        ck_assert_int_eq(ctk_strings_add(&s, "index,uuid"), 0);
        ck_assert(s.set);
        ck_assert_int_eq(ctk_strings_add(&s, "type-index"), 0);
        ck_assert_int_eq(ctk_strings_add(&s, ",x,"), 0);
        expect_strings(&s, want, 6);
        ctk_strings_free(&s);
        ck_assert_ptr_null(s.v);
        ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(strings_empty_value_is_one_empty_string)
{
        static const char *const want[] = {""};
        struct ctk_strings s = {0};

        ck_assert_int_eq(ctk_strings_add(&s, ""), 0);
        expect_strings(&s, want, 1);
        ctk_strings_free(&s);
}
END_TEST

/* --- flag parsing --------------------------------------------------------- */

struct parsed {
        const char *output, *mode;
        bool all, format_given;
        struct ctk_strings dirs;
        char **pos;
        bool help;
};

static int parse(struct error *err, struct parsed *p, char **argv)
{
        const struct ctk_flag flags[] = {
                {"output", "o", CTK_FLAG_STRING, &p->output, "file", &p->format_given},
                {"mode", "discovery-mode", CTK_FLAG_STRING, &p->mode, "mode", NULL},
                {"no-all-device", NULL, CTK_FLAG_BOOL, &p->all, "no all", NULL},
                {"spec-dir", NULL, CTK_FLAG_STRINGS, &p->dirs, "dirs", NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        static const struct ctk_flag_env envs[] = {
                {"output", "CTK_TEST_OUTPUT"},
                {"no-all-device", "CTK_TEST_NO_ALL"},
                {"spec-dir", "CTK_TEST_DIRS"},
                {NULL, NULL},
        };
        int argc = 0;

        memset(p, 0, sizeof(*p));
        p->output = "";
        p->mode = "auto";
        while (argv[argc] != NULL)
                argc++;
        if (ctk_flags_apply_env(err, flags, envs) < 0)
                return -1;
        return ctk_flags_parse(err, flags, argc, argv, &p->pos, &p->help);
}

static void parsed_free(struct parsed *p)
{
        ctk_strings_free(&p->dirs);
        free(p->pos);
}

START_TEST(flags_every_go_spelling)
{
        static const char *const dirs[] = {"/a", "/b", "/c"};
        char *argv[] = {"one", "--output=/x.json", "-mode", "nvml", "two", "--spec-dir", "/a,/b",
                        "-spec-dir=/c", "--no-all-device", NULL};
        struct error err = {0};
        struct parsed p;

        ck_assert_int_eq(parse(&err, &p, argv), 0);
        ck_assert_str_eq(p.output, "/x.json");
        ck_assert(p.format_given);
        ck_assert_str_eq(p.mode, "nvml");
        ck_assert(p.all);
        ck_assert(!p.help);
        expect_strings(&p.dirs, dirs, 3);
        ck_assert_str_eq(p.pos[0], "one");
        ck_assert_str_eq(p.pos[1], "two");
        ck_assert_ptr_null(p.pos[2]);
        parsed_free(&p);
}
END_TEST

/* As urfave/cli's EnvVars: the variables set flags the command line did
 * not give; a list given on the command line replaces the variable's. */
START_TEST(flags_from_environment)
{
        static const char *const env_dirs[] = {"/e1", "/e2"}, *const cli_dirs[] = {"/c"};
        char *none[] = {NULL}, *argv[] = {"--spec-dir=/c", NULL};
        struct error err = {0};
        struct parsed p;

        setenv("CTK_TEST_OUTPUT", "/env.yaml", 1);
        setenv("CTK_TEST_NO_ALL", "true", 1);
        setenv("CTK_TEST_DIRS", "/e1,/e2", 1);
        ck_assert_int_eq(parse(&err, &p, none), 0);
        ck_assert_str_eq(p.output, "/env.yaml");
        ck_assert(p.format_given);
        ck_assert(p.all);
        expect_strings(&p.dirs, env_dirs, 2);
        parsed_free(&p);
        ck_assert_int_eq(parse(&err, &p, argv), 0);
        expect_strings(&p.dirs, cli_dirs, 1);
        parsed_free(&p);
        setenv("CTK_TEST_NO_ALL", "yes", 1);
        ck_assert_int_eq(parse(&err, &p, none), -1);
        ck_assert_str_eq(error_msg(&err),
                         "environment variable CTK_TEST_NO_ALL: invalid boolean value \"yes\" for -no-all-device: "
                         "parse error");
        error_reset(&err);
        unsetenv("CTK_TEST_OUTPUT");
        unsetenv("CTK_TEST_NO_ALL");
        unsetenv("CTK_TEST_DIRS");
}
END_TEST

START_TEST(flags_aliases_booleans_and_dashdash)
{
        char *argv[] = {"-o", "out", "--discovery-mode=management", "--no-all-device=false", "-h", "--",
                        "--mode", NULL};
        struct error err = {0};
        struct parsed p;

        ck_assert_int_eq(parse(&err, &p, argv), 0);
        ck_assert_str_eq(p.output, "out");
        ck_assert_str_eq(p.mode, "management");
        ck_assert(!p.all);
        ck_assert(p.help);
        ck_assert(!p.dirs.set);
        ck_assert_str_eq(p.pos[0], "--mode");
        ck_assert_ptr_null(p.pos[1]);
        parsed_free(&p);
}
END_TEST

static const struct {
        const char *arg, *msg;
} bad_flags[] = {
        {"--bogus", "flag provided but not defined: -bogus"},
        {"--bogus=1", "flag provided but not defined: -bogus"},
        {"--output", "flag needs an argument: -output"},
        {"--no-all-device=yes", "invalid boolean value \"yes\" for -no-all-device: parse error"},
};

START_TEST(flags_errors)
{
        char *argv[] = {"pos", (char *)bad_flags[_i].arg, NULL};
        struct error err = {0};
        struct parsed p;

        ck_assert_int_eq(parse(&err, &p, argv), -1);
        ck_assert_str_eq(error_msg(&err), bad_flags[_i].msg);
        ck_assert_ptr_null(p.pos);
        error_reset(&err);
        ctk_strings_free(&p.dirs);
}
END_TEST

START_TEST(flags_usage_lists_every_flag)
{
        const char *s = "";
        bool b = false;
        const struct ctk_flag flags[] = {
                {"output", NULL, CTK_FLAG_STRING, &s, "the file", NULL},
                {"quiet", "q", CTK_FLAG_BOOL, &b, "say less", NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);

        ck_assert_ptr_nonnull(f);
        ctk_flags_usage(f, flags);
        fclose(f);
        ck_assert_ptr_nonnull(strstr(text, "--output value"));
        ck_assert_ptr_nonnull(strstr(text, "--quiet, -q"));
        ck_assert_ptr_nonnull(strstr(text, "--help, -h"));
        free(text);
}
END_TEST

/* --- log lines ------------------------------------------------------------ */

START_TEST(log_pads_messages_to_44_columns)
{
        char *line = ctk_log_format(CTK_INFO, 0, "Found 9 CDI devices");
        char want[128];

        snprintf(want, sizeof(want), "INFO[0000] Found 9 CDI devices%*s \n", 44 - 19, "");
        ck_assert_str_eq(line, want);
        ck_assert_uint_eq(strlen(line), 11 + 44 + 2);
        free(line);
}
END_TEST

START_TEST(log_long_messages_and_levels)
{
        static const char *const msg = "Selecting /dev/nvidia-modeset as /dev/nvidia-modeset";
        char *warn = ctk_log_format(CTK_WARN, 3, msg), *err = ctk_log_format(CTK_ERROR, 12345, "x");
        char want[128];

        snprintf(want, sizeof(want), "WARN[0003] %s \n", msg);
        ck_assert_str_eq(warn, want);
        ck_assert_str_eq(err, "ERRO[12345] x                                            \n");
        free(warn);
        free(err);
}
END_TEST

START_TEST(log_fail_returns_one_and_resets)
{
        struct error err = {0};

        error_setx(&err, "boom");
        ck_assert_int_eq(ctk_fail(&err, "failed to generate CDI spec"), 1);
        ck_assert_ptr_null(err.msg);
}
END_TEST

/* --- driver discovery (root only) ----------------------------------------- */

static char scratch[] = "/tmp/check_ctk.XXXXXX";
static char root_t4[64], root_mig[64], root_empty[64];

static void roots_setup(void)
{
        static const char *const none[] = {NULL};
        static const char *const mig[] = {"--gpus", "2", "--mig", "1=1g.5gb+2g.10gb", NULL};

        if (geteuid() != 0 || mkdtemp(scratch) == NULL)
                return;
        snprintf(root_t4, sizeof(root_t4), "%s/t4/", scratch);
        snprintf(root_mig, sizeof(root_mig), "%s/mig", scratch);
        snprintf(root_empty, sizeof(root_empty), "%s/empty", scratch);
        fake_root_install(root_t4, none);
        fake_root_install(root_mig, mig);
        if (mkdir(root_empty, 0755) < 0)
                abort();
}

static void roots_teardown(void)
{
        if (root_t4[0] == '\0')
                return;
        fake_root_remove(root_t4);
        fake_root_remove(root_mig);
        rmdir(root_empty);
        rmdir(scratch);
}

#define REQUIRE_ROOTS()                 \
        do {                            \
                if (root_t4[0] == '\0') \
                        return;         \
        } while (0)

START_TEST(discover_default_profile)
{
        struct ctk_discovery d;
        struct error err = {0};
        char want[128];

        REQUIRE_ROOTS();
        ck_assert_msg(ctk_discover(&err, root_t4, &d) == 0, "%s", error_msg(&err));
        ck_assert_str_eq(d.driver.version, "575.57.08");
        /* Host paths: the driver root (without its trailing '/') in front. */
        ck_assert_uint_eq(d.driver.nlib_dirs, 1);
        snprintf(want, sizeof(want), "%s/t4/usr/lib/x86_64-linux-gnu", scratch);
        ck_assert_str_eq(d.driver.lib_dirs[0], want);
        snprintf(want, sizeof(want), "%s/t4/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.575.57.08", scratch);
        ck_assert_str_eq(d.nvml_path, want);
        ck_assert_uint_eq(d.driver.ngpus, 4);
        for (unsigned i = 0; i < 4; i++) {
                snprintf(want, sizeof(want), "GPU-%u-FAKE-UUID", i);
                ck_assert_str_eq(d.driver.gpus[i].uuid, want);
                ck_assert_uint_eq(d.driver.gpus[i].index, i);
                ck_assert_uint_eq(d.driver.gpus[i].minor, i);
                ck_assert_ptr_nonnull(d.driver.gpus[i].busid);
                ck_assert(!d.driver.gpus[i].mig_enabled);
                ck_assert_uint_eq(d.driver.gpus[i].nmigs, 0);
        }
        ctk_discovery_free(&d);
        ck_assert_ptr_null(d.drv);
}
END_TEST

START_TEST(discover_mig_devices_and_caps)
{
        struct ctk_discovery d;
        struct error err = {0};
        const struct cdi_gen_gpu *g;

        REQUIRE_ROOTS();
        ck_assert_msg(ctk_discover(&err, root_mig, &d) == 0, "%s", error_msg(&err));
        ck_assert_uint_eq(d.driver.ngpus, 2);
        ck_assert(!d.driver.gpus[0].mig_enabled);
        g = &d.driver.gpus[1];
        ck_assert(g->mig_enabled);
        ck_assert_uint_eq(g->nmigs, 2);
        for (unsigned j = 0; j < 2; j++) {
                char uuid[32], node[128];
                FILE *f;

                snprintf(uuid, sizeof(uuid), "MIG-1-%u-FAKE-UUID", j);
                ck_assert_str_eq(g->migs[j].uuid, uuid);
                ck_assert_uint_eq(g->migs[j].index, j);
                ck_assert_uint_eq(g->migs[j].ci, 0);
                ck_assert_int_ge(g->migs[j].gi_cap_minor, 0);
                ck_assert_int_ge(g->migs[j].ci_cap_minor, 0);
                ck_assert_int_ne(g->migs[j].gi_cap_minor, g->migs[j].ci_cap_minor);
                /* The minors are the nodes the driver made. */
                snprintf(node, sizeof(node), "%s/dev/nvidia-caps/nvidia-cap%d", root_mig, g->migs[j].ci_cap_minor);
                ck_assert_int_eq(access(node, F_OK), 0);
                snprintf(node, sizeof(node), "%s/proc/driver/nvidia/capabilities/gpu1/mig/gi%u/access", root_mig,
                         g->migs[j].gi);
                ck_assert_ptr_nonnull(f = fopen(node, "re"));
                fclose(f);
        }
        ck_assert_uint_ne(g->migs[0].gi, g->migs[1].gi);
        ctk_discovery_free(&d);
}
END_TEST

/* The runtime's jit-cdi discovery, through a lazy context: the driver's
 * files and GPU identity come from the root and its proc tree, so no driver
 * process starts (a spec needs no CUDA version). */
START_TEST(discover_lazy_starts_no_process)
{
        struct nvc_context *ctx = nvc_context_new();
        struct nvc_config *cfg = nvc_config_new();
        struct ctk_discovery d;
        struct error err = {0};

        REQUIRE_ROOTS();
        cfg->root = root_t4;
        ck_assert_int_eq(nvc_init(ctx, cfg, "lazy-nvml"), 0);
        ck_assert_msg(ctk_discover_with(&err, ctx, root_t4, true, &d) == 0, "%s", error_msg(&err));
        ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
        ck_assert_int_eq(errno, ECHILD);
        ck_assert_uint_eq(d.driver.ngpus, 4);
        ck_assert_str_eq(d.driver.version, "575.57.08");
        ck_assert_ptr_nonnull(d.nvml_path);
        ctk_discovery_free(&d);
        ck_assert_int_eq(nvc_shutdown(ctx), 0);
        nvc_context_free(ctx);
        nvc_config_free(cfg);
}
END_TEST

START_TEST(discover_without_driver_fails_cleanly)
{
        struct ctk_discovery d;
        struct error err = {0};

        REQUIRE_ROOTS();
        ck_assert_int_eq(ctk_discover(&err, root_empty, &d), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "initialize libnvidia-container: "));
        ck_assert_ptr_null(d.drv);
        ck_assert_ptr_null(d.gpus);
        error_reset(&err);
        ctk_discovery_free(&d);
}
END_TEST

Suite *ctk_suite(void)
{
        Suite *s = suite_create("ctk");
        TCase *flags = tcase_create("flags");
        TCase *log = tcase_create("log");
        TCase *discover = tcase_create("discover");

        tcase_add_test(flags, strings_split_on_commas);
        tcase_add_test(flags, strings_empty_value_is_one_empty_string);
        tcase_add_test(flags, flags_every_go_spelling);
        tcase_add_test(flags, flags_aliases_booleans_and_dashdash);
        tcase_add_test(flags, flags_from_environment);
        tcase_add_loop_test(flags, flags_errors, 0, (int)(sizeof(bad_flags) / sizeof(bad_flags[0])));
        tcase_add_test(flags, flags_usage_lists_every_flag);
        suite_add_tcase(s, flags);
        tcase_add_test(log, log_pads_messages_to_44_columns);
        tcase_add_test(log, log_long_messages_and_levels);
        tcase_add_test(log, log_fail_returns_one_and_resets);
        suite_add_tcase(s, log);
        tcase_add_unchecked_fixture(discover, roots_setup, roots_teardown);
        tcase_set_timeout(discover, 60);
        tcase_add_test(discover, discover_default_profile);
        tcase_add_test(discover, discover_mig_devices_and_caps);
        tcase_add_test(discover, discover_lazy_starts_no_process);
        tcase_add_test(discover, discover_without_driver_fails_cleanly);
        suite_add_tcase(s, discover);
        return s;
}
