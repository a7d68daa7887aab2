/* nvidia-container-runtime's command line (runtime.h, args.c): one table of
 * argv cases with what the shim reads from them (subcommand, create or not,
 * global --version/--debug/--log/--log-format, the spec file or the error),
 * upstream's own GetBundleDir and HasCreateSubcommand cases, the mode
 * resolution table (runtime_mode over image requests as the runtime
 * computes them), and the log line formats. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/error.h"
#include "common/image.h"
#include "runtime/runtime.h"
#include "unit.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAXARGS 16

struct argv_case {
        const char *name;
        const char *argv[MAXARGS]; /* after argv[0] */
        const char *command;       /* NULL: none */
        bool creates, version, debug;
        const char *log_file, *log_format;
        /* For a creating command: the spec file, or "error: MSG". */
        const char *spec;
};

#define BUNDLE_ERR "error: error getting bundle dir from args: bundle option requires an argument"

static const struct argv_case argv_cases[] = {
        {"no arguments", {NULL}, .creates = false},
        {"create --bundle DIR", {"create", "--bundle", "/b", "id"}, "create", true, .spec = "/b/config.json"},
        {"containerd's shim",
         {"--root", "/run/runc/moby", "--log", "/s/log.json", "--log-format", "json", "create", "--bundle", "/b",
          "--pid-file", "/s/init.pid", "id"},
         "create",
         true,
         .log_file = "/s/log.json",
         .log_format = "json",
         .spec = "/b/config.json"},
        {"-b DIR", {"create", "-b", "/b", "id"}, "create", true, .spec = "/b/config.json"},
        {"--bundle=DIR", {"create", "--bundle=/b", "id"}, "create", true, .spec = "/b/config.json"},
        {"-bundle DIR", {"create", "-bundle", "/b", "id"}, "create", true, .spec = "/b/config.json"},
        {"-b=DIR", {"create", "-b=/b", "id"}, "create", true, .spec = "/b/config.json"},
        {"---bundle DIR (any dashes)", {"create", "---bundle", "/b", "id"}, "create", true, .spec = "/b/config.json"},
        {"the last bundle wins", {"create", "-b", "/a", "--bundle", "/b", "id"}, "create", true, .spec = "/b/config.json"},
        {"the last bundle wins, = form", {"create", "--bundle=/a", "-b=/b", "id"}, "create", true,
         .spec = "/b/config.json"},
        {"missing bundle value", {"create", "id", "--bundle"}, "create", true, .spec = BUNDLE_ERR},
        {"missing -b value", {"create", "-b"}, "create", true, .spec = BUNDLE_ERR},
        {"no bundle: the working directory", {"create", "id"}, "create", true, .spec = "config.json"},
        {"a bundle before the command is refused", {"--bundle", "/b", "create", "id"}, "create", true,
         .spec = "error: error getting bundle dir from args: the bundle option must follow the command"},
        {"empty --bundle=: the working directory", {"create", "--bundle=", "id"}, "create", true,
         .spec = "config.json"},
        {"bundle with a trailing slash", {"create", "-b", "/b/", "id"}, "create", true, .spec = "/b/config.json"},
        {"'=' inside the value", {"create", "-b=/foo/=bar", "id"}, "create", true, .spec = "/foo/=bar/config.json"},
        {"relative bundle", {"create", "--bundle", "rel/b", "id"}, "create", true, .spec = "rel/b/config.json"},
        {"a bundle named create", {"create", "-b", "create", "id"}, "create", true, .spec = "create/config.json"},
        {"--not-bundle is no bundle flag", {"create", "--not-bundle", "/b", "id"}, "create", true,
         .spec = "config.json"},
        {"other create flags around", {"create", "--console-socket", "/s", "--bundle", "/b", "--no-pivot", "x"},
         "create", true, .spec = "/b/config.json"},
        {"run creates too", {"run", "--bundle", "/b", "id"}, "run", true, .spec = "/b/config.json"},
        {"run -d with a private root", {"--root", "/state", "run", "-d", "-b", "/b", "id"}, "run", true,
         .spec = "/b/config.json"},
        {"start does not create", {"start", "id"}, "start", .creates = false},
        {"create as --root's value", {"--root", "create", "state", "id"}, "state", .creates = false},
        {"create as --root='s value", {"--root=create", "state", "id"}, "state", .creates = false},
        {"create as an argument of exec", {"exec", "id", "/bin/echo", "create"}, "exec", .creates = false},
        {"create as the container id of delete", {"delete", "create"}, "delete", .creates = false},
        {"--version", {"--version"}, .version = true},
        {"--version is global only", {"exec", "id", "ls", "--version"}, "exec", .creates = false},
        {"--debug and --log=FILE", {"--debug", "--log=/l", "state", "x"}, "state", .debug = true, .log_file = "/l"},
        {"single-dash global flags", {"-log", "/l", "-log-format=json", "delete", "x"}, "delete", .log_file = "/l",
         .log_format = "json"},
        {"--systemd-cgroup is a switch", {"--systemd-cgroup", "--root", "/r", "create", "-b", "/b", "x"}, "create",
         true, .spec = "/b/config.json"},
        {"crun's --cgroup-manager VALUE", {"--cgroup-manager", "systemd", "create", "--bundle", "/b", "x"}, "create",
         true, .spec = "/b/config.json"},
        {"-- ends the global flags", {"--debug", "--", "create", "x"}, "create", true, .debug = true,
         .spec = "config.json"},
        {"--log without a value", {"--log"}, NULL, .creates = false},
        {"--log-format text", {"--log-format", "text", "kill", "x", "KILL"}, "kill", .log_format = "text"},
};

