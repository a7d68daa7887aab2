/* config.toml (src/common/config*.c): NVIDIA's defaults, every key set,
 * where the file is looked for, and what a missing, broken or unexpected
 * file gives. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/strv.h"
#include "scratch.h"
#include "unit.h"

static void make_tmp(void)
{
        scratch_make("config");
        unsetenv(CONFIG_PATH_ENV);
        unsetenv("XDG_CONFIG_HOME");
}

static void remove_tmp(void)
{
        scratch_remove();
        unsetenv(CONFIG_PATH_ENV);
        unsetenv("XDG_CONFIG_HOME");
}

/* Writes name under scratch_dir() (making its directories) and returns its path. */
static const char *write_file(const char *name, const char *text)
{
        const char *path = scratch_path(name);
        char cmd[PATH_MAX + 32];
        FILE *f;

        snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
        ck_assert_int_eq(system(cmd), 0);
        ck_assert_ptr_nonnull((f = fopen(path, "we")));
        ck_assert_int_ge(fputs(text, f), 0);
        ck_assert_int_eq(fclose(f), 0);
        return path;
}

static void assert_list(char **got, const char *const *want)
{
        ck_assert_ptr_nonnull(got);
        ck_assert_uint_eq(strv_len((const char *const *)got), strv_len(want));
        for (size_t i = 0; want[i] != NULL; i++)
                ck_assert_str_eq(got[i], want[i]);
}

static void assert_defaults(const struct config *c)
{
        static const char *const none[] = {NULL};
        static const char *const runtimes[] = {"runc", "crun", NULL};
        static const char *const prefixes[] = {"cdi.k8s.io/", NULL};
        static const char *const dirs[] = {"/etc/cdi", "/var/run/cdi", NULL};

        ck_assert(!c->accept_device_list_as_volumes);
        ck_assert(c->accept_envvar_unprivileged);
        ck_assert(!c->disable_require);
        ck_assert_str_eq(c->supported_driver_capabilities, "compat32,compute,display,graphics,ngx,utility,video");
        ck_assert_str_eq(c->swarm_resource, "");
        ck_assert_str_eq(c->cli.root, "");
        ck_assert_str_eq(c->cli.path, "");
        assert_list(c->cli.environment, none);
        ck_assert_str_eq(c->cli.debug, "");
        ck_assert_str_eq(c->cli.ldcache, "");
        ck_assert(c->cli.load_kmods);
        ck_assert(!c->cli.no_pivot);
        ck_assert(!c->cli.no_cgroups);
        /* Debian has no ldconfig.real and is no SUSE. */
        ck_assert_str_eq(c->cli.ldconfig, access("/sbin/ldconfig.real", F_OK) == 0 ? "@/sbin/ldconfig.real"
                                                                                  : "@/sbin/ldconfig");
        ck_assert_str_eq(c->cli.user, "");
        ck_assert_str_eq(c->ctk.path, "nvidia-ctk");
        ck_assert_str_eq(c->runtime.debug, "/dev/null");
        ck_assert_str_eq(c->runtime.log_level, "info");
        ck_assert_str_eq(c->runtime.mode, "auto");
        assert_list(c->runtime.runtimes, runtimes);
        assert_list(c->runtime.cdi.annotation_prefixes, prefixes);
        ck_assert_str_eq(c->runtime.cdi.default_kind, "nvidia.com/gpu");
        assert_list(c->runtime.cdi.spec_dirs, dirs);
        ck_assert_str_eq(c->runtime.csv.mount_spec_path, "/etc/nvidia-container-runtime/host-files-for-container.d");
        ck_assert_str_eq(c->runtime.csv.compat_container_root, "");
        assert_list(c->runtime.jit_cdi.nvcdi_feature_flags, none);
        ck_assert_str_eq(c->runtime.legacy.cuda_compat_mode, "ldconfig");
        ck_assert_str_eq(c->hook.path, "nvidia-container-runtime-hook");
        ck_assert(!c->hook.skip_mode_detection);
        ck_assert(!c->features.allow_cuda_compat_libs_from_container);
        ck_assert(!c->features.allow_ldconfig_from_container);
        ck_assert(!c->features.allow_unknown_oci_spec_fields);
        ck_assert(!c->features.disable_cuda_compat_lib_hook);
        ck_assert(!c->features.disable_imex_channel_creation);
        ck_assert(!c->features.ignore_imex_channel_requests);
        ck_assert(!c->features.no_additional_gids_for_device_nodes);
        ck_assert_ptr_null(c->warnings);
}

