/* `nvidia-ctk runtime configure` (src/ctk/runtime_*.c): the engines as pure
 * functions (config text in, config text out) for docker (Go's JSON
 * layout, merged keys), containerd (versions 1, 2 and 3, comments kept, the
 * runc runtime's settings copied) and CRI-O, broken inputs refused with
 * their place; then the command itself on files: atomic replacement that
 * keeps the mode, broken files and --dry-run leaving them byte-identical. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctk/ctk.h"
#include "ctk/runtime_configure.h"
#include "scratch.h"
#include "unit.h"

static const struct ctk_runtime_opts plain = {"nvidia", "nvidia-container-runtime", false, false};
static const struct ctk_runtime_opts abs_path = {"nvidia", "/usr/bin/nvidia-container-runtime", false, false};
static const struct ctk_runtime_opts all_on = {"nvidia", "/usr/bin/nvidia-container-runtime", true, true};

static enum ctk_level saved_level;

static void quiet(void)
{
        saved_level = ctk_log_get_level();
        ctk_log_level(CTK_PANIC);
}

static void loud(void)
{
        ctk_log_level(saved_level);
}

/* Runs an engine on text (NULL: no file) and checks the result. */
static void expect_update(const struct ctk_engine *e, const char *text, const struct ctk_runtime_opts *o,
                          const char *want)
{
        struct error err = {0};
        char *out = NULL;
        size_t len = 0;
        int rv = e->update(&err, "cfg", text, text != NULL ? strlen(text) : 0, o, &out, &len);

        ck_assert_msg(rv == 0, "%s: %s", e->name, error_msg(&err));
        ck_assert_uint_eq(len, strlen(out));
        ck_assert_str_eq(out, want);
        free(out);
}

static void expect_refused(const struct ctk_engine *e, const char *text, const struct ctk_runtime_opts *o,
                           const char *want)
{
        struct error err = {0};
        char *out = NULL;
        size_t len = 0;

        ck_assert_int_eq(e->update(&err, "cfg", text, strlen(text), o, &out, &len), -1);
        ck_assert_ptr_null(out);
        ck_assert_str_eq(error_msg(&err), want);
        error_reset(&err);
}

/* --- docker -------------------------------------------------------------------- */

static const char nvidia_entry[] = "        \"nvidia\": {\n"
                                   "            \"args\": [],\n"
                                   "            \"path\": \"nvidia-container-runtime\"\n"
                                   "        }";

START_TEST(docker_missing_empty_and_blank_files)
{
        static const char want[] = "{\n    \"runtimes\": {\n%s\n    }\n}";
        char buf[512];

        snprintf(buf, sizeof(buf), want, nvidia_entry);
        expect_update(&ctk_engine_docker, NULL, &plain, buf);
        expect_update(&ctk_engine_docker, "", &plain, buf);
        expect_update(&ctk_engine_docker, " \n\t\n", &plain, buf);
        expect_update(&ctk_engine_docker, "{}", &plain, buf);
}
END_TEST

START_TEST(docker_merge_keeps_every_other_key_sorted)
{
        static const char in[] = "{\"storage-driver\": \"overlay2\", \"log-level\": \"debug\",\n"
                                 " \"features\": {\"buildkit\": true}, \"runtimes\": {\"runsc\": {\"path\": "
                                 "\"/usr/bin/runsc\", \"runtimeArgs\": [\"--platform=ptrace\"]}},\n"
                                 " \"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Hard\": 64000}},"
                                 " \"dns\": [], \"labels\": {}, \"debug\": false, \"x\": null}";
        char want[2048];

        snprintf(want, sizeof(want),
                 "{\n"
                 "    \"debug\": false,\n"
                 "    \"default-ulimits\": {\n"
                 "        \"nofile\": {\n"
                 "            \"Hard\": 64000,\n"
                 "            \"Name\": \"nofile\"\n"
                 "        }\n"
                 "    },\n"
                 "    \"dns\": [],\n"
                 "    \"features\": {\n"
                 "        \"buildkit\": true\n"
                 "    },\n"
                 "    \"labels\": {},\n"
                 "    \"log-level\": \"debug\",\n"
                 "    \"runtimes\": {\n"
                 "%s,\n"
                 "        \"runsc\": {\n"
                 "            \"path\": \"/usr/bin/runsc\",\n"
                 "            \"runtimeArgs\": [\n"
                 "                \"--platform=ptrace\"\n"
                 "            ]\n"
                 "        }\n"
                 "    },\n"
                 "    \"storage-driver\": \"overlay2\",\n"
                 "    \"x\": null\n"
                 "}",
                 nvidia_entry);
        expect_update(&ctk_engine_docker, in, &plain, want);
}
END_TEST

