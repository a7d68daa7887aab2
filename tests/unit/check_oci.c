/* OCI runtime specs and states (oci.h), with their helpers: strict JSON
 * reading, type checks, the pre-rc5 capabilities quirk, the atomic write,
 * and the Go-compatible semantic versions behind the quirk. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/oci.h"
#include "common/path_clean.h"
#include "common/semver.h"
#include "scratch.h"
#include "unit.h"

static void write_file(const char *path, const char *text, mode_t mode)
{
        FILE *f = fopen(path, "we");

        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(fputs(text, f) >= 0, 1);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(chmod(path, mode), 0);
}

static char *read_text(const char *path)
{
        FILE *f = fopen(path, "re");
        char *buf = calloc(1, 1 << 16);
        size_t n;

        ck_assert_ptr_nonnull(f);
        n = fread(buf, 1, (1 << 16) - 1, f);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

/* A spec as docker 20.10 writes it, trimmed, with fields we do not read. */
static const char docker_spec[] =
        "{\n"
        "  \"ociVersion\": \"1.0.2-dev\",\n"
        "  \"process\": {\n"
        "    \"user\": {\"uid\": 0, \"gid\": 0},\n"
        "    \"args\": [\"nvidia-smi\", \"-L\"],\n"
        "    \"env\": [\"PATH=/usr/bin\", \"NVIDIA_VISIBLE_DEVICES=all\"],\n"
        "    \"cwd\": \"/\",\n"
        "    \"capabilities\": {\n"
        "      \"bounding\": [\"CAP_CHOWN\", \"CAP_SYS_ADMIN\"],\n"
        "      \"effective\": [\"CAP_CHOWN\"]\n"
        "    }\n"
        "  },\n"
        "  \"root\": {\"path\": \"rootfs\", \"readonly\": false},\n"
        "  \"hostname\": \"abc\",\n"
        "  \"mounts\": [\n"
        "    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\", \"options\": [\"nosuid\"]},\n"
        "    {\"destination\": \"/dev/shm\"}\n"
        "  ],\n"
        "  \"annotations\": {\"b\": \"2\", \"a\": \"1\"},\n"
        "  \"hooks\": {\"prestart\": [{\"path\": \"/usr/bin/nvidia-container-runtime-hook\","
        " \"args\": [\"nvidia-container-runtime-hook\", \"prestart\"], \"timeout\": 5}]},\n"
        "  \"linux\": {\"resources\": {\"memory\": {\"limit\": 1.50e3}, \"big\": 18446744073709551615},"
        " \"sysctl\": {\"net.x\": \"\\u00e9\\/\"}}\n"
        "}\n";

static void parse_ok(const char *text, struct oci_spec *spec)
{
        struct error err = {0};

        if (oci_spec_parse(&err, "t.json", text, strlen(text), "/bundle", spec) < 0)
                ck_abort_msg("parse: %s", error_msg(&err));
}