START_TEST(defaults)
{
        struct config c;

        ck_assert_int_eq(config_defaults(&c), 0);
        assert_defaults(&c);
        config_free(&c);
        config_free(&c); /* a freed config is empty, freeing it again is fine */
}
END_TEST

/* NVIDIA's own default file gives the defaults. */
START_TEST(default_file)
{
        static const char text[] =
                "#accept-nvidia-visible-devices-as-volume-mounts = false\n"
                "disable-require = false\n"
                "supported-driver-capabilities = \"compat32,compute,display,graphics,ngx,utility,video\"\n"
                "[nvidia-container-cli]\nenvironment = []\nload-kmods = true\n"
                "[nvidia-container-runtime]\nlog-level = \"info\"\nmode = \"auto\"\nruntimes = [\"runc\", \"crun\"]\n"
                "[nvidia-container-runtime.modes]\n"
                "[nvidia-container-runtime.modes.cdi]\nannotation-prefixes = [\"cdi.k8s.io/\"]\n"
                "default-kind = \"nvidia.com/gpu\"\nspec-dirs = [\"/etc/cdi\", \"/var/run/cdi\"]\n"
                "[nvidia-container-runtime.modes.csv]\n"
                "mount-spec-path = \"/etc/nvidia-container-runtime/host-files-for-container.d\"\n"
                "[nvidia-container-runtime.modes.legacy]\ncuda-compat-mode = \"ldconfig\"\n"
                "[nvidia-container-runtime-hook]\npath = \"nvidia-container-runtime-hook\"\n"
                "skip-mode-detection = false\n[nvidia-ctk]\npath = \"nvidia-ctk\"\n";
        struct error err = {0};
        struct config c;

        make_tmp();
        ck_assert_int_eq(config_load(&err, write_file("config.toml", text), &c), 0);
        assert_defaults(&c);
        config_free(&c);
        remove_tmp();
}
END_TEST

/* The value every key gets in the override test: not its default. */
static void override_line(const struct config_key *k, char *line, size_t size)
{
        if (k->type == CONFIG_BOOL)
                snprintf(line, size, "%s = %s\n", k->name, k->def.boolean ? "false" : "true");
        else if (k->type == CONFIG_STRING)
                snprintf(line, size, "%s = \"@set-%s\"\n", k->name, k->name);
        else
                snprintf(line, size, "%s = [\"one-%s\", 'two']\n", k->name, k->name);
}

static void assert_override(const struct config *c, const struct config_key *k)
{
        const void *field = (const char *)c + k->offset;
        char want[256];

        if (k->type == CONFIG_BOOL) {
                ck_assert_msg(*(const bool *)field == !k->def.boolean, "%s", k->name);
        } else if (k->type == CONFIG_STRING) {
                snprintf(want, sizeof(want), "@set-%s", k->name);
                ck_assert_str_eq(*(char *const *)field, want);
        } else {
                char *const *list = *(char **const *)field;

                snprintf(want, sizeof(want), "one-%s", k->name);
                ck_assert_uint_eq(strv_len((const char *const *)list), 2);
                ck_assert_str_eq(list[0], want);
                ck_assert_str_eq(list[1], "two");
        }
}

START_TEST(every_key_overridden)
{
        size_t n, len = 0;
        const struct config_key *keys = config_keys(&n);
        char *text = calloc(n, 256);
        struct error err = {0};
        struct config c;

        ck_assert_uint_eq(n, 36);
        for (size_t i = 0; i < n; i++) {
                override_line(&keys[i], text + len, 256);
                len += strlen(text + len);
        }
        make_tmp();
        if (config_load(&err, write_file("all.toml", text), &c) < 0)
                ck_abort_msg("%s", error_msg(&err));
        for (size_t i = 0; i < n; i++)
                assert_override(&c, &keys[i]);
        ck_assert_ptr_null(c.warnings);
        config_free(&c);
        free(text);
        remove_tmp();
}
END_TEST