START_TEST(docker_default_runtime_and_cdi_keep_other_features)
{
        static const char in[] = "{\"default-runtime\": \"runc\", \"features\": {\"buildkit\": true, \"x\": \"y\"},"
                                 " \"runtimes\": {\"nvidia\": {\"path\": \"/old\", \"runtimeArgs\": [\"-a\"]}}}";
        static const char want[] = "{\n"
                                   "    \"default-runtime\": \"nvidia\",\n"
                                   "    \"features\": {\n"
                                   "        \"buildkit\": true,\n"
                                   "        \"cdi\": true,\n"
                                   "        \"x\": \"y\"\n"
                                   "    },\n"
                                   "    \"runtimes\": {\n"
                                   "        \"nvidia\": {\n"
                                   "            \"args\": [],\n"
                                   "            \"path\": \"/usr/bin/nvidia-container-runtime\"\n"
                                   "        }\n"
                                   "    }\n"
                                   "}";

        expect_update(&ctk_engine_docker, in, &all_on, want);
}
END_TEST

START_TEST(docker_broken_inputs)
{
        static const struct ctk_runtime_opts cdi = {"nvidia", "nvidia-container-runtime", false, true};

        expect_refused(&ctk_engine_docker, "{\"a\": 1,\n \"b\": }", &plain,
                       "cfg: invalid JSON at line 2, column 7: unexpected character");
        expect_refused(&ctk_engine_docker, "{\"a\": 1", &plain,
                       "cfg: invalid JSON at line 1, column 8: unexpected end of data");
        expect_refused(&ctk_engine_docker, "[]", &plain, "cfg: expected an object, got an array");
        expect_refused(&ctk_engine_docker, "{\"runtimes\": [\"nvidia\"]}", &plain,
                       "cfg: runtimes: expected an object, got an array");
        expect_refused(&ctk_engine_docker, "{\"features\": \"cdi\"}", &cdi,
                       "cfg: features: expected an object, got a string");
        expect_refused(&ctk_engine_docker, "{} {}", &plain,
                       "cfg: invalid JSON at line 1, column 4: unexpected character");
}
END_TEST

/* Go's encoding/json: HTML characters and U+2028/9 escaped, \b and \f
 * short, other controls as \u00XX; floats in the shortest form, exponent
 * only below 1e-6 and from 1e21; integers exact. */
START_TEST(go_json_strings_and_numbers)
{
        static const char in[] = "{\"s\": \"<a&b>\\u2028\\u2029\\b\\f\\n\\r\\t\\u0001\\u007f\\\"\\\\/é\","
                                 " \"n\": [1.5, 100.0, 1e21, 1.5e21, 1e-7, 1.25e-7, 0.000001, -0.5, 0.1, 1e20,"
                                 " 123456789012345, -7, 0, -0.0, 9223372036854775807, 18446744073709551615]}";
        static const char want[] = "{\n"
                                   "  \"n\": [\n"
                                   "    1.5,\n    100,\n    1e+21,\n    1.5e+21,\n    1e-7,\n    1.25e-7,\n"
                                   "    0.000001,\n    -0.5,\n    0.1,\n    100000000000000000000,\n"
                                   "    123456789012345,\n    -7,\n    0,\n    -0,\n    9223372036854775807,\n"
                                   "    18446744073709551615\n"
                                   "  ],\n"
                                   "  \"s\": \"\\u003ca\\u0026b\\u003e\\u2028\\u2029\\b\\f\\n\\r\\t\\u0001\x7f\\\"\\\\/é\"\n"
                                   "}";
        struct json_object *obj = json_tokener_parse(in);
        char *out;

        ck_assert_ptr_nonnull(obj);
        out = ctk_go_json(obj, "  ", true);
        ck_assert_str_eq(out, want);
        free(out);
        json_object_put(obj);
}
END_TEST

