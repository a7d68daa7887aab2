/* The shim's config.json edits (runtime.h, spec_edit.c) on hand-written
 * specs: the prestart hook (created hooks, env only when given), NVIDIA
 * hook detection and removal (Go's omitempty when prestart empties), device
 * nodes (replaced by path) and their allow rules (never twice), the type
 * errors on fields the edits create, and that every edited spec still
 * validates. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/oci.h"
#include "runtime/runtime.h"
#include "unit.h"

static void parse(struct oci_spec *spec, const char *text)
{
        struct error err = {0};

        ck_assert_msg(oci_spec_parse(&err, "config.json", text, strlen(text), "/b", spec) == 0, "%s", error_msg(&err));
}

/* The member (dotted path of object keys) as compact JSON, or "(none)". */
static const char *json_at(const struct oci_spec *spec, const char *path)
{
        static char buf[2048];
        struct json_object *o = spec->json, *m;
        char *copy = strdup(path), *save = NULL;

        for (char *k = strtok_r(copy, ".", &save); k != NULL && o != NULL; k = strtok_r(NULL, ".", &save))
                o = json_object_object_get_ex(o, k, &m) ? m : NULL;
        free(copy);
        snprintf(buf, sizeof(buf), "%s",
                 o != NULL ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
                           : "(none)");
        return buf;
}

static void validates(const struct oci_spec *spec)
{
        struct error err = {0};

        ck_assert_msg(oci_spec_validate(&err, spec) == 0, "%s", error_msg(&err));
}

START_TEST(test_add_hook)
{
        static const char *const args[] = {"nvidia-container-runtime-hook", "prestart", NULL};
        static const char *const env[] = {"NVIDIA_CTK_CONFIG_FILE_PATH=/c.toml", NULL};
        struct oci_spec spec;
        struct error err = {0};

        parse(&spec, "{\"ociVersion\":\"1.0.2\"}");
        ck_assert_int_eq(spec_add_hook(&err, &spec, "prestart", "/usr/bin/nvidia-container-runtime-hook", args, NULL), 0);
        ck_assert_str_eq(json_at(&spec, "hooks"), "{\"prestart\":[{\"path\":\"/usr/bin/nvidia-container-runtime-hook\","
                                                  "\"args\":[\"nvidia-container-runtime-hook\",\"prestart\"]}]}");
        ck_assert_int_eq(spec_add_hook(&err, &spec, "prestart", "/h", args, env), 0);
        ck_assert_str_eq(json_at(&spec, "hooks.prestart"),
                         "[{\"path\":\"/usr/bin/nvidia-container-runtime-hook\",\"args\":[\"nvidia-container-runtime-hook\","
                         "\"prestart\"]},{\"path\":\"/h\",\"args\":[\"nvidia-container-runtime-hook\",\"prestart\"],"
                         "\"env\":[\"NVIDIA_CTK_CONFIG_FILE_PATH=/c.toml\"]}]");
        validates(&spec);
        oci_spec_free(&spec);
}
END_TEST

START_TEST(test_nvidia_hooks)
{
        struct oci_spec spec;
        const char *path = NULL;

        parse(&spec, "{\"hooks\":{\"prestart\":[{\"path\":\"/proc/1/exe\"},{\"path\":\"/x/nvidia-container-runtime-hook.sh\"}]}}");
        ck_assert(!spec_has_nvidia_hook(&spec, &path));
        ck_assert_uint_eq(spec_remove_nvidia_hooks(&spec), 0);
        oci_spec_free(&spec);

        parse(&spec, "{\"hooks\":{\"prestart\":[{\"path\":\"/proc/1/exe\"},{\"path\":\"/usr/bin/nvidia-container-toolkit\","
                     "\"args\":[\"nvidia-container-toolkit\",\"prestart\"]},{\"path\":\"nvidia-container-runtime-hook\"}],"
                     "\"createContainer\":[{\"path\":\"/usr/bin/nvidia-container-runtime-hook\"}]}}");
        ck_assert(spec_has_nvidia_hook(&spec, &path));
        ck_assert_str_eq(path, "/usr/bin/nvidia-container-toolkit");
        ck_assert_uint_eq(spec_remove_nvidia_hooks(&spec), 2);
        /* Only prestart is upstream's to clean. */
        ck_assert_str_eq(json_at(&spec, "hooks"), "{\"prestart\":[{\"path\":\"/proc/1/exe\"}],"
                                                  "\"createContainer\":[{\"path\":\"/usr/bin/nvidia-container-runtime-hook\"}]}");
        oci_spec_free(&spec);

        parse(&spec, "{\"hooks\":{\"prestart\":[{\"path\":\"/usr/bin/nvidia-container-runtime-hook\"}]}}");
        ck_assert_uint_eq(spec_remove_nvidia_hooks(&spec), 1);
        ck_assert_str_eq(json_at(&spec, "hooks"), "{}");
        validates(&spec);
        oci_spec_free(&spec);
}
END_TEST