START_TEST(tables_and_headers)
{
        static const char text[] = "[nvidia-container-cli]\nroot = \"/run/nvidia/driver\"\nno-cgroups = true\n"
                                   "environment = [\"A=1\", \"B=2\"]\n"
                                   "[nvidia-container-runtime]\nmode = \"cdi\"\nmodes.cdi.default-kind = \"x.com/y\"\n"
                                   "[nvidia-container-runtime.modes.legacy]\ncuda-compat-mode = \"mount\"\n"
                                   "[features]\ndisable-imex-channel-creation = true\n";
        static const char *const env[] = {"A=1", "B=2", NULL};
        struct error err = {0};
        struct config c;

        make_tmp();
        ck_assert_int_eq(config_load(&err, write_file("t.toml", text), &c), 0);
        ck_assert_str_eq(c.cli.root, "/run/nvidia/driver");
        ck_assert(c.cli.no_cgroups);
        ck_assert(c.cli.load_kmods);
        assert_list(c.cli.environment, env);
        ck_assert_str_eq(c.runtime.mode, "cdi");
        ck_assert_str_eq(c.runtime.cdi.default_kind, "x.com/y");
        ck_assert_str_eq(c.runtime.legacy.cuda_compat_mode, "mount");
        ck_assert(c.features.disable_imex_channel_creation);
        ck_assert_str_eq(c.runtime.log_level, "info");
        config_free(&c);
        remove_tmp();
}
END_TEST

START_TEST(lookup_order)
{
        struct error err = {0};
        struct config c;
        bool from_env = true;
        char *path, want[PATH_MAX];

        make_tmp();
        ck_assert_str_eq((path = config_file_path(&from_env)), "/etc/nvidia-container-runtime/config.toml");
        ck_assert(!from_env);
        free(path);
        write_file("xdg/nvidia-container-runtime/config.toml", "swarm-resource = \"XDG\"\n");
        write_file("env.toml", "swarm-resource = \"ENV\"\n");

        setenv("XDG_CONFIG_HOME", scratch_path("xdg/"), 1);
        snprintf(want, sizeof(want), "%s/xdg/nvidia-container-runtime/config.toml", scratch_dir());
        ck_assert_str_eq((path = config_file_path(NULL)), want);
        free(path);
        ck_assert_int_eq(config_load(&err, NULL, &c), 0);
        ck_assert_str_eq(c.swarm_resource, "XDG");
        config_free(&c);

        /* An empty variable counts as unset. */
        setenv(CONFIG_PATH_ENV, "", 1);
        ck_assert_int_eq(config_load(&err, NULL, &c), 0);
        ck_assert_str_eq(c.swarm_resource, "XDG");
        config_free(&c);

        setenv(CONFIG_PATH_ENV, scratch_path("env.toml"), 1);
        ck_assert_str_eq((path = config_file_path(&from_env)), scratch_path("env.toml"));
        ck_assert(from_env);
        free(path);
        ck_assert_int_eq(config_load(&err, NULL, &c), 0);
        ck_assert_str_eq(c.swarm_resource, "ENV");
        config_free(&c);

        /* An explicit path beats both. */
        ck_assert_int_eq(config_load(&err, scratch_path("xdg/nvidia-container-runtime/config.toml"), &c), 0);
        ck_assert_str_eq(c.swarm_resource, "XDG");
        config_free(&c);

        setenv("XDG_CONFIG_HOME", "/", 1);
        unsetenv(CONFIG_PATH_ENV);
        ck_assert_str_eq((path = config_file_path(NULL)), "/nvidia-container-runtime/config.toml");
        free(path);
        remove_tmp();
}
END_TEST

START_TEST(missing_file)
{
        struct error err = {0};
        struct config c;
        char want[PATH_MAX + 64];

        make_tmp();
        ck_assert_int_eq(config_load(&err, scratch_path("none.toml"), &c), 0);
        ck_assert_ptr_null(err.msg);
        assert_defaults(&c);
        config_free(&c);
        /* Through the lookup, too. */
        setenv(CONFIG_PATH_ENV, scratch_path("none.toml"), 1);
        ck_assert_int_eq(config_load(&err, NULL, &c), 0);
        assert_defaults(&c);
        config_free(&c);
        /* A file the hook was told to use must exist. */
        ck_assert_int_eq(config_load_file(&err, scratch_path("none.toml"), true, &c), -1);
        ck_assert_int_eq(err.code, ENOENT);
        snprintf(want, sizeof(want), "open `%s`: No such file or directory", scratch_path("none.toml"));
        ck_assert_str_eq(error_msg(&err), want);
        error_reset(&err);
        config_free(&c);
        remove_tmp();
}
END_TEST