START_TEST(spec_accessors)
{
        struct oci_spec spec;
        struct error err = {0};
        const char **list;
        struct oci_mount *mounts;
        struct oci_annotation *ann;
        struct oci_hook *hooks;
        char *rootfs;
        size_t n;

        parse_ok(docker_spec, &spec);
        ck_assert_str_eq(oci_spec_version(&spec), "1.0.2-dev");
        ck_assert(oci_spec_has_process(&spec) && oci_spec_has_root(&spec));
        ck_assert_int_eq(oci_spec_rootfs(&err, &spec, &rootfs), 0);
        ck_assert_str_eq(rootfs, "/bundle/rootfs");
        free(rootfs);
        ck_assert_int_eq(oci_spec_env(&err, &spec, &list, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(list[1], "NVIDIA_VISIBLE_DEVICES=all");
        ck_assert_ptr_null(list[2]);
        free(list);
        ck_assert_int_eq(oci_spec_bounding_caps(&err, &spec, &list, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(list[1], "CAP_SYS_ADMIN");
        free(list);
        ck_assert_int_eq(oci_spec_mounts(&err, &spec, &mounts, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(mounts[0].destination, "/proc");
        ck_assert_str_eq(mounts[0].source, "proc");
        ck_assert_ptr_null(mounts[1].source);
        free(mounts);
        ck_assert_int_eq(oci_spec_annotations(&err, &spec, &ann, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(ann[0].key, "b");
        ck_assert_str_eq(ann[1].value, "1");
        free(ann);
        ck_assert_str_eq(oci_spec_annotation(&spec, "a"), "1");
        ck_assert_ptr_null(oci_spec_annotation(&spec, "c"));
        ck_assert_int_eq(oci_spec_hooks(&err, &spec, "prestart", &hooks, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_str_eq(hooks[0].path, "/usr/bin/nvidia-container-runtime-hook");
        ck_assert_uint_eq(hooks[0].nargs, 2);
        ck_assert_str_eq(hooks[0].args[1], "prestart");
        oci_hooks_free(hooks, n);
        ck_assert_int_eq(oci_spec_hooks(&err, &spec, "poststop", &hooks, &n), 0);
        ck_assert_uint_eq(n, 0);
        oci_hooks_free(hooks, n);
        ck_assert_int_eq(oci_spec_hooks(&err, &spec, "later", &hooks, &n), -1);
        ck_assert_str_eq(error_msg(&err), "read hooks of `t.json`: unknown stage later");
        error_reset(&err);
        oci_spec_free(&spec);
}
END_TEST

/* A minimal spec: absent and null fields read as empty, never as errors. */
START_TEST(spec_minimal)
{
        struct oci_spec spec;
        struct error err = {0};
        const char **list;
        struct oci_mount *mounts;
        char *rootfs;
        size_t n;

        parse_ok("{\"process\": null, \"mounts\": null, \"annotations\": null}", &spec);
        ck_assert_ptr_null(oci_spec_version(&spec));
        ck_assert(!oci_spec_has_process(&spec) && !oci_spec_has_root(&spec));
        ck_assert_int_eq(oci_spec_env(&err, &spec, &list, &n), 0);
        ck_assert_uint_eq(n, 0);
        free(list);
        ck_assert_int_eq(oci_spec_bounding_caps(&err, &spec, &list, &n), 0);
        ck_assert_uint_eq(n, 0);
        free(list);
        ck_assert_int_eq(oci_spec_mounts(&err, &spec, &mounts, &n), 0);
        ck_assert_uint_eq(n, 0);
        free(mounts);
        ck_assert_int_eq(oci_spec_rootfs(&err, &spec, &rootfs), -1);
        ck_assert_str_eq(error_msg(&err), "OCI spec `t.json`: root.path: missing");
        error_reset(&err);
        oci_spec_free(&spec);
}
END_TEST

/* root.path: absolute ones are cleaned, relative ones joined to the bundle. */
START_TEST(spec_rootfs_forms)
{
        static const struct {
                const char *path, *want;
        } cases[] = {
                {"rootfs", "/bundle/rootfs"},
                {"./a/../rootfs/", "/bundle/rootfs"},
                {"/abs//rootfs/.", "/abs/rootfs"},
                {"../../../x", "/x"},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct oci_spec spec;
                struct error err = {0};
                char text[128], *rootfs;

                snprintf(text, sizeof(text), "{\"root\": {\"path\": \"%s\"}}", cases[i].path);
                parse_ok(text, &spec);
                ck_assert_int_eq(oci_spec_rootfs(&err, &spec, &rootfs), 0);
                ck_assert_str_eq(rootfs, cases[i].want);
                free(rootfs);
                oci_spec_free(&spec);
        }
}
END_TEST

START_TEST(spec_load_bundle_and_file)
{
        struct oci_spec spec;
        struct error err = {0};
        char *rootfs, file[PATH_MAX], cwd[PATH_MAX];

        scratch_make("oci");
        snprintf(file, sizeof(file), "%s", scratch_path("config.json"));
        write_file(file, docker_spec, 0644);

        ck_assert_int_eq(oci_spec_load(&err, scratch_dir(), &spec), 0);
        ck_assert_str_eq(spec.path, file);
        ck_assert_str_eq(spec.bundle, scratch_dir());
        oci_spec_free(&spec);

        ck_assert_int_eq(oci_spec_load(&err, file, &spec), 0);
        ck_assert_int_eq(oci_spec_rootfs(&err, &spec, &rootfs), 0);
        ck_assert_str_eq(rootfs, scratch_path("rootfs"));
        free(rootfs);
        oci_spec_free(&spec);

        /* A relative name resolves against the working directory. */
        ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
        ck_assert_int_eq(chdir(scratch_dir()), 0);
        ck_assert_int_eq(oci_spec_load(&err, "config.json", &spec), 0);
        ck_assert_int_eq(chdir(cwd), 0);
        ck_assert_str_eq(spec.bundle, scratch_dir());
        ck_assert_int_eq(oci_spec_rootfs(&err, &spec, &rootfs), 0);
        ck_assert_str_eq(rootfs, scratch_path("rootfs"));
        free(rootfs);
        oci_spec_free(&spec);
        scratch_remove();
}
END_TEST

START_TEST(spec_load_errors)
{
        struct oci_spec spec;
        struct error err = {0};
        char want[PATH_MAX + 128];

        scratch_make("oci");
        ck_assert_int_eq(oci_spec_load(&err, scratch_path("missing"), &spec), -1);
        snprintf(want, sizeof(want), "load OCI spec `%s`: No such file or directory", scratch_path("missing"));
        ck_assert_str_eq(error_msg(&err), want);
        ck_assert_int_eq(oci_spec_load(&err, scratch_dir(), &spec), -1);
        snprintf(want, sizeof(want), "load OCI spec `%s`: No such file or directory", scratch_path("config.json"));
        ck_assert_str_eq(error_msg(&err), want);
        write_file(scratch_path("config.json"), "{\"process\": {\"env\": [1]}}", 0644);
        ck_assert_int_eq(oci_spec_load(&err, scratch_dir(), &spec), -1);
        snprintf(want, sizeof(want), "load OCI spec `%s`: process.env[0]: expected a string, got a number",
                 scratch_path("config.json"));
        ck_assert_str_eq(error_msg(&err), want);
        error_reset(&err);
        scratch_remove();
}
END_TEST

/* Malformed JSON: one line naming the file, json-c's reason and where. */
static const struct {
        const char *text, *msg;
} bad_json[] = {
        {"", "invalid JSON at line 1, column 1: unexpected end of data"},
        {"{", "invalid JSON at line 1, column 2: unexpected end of data"},
        {"{\"a\":1,}", "invalid JSON at line 1, column 8: unexpected character"},
        {"{\n  \"process\": {\n    \"env\": [\"A=1\",]\n  }\n}",
         "invalid JSON at line 3, column 19: unexpected character"},
        {"{\"a\":1} x", "invalid JSON at line 1, column 9: unexpected character"},
        {"{\"a\":1}{}", "invalid JSON at line 1, column 8: unexpected character"},
        {"{/* c */}", "invalid JSON at line 1, column 2: quoted object property name expected"},
        {"{\"a\":tru}", "invalid JSON at line 1, column 9: boolean expected"},
        {"{\"a\":01}", "invalid JSON at line 1, column 8: number expected"},
        {"{\"a\":\"\xff\"}", "invalid JSON at line 1, column 7: invalid utf-8 string"},
        {"{\"a\":\"x\n", "invalid JSON at line 2, column 1: unexpected end of data"},
};

START_TEST(spec_bad_json)
{
        struct oci_spec spec;
        struct error err = {0};
        char want[256];

        ck_assert_int_eq(oci_spec_parse(&err, "c.json", bad_json[_i].text, strlen(bad_json[_i].text), "/", &spec), -1);
        snprintf(want, sizeof(want), "load OCI spec `c.json`: %s", bad_json[_i].msg);
        ck_assert_str_eq(error_msg(&err), want);
        ck_assert_ptr_null(spec.json);
        error_reset(&err);
}
END_TEST

START_TEST(spec_nul_byte)
{
        static const char text[] = "{\"a\":\"x\0\"}";
        struct oci_spec spec;
        struct error err = {0};

        ck_assert_int_eq(oci_spec_parse(&err, "c.json", text, sizeof(text) - 1, "/", &spec), -1);
        ck_assert_str_eq(error_msg(&err), "load OCI spec `c.json`: invalid JSON at line 1, column 8: NUL byte");
        error_reset(&err);
}
END_TEST

/* Wrong types: the field, what it should be, what it is. */
static const struct {
        const char *text, *msg;
} bad_types[] = {
        {"[]", "document: expected an object, got an array"},
        {"{\"ociVersion\": 1}", "ociVersion: expected a string, got a number"},
        {"{\"process\": \"x\"}", "process: expected an object, got a string"},
        {"{\"process\": {\"env\": \"A=1\"}}", "process.env: expected an array, got a string"},
        {"{\"process\": {\"env\": [\"A=1\", true]}}", "process.env[1]: expected a string, got a boolean"},
        {"{\"process\": {\"env\": [null]}}", "process.env[0]: expected a string, got null"},
        {"{\"ociVersion\": \"1.0.2\", \"process\": {\"capabilities\": [\"CAP_SYS_ADMIN\"]}}",
         "process.capabilities: expected an object, got an array"},
        {"{\"ociVersion\": \"1.0.0-rc2\", \"process\": {\"capabilities\": {\"bounding\": []}}}",
         "process.capabilities: expected an array, got an object"},
        {"{\"process\": {\"capabilities\": {\"bounding\": \"CAP_SYS_ADMIN\"}}}",
         "process.capabilities.bounding: expected an array, got a string"},
        {"{\"process\": {\"capabilities\": {\"ambient\": [1]}}}",
         "process.capabilities.ambient[0]: expected a string, got a number"},
        {"{\"root\": []}", "root: expected an object, got an array"},
        {"{\"root\": {}}", "root.path: missing"},
        {"{\"root\": {\"path\": 7}}", "root.path: expected a string, got a number"},
        {"{\"mounts\": {}}", "mounts: expected an array, got an object"},
        {"{\"mounts\": [{\"destination\": \"/a\"}, \"/b\"]}", "mounts[1]: expected an object, got a string"},
        {"{\"mounts\": [{\"source\": \"/a\"}]}", "mounts[0].destination: missing"},
        {"{\"mounts\": [{\"destination\": \"/a\", \"source\": 1}]}", "mounts[0].source: expected a string, got a number"},
        {"{\"mounts\": [{\"destination\": \"/a\", \"options\": [1]}]}", "mounts[0].options[0]: expected a string, got a number"},
        {"{\"annotations\": []}", "annotations: expected an object, got an array"},
        {"{\"annotations\": {\"k\": 1}}", "annotations[\"k\"]: expected a string, got a number"},
        {"{\"hooks\": []}", "hooks: expected an object, got an array"},
        {"{\"hooks\": {\"prestart\": {}}}", "hooks.prestart: expected an array, got an object"},
        {"{\"hooks\": {\"poststop\": [{}]}}", "hooks.poststop[0].path: missing"},
        {"{\"hooks\": {\"prestart\": [{\"path\": \"/h\", \"args\": [\"h\", 2]}]}}",
         "hooks.prestart[0].args[1]: expected a string, got a number"},
        {"{\"hooks\": {\"prestart\": [{\"path\": \"/h\", \"timeout\": 1.5}]}}",
         "hooks.prestart[0].timeout: expected an integer, got a number"},
        {"{\"hooks\": {\"createRuntime\": [{\"path\": \"/h\", \"env\": {}}]}}",
         "hooks.createRuntime[0].env: expected an array, got an object"},
};

START_TEST(spec_bad_types)
{
        struct oci_spec spec;
        struct error err = {0};
        char want[256];

        ck_assert_int_eq(oci_spec_parse(&err, "c.json", bad_types[_i].text, strlen(bad_types[_i].text), "/", &spec),
                         -1);
        snprintf(want, sizeof(want), "load OCI spec `c.json`: %s", bad_types[_i].msg);
        ck_assert_str_eq(error_msg(&err), want);
        error_reset(&err);
}
END_TEST

/* Runtime spec 1.0.0-rc1 up to rc5 had process.capabilities as one array;
 * the range is decided by Go's semver order, as in NVIDIA's hook. */
static const struct {
        const char *version;
        bool flat;
} quirk_cases[] = {
        {"1.0.0-rc1", true},   {"1.0.0-rc2-dev", true}, {"1.0.0-rc4", true}, {"1.0.0-rc10", true},
        {"1.0.0-rc5", false},  {"1.0.0-rc5-dev", false}, {"1.0.0", false},   {"1.0.2-dev", false},
        {"1.0.0-rc", false},   {"0.6.0", false},         {"1.0", false},     {"", false},
        {"v1.0.0-rc2", false}, {"garbage", false},       {NULL, false},
};

START_TEST(spec_caps_quirk)
{
        ck_assert_msg(oci_version_has_flat_caps(quirk_cases[_i].version) == quirk_cases[_i].flat, "%s",
                      quirk_cases[_i].version);
}
END_TEST

START_TEST(spec_caps_flat)
{
        struct oci_spec spec;
        struct error err = {0};
        const char **caps;
        size_t n;

        parse_ok("{\"ociVersion\": \"1.0.0-rc2-dev\", \"process\": {\"capabilities\": [\"CAP_KILL\", \"CAP_SYS_ADMIN\"]}}",
                 &spec);
        ck_assert_int_eq(oci_spec_bounding_caps(&err, &spec, &caps, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(caps[1], "CAP_SYS_ADMIN");
        free(caps);
        oci_spec_free(&spec);
}
END_TEST

/* Change a loaded spec, write it back: every field we did not touch is
 * there with the same content, the file keeps its mode, no temporary file
 * is left, and the result reads back. */
START_TEST(spec_write_atomic)
{
        struct oci_spec spec, again;
        struct error err = {0};
        struct json_object *orig, *hooks, *prestart;
        struct stat st;
        mode_t mask;
        char *text;
        int entries = 0;
        FILE *ls;
        char line[PATH_MAX], cmd[PATH_MAX];

        scratch_make("oci");
        write_file(scratch_path("config.json"), docker_spec, 0640);
        ck_assert_int_eq(oci_spec_load(&err, scratch_dir(), &spec), 0);
        ck_assert(json_object_object_get_ex(spec.json, "hooks", &hooks));
        ck_assert(json_object_object_get_ex(hooks, "prestart", &prestart));
        ck_assert_int_eq(json_object_array_add(prestart, json_object_new_string("x")), 0);
        /* The validator refuses what the loader would refuse. */
        ck_assert_int_eq(oci_spec_write_atomic(&err, &spec, spec.path), -1);
        ck_assert_str_eq(strstr(error_msg(&err), "`: ") + 3, "hooks.prestart[1]: expected an object, got a string");
        json_object_array_del_idx(prestart, 1, 1);
        json_object_object_add(spec.json, "added", json_object_new_int(1));
        ck_assert_int_eq(oci_spec_write_atomic(&err, &spec, spec.path), 0);

        ck_assert_int_eq(stat(spec.path, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0640);
        text = read_text(spec.path);
        ck_assert_ptr_null(strchr(text, '\n'));
        ck_assert_ptr_nonnull(strstr(text, "\"limit\":1.50e3"));
        ck_assert_ptr_nonnull(strstr(text, "\"big\":18446744073709551615"));
        ck_assert_ptr_nonnull(strstr(text, "\"net.x\":\"\xc3\xa9/\""));
        ck_assert_ptr_nonnull(strstr(text, "\"annotations\":{\"b\":\"2\",\"a\":\"1\"}"));
        free(text);

        ck_assert_int_eq(oci_spec_load(&err, scratch_dir(), &again), 0);
        orig = json_tokener_parse(docker_spec);
        json_object_object_add(orig, "added", json_object_new_int(1));
        ck_assert(json_object_equal(orig, again.json));
        json_object_put(orig);
        oci_spec_free(&again);

        snprintf(cmd, sizeof(cmd), "ls -A '%s'", scratch_dir());
        ls = popen(cmd, "r");
        while (fgets(line, sizeof(line), ls) != NULL)
                entries++;
        pclose(ls);
        ck_assert_int_eq(entries, 1);

        /* A new file gets the default mode; a failed write creates nothing. */
        ck_assert_int_eq(oci_spec_write_atomic(&err, &spec, scratch_path("new.json")), 0);
        ck_assert_int_eq(stat(scratch_path("new.json"), &st), 0);
        mask = umask(0);
        umask(mask);
        ck_assert_uint_eq(st.st_mode & 07777, 0644 & ~mask);
        ck_assert_int_eq(oci_spec_write_atomic(&err, &spec, scratch_path("no/such/dir.json")), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "create temporary file"));
        error_reset(&err);
        oci_spec_free(&spec);
        scratch_remove();
}
END_TEST

/* An unchanged spec comes out with the same content, whatever whitespace
 * the engine wrote. */
START_TEST(spec_write_roundtrip)
{
        static const char *const texts[] = {
                docker_spec,
                "{ \"a\" : [ 1 , 2.0 , -3e-2 , \"\\\"q\\\"\" , null , true ] , \"b\" : { } }",
                "{\"ociVersion\":\"1.0.0-rc2\",\"process\":{\"capabilities\":[\"CAP_SYS_ADMIN\"]}}",
        };

        scratch_make("oci");
        for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
                struct oci_spec spec, again;
                struct error err = {0};

                write_file(scratch_path("config.json"), texts[i], 0600);
                ck_assert_int_eq(oci_spec_load(&err, scratch_dir(), &spec), 0);
                ck_assert_int_eq(oci_spec_write_atomic(&err, &spec, spec.path), 0);
                ck_assert_int_eq(oci_spec_load(&err, scratch_dir(), &again), 0);
                ck_assert(json_object_equal(spec.json, again.json));
                oci_spec_free(&spec);
                oci_spec_free(&again);
        }
        scratch_remove();
}
END_TEST

START_TEST(atomic_file_replaces)
{
        struct error err = {0};
        struct stat st;
        char *text;

        scratch_make("oci");
        write_file(scratch_path("f"), "old", 0604);
        ck_assert_int_eq(atomic_write_file(&err, scratch_path("f"), "new", 3, 0600), 0);
        text = read_text(scratch_path("f"));
        ck_assert_str_eq(text, "new");
        free(text);
        ck_assert_int_eq(stat(scratch_path("f"), &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0604);
        scratch_remove();
}
END_TEST

/* --- the container state ------------------------------------------------ */

START_TEST(state_valid)
{
        static const char text[] = "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"c1\",\"status\":\"creating\","
                                   "\"pid\":4242,\"bundle\":\"/run/containerd/b\",\"annotations\":{\"a\":\"b\"},"
                                   "\"extra\":[1]}\n";
        struct oci_state st;
        struct error err = {0};
        FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");

        ck_assert_int_eq(oci_state_read(&err, in, &st), 0);
        fclose(in);
        ck_assert_str_eq(st.oci_version, "1.0.2-dev");
        ck_assert_str_eq(st.id, "c1");
        ck_assert_str_eq(st.status, "creating");
        ck_assert_int_eq(st.pid, 4242);
        ck_assert_str_eq(st.bundle, "/run/containerd/b");
        oci_state_free(&st);
}
END_TEST

#define STATE_HEAD "{\"ociVersion\":\"1.0.2\",\"id\":\"c\",\"status\":\"created\","

static const struct {
        const char *text, *msg;
} bad_states[] = {
        {"", "invalid JSON at line 1, column 1: unexpected end of data"},
        {"{\"pid\":1", "invalid JSON at line 1, column 9: unexpected end of data"},
        {"[]", "document: expected an object, got an array"},
        {"{\"id\":\"c\",\"status\":\"created\",\"pid\":1,\"bundle\":\"/b\"}", "ociVersion: missing"},
        {"{\"ociVersion\":\"1.0.2\",\"id\":\"\",\"status\":\"created\",\"pid\":1,\"bundle\":\"/b\"}", "id: empty"},
        {"{\"ociVersion\":\"1.0.2\",\"id\":7,\"status\":\"created\",\"pid\":1,\"bundle\":\"/b\"}",
         "id: expected a string, got a number"},
        {"{\"ociVersion\":\"1.0.2\",\"id\":\"c\",\"status\":\"paused\",\"pid\":1,\"bundle\":\"/b\"}",
         "status: unknown status \"paused\""},
        {"{\"ociVersion\":\"1.0.2\",\"id\":\"c\",\"pid\":1,\"bundle\":\"/b\"}", "status: missing"},
        {STATE_HEAD "\"bundle\":\"/b\"}", "pid: missing"},
        {STATE_HEAD "\"pid\":0,\"bundle\":\"/b\"}", "pid: expected a positive integer, got 0"},
        {STATE_HEAD "\"pid\":-1,\"bundle\":\"/b\"}", "pid: expected a positive integer, got -1"},
        {STATE_HEAD "\"pid\":1.5,\"bundle\":\"/b\"}", "pid: expected a positive integer, got a number"},
        {STATE_HEAD "\"pid\":\"12\",\"bundle\":\"/b\"}", "pid: expected a positive integer, got a string"},
        {STATE_HEAD "\"pid\":2147483648,\"bundle\":\"/b\"}", "pid: out of range: 2147483648"},
        {STATE_HEAD "\"pid\":99999999999999999999,\"bundle\":\"/b\"}", "pid: out of range"},
        {STATE_HEAD "\"pid\":1}", "bundle: missing"},
        {STATE_HEAD "\"pid\":1,\"bundle\":\"b\"}", "bundle: not an absolute path: b"},
        {STATE_HEAD "\"pid\":1,\"bundlePath\":\"/b\"}", "bundle: missing"},
        {STATE_HEAD "\"pid\":1,\"bundle\":\"/b\",\"annotations\":{\"a\":1}}",
         "annotations[\"a\"]: expected a string, got a number"},
        {STATE_HEAD "\"pid\":1,\"bundle\":\"/b\"} {}", "invalid JSON at line 1, column 74: unexpected character"},
};

START_TEST(state_invalid)
{
        struct oci_state st;
        struct error err = {0};
        char want[256];

        ck_assert_int_eq(oci_state_parse(&err, bad_states[_i].text, strlen(bad_states[_i].text), &st), -1);
        snprintf(want, sizeof(want), "container state: %s", bad_states[_i].msg);
        ck_assert_str_eq(error_msg(&err), want);
        ck_assert_ptr_null(st.id);
        error_reset(&err);
}
END_TEST

START_TEST(state_too_large)
{
        size_t len = (1u << 20) + 10;
        char *text = malloc(len);
        struct oci_state st;
        struct error err = {0};
        FILE *in;

        memset(text, ' ', len);
        in = fmemopen(text, len, "r");
        ck_assert_int_eq(oci_state_read(&err, in, &st), -1);
        fclose(in);
        free(text);
        ck_assert_str_eq(error_msg(&err), "container state: larger than 1048576 bytes");
        error_reset(&err);
}
END_TEST

/* --- helpers: Go's semver and filepath.Clean ---------------------------- */

/* Found by the oci_config fuzz target: comparing a version without a
 * prerelease did pointer arithmetic on NULL (undefined behaviour). */
START_TEST(semver_no_prerelease)
{
        static const char text[] = "{\"ociVersion\": \"1.0\", \"process\": {\"env\": [\"NVIBLE_DEVICES=0,1\"], "
                                   "\"capabilities\": [\"CrAP_KILL\", \"SPDMIN\"]}}";
        struct oci_spec spec = {0};
        struct error err = {0};

        ck_assert_int_eq(semver_compare("v1.0", "v1.0"), 0);
        ck_assert_int_eq(semver_compare("v1.0", "v1.0.0-rc1"), 1);
        ck_assert_int_eq(semver_compare("v1.0.0-rc1", "v1.0"), -1);
        ck_assert(!oci_version_has_flat_caps("1.0"));
        ck_assert_int_eq(oci_spec_parse(&err, "config.json", text, strlen(text), "/b", &spec), -1);
        ck_assert_str_eq(error_msg(&err),
                         "load OCI spec `config.json`: process.capabilities: expected an object, got an array");
        error_reset(&err);
}
END_TEST

START_TEST(semver_rules)
{
        char buf[32];

        ck_assert(semver_valid("v1") && semver_valid("v1.2") && semver_valid("v1.2.3-rc.1+build.01"));
        ck_assert(!semver_valid("1.2.3") && !semver_valid("v01.2") && !semver_valid("v1.2-rc1") &&
                  !semver_valid("v1.2.3-01") && !semver_valid("v1.2.3-") && !semver_valid("v1.2.3+") &&
                  !semver_valid("v1..2") && !semver_valid("v1.2.3.4") && !semver_valid("v"));
        ck_assert_int_eq(semver_compare("v1.0.0-rc1", "v1.0.0"), -1);
        ck_assert_int_eq(semver_compare("v1.0.0-rc10", "v1.0.0-rc5"), -1);
        ck_assert_int_eq(semver_compare("v1.0.0-rc.10", "v1.0.0-rc.5"), 1);
        ck_assert_int_eq(semver_compare("v1.0.0-1", "v1.0.0-a"), -1);
        ck_assert_int_eq(semver_compare("v1.0.0-a", "v1.0.0-a.b"), -1);
        ck_assert_int_eq(semver_compare("v1", "v1.0.0"), 0);
        ck_assert_int_eq(semver_compare("v1.0.0+x", "v1.0.0+y"), 0);
        ck_assert_int_eq(semver_compare("v10.0.0", "v9.99.99"), 1);
        ck_assert_int_eq(semver_compare("bad", "v0.0.0"), -1);
        ck_assert_int_eq(semver_compare("bad", "worse"), 0);
        ck_assert_int_eq(semver_major_minor("v9", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "v9.0");
        ck_assert_int_eq(semver_major_minor("v12.2.0-rc1", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "v12.2");
        ck_assert_int_eq(semver_major_minor("12.2", buf, sizeof(buf)), -1);
}
END_TEST

START_TEST(path_clean_rules)
{
        static const char *const cases[][2] = {
                {"", "."},         {"/", "/"},           {"//a//b/", "/a/b"}, {"/a/./b/.", "/a/b"},
                {"/a/../..", "/"}, {"a/../..", ".."},    {"../a/..", ".."},   {"./", "."},
                {"a/b/../c", "a/c"}, {"/dev//null", "/dev/null"}, {"../../x", "../../x"},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *out = path_clean(cases[i][0]);

                ck_assert_str_eq(out, cases[i][1]);
                free(out);
        }
}
END_TEST

#define NITEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *oci_suite(void)
{
        Suite *s = suite_create("oci");
        TCase *spec = tcase_create("spec"), *write = tcase_create("write"), *state = tcase_create("state"),
              *helpers = tcase_create("helpers");

        tcase_add_test(spec, spec_accessors);
        tcase_add_test(spec, spec_minimal);
        tcase_add_test(spec, spec_rootfs_forms);
        tcase_add_test(spec, spec_load_bundle_and_file);
        tcase_add_test(spec, spec_load_errors);
        tcase_add_loop_test(spec, spec_bad_json, 0, NITEMS(bad_json));
        tcase_add_test(spec, spec_nul_byte);
        tcase_add_loop_test(spec, spec_bad_types, 0, NITEMS(bad_types));
        tcase_add_loop_test(spec, spec_caps_quirk, 0, NITEMS(quirk_cases));
        tcase_add_test(spec, spec_caps_flat);
        tcase_add_test(write, spec_write_atomic);
        tcase_add_test(write, spec_write_roundtrip);
        tcase_add_test(write, atomic_file_replaces);
        tcase_add_test(state, state_valid);
        tcase_add_loop_test(state, state_invalid, 0, NITEMS(bad_states));
        tcase_add_test(state, state_too_large);
        tcase_add_test(helpers, semver_rules);
        tcase_add_test(helpers, semver_no_prerelease);
        tcase_add_test(helpers, path_clean_rules);
        suite_add_tcase(s, spec);
        suite_add_tcase(s, write);
        suite_add_tcase(s, state);
        suite_add_tcase(s, helpers);
        return s;
}