START_TEST(go_json_struct_order)
{
        struct json_object *obj = json_tokener_parse("{\"z\": {}, \"a\": [], \"m\": {\"y\": 1, \"b\": 2}}");
        char *out = ctk_go_json(obj, "\t", false);

        ck_assert_str_eq(out, "{\n\t\"z\": {},\n\t\"a\": [],\n\t\"m\": {\n\t\t\"y\": 1,\n\t\t\"b\": 2\n\t}\n}");
        free(out);
        json_object_put(obj);
}
END_TEST

/* --- containerd ------------------------------------------------------------------ */

START_TEST(containerd_v2_copies_runc_and_keeps_comments)
{
        static const char in[] = "# containerd config, by hand\n"
                                 "version = 2  # the v2 schema\n"
                                 "root = \"/var/lib/containerd\"\n"
                                 "\n"
                                 "[plugins]\n"
                                 "  # the CRI plugin\n"
                                 "  [plugins.\"io.containerd.grpc.v1.cri\"]\n"
                                 "    sandbox_image = \"registry.k8s.io/pause:3.6\"\n"
                                 "    [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
                                 "      snapshotter = \"overlayfs\"\n"
                                 "      [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
                                 "        runtime_type = \"io.containerd.runc.v2\"\n"
                                 "        # cgroups through systemd\n"
                                 "        [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                                 "          SystemdCgroup = true\n"
                                 "          NoPivotRoot = false\n"
                                 "\n"
                                 "# end\n";
        static const char added[] = "\n"
                                    "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n"
                                    "runtime_type = \"io.containerd.runc.v2\"\n"
                                    "\n"
                                    "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia.options]\n"
                                    "SystemdCgroup = true\n"
                                    "NoPivotRoot = false\n"
                                    "BinaryName = \"/usr/bin/nvidia-container-runtime\"\n";
        char want[2048];

        snprintf(want, sizeof(want), "%s%s", in, added);
        expect_update(&ctk_engine_containerd, in, &abs_path, want);
}
END_TEST

/* The runc and crun entries of containerd_v2_default_cdi_and_idempotent. */
#define V2_RUNC_CRUN                                                                  \
        "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"           \
        "    runtime_type = \"io.containerd.runc.v2\"\n"                                 \
        "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.crun]\n"           \
        "    runtime_type = \"io.containerd.runc.v2\"\n"                                 \
        "    [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.crun.options]\n" \
        "      BinaryName = \"/usr/bin/crun\"\n"

START_TEST(containerd_v2_default_cdi_and_idempotent)
{
        static const char in[] = "version = 2\n"
                                 "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
                                 "  enable_cdi = false # off for now\n"
                                 "  [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
                                 "    default_runtime_name = \"crun\"\n" V2_RUNC_CRUN
                                 "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n"
                                 "    stale = 1\n";
        static const char want[] = "version = 2\n"
                                   "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
                                   "  enable_cdi = true # off for now\n"
                                   "  [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
                                   "    default_runtime_name = \"nvidia\"\n" V2_RUNC_CRUN
                                   "\n"
                                   "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n"
                                   "runtime_type = \"io.containerd.runc.v2\"\n"
                                   "\n"
                                   "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia.options]\n"
                                   "BinaryName = \"/usr/bin/nvidia-container-runtime\"\n";

        /* The default runtime (crun) is the one copied; the stale entry goes. */
        expect_update(&ctk_engine_containerd, in, &all_on, want);
        expect_update(&ctk_engine_containerd, want, &all_on, want);
}
END_TEST

/* What a runtime made from nothing gets. */
#define NVIDIA_DEFAULTS                              \
        "privileged_without_host_devices = false\n" \
        "runtime_engine = \"\"\n"                    \
        "runtime_root = \"\"\n"                      \
        "runtime_type = \"io.containerd.runc.v2\"\n"