struct bad_case {
        const char *text, *error; /* the error after "PATH:" */
};

static const struct bad_case bad[] = {
        /* broken TOML: the reader's message */
        {"[nvidia-container-cli]\nload-kmods = tru\n", "2:14: invalid value 'tru'"},
        {"[nvidia-container-cli\n", "1:22: expected ']' after table name"},
        {"disable-require = false\ndisable-require = true\n", "2:1: duplicate key 'disable-require'"},
        /* wrong types */
        {"[nvidia-container-cli]\nload-kmods = \"true\"\n", "2:14: nvidia-container-cli.load-kmods: expected a boolean"},
        {"disable-require = 1\n", "1:19: disable-require: expected a boolean"},
        {"[nvidia-container-runtime]\nmode = true\n", "2:8: nvidia-container-runtime.mode: expected a string"},
        {"[nvidia-container-runtime]\nruntimes = \"runc\"\n",
         "2:12: nvidia-container-runtime.runtimes: expected an array of strings"},
        {"[nvidia-container-runtime]\nruntimes = [\"runc\", 1]\n",
         "2:21: nvidia-container-runtime.runtimes: expected an array of strings"},
        {"nvidia-container-cli = 1\n", "1:24: nvidia-container-cli: expected a table"},
        {"[[nvidia-container-cli]]\n", "1:3: nvidia-container-cli: expected a table"},
        {"[nvidia-container-cli.load-kmods]\n", "1:1: nvidia-container-cli.load-kmods: expected a boolean"},
        {"[nvidia-container-runtime.modes]\ncdi = []\n", "2:7: nvidia-container-runtime.modes.cdi: expected a table"},
        {"nvidia-ctk.path = \"a\\u0000b\"\n", "1:19: nvidia-ctk.path: string contains a NUL character"},
        /* a container ldconfig without the feature */
        {"[nvidia-container-cli]\nldconfig = \"/sbin/ldconfig\"\n",
         "2:12: nvidia-container-cli.ldconfig: value \"/sbin/ldconfig\" is not host-relative (does not start with a '@')"},
        {"[nvidia-container-cli]\nldconfig = \"\"\n",
         "2:12: nvidia-container-cli.ldconfig: value \"\" is not host-relative (does not start with a '@')"},
        {"features.allow-ldconfig-from-container = false\nnvidia-container-cli.ldconfig = \"x\\ny\"\n",
         "2:33: nvidia-container-cli.ldconfig: value \"x\\ny\" is not host-relative (does not start with a '@')"},
};

START_TEST(bad_files)
{
        const struct bad_case *b = &bad[_i];
        struct error err = {0};
        struct config c;
        const char *path;
        char want[PATH_MAX + 256];

        make_tmp();
        path = write_file("config.toml", b->text);
        snprintf(want, sizeof(want), "%s:%s", path, b->error);
        ck_assert_int_eq(config_load(&err, path, &c), -1);
        ck_assert_str_eq(error_msg(&err), want);
        ck_assert_ptr_null(c.cli.ldconfig); /* left empty */
        config_free(&c);
        error_reset(&err);
        remove_tmp();
}
END_TEST

START_TEST(container_ldconfig_allowed)
{
        static const char text[] = "[nvidia-container-cli]\nldconfig = \"/sbin/ldconfig\"\n"
                                   "[features]\nallow-ldconfig-from-container = true\n";
        struct error err = {0};
        struct config c;

        make_tmp();
        ck_assert_int_eq(config_load(&err, write_file("config.toml", text), &c), 0);
        ck_assert_str_eq(c.cli.ldconfig, "/sbin/ldconfig");
        ck_assert(c.features.allow_ldconfig_from_container);
        config_free(&c);
        remove_tmp();
}
END_TEST