static int count_args(const char *const *argv)
{
        int n = 0;

        while (n < MAXARGS && argv[n] != NULL)
                n++;
        return n;
}

static bool same(const char *a, const char *b)
{
        return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

START_TEST(test_argv_table)
{
        const struct argv_case *c = &argv_cases[_i];
        char *argv[MAXARGS + 2] = {"nvidia-container-runtime"}, *spec = NULL, got[512];
        struct runtime_args a;
        struct error err = {0};
        int argc = count_args(c->argv) + 1;

        for (int i = 1; i < argc; i++)
                argv[i] = (char *)c->argv[i - 1];
        runtime_args_parse(&a, argc, argv);
        ck_assert_msg(same(a.command < argc ? argv[a.command] : NULL, c->command), "%s: command %s", c->name,
                      a.command < argc ? argv[a.command] : "(none)");
        ck_assert_msg(a.creates == c->creates, "%s: creates %d", c->name, a.creates);
        ck_assert_msg(a.version == c->version && a.debug == c->debug, "%s: version %d debug %d", c->name, a.version,
                      a.debug);
        ck_assert_msg(same(a.log_file, c->log_file), "%s: log %s", c->name, a.log_file ? a.log_file : "(null)");
        ck_assert_msg(same(a.log_format, c->log_format), "%s: log-format %s", c->name,
                      a.log_format ? a.log_format : "(null)");
        if (!c->creates)
                return;
        if (runtime_args_spec_path(&err, argc, argv, &a, &spec) < 0)
                snprintf(got, sizeof(got), "error: %s", error_msg(&err));
        else
                snprintf(got, sizeof(got), "%s", spec);
        ck_assert_msg(strcmp(got, c->spec) == 0, "%s: spec\n  want %s\n   got %s", c->name, c->spec, got);
        free(spec);
        error_reset(&err);
}
END_TEST

/* Upstream's TestGetBundleDir, over the whole slice as GetBundleDirFromArgs. */
static const struct {
        const char *argv[4];
        const char *bundle; /* "error" for an error */
} bundle_cases[] = {
        {{NULL}, NULL},
        {{"create"}, NULL},
        {{"--bundle"}, "error"},
        {{"-b"}, "error"},
        {{"--bundle", "/foo/bar"}, "/foo/bar"},
        {{"--not-bundle", "/foo/bar"}, NULL},
        {{"--"}, NULL},
        {{"-bundle", "/foo/bar"}, "/foo/bar"},
        {{"--bundle=/foo/bar"}, "/foo/bar"},
        {{"-b=/foo/bar"}, "/foo/bar"},
        {{"-b=/foo/=bar"}, "/foo/=bar"},
        {{"-b", "/foo/bar"}, "/foo/bar"},
        {{"create", "-b", "/foo/bar"}, "/foo/bar"},
        {{"-b", "create", "create"}, "create"},
        {{"-b=create", "create"}, "create"},
        {{"-b", "create"}, "create"},
};

START_TEST(test_upstream_bundle_cases)
{
        const char *bundle = NULL, *want = bundle_cases[_i].bundle;
        struct error err = {0};
        int argc = count_args(bundle_cases[_i].argv), rv;

        rv = runtime_args_bundle(&err, argc, (char *const *)bundle_cases[_i].argv, &bundle);
        if (want != NULL && strcmp(want, "error") == 0) {
                ck_assert_int_eq(rv, -1);
                ck_assert_str_eq(error_msg(&err), "bundle option requires an argument");
        } else {
                ck_assert_int_eq(rv, 0);
                ck_assert_msg(same(bundle, want), "case %d: bundle %s", _i, bundle ? bundle : "(null)");
        }
        error_reset(&err);
}
END_TEST

/* Upstream's TestHasCreateSubcommand: "create" as a bundle value is no
 * create; every case prefixed with argv[0]. */
START_TEST(test_upstream_create_cases)
{
        static const struct {
                const char *argv[3];
                bool creates;
        } cases[] = {
                {{NULL}, false},
                {{"create"}, true},
                {{"--bundle=create"}, false},
                {{"--bundle", "create"}, false},
        };

        for (size_t i = 0; i < NITEMS(cases); i++) {
                char *argv[5] = {"nvidia-container-runtime"};
                struct runtime_args a;
                int argc = count_args(cases[i].argv) + 1;

                for (int j = 1; j < argc; j++)
                        argv[j] = (char *)cases[i].argv[j - 1];
                runtime_args_parse(&a, argc, argv);
                ck_assert_msg(a.creates == cases[i].creates, "case %zu", i);
        }
}
END_TEST

START_TEST(test_bundle_flag)
{
        ck_assert(runtime_args_is_bundle_flag("-b"));
        ck_assert(runtime_args_is_bundle_flag("--b"));
        ck_assert(runtime_args_is_bundle_flag("-bundle"));
        ck_assert(runtime_args_is_bundle_flag("--bundle"));
        ck_assert(!runtime_args_is_bundle_flag("b"));
        ck_assert(!runtime_args_is_bundle_flag("bundle"));
        ck_assert(!runtime_args_is_bundle_flag("--bundles"));
        ck_assert(!runtime_args_is_bundle_flag("-"));
        ck_assert(!runtime_args_is_bundle_flag("--"));
}
END_TEST

/* --- the mode ------------------------------------------------------------------ */

struct mode_case {
        const char *name;
        const char *configured;
        const char *env[3];  /* the container's NVIDIA_* variables */
        const char *mount;   /* a /dev/null volume mount onto this destination */
        const char *annotation[2];
        bool driver;
        const char *want;
};

#define VM "/var/run/nvidia-container-devices/"

static const struct mode_case mode_cases[] = {
        {"legacy as configured", "legacy", {"NVIDIA_VISIBLE_DEVICES=all"}, .driver = true, .want = "legacy"},
        {"legacy even for CDI names", "legacy", {"NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=all"}, .want = "legacy"},
        {"cdi as configured", "cdi", {"NVIDIA_VISIBLE_DEVICES=0"}, .want = "cdi"},
        {"jit-cdi as configured", "jit-cdi", {"NVIDIA_VISIBLE_DEVICES=0"}, .want = "jit-cdi"},
        {"csv as configured", "csv", {NULL}, .want = "csv"},
        {"an unknown mode is kept", "bogus", {NULL}, .driver = true, .want = "bogus"},
        {"auto, CDI names only", "auto", {"NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=all"}, .want = "cdi"},
        {"auto, CDI names only, with a driver", "auto", {"NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=0,nvidia.com/gpu=1"},
         .driver = true, .want = "cdi"},
        {"auto, runtime.nvidia.com kind", "auto", {"NVIDIA_VISIBLE_DEVICES=runtime.nvidia.com/gpu=0"}, .driver = true,
         .want = "cdi"},
        {"auto, one plain id among CDI names, driver", "auto", {"NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=0,0"},
         .driver = true, .want = "jit-cdi"},
        {"auto, one plain id among CDI names, no driver", "auto", {"NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=0,0"},
         .want = "legacy"},
        {"auto, all, driver", "auto", {"NVIDIA_VISIBLE_DEVICES=all"}, .driver = true, .want = "jit-cdi"},
        {"auto, all, no driver", "auto", {"NVIDIA_VISIBLE_DEVICES=all"}, .want = "legacy"},
        {"auto, index, driver", "auto", {"NVIDIA_VISIBLE_DEVICES=1"}, .driver = true, .want = "jit-cdi"},
        {"auto, no request, driver", "auto", {NULL}, .driver = true, .want = "jit-cdi"},
        {"auto, no request, no driver", "auto", {NULL}, .want = "legacy"},
        {"auto, CDI volume mount", "auto", {NULL}, VM "cdi/nvidia.com/gpu/0", .want = "cdi"},
        {"auto, CDI mount wins over a plain env id", "auto", {"NVIDIA_VISIBLE_DEVICES=0"}, VM "cdi/nvidia.com/gpu/0",
         .driver = true, .want = "cdi"},
        {"auto, CDI annotation", "auto", {NULL}, .annotation = {"cdi.k8s.io/gpu", "nvidia.com/gpu=0"}, .driver = true,
         .want = "cdi"},
        {"no mode at all", NULL, {NULL}, .want = ""},
};

START_TEST(test_mode_table)
{
        const struct mode_case *c = &mode_cases[_i];
        static const char *const prefixes[] = {"cdi.k8s.io/", NULL};
        struct oci_mount mount = {c->mount, "/dev/null"};
        struct oci_annotation annotation = {c->annotation[0], c->annotation[1]};
        struct image_input in = {.env = c->env, .nenv = (size_t)count_args(c->env), .mounts = &mount,
                                 .nmounts = c->mount != NULL, .annotations = &annotation,
                                 .nannotations = c->annotation[0] != NULL, .privileged = true};
        struct image_policy policy;
        struct image_request req = {0};
        struct error err = {0};

        image_policy_init(&policy);
        policy.accept_volume_mounts = true;
        policy.annotation_prefixes = prefixes;
        ck_assert_msg(image_request_compute(&err, &in, &policy, &req) == 0, "%s: %s", c->name, error_msg(&err));
        ck_assert_msg(strcmp(runtime_mode(c->configured, req.cdi_only, c->driver), c->want) == 0, "%s: got %s",
                      c->name, runtime_mode(c->configured, req.cdi_only, c->driver));
        image_request_free(&req);
}
END_TEST

/* --- log lines -------------------------------------------------------------------- */

START_TEST(test_log_levels)
{
        static const struct {
                const char *name;
                int want;
        } cases[] = {
                {"panic", RTLOG_PANIC}, {"FATAL", RTLOG_FATAL}, {"error", RTLOG_ERROR}, {"warn", RTLOG_WARN},
                {"Warning", RTLOG_WARN}, {"info", RTLOG_INFO},  {"DEBUG", RTLOG_DEBUG}, {"trace", RTLOG_TRACE},
                {"", -1},                {"verbose", -1},      {"infos", -1},
        };
        enum rtlog_level level;

        for (size_t i = 0; i < NITEMS(cases); i++) {
                int rv = rtlog_parse_level(cases[i].name, &level);

                ck_assert_msg(rv == (cases[i].want < 0 ? -1 : 0), "%s", cases[i].name);
                if (rv == 0)
                        ck_assert_msg((int)level == cases[i].want, "%s", cases[i].name);
        }
}
END_TEST

static void check_line(bool json, enum rtlog_level level, time_t when, const char *msg, const char *want)
{
        char *got = rtlog_format(json, level, when, msg);

        ck_assert_ptr_nonnull(got);
        ck_assert_msg(strcmp(got, want) == 0, "\n  want %s   got %s", want, got);
        free(got);
}

START_TEST(test_log_format)
{
        char *saved = getenv("TZ") != NULL ? strdup(getenv("TZ")) : NULL;

        setenv("TZ", "UTC", 1);
        tzset();
        check_line(false, RTLOG_INFO, 0, "Running", "time=\"1970-01-01T00:00:00Z\" level=info msg=Running\n");
        check_line(false, RTLOG_WARN, 86400, "a b", "time=\"1970-01-02T00:00:00Z\" level=warning msg=\"a b\"\n");
        check_line(false, RTLOG_ERROR, 0, "say \"x\"\\\n\tend",
                   "time=\"1970-01-01T00:00:00Z\" level=error msg=\"say \\\"x\\\"\\\\\\n\\tend\"\n");
        check_line(false, RTLOG_DEBUG, 0, "/usr/bin/runc", "time=\"1970-01-01T00:00:00Z\" level=debug msg=/usr/bin/runc\n");
        check_line(false, RTLOG_INFO, 0, "", "time=\"1970-01-01T00:00:00Z\" level=info msg=\n");
        check_line(true, RTLOG_ERROR, 0, "runc create failed: <x> & \"y\"\n",
                   "{\"level\":\"error\",\"msg\":\"runc create failed: \\u003cx\\u003e \\u0026 \\\"y\\\"\\n\","
                   "\"time\":\"1970-01-01T00:00:00Z\"}\n");
        check_line(true, RTLOG_INFO, 0, "tab\there \x01 \xe2\x80\xa8 \xc3\xa9",
                   "{\"level\":\"info\",\"msg\":\"tab\\there \\u0001 \\u2028 \xc3\xa9\",\"time\":\"1970-01-01T00:00:00Z\"}\n");
        setenv("TZ", "EST5", 1);
        tzset();
        check_line(true, RTLOG_INFO, 0, "x", "{\"level\":\"info\",\"msg\":\"x\",\"time\":\"1969-12-31T19:00:00-05:00\"}\n");
        if (saved != NULL)
                setenv("TZ", saved, 1);
        else
                unsetenv("TZ");
        tzset();
        free(saved);
}
END_TEST

Suite *runtime_args_suite(void)
{
        Suite *s = suite_create("runtime_args");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, test_argv_table, 0, (int)NITEMS(argv_cases));
        tcase_add_loop_test(tc, test_upstream_bundle_cases, 0, (int)NITEMS(bundle_cases));
        tcase_add_test(tc, test_upstream_create_cases);
        tcase_add_test(tc, test_bundle_flag);
        tcase_add_loop_test(tc, test_mode_table, 0, (int)NITEMS(mode_cases));
        tcase_add_test(tc, test_log_levels);
        tcase_add_test(tc, test_log_format);
        suite_add_tcase(s, tc);
        return s;
}