START_TEST(containerd_v1_defaults_and_legacy_option)
{
        static const char in[] = "# containerd 1.4\n"
                                 "root = \"/var/lib/containerd\"\n"
                                 "[plugins.cri.containerd]\n"
                                 "  snapshotter = \"overlayfs\"\n";
        static const char want[] = "# containerd 1.4\n"
                                   "root = \"/var/lib/containerd\"\n"
                                   "version = 1\n"
                                   "[plugins.cri]\n"
                                   "enable_cdi = true\n"
                                   "\n"
                                   "[plugins.cri.containerd]\n"
                                   "  snapshotter = \"overlayfs\"\n"
                                   "  default_runtime_name = \"nvidia\"\n"
                                   "\n"
                                   "[plugins.cri.containerd.runtimes.nvidia]\n"
                                   NVIDIA_DEFAULTS
                                   "\n"
                                   "[plugins.cri.containerd.runtimes.nvidia.options]\n"
                                   "BinaryName = \"/usr/bin/nvidia-container-runtime\"\n"
                                   "Runtime = \"/usr/bin/nvidia-container-runtime\"\n";

        expect_update(&ctk_engine_containerd, in, &all_on, want);
}
END_TEST

/* A containerd 2.x config, runc's options inline. */
#define V3                                                                    \
        "version = 3\n"                                                       \
        "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]\n" \
        "runtime_type = 'io.containerd.runc.v2'\n"                            \
        "options = { SystemdCgroup = true }\n"

START_TEST(containerd_v3_and_missing_file)
{
        static const char v3_want[] = V3
                                      "\n"
                                      "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.nvidia]\n"
                                      "runtime_type = \"io.containerd.runc.v2\"\n"
                                      "\n"
                                      "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.nvidia.options]\n"
                                      "SystemdCgroup = true\n"
                                      "BinaryName = \"/usr/bin/nvidia-container-runtime\"\n";
        static const char empty_want[] = "version = 2\n"
                                         "\n"
                                         "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n"
                                         NVIDIA_DEFAULTS
                                         "\n"
                                         "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia.options]\n"
                                         "BinaryName = \"/usr/bin/nvidia-container-runtime\"\n";

        expect_update(&ctk_engine_containerd, V3, &abs_path, v3_want);
        expect_update(&ctk_engine_containerd, NULL, &abs_path, empty_want);
        /* An empty file is no config either: version 2. */
        expect_update(&ctk_engine_containerd, "", &abs_path, empty_want);
}
END_TEST

START_TEST(containerd_broken_inputs)
{
        expect_refused(&ctk_engine_containerd, "version = 2\n[plugins\n", &abs_path,
                       "cfg:2:9: expected ']' after table name");
        expect_refused(&ctk_engine_containerd, "# x\nversion = \"2\"\n", &abs_path,
                       "cfg:2:11: unsupported type for version field: a string");
        expect_refused(&ctk_engine_containerd, "version = 0\n", &abs_path, "cfg:1:11: unsupported config version 0");
}
END_TEST

/* --- CRI-O ----------------------------------------------------------------------- */

START_TEST(crio_copies_default_runtime)
{
        static const char in[] = "# CRI-O\n"
                                 "[crio.runtime]\n"
                                 "default_runtime = \"crun\"  # the fast one\n"
                                 "\n"
                                 "[crio.runtime.runtimes.crun]\n"
                                 "runtime_path = \"/usr/bin/crun\"\n"
                                 "monitor_path = \"/usr/libexec/crio/conmon\"\n"
                                 "allowed_annotations = [\"io.containers.trace-syscall\"]\n";
        static const char want[] = "# CRI-O\n"
                                   "[crio.runtime]\n"
                                   "default_runtime = \"nvidia\"  # the fast one\n"
                                   "\n"
                                   "[crio.runtime.runtimes.crun]\n"
                                   "runtime_path = \"/usr/bin/crun\"\n"
                                   "monitor_path = \"/usr/libexec/crio/conmon\"\n"
                                   "allowed_annotations = [\"io.containers.trace-syscall\"]\n"
                                   "\n"
                                   "[crio.runtime.runtimes.nvidia]\n"
                                   "runtime_path = \"/usr/bin/nvidia-container-runtime\"\n"
                                   "monitor_path = \"/usr/libexec/crio/conmon\"\n"
                                   "allowed_annotations = [\"io.containers.trace-syscall\"]\n"
                                   "runtime_type = \"oci\"\n";

        expect_update(&ctk_engine_crio, in, &all_on, want);
        expect_update(&ctk_engine_crio, NULL, &abs_path,
                      "[crio.runtime.runtimes.nvidia]\n"
                      "runtime_path = \"/usr/bin/nvidia-container-runtime\"\n"
                      "runtime_type = \"oci\"\n");
        expect_refused(&ctk_engine_crio, "[crio.runtime]\ndefault_runtime = \n", &abs_path,
                       "cfg:2:19: expected a value");
}
END_TEST