START_TEST(test_add_device)
{
        struct gpu_node ctl = {"/dev/nvidiactl", 195, 255, 0666}, gpu = {"/dev/nvidia1", 195, 1, 0660};
        struct oci_spec spec;
        struct error err = {0};

        parse(&spec, "{\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
                     "\"devices\":[{\"path\":\"/dev/nvidia1\",\"type\":\"c\",\"major\":1,\"minor\":2}]}}");
        ck_assert_int_eq(spec_add_device(&err, &spec, &ctl), 0);
        ck_assert_int_eq(spec_add_device(&err, &spec, &gpu), 0);
        /* Twice: the node is replaced, the rule not repeated. */
        ck_assert_int_eq(spec_add_device(&err, &spec, &gpu), 0);
        ck_assert_str_eq(json_at(&spec, "linux.devices"),
                         "[{\"path\":\"/dev/nvidia1\",\"type\":\"c\",\"major\":195,\"minor\":1,\"fileMode\":432,\"uid\":0,"
                         "\"gid\":0},{\"path\":\"/dev/nvidiactl\",\"type\":\"c\",\"major\":195,\"minor\":255,\"fileMode\":438,"
                         "\"uid\":0,\"gid\":0}]");
        ck_assert_str_eq(json_at(&spec, "linux.resources.devices"),
                         "[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":195,\"minor\":255,"
                         "\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":195,\"minor\":1,\"access\":\"rwm\"}]");
        validates(&spec);
        oci_spec_free(&spec);

        /* Nothing there yet: linux, its devices and resources are created. */
        parse(&spec, "{\"ociVersion\":\"1.0.2\"}");
        ck_assert_int_eq(spec_add_device(&err, &spec, &ctl), 0);
        ck_assert_str_eq(json_at(&spec, "linux.resources.devices"),
                         "[{\"allow\":true,\"type\":\"c\",\"major\":195,\"minor\":255,\"access\":\"rwm\"}]");
        oci_spec_free(&spec);
}
END_TEST

START_TEST(test_type_errors)
{
        static const struct {
                const char *spec;
                const char *error;
        } cases[] = {
                {"{\"linux\":[]}", "linux: expected an object, got an array"},
                {"{\"linux\":{\"devices\":\"x\"}}", "linux.devices: expected an array, got a string"},
                {"{\"linux\":{\"resources\":1}}", "linux.resources: expected an object, got a number"},
                {"{\"linux\":{\"resources\":{\"devices\":{}}}}", "linux.resources.devices: expected an array, got an object"},
        };
        struct gpu_node ctl = {"/dev/nvidiactl", 195, 255, 0666};

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct oci_spec spec;
                struct error err = {0};

                parse(&spec, cases[i].spec);
                ck_assert_int_eq(spec_add_device(&err, &spec, &ctl), -1);
                ck_assert_str_eq(error_msg(&err), cases[i].error);
                error_reset(&err);
                oci_spec_free(&spec);
        }
}
END_TEST

Suite *runtime_spec_suite(void)
{
        Suite *s = suite_create("runtime_spec");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_add_hook);
        tcase_add_test(tc, test_nvidia_hooks);
        tcase_add_test(tc, test_add_device);
        tcase_add_test(tc, test_type_errors);
        suite_add_tcase(s, tc);
        return s;
}
