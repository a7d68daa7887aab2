/* `nvidia-ctk config` (src/ctk/config_*.c): the default file is NVIDIA's
 * text and loads as the defaults; --set options are typed by the key
 * table, and a bad one changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/toml_edit.h"
#include "ctk/config_cmd.h"
#include "scratch.h"
#include "unit.h"

/* The whole text is compared with NVIDIA's by t_ctk_config.sh (its golden
 * file); here, the lines that depend on the host. */
START_TEST(default_text)
{
        struct config cfg;
        char *text = ctk_config_default_text(), *ldconfig = config_ldconfig_normalize("@/sbin/ldconfig"), *line;

        ck_assert_ptr_nonnull(text);
        ck_assert_ptr_nonnull(ldconfig);
        ck_assert_int_eq(config_defaults(&cfg), 0);
        ck_assert_int_gt(asprintf(&line, "\nldconfig = \"%s\"\nload-kmods = true\n", ldconfig), 0);
        ck_assert_ptr_nonnull(strstr(text, line));
        free(line);
        ck_assert_ptr_nonnull(strstr(text, cfg.cli.user[0] == '\0' ? "\n#user = \"root:video\"\n\n"
                                                                    : "\nuser = \"root:video\"\n\n"));
        ck_assert_int_eq(strncmp(text, "#accept-nvidia-visible-devices-as-volume-mounts = false\n", 56), 0);
        config_free(&cfg);
        free(ldconfig);
        free(text);
}
END_TEST

static void expect_same_field(const struct config_key *k, const struct config *a, const struct config *b)
{
        const void *x = (const char *)a + k->offset, *y = (const char *)b + k->offset;
        char *const *l, *const *m;

        switch (k->type) {
        case CONFIG_BOOL:
                ck_assert_msg(*(const bool *)x == *(const bool *)y, "%s", k->name);
                break;
        case CONFIG_STRING:
                ck_assert_msg(strcmp(*(char *const *)x, *(char *const *)y) == 0, "%s", k->name);
                break;
        case CONFIG_STRING_LIST:
                l = *(char **const *)x;
                m = *(char **const *)y;
                for (; *l != NULL && *m != NULL; l++, m++)
                        ck_assert_msg(strcmp(*l, *m) == 0, "%s", k->name);
                ck_assert_msg(*l == NULL && *m == NULL, "%s", k->name);
                break;
        }
}

START_TEST(default_text_loads_as_defaults)
{
        struct config defaults, loaded;
        struct error err = {0};
        char *text = ctk_config_default_text();
        const struct config_key *keys;
        size_t n;
        FILE *f;

        scratch_make("ctk_config");
        ck_assert_ptr_nonnull(f = fopen(scratch_path("config.toml"), "w"));
        fputs(text, f);
        fclose(f);
        ck_assert_int_eq(config_defaults(&defaults), 0);
        ck_assert_msg(config_load_file(&err, scratch_path("config.toml"), true, &loaded) == 0, "%s", error_msg(&err));
        ck_assert_ptr_null(loaded.warnings);
        keys = config_keys(&n);
        for (size_t i = 0; i < n; i++)
                expect_same_field(&keys[i], &defaults, &loaded);
        config_free(&defaults);
        config_free(&loaded);
        free(text);
        scratch_remove();
}
END_TEST

static const char small[] = "disable-require = false # keep\n"
                            "\n"
                            "[nvidia-container-cli]\n"
                            "#root = \"/run/nvidia/driver\"\n"
                            "environment = []\n"
                            "load-kmods = true\n"
                            "\n"
                            "[nvidia-container-runtime]\n"
                            "mode = \"auto\"\n";