START_TEST(unknown_keys_warned)
{
        static const char text[] = "foo = 1\n"
                                   "[nvidia-container-cli]\nload-kmods = false\nbar = \"x\"\n"
                                   "[nvidia-container-runtime]\nexperimental = true\n"
                                   "[features]\ngds = true\n"
                                   "[\"odd\\nkey\"]\nx = 1\n"
                                   "[nvidia-container-runtime.modes.cdi.more]\ny = 2\n";
        struct error err = {0};
        struct config c;
        const char *path;
        char want[PATH_MAX + 128];
        static const char *const warned[] = {
                "1:1: unknown key 'foo' ignored",
                "4:1: unknown key 'nvidia-container-cli.bar' ignored",
                "6:1: unknown key 'nvidia-container-runtime.experimental' ignored",
                "8:1: unknown key 'features.gds' ignored",
                "9:2: unknown key '\"odd\\nkey\"' ignored",
                "11:37: unknown key 'nvidia-container-runtime.modes.cdi.more' ignored",
        };

        make_tmp();
        path = write_file("config.toml", text);
        ck_assert_int_eq(config_load(&err, path, &c), 0);
        ck_assert(!c.cli.load_kmods);
        ck_assert_ptr_nonnull(c.warnings);
        ck_assert_uint_eq(strv_len((const char *const *)c.warnings), 6);
        for (size_t i = 0; i < 6; i++) {
                snprintf(want, sizeof(want), "%s:%s", path, warned[i]);
                ck_assert_str_eq(c.warnings[i], want);
        }
        config_free(&c);
        remove_tmp();
}
END_TEST

START_TEST(key_lookup)
{
        const struct config_key *k;

        ck_assert_ptr_nonnull((k = config_key_lookup("nvidia-container-cli.load-kmods")));
        ck_assert_int_eq(k->type, CONFIG_BOOL);
        ck_assert(k->def.boolean);
        ck_assert_ptr_nonnull((k = config_key_lookup("nvidia-container-runtime.runtimes")));
        ck_assert_int_eq(k->type, CONFIG_STRING_LIST);
        ck_assert_str_eq(k->def.list[0], "runc");
        ck_assert_str_eq(k->def.list[1], "crun");
        ck_assert_ptr_null(k->def.list[2]);
        ck_assert_ptr_nonnull((k = config_key_lookup("nvidia-container-runtime.modes.cdi.default-kind")));
        ck_assert_int_eq(k->type, CONFIG_STRING);
        ck_assert_str_eq(k->def.string, "nvidia.com/gpu");
        ck_assert_ptr_nonnull((k = config_key_lookup("nvidia-container-cli.ldconfig")));
        ck_assert_str_eq(k->def.string, "@/sbin/ldconfig");
        ck_assert_ptr_nonnull((k = config_key_lookup("features.allow-ldconfig-from-container")));
        ck_assert(!k->def.boolean);
        ck_assert_ptr_null(config_key_lookup("nvidia-container-cli"));
        ck_assert_ptr_null(config_key_lookup("nvidia-container-cli.path.extra"));
        ck_assert_ptr_null(config_key_lookup("nvidia-container-cli.nope"));
        ck_assert_ptr_null(config_key_lookup(""));
}
END_TEST

START_TEST(ldconfig_normalize)
{
        char *s, want[PATH_MAX];

        make_tmp();
        ck_assert_str_eq((s = config_ldconfig_normalize("/sbin/ldconfig")), "/sbin/ldconfig");
        free(s);
        snprintf(want, sizeof(want), "@%s/ldconfig", scratch_dir());
        ck_assert_str_eq((s = config_ldconfig_normalize(want)), want);
        free(s);
        write_file("ldconfig.real", "");
        snprintf(want, sizeof(want), "@%s/ldconfig.real", scratch_dir());
        ck_assert_str_eq((s = config_ldconfig_normalize(want)), want); /* already .real */
        free(s);
        snprintf(want, sizeof(want), "@%s/ldconfig", scratch_dir());
        s = config_ldconfig_normalize(want);
        snprintf(want, sizeof(want), "@%s/ldconfig.real", scratch_dir());
        ck_assert_str_eq(s, want);
        free(s);
        remove_tmp();
}
END_TEST

Suite *config_suite(void)
{
        Suite *s = suite_create("config");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, defaults);
        tcase_add_test(tc, default_file);
        tcase_add_test(tc, every_key_overridden);
        tcase_add_test(tc, tables_and_headers);
        tcase_add_test(tc, lookup_order);
        tcase_add_test(tc, missing_file);
        tcase_add_loop_test(tc, bad_files, 0, (int)(sizeof(bad) / sizeof(bad[0])));
        tcase_add_test(tc, container_ldconfig_allowed);
        tcase_add_test(tc, unknown_keys_warned);
        tcase_add_test(tc, key_lookup);
        tcase_add_test(tc, ldconfig_normalize);
        suite_add_tcase(s, tc);
        return s;
}