START_TEST(low_level_runtimes)
{
        const char *v[3];

        ck_assert_uint_eq(ctk_low_level_runtimes(NULL, v), 2);
        ck_assert_str_eq(v[0], "runc");
        ck_assert_str_eq(v[1], "crun");
        ck_assert_uint_eq(ctk_low_level_runtimes("", v), 2);
        ck_assert_uint_eq(ctk_low_level_runtimes("nvidia-cdi", v), 2);
        ck_assert_uint_eq(ctk_low_level_runtimes("kata", v), 3);
        ck_assert_str_eq(v[0], "kata");
        ck_assert_str_eq(v[2], "crun");
}
END_TEST

/* --- drop-in files (toolkit 1.18) ---------------------------------------------------- */

#define DROP_IN "/etc/containerd/conf.d/99-nvidia.toml"

/* Runs an engine's drop_in_update on text and checks both results (NULL:
 * that file is not to be written). */
static void expect_drop_in(const struct ctk_engine *e, const char *text, const struct ctk_runtime_opts *o,
                           const char *want_main, const char *want_drop)
{
        struct ctk_texts t = {NULL, NULL, 0, 0};
        struct error err = {0};
        int rv = e->drop_in_update(&err, "cfg", text, text != NULL ? strlen(text) : 0, o, DROP_IN, &t);

        ck_assert_msg(rv == 0, "%s: %s", e->name, error_msg(&err));
        if (want_main == NULL)
                ck_assert_ptr_null(t.main);
        else
                ck_assert_str_eq(t.main, want_main);
        if (want_drop == NULL)
                ck_assert_ptr_null(t.drop);
        else
                ck_assert_str_eq(t.drop, want_drop);
        free(t.main);
        free(t.drop);
}

START_TEST(containerd_v2_drop_in_and_import_with_comments_kept)
{
        static const char in[] = "# mine\n"
                                 "version = 2 # v2\n"
                                 "\n"
                                 "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
                                 "  runtime_type = \"io.containerd.runc.v2\"\n"
                                 "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                                 "    SystemdCgroup = true # systemd\n";
        static const char main_want[] = "# mine\n"
                                        "version = 2 # v2\n"
                                        "imports = [\"/etc/containerd/conf.d/*.toml\"]\n"
                                        "\n"
                                        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
                                        "  runtime_type = \"io.containerd.runc.v2\"\n"
                                        "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                                        "    SystemdCgroup = true # systemd\n";
        static const char drop_want[] = "version = 2\n"
                                        "\n"
                                        "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
                                        "enable_cdi = true\n"
                                        "\n"
                                        "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
                                        "default_runtime_name = \"nvidia\"\n"
                                        "\n"
                                        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n"
                                        "runtime_type = \"io.containerd.runc.v2\"\n"
                                        "\n"
                                        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia.options]\n"
                                        "SystemdCgroup = true\n"
                                        "BinaryName = \"/usr/bin/nvidia-container-runtime\"\n";

        expect_drop_in(&ctk_engine_containerd, in, &all_on, main_want, drop_want);
        /* Imported already: the config file stays as it is. */
        expect_drop_in(&ctk_engine_containerd, main_want, &all_on, NULL, drop_want);
        expect_drop_in(&ctk_engine_containerd, "version = 2\nimports = [\"/etc/containerd/conf.d/99-*\"]\n",
                       &abs_path, NULL,
                       "version = 2\n\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n"
                       NVIDIA_DEFAULTS "\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia.options]\n"
                       "BinaryName = \"/usr/bin/nvidia-container-runtime\"\n");
}
END_TEST