static const struct {
        const char *set;
        const char *out; /* the new text, or "!" and the error */
} sets[] = {
        {"nvidia-container-runtime.mode=cdi", "[nvidia-container-runtime]\nmode = \"cdi\"\n"},
        {"disable-require", "disable-require = true # keep\n"},
        {"disable-require=T", "disable-require = true # keep\n"},
        {"disable-require=0", "disable-require = false # keep\n"},
        {"nvidia-container-cli.load-kmods=FALSE", "load-kmods = false\n"},
        {"nvidia-container-runtime.runtimes=runc,crun,", "mode = \"auto\"\nruntimes = [\"runc\", \"crun\", \"\"]\n"},
        {"nvidia-container-cli.environment=A=1", "environment = [\"A=1\"]\n"},
        {"nvidia-container-cli.root=/run/d\"x", "load-kmods = true\nroot = \"/run/d\\\"x\"\n"},
        {"supported-driver-capabilities=compute,utility",
         "disable-require = false # keep\nsupported-driver-capabilities = \"compute,utility\"\n"},
        {"features.allow-ldconfig-from-container", "\n[features]\nallow-ldconfig-from-container = true\n"},
        {"nvidia-container-runtime.modes.cdi.spec-dirs=/a", "\n[nvidia-container-runtime.modes.cdi]\nspec-dirs = [\"/a\"]\n"},
        {"nvidia-container-cli.load-kmods=", "environment = []\n\n[nvidia-container-runtime]\n"},
        {"nvidia-container-cli.user=", NULL},
        {"foo.bar=1", "!invalid --set option foo.bar=1: invalid config option: unknown key \"foo.bar\""},
        {"nvidia-container-runtime=1",
         "!invalid --set option nvidia-container-runtime=1: invalid config option: unknown key "
         "\"nvidia-container-runtime\""},
        {"disable-require=maybe", "!invalid --set option disable-require=maybe: invalid format: \"maybe\" is not a "
                                  "boolean"},
        {"disable-require=", NULL},
        {"nvidia-container-runtime.mode", "!invalid --set option nvidia-container-runtime.mode: invalid format: "
                                          "expected key=value"},
        {"=x", "!invalid --set option =x: invalid config option: unknown key \"\""},
};

START_TEST(set_options)
{
        struct toml_doc *doc = NULL;
        struct error err = {0};
        const char *out = sets[_i].out;
        int rv;

        ck_assert_int_eq(toml_doc_parse(&err, "c.toml", small, sizeof(small) - 1, &doc), 0);
        rv = ctk_config_apply_set(&err, doc, sets[_i].set);
        if (out != NULL && out[0] == '!') {
                ck_assert_int_eq(rv, -1);
                ck_assert_str_eq(error_msg(&err), out + 1);
                ck_assert_str_eq(toml_doc_text(doc, NULL), small);
                error_reset(&err);
        } else {
                ck_assert_msg(rv == 0, "%s: %s", sets[_i].set, error_msg(&err));
                /* The edit is where it belongs and nothing else moved: the
                 * text holds `out` (NULL: unchanged, or a line less). */
                if (out != NULL)
                        ck_assert_msg(strstr(toml_doc_text(doc, NULL), out) != NULL, "%s:\n%s", sets[_i].set,
                                      toml_doc_text(doc, NULL));
        }
        toml_doc_free(doc);
}
END_TEST

START_TEST(unset_removes_the_line)
{
        struct toml_doc *doc = NULL;
        struct error err = {0};

        ck_assert_int_eq(toml_doc_parse(&err, "c.toml", small, sizeof(small) - 1, &doc), 0);
        ck_assert_int_eq(ctk_config_apply_set(&err, doc, "disable-require="), 0);
        ck_assert_int_eq(ctk_config_apply_set(&err, doc, "nvidia-container-cli.root="), 0);
        ck_assert_str_eq(toml_doc_text(doc, NULL), small + strlen("disable-require = false # keep\n"));
        toml_doc_free(doc);
}
END_TEST

Suite *ctk_config_suite(void)
{
        Suite *s = suite_create("ctk_config");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, default_text);
        tcase_add_test(tc, default_text_loads_as_defaults);
        tcase_add_loop_test(tc, set_options, 0, (int)(sizeof(sets) / sizeof(sets[0])));
        tcase_add_test(tc, unset_removes_the_line);
        suite_add_tcase(s, tc);
        return s;
}