START_TEST(containerd_v3_v1_and_missing_with_drop_in)
{
        static const char v3_drop[] = "version = 3\n"
                                      "\n"
                                      "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.nvidia]\n"
                                      "runtime_type = \"io.containerd.runc.v2\"\n"
                                      "\n"
                                      "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.nvidia.options]\n"
                                      "SystemdCgroup = true\n"
                                      "BinaryName = \"/usr/bin/nvidia-container-runtime\"\n";
        static const char v1[] = "[plugins.cri.containerd.runtimes.runc]\nruntime_type = \"io.containerd.runc.v1\"\n";
        char in[2048], want[2048];
        struct ctk_texts t = {NULL, NULL, 0, 0};
        struct error err = {0};

        /* Other imports stay, the drop-in's directory comes last. */
        snprintf(in, sizeof(in), "imports = [\"/foo/*.toml\"]\n%s", V3);
        snprintf(want, sizeof(want), "imports = [\"/foo/*.toml\", \"/etc/containerd/conf.d/*.toml\"]\n%s", V3);
        expect_drop_in(&ctk_engine_containerd, in, &abs_path, want, v3_drop);
        /* No file: a version and the import. */
        expect_drop_in(&ctk_engine_containerd, NULL, &abs_path,
                       "version = 2\nimports = [\"/etc/containerd/conf.d/*.toml\"]\n",
                       "version = 2\n\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n"
                       NVIDIA_DEFAULTS "\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia.options]\n"
                       "BinaryName = \"/usr/bin/nvidia-container-runtime\"\n");
        /* Version 1 has no imports: the config file itself, as update(). */
        ck_assert_int_eq(ctk_engine_containerd.update(&err, "cfg", v1, strlen(v1), &abs_path, &t.main, &t.main_len),
                         0);
        expect_drop_in(&ctk_engine_containerd, v1, &abs_path, t.main, NULL);
        free(t.main);
        snprintf(in, sizeof(in), "version = 2\nimports = 1\n");
        ck_assert_int_eq(ctk_engine_containerd.drop_in_update(&err, "cfg", in, strlen(in), &abs_path, DROP_IN, &t),
                         -1);
        ck_assert_str_eq(error_msg(&err), "cfg:2:11: imports: not an array");
        ck_assert_ptr_null(t.drop);
        error_reset(&err);
}
END_TEST

START_TEST(crio_drop_in_holds_only_the_runtime)
{
        static const char in[] = "# CRI-O\n"
                                 "[crio.runtime]\n"
                                 "default_runtime = \"runc\"\n"
                                 "[crio.runtime.runtimes.runc]\n"
                                 "runtime_path = \"/usr/bin/runc\"\n"
                                 "monitor_path = \"/usr/libexec/crio/conmon\"\n";
        static const char body[] = "[crio.runtime.runtimes.nvidia]\n"
                                   "runtime_path = \"/usr/bin/nvidia-container-runtime\"\n"
                                   "monitor_path = \"/usr/libexec/crio/conmon\"\n"
                                   "runtime_type = \"oci\"\n";
        char want[1024];

        expect_drop_in(&ctk_engine_crio, in, &abs_path, NULL, body);
        snprintf(want, sizeof(want), "[crio.runtime]\ndefault_runtime = \"nvidia\"\n\n%s", body);
        expect_drop_in(&ctk_engine_crio, in, &all_on, NULL, want);
        ck_assert_ptr_null(ctk_engine_docker.drop_in_update);
}
END_TEST

/* --- the command on files ------------------------------------------------------------ */

static char *slurp(const char *path)
{
        FILE *f = fopen(path, "re");
        char *buf = calloc(1, 65536);
        size_t n;

        ck_assert_ptr_nonnull(f);
        n = fread(buf, 1, 65535, f);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

static void put(const char *path, const char *text, mode_t mode)
{
        FILE *f = fopen(path, "we");

        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fclose(f);
        ck_assert_int_eq(chmod(path, mode), 0);
}

/* Runs the command with stdout going to the scratch file "stdout". */
static int run(const char *const *args)
{
        char *argv[16];
        int argc = 0, out = open(scratch_path("stdout"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600),
            saved = dup(STDOUT_FILENO), rv;

        for (argv[argc++] = (char *)"configure"; *args != NULL; args++)
                argv[argc++] = (char *)*args;
        argv[argc] = NULL;
        ck_assert_int_ge(out, 0);
        fflush(stdout);
        dup2(out, STDOUT_FILENO);
        rv = ctk_runtime_configure(argc, argv);
        fflush(stdout);
        dup2(saved, STDOUT_FILENO);
        close(saved);
        close(out);
        return rv;
}

START_TEST(command_writes_keeps_mode_and_refuses_broken_files)
{
        struct stat st;
        char *text, cfg[4096], toml[4096], bad[4096];
        mode_t mask;

        scratch_make("ctk-runtime");
        snprintf(cfg, sizeof(cfg), "%s", scratch_path("daemon.json"));
        snprintf(toml, sizeof(toml), "%s", scratch_path("config.toml"));
        snprintf(bad, sizeof(bad), "%s", scratch_path("bad.json"));
        put(cfg, "{\"log-level\": \"warn\"}\n", 0600);
        ck_assert_int_eq(run((const char *const[]){"--config", cfg, "--set-as-default", NULL}), 0);
        ck_assert_int_eq(stat(cfg, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0600);
        text = slurp(cfg);
        ck_assert_ptr_nonnull(strstr(text, "\"default-runtime\": \"nvidia\",\n    \"log-level\": \"warn\",\n"));
        ck_assert_int_eq(text[strlen(text) - 1], '}');
        free(text);

        /* --dry-run: the result on stdout, the file untouched. */
        put(toml, "# mine\nversion = 2\n", 0644);
        ck_assert_int_eq(run((const char *const[]){"--runtime=containerd", "--config", toml, "--drop-in-config=", "--dry-run",
                                                   NULL}), 0);
        text = slurp(toml);
        ck_assert_str_eq(text, "# mine\nversion = 2\n");
        free(text);
        text = slurp(scratch_path("stdout"));
        ck_assert_ptr_nonnull(strstr(text, "# mine\nversion = 2\n\n[plugins.\"io.containerd.grpc.v1.cri\""));
        free(text);

        /* Broken files stay byte-identical; a missing one is created 0644
         * in a new directory. */
        put(bad, "{\"a\": ", 0644);
        ck_assert_int_eq(run((const char *const[]){"--config", bad, NULL}), 1);
        text = slurp(bad);
        ck_assert_str_eq(text, "{\"a\": ");
        free(text);
        put(toml, "version = 2\n[x\n", 0644);
        ck_assert_int_eq(run((const char *const[]){"--runtime", "containerd", "--config", toml, "--drop-in-config", "",
                                                   NULL}), 1);
        text = slurp(toml);
        ck_assert_str_eq(text, "version = 2\n[x\n");
        free(text);
        snprintf(cfg, sizeof(cfg), "%s", scratch_path("new/crio.conf"));
        ck_assert_int_eq(run((const char *const[]){"--runtime=crio", "--config", cfg, "--drop-in-config=", NULL}), 0);
        ck_assert_int_eq(stat(cfg, &st), 0);
        mask = umask(0);
        umask(mask);
        ck_assert_uint_eq(st.st_mode & 0777, 0644 & ~mask);
        scratch_remove();
}
END_TEST

START_TEST(command_drop_in_writes_both_files)
{
        char *text, cfg[4096], drop[4096], arg[4200];
        struct stat st;

        scratch_make("ctk-runtime-drop-in");
        snprintf(cfg, sizeof(cfg), "%s", scratch_path("config.toml"));
        snprintf(drop, sizeof(drop), "%s", scratch_path("conf.d/99-nvidia.toml"));
        snprintf(arg, sizeof(arg), "--drop-in-config=%s", drop);
        put(cfg, "# mine\nversion = 2\n", 0644);
        /* --dry-run: both texts on stdout, nothing written. */
        ck_assert_int_eq(run((const char *const[]){"--runtime=containerd", "--config", cfg, arg, "--dry-run", NULL}),
                         0);
        ck_assert_int_ne(stat(drop, &st), 0);
        text = slurp(cfg);
        ck_assert_str_eq(text, "# mine\nversion = 2\n");
        free(text);
        text = slurp(scratch_path("stdout"));
        ck_assert_ptr_nonnull(strstr(text, "# mine\nversion = 2\nimports = ["));
        ck_assert_ptr_nonnull(strstr(text, "99-nvidia.toml\nversion = 2\n\n[plugins."));
        free(text);
        ck_assert_int_eq(run((const char *const[]){"--runtime=containerd", "--config", cfg, arg, NULL}), 0);
        text = slurp(drop);
        ck_assert_ptr_nonnull(strstr(text, "BinaryName = \"/usr/bin/nvidia-container-runtime\""));
        free(text);
        text = slurp(cfg);
        ck_assert_ptr_nonnull(strstr(text, "/conf.d/*.toml\"]\n"));
        free(text);
        /* Relative drop-ins and docker's are refused. */
        ck_assert_int_eq(run((const char *const[]){"--runtime=crio", "--drop-in-config=x.toml", "--dry-run", NULL}),
                         1);
        ck_assert_int_eq(run((const char *const[]){"--drop-in-config=/x.toml", "--dry-run", NULL}), 1);
        scratch_remove();
}
END_TEST

START_TEST(command_flag_checks)
{
        scratch_make("ctk-runtime-flags");
        ck_assert_int_eq(run((const char *const[]){"--runtime=podman", "--dry-run", NULL}), 1);
        ck_assert_int_eq(run((const char *const[]){"--runtime=crio", "--runtime-path", "nvidia", "--dry-run", NULL}),
                         1);
        ck_assert_int_eq(run((const char *const[]){"--config-source=nope", "--dry-run", NULL}), 1);
        ck_assert_int_eq(run((const char *const[]){"--no-such-flag", NULL}), 1);
        ck_assert_int_eq(run((const char *const[]){"--config-mode=oci-hook", "--nvidia-runtime-hook-path", "hook",
                                                   NULL}),
                         1);
        scratch_remove();
}
END_TEST

START_TEST(command_oci_hook)
{
        char *text;

        scratch_make("ctk-runtime-hook");
        ck_assert_int_eq(run((const char *const[]){"--config-mode=oci-hook", "--nvidia-runtime-hook-path",
                                                   "/opt/nv/bin/nvidia-container-runtime-hook", NULL}),
                         0);
        text = slurp(scratch_path("stdout"));
        ck_assert_str_eq(text, "{\n"
                               "  \"version\": \"1.0.0\",\n"
                               "  \"hook\": {\n"
                               "    \"path\": \"/opt/nv/bin/nvidia-container-runtime-hook\",\n"
                               "    \"args\": [\n"
                               "      \"nvidia-container-runtime-hook\",\n"
                               "      \"prestart\"\n"
                               "    ],\n"
                               "    \"env\": [\n"
                               "      \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/nv/bin\"\n"
                               "    ]\n"
                               "  },\n"
                               "  \"when\": {\n"
                               "    \"always\": true,\n"
                               "    \"commands\": [\n"
                               "      \".*\"\n"
                               "    ]\n"
                               "  },\n"
                               "  \"stages\": [\n"
                               "    \"prestart\"\n"
                               "  ]\n"
                               "}\n");
        free(text);
        scratch_remove();
}
END_TEST

Suite *ctk_runtime_configure_suite(void)
{
        Suite *s = suite_create("ctk_runtime_configure");
        TCase *tc = tcase_create("engines");
        TCase *cmd = tcase_create("command");

        tcase_add_checked_fixture(tc, quiet, loud);
        tcase_add_test(tc, docker_missing_empty_and_blank_files);
        tcase_add_test(tc, docker_merge_keeps_every_other_key_sorted);
        tcase_add_test(tc, docker_default_runtime_and_cdi_keep_other_features);
        tcase_add_test(tc, docker_broken_inputs);
        tcase_add_test(tc, go_json_strings_and_numbers);
        tcase_add_test(tc, go_json_struct_order);
        tcase_add_test(tc, containerd_v2_copies_runc_and_keeps_comments);
        tcase_add_test(tc, containerd_v2_default_cdi_and_idempotent);
        tcase_add_test(tc, containerd_v1_defaults_and_legacy_option);
        tcase_add_test(tc, containerd_v3_and_missing_file);
        tcase_add_test(tc, containerd_broken_inputs);
        tcase_add_test(tc, crio_copies_default_runtime);
        tcase_add_test(tc, low_level_runtimes);
        tcase_add_test(tc, containerd_v2_drop_in_and_import_with_comments_kept);
        tcase_add_test(tc, containerd_v3_v1_and_missing_with_drop_in);
        tcase_add_test(tc, crio_drop_in_holds_only_the_runtime);
        suite_add_tcase(s, tc);
        tcase_add_checked_fixture(cmd, quiet, loud);
        tcase_add_test(cmd, command_writes_keeps_mode_and_refuses_broken_files);
        tcase_add_test(cmd, command_drop_in_writes_both_files);
        tcase_add_test(cmd, command_flag_checks);
        tcase_add_test(cmd, command_oci_hook);
        suite_add_tcase(s, cmd);
        return s;
}
