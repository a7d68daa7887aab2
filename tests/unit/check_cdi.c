/* CDI specs (cdi.h): parsing YAML and JSON, every validation rule with its
 * exact message, the version table, the cache of spec directories
 * (priorities, conflicts, skipped files) and each injection rule. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/cdi.h"
#include "common/error.h"
#include "common/oci.h"
#include "common/strv.h"
#include "unit.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* --- helpers
 * ------------------------------------------------------------------ */

static char tmp[64];

static void make_tmp(void)
{
        strcpy(tmp, "/tmp/check-cdi.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void remove_tmp(void)
{
        char cmd[PATH_MAX + 16];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        ck_assert_int_eq(system(cmd), 0);
}

static const char *tmp_path(const char *name)
{
        static char path[4][PATH_MAX];
        static int next;
        char *p = path[next++ % 4];

        snprintf(p, PATH_MAX, "%s/%s", tmp, name);
        return p;
}

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "we");

        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(fputs(text, f) >= 0, 1);
        ck_assert_int_eq(fclose(f), 0);
}

static struct cdi_spec *parse_ok(const char *name, const char *text)
{
        struct error err = {0};
        struct cdi_spec *spec = NULL;

        if (cdi_spec_parse(&err, name, text, strlen(text), CDI_FORMAT_AUTO, &spec) < 0)
                ck_abort_msg("parse %s: %s", name, error_msg(&err));
        return spec;
}

/* All problems of a spec, joined with newlines ("" when valid). */
static char *problems_of(const struct cdi_spec *spec)
{
        struct error err = {0};
        char **list = NULL, *out;
        size_t len = 1;
        int n = cdi_spec_problems(&err, spec, &list);

        ck_assert_int_ge(n, 0);
        for (int i = 0; i < n; i++)
                len += strlen(list[i]) + 1;
        out = calloc(1, len);
        for (int i = 0; i < n; i++) {
                if (i > 0)
                        strcat(out, "\n");
                strcat(out, list[i]);
        }
        strv_free(list);
        return out;
}

/* --- an NVIDIA-like spec, as `nvidia-ctk cdi generate` writes it
 * ------------------ */

static const char nvidia_yaml[] = "---\n"
                                  "cdiVersion: 0.5.0\n"
                                  "containerEdits:\n"
                                  "  deviceNodes:\n"
                                  "  - path: /dev/nvidiactl\n"
                                  "  - path: /dev/nvidia-uvm\n"
                                  "    hostPath: /dev/nvidia-uvm\n"
                                  "  env:\n"
                                  "  - NVIDIA_VISIBLE_DEVICES=void\n"
                                  "  hooks:\n"
                                  "  - args:\n"
                                  "    - nvidia-cdi-hook\n"
                                  "    - create-symlinks\n"
                                  "    - --link\n"
                                  "    - libcuda.so.1::/usr/lib/x86_64-linux-gnu/libcuda.so\n"
                                  "    env:\n"
                                  "    - NVIDIA_CTK_DEBUG=false\n"
                                  "    hookName: createContainer\n"
                                  "    path: /usr/bin/nvidia-cdi-hook\n"
                                  "  mounts:\n"
                                  "  - containerPath: /usr/lib/x86_64-linux-gnu/libcuda.so.575.57.08\n"
                                  "    hostPath: /usr/lib/x86_64-linux-gnu/libcuda.so.575.57.08\n"
                                  "    options:\n"
                                  "    - ro\n"
                                  "    - nosuid\n"
                                  "    - nodev\n"
                                  "    - rbind\n"
                                  "    - rprivate\n"
                                  "devices:\n"
                                  "- containerEdits:\n"
                                  "    deviceNodes:\n"
                                  "    - path: /dev/nvidia0\n"
                                  "  name: \"0\"\n"
                                  "- containerEdits:\n"
                                  "    deviceNodes:\n"
                                  "    - path: /dev/nvidia0\n"
                                  "  name: GPU-0-FAKE-UUID\n"
                                  "- containerEdits:\n"
                                  "    deviceNodes:\n"
                                  "    - path: /dev/nvidia0\n"
                                  "  name: all\n"
                                  "kind: nvidia.com/gpu\n";

static const char nvidia_json[] =
        "{\"cdiVersion\":\"0.5.0\",\"kind\":\"nvidia.com/gpu\",\"devices\":[\n"
        "{\"name\":\"0\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/nvidia0\"}]}},\n"
        "{\"name\":\"GPU-0-FAKE-UUID\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/nvidia0\"}]}},\n"
        "{\"name\":\"all\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/nvidia0\"}]}}],\n"
        "\"containerEdits\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=void\"],\n"
        "\"deviceNodes\":[{\"path\":\"/dev/nvidiactl\"},{\"path\":\"/dev/nvidia-uvm\",\"hostPath\":\"/dev/"
        "nvidia-uvm\"}],\n"
        "\"hooks\":[{\"hookName\":\"createContainer\",\"path\":\"/usr/bin/nvidia-cdi-hook\",\n"
        "\"args\":[\"nvidia-cdi-hook\",\"create-symlinks\",\"--link\",\"libcuda.so.1::/usr/lib/x86_64-linux-gnu/"
        "libcuda.so\"],\n"
        "\"env\":[\"NVIDIA_CTK_DEBUG=false\"]}],\n"
        "\"mounts\":[{\"hostPath\":\"/usr/lib/x86_64-linux-gnu/libcuda.so.575.57.08\",\n"
        "\"containerPath\":\"/usr/lib/x86_64-linux-gnu/libcuda.so.575.57.08\",\n"
        "\"options\":[\"ro\",\"nosuid\",\"nodev\",\"rbind\",\"rprivate\"]}]}}\n";

static void check_nvidia_model(const struct cdi_spec *s)
{
        const struct cdi_edits *e = &s->edits;
        const struct cdi_device *d;

        ck_assert_str_eq(s->version, "0.5.0");
        ck_assert_str_eq(s->kind, "nvidia.com/gpu");
        ck_assert_uint_eq(s->n_devices, 3);
        ck_assert_str_eq(s->devices[0].name, "0");
        ck_assert_str_eq(s->devices[1].name, "GPU-0-FAKE-UUID");
        ck_assert_str_eq(s->devices[2].name, "all");
        d = cdi_spec_device(s, "all");
        ck_assert_ptr_eq(d, &s->devices[2]);
        ck_assert_ptr_null(cdi_spec_device(s, "1"));
        ck_assert_uint_eq(d->edits.n_device_nodes, 1);
        ck_assert_str_eq(d->edits.device_nodes[0].path, "/dev/nvidia0");
        ck_assert_str_eq(e->env[0], "NVIDIA_VISIBLE_DEVICES=void");
        ck_assert_ptr_null(e->env[1]);
        ck_assert_uint_eq(e->n_device_nodes, 2);
        ck_assert_ptr_null(e->device_nodes[0].host_path);
        ck_assert_str_eq(e->device_nodes[1].host_path, "/dev/nvidia-uvm");
        ck_assert_uint_eq(e->n_hooks, 1);
        ck_assert_str_eq(e->hooks[0].hook_name, "createContainer");
        ck_assert_str_eq(e->hooks[0].path, "/usr/bin/nvidia-cdi-hook");
        ck_assert_uint_eq(strv_len((const char *const *)e->hooks[0].args), 4);
        ck_assert_str_eq(e->hooks[0].args[3], "libcuda.so.1::/usr/lib/x86_64-linux-gnu/libcuda.so");
        ck_assert_str_eq(e->hooks[0].env[0], "NVIDIA_CTK_DEBUG=false");
        ck_assert(!e->hooks[0].has_timeout);
        ck_assert_uint_eq(e->n_mounts, 1);
        ck_assert_str_eq(e->mounts[0].container_path, "/usr/lib/x86_64-linux-gnu/libcuda.so.575.57.08");
        ck_assert_uint_eq(strv_len((const char *const *)e->mounts[0].options), 5);
        ck_assert_ptr_null(e->mounts[0].type);
        ck_assert_ptr_null(e->intel_rdt);
        ck_assert(cdi_spec_is_valid(s));
        /* hostPath needs 0.5.0: the spec declares exactly what it needs. */
        ck_assert_str_eq(cdi_spec_required_version(s), "0.5.0");
}

START_TEST(parse_nvidia_yaml)
{
        struct cdi_spec *s = parse_ok("/etc/cdi/nvidia.yaml", nvidia_yaml);

        check_nvidia_model(s);
        ck_assert_str_eq(s->path, "/etc/cdi/nvidia.yaml");
        /* YAML keeps positions: the third device starts on line 38. */
        ck_assert_uint_eq(s->devices[2].pos.line, 38);
        ck_assert_uint_eq(s->devices[2].pos.col, 3);
        cdi_spec_free(s);
}
END_TEST

START_TEST(parse_nvidia_json)
{
        struct cdi_spec *s = parse_ok("/etc/cdi/nvidia.json", nvidia_json);

        check_nvidia_model(s);
        cdi_spec_free(s);
        /* Content decides for a name without a known extension. */
        s = parse_ok("spec", nvidia_json);
        check_nvidia_model(s);
        cdi_spec_free(s);
        s = parse_ok("spec", nvidia_yaml);
        check_nvidia_model(s);
        cdi_spec_free(s);
}
END_TEST

/* Scalars resolve against the type the model wants, as the CDI library's
 * YAML decoder does; nulls leave fields unset. */
START_TEST(parse_scalars)
{
        static const char text[] =
                "cdiVersion: 0.7.0\n"
                "kind: vendor.com/dev\n"
                "devices:\n"
                "- name: 0\n"
                "  annotations: {x: 1, y: ~}\n"
                "  containerEdits:\n"
                "    env: [A=1, ~]\n"
                "    deviceNodes:\n"
                "    - {path: /dev/x, major: 0x10, minor: 010, fileMode: 0o644, uid: 1_000, gid: ~}\n"
                "    hooks:\n"
                "    - {hookName: poststop, path: /bin/true, timeout: +5}\n"
                "    intelRdt: {closID: clos, enableCMT: yes, enableMBM: Off}\n"
                "    additionalGids: [0, 44]\n"
                "containerEdits: ~\n";
        struct cdi_spec *s = parse_ok("s.yaml", text);
        const struct cdi_device *d = &s->devices[0];
        const struct cdi_device_node *n = &d->edits.device_nodes[0];

        ck_assert_str_eq(d->name, "0");
        ck_assert_str_eq(d->annotations[0].value, "1");
        ck_assert_str_eq(d->annotations[1].value, "");
        ck_assert_str_eq(d->edits.env[1], "");
        ck_assert_int_eq(n->major, 16);
        ck_assert_int_eq(n->minor, 8);
        ck_assert(n->has_file_mode);
        ck_assert_uint_eq(n->file_mode, 0644);
        ck_assert(n->has_uid);
        ck_assert_uint_eq(n->uid, 1000);
        ck_assert(!n->has_gid);
        ck_assert(d->edits.hooks[0].has_timeout);
        ck_assert_int_eq(d->edits.hooks[0].timeout, 5);
        ck_assert(d->edits.intel_rdt->enable_cmt);
        ck_assert(!d->edits.intel_rdt->enable_mbm);
        ck_assert(d->edits.intel_rdt->has_enable_mbm);
        ck_assert_uint_eq(d->edits.n_additional_gids, 2);
        ck_assert_uint_eq(d->edits.additional_gids[1], 44);
        ck_assert_uint_eq(s->edits.n_mounts, 0);
        cdi_spec_free(s);
}
END_TEST

/* --- input that does not parse
 * ------------------------------------------------------ */

static const struct {
        const char *name;
        const char *text;
        const char *error;
} bad_inputs[] = {
        {"s.yaml", "cdiVersion: 0.5.0\nkind: [\n",
         "s.yaml:3:1: while parsing a flow node, did not find expected node content"},
        {"s.yaml", "cdiVersion: 0.5.0\nkind: x\n  y: z\n",
         "s.yaml:3:4: mapping values are not allowed in this context"},
        {"s.json", "{\"cdiVersion\": \"0.5.0\",\n \"kind\": }",
         "s.json: invalid JSON at line 2, column 10: unexpected character"},
        {"s.json", "{\"cdiVersion\": \"0.5.0\"} x", "s.json: invalid JSON at line 1, column 25: unexpected character"},
        {"s.yaml", "cdiVersion: 0.5.0\nkind: a/b\nfoo: 1\n", "s.yaml:3:1: unknown field \"foo\""},
        {"s.yaml", "cdiVersion: 0.5.0\ndevices:\n- name: a\n  containerEdits:\n    mount: []\n",
         "s.yaml:5:5: devices[0].containerEdits: unknown field \"mount\""},
        {"s.json", "{\"cdiVersion\": \"0.5.0\",\n \"Kind\": \"a/b\"}", "s.json:2:10: unknown field \"Kind\""},
        {"s.yaml", "cdiVersion: 0.5.0\ncdiVersion: 0.6.0\n", "s.yaml:2:1: duplicate key \"cdiVersion\""},
        {"s.yaml", "", "s.yaml: no spec data"},
        {"s.yaml", "---\n~\n", "s.yaml: no spec data"},
        {"s.yaml", "- a\n- b\n", "s.yaml:1:1: expected a mapping, got a sequence"},
        {"s.yaml", "kind: &k a/b\ncdiVersion: *k\n", "s.yaml:2:13: YAML aliases are not supported"},
        {"s.yaml", "devices: {name: a}\n", "s.yaml:1:10: devices: expected a sequence, got a mapping"},
        {"s.yaml", "devices: [~]\n", "s.yaml:1:11: devices[0]: expected a mapping, got null"},
        {"s.yaml", "kind: [a]\n", "s.yaml:1:7: kind: expected a string, got a sequence"},
        {"s.yaml", "devices:\n- name: a\n  containerEdits:\n    deviceNodes:\n    - path: /dev/x\n      major: abc\n",
         "s.yaml:6:14: devices[0].containerEdits.deviceNodes[0].major: expected an integer, got \"abc\""},
        {"s.json",
         "{\"devices\": [{\"name\": \"x\",\n \"containerEdits\": {\"deviceNodes\": "
         "[{\"path\": \"/dev/x\", \"major\": \"1\"}]}}]}",
         "s.json:2:65: devices[0].containerEdits.deviceNodes[0].major: expected an integer, got a string"},
        {"s.yaml", "containerEdits: {deviceNodes: [{path: /x, uid: -1}]}\n",
         "s.yaml:1:48: containerEdits.deviceNodes[0].uid: -1 is out of range [0, 4294967295]"},
        {"s.yaml", "containerEdits: {additionalGids: [4294967296]}\n",
         "s.yaml:1:35: containerEdits.additionalGids[0]: 4294967296 is out of range [0, 4294967295]"},
        {"s.yaml", "containerEdits: {intelRdt: {enableCMT: maybe}}\n",
         "s.yaml:1:40: containerEdits.intelRdt.enableCMT: expected a boolean, got maybe"},
        {"s.yaml", "containerEdits: {hooks: [{hookName: \"poststop\", timeout: \"5\"}]}\n",
         "s.yaml:1:58: containerEdits.hooks[0].timeout: expected an integer, got a string"},
        {"s.yaml", "cdiVersion: \"a\\0b\"\n", "s.yaml:1:13: NUL character in a scalar"},
        /* An overlong form json-c's own check lets through (found by fuzzing):
         * the writer could not write such a spec back. */
        {"s.json", "{\"kind\": \"a/b\",\n \"cdiVersion\": \"\xc0\xaa\"}",
         "s.json: invalid JSON at line 2, column 17: invalid utf-8 string"},
};

START_TEST(parse_invalid)
{
        struct error err = {0};
        struct cdi_spec *spec = NULL;

        ck_assert_int_eq(cdi_spec_parse(&err, bad_inputs[_i].name, bad_inputs[_i].text, strlen(bad_inputs[_i].text),
                                        CDI_FORMAT_AUTO, &spec),
                         -1);
        ck_assert_ptr_null(spec);
        ck_assert_str_eq(error_msg(&err), bad_inputs[_i].error);
        error_reset(&err);
}
END_TEST

/* The content decides the format, as the CDI library reads every file as
 * YAML: YAML in a ".json" file, a flow mapping in a ".yaml" one. */
START_TEST(parse_by_content)
{
        static const char flow[] = "{cdiVersion: 0.5.0, kind: a.com/b, devices: [{name: c, containerEdits: "
                                   "{env: [A=1]}}]}";
        struct error err = {0};
        struct cdi_spec *s = parse_ok("x.yaml", flow);

        ck_assert_str_eq(s->kind, "a.com/b");
        ck_assert(cdi_spec_is_valid(s));
        cdi_spec_free(s);
        s = parse_ok("x.json", "cdiVersion: 0.5.0\nkind: a.com/b\n");
        ck_assert_str_eq(s->version, "0.5.0");
        cdi_spec_free(s);
        /* JSON nulls leave fields unset. */
        s = parse_ok("x.json", "{\"cdiVersion\": \"0.5.0\", \"kind\": null, \"containerEdits\": {\"env\": null}}");
        ck_assert_ptr_null(s->kind);
        ck_assert_ptr_null(s->edits.env);
        cdi_spec_free(s);
        /* What looks like JSON in a ".json" file must be JSON. */
        ck_assert_int_eq(cdi_spec_parse(&err, "x.json", flow, strlen(flow), CDI_FORMAT_AUTO, &s), -1);
        ck_assert_str_eq(error_msg(&err), "x.json: invalid JSON at line 1, column 2: "
                                          "quoted object property name expected");
        ck_assert_int_eq(cdi_spec_parse(&err, "x", flow, strlen(flow), CDI_FORMAT_JSON, &s), -1);
        error_reset(&err);
}
END_TEST

START_TEST(load_files)
{
        struct error err = {0};
        struct cdi_spec *spec = NULL;

        make_tmp();
        write_file(tmp_path("nvidia.yaml"), nvidia_yaml);
        ck_assert_int_eq(cdi_spec_load(&err, tmp_path("nvidia.yaml"), &spec), 0);
        check_nvidia_model(spec);
        cdi_spec_free(spec);
        ck_assert_int_eq(cdi_spec_load(&err, tmp_path("missing.yaml"), &spec), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "missing.yaml`: No such file or directory"));
        ck_assert_int_eq(mkfifo(tmp_path("fifo.yaml"), 0600), 0);
        ck_assert_int_eq(cdi_spec_load(&err, tmp_path("fifo.yaml"), &spec), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "fifo.yaml`: not a regular file"));
        error_reset(&err);
        remove_tmp();
}
END_TEST

/* --- validation: one spec, every problem, exact texts
 * ------------------------------------ */

#define HEAD(v) "cdiVersion: " v "\nkind: vendor.com/dev\n"
#define DEV_A "devices:\n- name: a\n  containerEdits: {env: [A=1]}\n"

static const struct {
        const char *text;
        const char *problems;
} bad_specs[] = {
        /* cdiVersion */
        {HEAD("0.9.0") DEV_A, "bad.yaml:1:13: invalid version \"0.9.0\""},
        {"kind: vendor.com/dev\n" DEV_A, "bad.yaml: invalid version \"\""},
        {HEAD("v0.5") DEV_A, "bad.yaml:1:13: invalid version \"v0.5\""},
        {HEAD("0.5.0-rc1") DEV_A, "bad.yaml:1:13: invalid version \"0.5.0-rc1\""},
        /* kind */
        {"cdiVersion: 0.5.0\nkind: vendor.com\n" DEV_A, "bad.yaml:2:7: invalid vendor. empty name"},
        {"cdiVersion: 0.5.0\nkind: /dev\n" DEV_A, "bad.yaml:2:7: invalid vendor. empty name"},
        {"cdiVersion: 0.5.0\nkind: 1vendor.com/dev\n" DEV_A,
         "bad.yaml:2:7: invalid vendor. \"1vendor.com\", should start with letter"},
        {"cdiVersion: 0.5.0\nkind: vendor.com/dev/x\n" DEV_A,
         "bad.yaml:2:7: invalid class. invalid character '/' in name \"dev/x\""},
        {"cdiVersion: 0.5.0\nkind: vendor.com/dev-\n" DEV_A,
         "bad.yaml:2:7: invalid class. \"dev-\", should end with a letter or digit"},
        /* device names */
        {HEAD("0.5.0") "devices:\n- name: a!b\n  containerEdits: {env: [A=1]}\n",
         "bad.yaml:4:3: invalid device \"a!b\": invalid character '!' in device name \"a!b\""},
        {HEAD("0.5.0") "devices:\n- name: -a\n  containerEdits: {env: [A=1]}\n",
         "bad.yaml:4:3: invalid device \"-a\": invalid class \"-a\", should start with a letter or digit"},
        {HEAD("0.5.0") "devices:\n- name: a.\n  containerEdits: {env: [A=1]}\n",
         "bad.yaml:4:3: invalid device \"a.\": invalid name \"a.\", should end with a letter or digit"},
        {HEAD("0.5.0") "devices:\n- containerEdits: {env: [A=1]}\n",
         "bad.yaml:4:3: invalid device \"\": invalid (empty) device name"},
        {HEAD("0.5.0") DEV_A "- name: a\n  containerEdits: {env: [B=1]}\n",
         "bad.yaml:6:3: invalid spec, multiple device \"a\""},
        {HEAD("0.5.0") "devices: []\n", "bad.yaml: invalid spec, no devices"},
        {HEAD("0.5.0") "devices:\n- name: a\n  containerEdits: {}\n",
         "bad.yaml:4:3: invalid device \"a\": empty container edits"},
        /* env */
        {HEAD("0.5.0") DEV_A "containerEdits:\n  env: [NOEQUALS, =x, OK=]\n",
         "bad.yaml:7:3: invalid container edits: invalid environment variable \"NOEQUALS\"\n"
         "bad.yaml:7:3: invalid container edits: invalid environment variable \"=x\""},
        /* device nodes */
        {HEAD("0.5.0") "devices:\n- name: a\n  containerEdits:\n    deviceNodes: [{path: dev/null}]\n",
         "bad.yaml:6:19: invalid device \"a\": device \"dev/null\": invalid (relative) device path"},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  deviceNodes: [{hostPath: /dev/x}]\n",
         "bad.yaml:7:17: invalid (empty) device path"},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  deviceNodes: [{path: /dev/x, hostPath: dev/x}]\n",
         "bad.yaml:7:17: device \"/dev/x\": invalid (relative) host path \"dev/x\""},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  deviceNodes: [{path: /dev/x, type: x}]\n",
         "bad.yaml:7:17: device \"/dev/x\": invalid type \"x\""},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  deviceNodes: [{path: /dev/x, major: -1}]\n",
         "bad.yaml:7:17: device \"/dev/x\": invalid (negative) device number -1:0"},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  deviceNodes: [{path: /dev/x, permissions: rwx}]\n",
         "bad.yaml:7:17: device \"/dev/x\": invalid permissions \"rwx\""},
        /* hooks */
        {HEAD("0.5.0") DEV_A "containerEdits:\n  hooks: [{hookName: preStart, path: /bin/hook}]\n",
         "bad.yaml:7:11: invalid hook name \"preStart\""},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  hooks: [{hookName: createContainer, path: bin/hook}]\n",
         "bad.yaml:7:11: invalid hook \"createContainer\" with relative path \"bin/hook\""},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  hooks: [{hookName: createContainer}]\n",
         "bad.yaml:7:11: invalid hook \"createContainer\" with empty path"},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  hooks: [{hookName: createRuntime, path: /h, env: [X]}]\n",
         "bad.yaml:7:11: invalid hook \"createRuntime\": invalid environment variable \"X\""},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  hooks: [{hookName: poststop, path: /h, timeout: 0}]\n",
         "bad.yaml:7:11: invalid hook \"poststop\" with timeout 0, must be greater than zero"},
        /* mounts */
        {HEAD("0.5.0") DEV_A "containerEdits:\n  mounts: [{hostPath: /usr/lib, containerPath: usr/lib}]\n",
         "bad.yaml:7:12: invalid mount, relative container path \"usr/lib\""},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  mounts: [{containerPath: /usr/lib}]\n",
         "bad.yaml:7:12: invalid mount, empty host path"},
        {HEAD("0.5.0") DEV_A "containerEdits:\n  mounts: [{hostPath: /usr/lib}]\n",
         "bad.yaml:7:12: invalid mount, empty container path"},
        /* content that needs a newer cdiVersion */
        {HEAD("0.5.0") "annotations: {a: b}\n" DEV_A,
         "bad.yaml:1:13: the spec version must be at least v0.6.0 (for spec annotations)"},
        {HEAD("0.5.0") "devices:\n- name: a\n  annotations: {a: b}\n  containerEdits: {env: [A=1]}\n",
         "bad.yaml:1:13: the spec version must be at least v0.6.0 (for device annotations)"},
        {HEAD("0.3.0") DEV_A "containerEdits:\n  mounts: [{hostPath: /a, containerPath: /a, type: bind}]\n",
         "bad.yaml:1:13: the spec version must be at least v0.4.0 (for mounts[].type)"},
        {HEAD("0.4.0") DEV_A "containerEdits:\n  deviceNodes: [{path: /dev/a, hostPath: /dev/b}]\n",
         "bad.yaml:1:13: the spec version must be at least v0.5.0 (for deviceNodes[].hostPath)"},
        {HEAD("0.4.0") "devices:\n- name: 0\n  containerEdits: {env: [A=1]}\n",
         "bad.yaml:1:13: the spec version must be at least v0.5.0 (for device names starting with a digit)"},
        {"cdiVersion: 0.5.0\nkind: vendor.com/dev.x\n" DEV_A,
         "bad.yaml:1:13: the spec version must be at least v0.6.0 (for a '.' in the class of kind)"},
        {HEAD("0.6.0") DEV_A "containerEdits: {additionalGids: [44]}\n",
         "bad.yaml:1:13: the spec version must be at least v0.7.0 (for additionalGids)"},
        {HEAD("0.6.0") DEV_A "containerEdits: {intelRdt: {closID: a}}\n",
         "bad.yaml:1:13: the spec version must be at least v0.7.0 (for intelRdt)"},
        {HEAD("1.0.0") DEV_A "containerEdits: {netDevices: [{hostInterfaceName: eth1, name: net1}]}\n",
         "bad.yaml:1:13: the spec version must be at least v1.1.0 (for netDevices)"},
        {HEAD("0.8.0") DEV_A "containerEdits: {intelRdt: {schemata: [L3:0=f]}}\n",
         "bad.yaml:1:13: the spec version must be at least v1.1.0 (for intelRdt.schemata)"},
        {HEAD("1.1.0") DEV_A "containerEdits: {intelRdt: {enableCMT: false}}\n",
         "bad.yaml:6:28: containerEdits.intelRdt.enableCMT is not valid for CDI spec version v1.1.0"},
        {HEAD("1.1.0") "devices:\n- name: a\n  containerEdits: {intelRdt: {enableMBM: true}}\n",
         "bad.yaml:5:30: invalid device \"a\": devices[0].containerEdits.intelRdt.enableMBM is not valid for CDI "
         "spec version v1.1.0"},
        /* resctrl, net devices */
        {HEAD("0.7.0") DEV_A "containerEdits: {intelRdt: {closID: ..}}\n", "bad.yaml:6:28: invalid ClosID \"..\""},
        {HEAD("1.1.0") DEV_A "containerEdits:\n  netDevices:\n  - {hostInterfaceName: eth1, name: "
                             "n1}\n  - {hostInterfaceName: eth1, name: n2}\n  - {name: n3}\n",
         "bad.yaml:9:5: invalid linux net device, duplicate HostInterfaceName \"eth1\" with names \"n2\" and \"n1\"\n"
         "bad.yaml:10:5: invalid linux net device, empty HostInterfaceName"},
        /* annotations (Kubernetes rules) */
        {HEAD("0.6.0") "annotations: {bad key: x}\n" DEV_A,
         "bad.yaml:2:7: vendor.com/dev.annotations.bad key is invalid: name part must consist of alphanumeric "
         "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
         "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
        {HEAD("0.6.0") "devices:\n- name: a\n  annotations: {Bad_Prefix/x: y, /x: z}\n  containerEdits: {env: [A=1]}\n",
         "bad.yaml:4:3: invalid device \"a\": vendor.com/dev=a.annotations.Bad_Prefix/x is invalid: prefix part a "
         "lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
         "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
         "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n"
         "bad.yaml:4:3: invalid device \"a\": vendor.com/dev=a.annotations./x is invalid: prefix part must be "
         "non-empty"},
        /* every problem of a spec, not only the first */
        {"cdiVersion: 2.0.0\nkind: vendor\ndevices:\n- name: a\n  containerEdits:\n    mounts: [{hostPath: /a, "
         "containerPath: a}]\n- name: a\n  containerEdits: {}\n",
         "bad.yaml:1:13: invalid version \"2.0.0\"\nbad.yaml:2:7: invalid vendor. empty name\n"
         "bad.yaml:6:14: invalid device \"a\": invalid mount, relative container path \"a\"\n"
         "bad.yaml:7:3: invalid spec, multiple device \"a\"\n"
         "bad.yaml:7:3: invalid device \"a\": empty container edits"},
};

START_TEST(validate_invalid)
{
        struct error err = {0};
        struct cdi_spec *s = parse_ok("bad.yaml", bad_specs[_i].text);
        char *got = problems_of(s);
        const char *nl;

        ck_assert_str_eq(got, bad_specs[_i].problems);
        ck_assert(!cdi_spec_is_valid(s));
        /* The boolean check stops at the first problem. */
        ck_assert_int_eq(cdi_spec_validate(&err, s), -1);
        nl = strchr(bad_specs[_i].problems, '\n');
        ck_assert_int_eq(strncmp(error_msg(&err), bad_specs[_i].problems,
                                 nl != NULL ? (size_t)(nl - bad_specs[_i].problems) : strlen(bad_specs[_i].problems)),
                         0);
        error_reset(&err);
        free(got);
        cdi_spec_free(s);
}
END_TEST

/* Each feature, at the version that introduced it, is valid; the spec
 * declares the minimum it needs. */
static const struct {
        const char *text;
        const char *required;
} versions[] = {
        {HEAD("0.3.0") DEV_A, "0.3.0"},
        {HEAD("v0.3.0") DEV_A, "0.3.0"},
        {HEAD("0.4.0") DEV_A "containerEdits:\n  mounts: [{hostPath: /a, containerPath: /a, type: bind}]\n", "0.4.0"},
        {HEAD("0.5.0") "devices:\n- name: 0\n  containerEdits: {env: [A=1]}\n", "0.5.0"},
        {HEAD("0.6.0") "annotations: {vendor.com/a: b}\n" DEV_A, "0.6.0"},
        {HEAD("0.7.0") DEV_A "containerEdits: {additionalGids: [0]}\n", "0.7.0"},
        {HEAD("0.7.0") DEV_A "containerEdits: {intelRdt: {closID: /, enableCMT: true}}\n", "0.7.0"},
        {HEAD("0.8.0") DEV_A "containerEdits: {intelRdt: {}}\n", "0.7.0"},
        {HEAD("1.0.0") DEV_A, "0.3.0"},
        {HEAD("1.1.0") DEV_A "containerEdits: {intelRdt: {enableMonitoring: true}}\n", "1.1.0"},
        {HEAD("1.1.0") DEV_A "containerEdits: {netDevices: []}\n", "1.1.0"},
};

START_TEST(version_table)
{
        struct cdi_spec *s = parse_ok("v.yaml", versions[_i].text);
        char *got = problems_of(s);

        ck_assert_str_eq(got, "");
        ck_assert_str_eq(cdi_spec_required_version(s), versions[_i].required);
        free(got);
        cdi_spec_free(s);
}
END_TEST

START_TEST(version_known)
{
        static const char *const known[] = {"0.1.0", "0.2.0", "0.3.0", "0.4.0", "0.5.0", "0.6.0",
                                            "0.7.0", "0.8.0", "1.0.0", "1.1.0", "v1.0.0"};
        static const char *const unknown[] = {"", "0.9.0", "1.2.0", "0.5", "vv0.5.0", "0.5.0+x", "V0.5.0", " 0.5.0"};

        for (size_t i = 0; i < NITEMS(known); i++)
                ck_assert_msg(cdi_version_known(known[i]), "%s", known[i]);
        for (size_t i = 0; i < NITEMS(unknown); i++)
                ck_assert_msg(!cdi_version_known(unknown[i]), "%s", unknown[i]);
}
END_TEST

/* --- the cache
 * -------------------------------------------------------------------------------
 */

static void write_spec(const char *path, const char *kind, const char *devices)
{
        char text[4096];

        snprintf(text, sizeof(text), "cdiVersion: 0.5.0\nkind: %s\ndevices:\n%s", kind, devices);
        write_file(path, text);
}

#define DEVICE(name, env) "- name: " name "\n  containerEdits: {env: [" env "]}\n"

static const char *env_of(const struct cdi_device *d)
{
        return d->edits.env[0];
}

START_TEST(cache_priority)
{
        const char *dirs[3];
        struct error err = {0};
        struct cdi_cache *cache = NULL;
        const struct cdi_spec *spec;
        const char *const *names, *const *warnings;
        const struct cdi_spec *const *specs;
        char expect[3][PATH_MAX + 128];
        size_t n;

        make_tmp();
        ck_assert_int_eq(mkdir(tmp_path("etc"), 0755), 0);
        ck_assert_int_eq(mkdir(tmp_path("run"), 0755), 0);
        ck_assert_int_eq(mkdir(tmp_path("etc/sub.yaml"), 0755), 0);
        write_spec(tmp_path("etc/sub.yaml/x.yaml"), "vendor.com/dev", DEVICE("hidden", "W=sub"));
        write_spec(tmp_path("etc/a.yaml"), "vendor.com/dev", DEVICE("a", "WHO=etc-a") DEVICE("b", "WHO=etc-b"));
        write_spec(tmp_path("run/a.yaml"), "vendor.com/dev", DEVICE("a", "WHO=run-a"));
        write_file(tmp_path("etc/broken.yaml"), "cdiVersion: 0.5.0\nkind: [\n");
        write_file(tmp_path("etc/invalid.json"), "{\"cdiVersion\": \"0.5.0\", \"kind\": \"vendor.com/dev\"}");
        write_spec(tmp_path("etc/notes.txt"), "vendor.com/dev", DEVICE("txt", "W=txt"));
        write_spec(tmp_path("etc/old.yml"), "vendor.com/dev", DEVICE("yml", "W=yml"));
        write_spec(tmp_path("etc/c1.yaml"), "other.com/x",
                   DEVICE("dup", "W=c1") DEVICE("over", "W=c1") DEVICE("one", "W=1"));
        write_spec(tmp_path("etc/c2.json"), "other.com/x",
                   DEVICE("dup", "W=c2") DEVICE("over", "W=c2") DEVICE("two", "W=2"));
        write_spec(tmp_path("run/over.yaml"), "other.com/x", DEVICE("over", "W=run"));

        dirs[0] = tmp_path("etc");
        dirs[1] = tmp_path("run");
        dirs[2] = tmp_path("missing");
        ck_assert_int_eq(cdi_cache_load(&err, dirs, 3, &cache), 0);

        names = cdi_cache_devices(cache, &n);
        ck_assert_uint_eq(n, 5);
        ck_assert_str_eq(names[0], "other.com/x=one");
        ck_assert_str_eq(names[1], "other.com/x=over");
        ck_assert_str_eq(names[2], "other.com/x=two");
        ck_assert_str_eq(names[3], "vendor.com/dev=a");
        ck_assert_str_eq(names[4], "vendor.com/dev=b");
        ck_assert_ptr_null(names[5]);

        /* /var/run/cdi (later) wins over /etc/cdi. */
        ck_assert_str_eq(env_of(cdi_cache_lookup(cache, "vendor.com/dev=a", &spec)), "WHO=run-a");
        ck_assert_str_eq(spec->path, tmp_path("run/a.yaml"));
        ck_assert_int_eq(spec->priority, 1);
        ck_assert_str_eq(env_of(cdi_cache_lookup(cache, "vendor.com/dev=b", NULL)), "WHO=etc-b");
        /* A higher priority resolves a conflict of lower ones. */
        ck_assert_str_eq(env_of(cdi_cache_lookup(cache, "other.com/x=over", NULL)), "W=run");
        ck_assert_ptr_null(cdi_cache_lookup(cache, "other.com/x=dup", &spec));
        ck_assert_ptr_null(spec);
        ck_assert_ptr_null(cdi_cache_lookup(cache, "vendor.com/dev=txt", NULL));
        ck_assert_ptr_null(cdi_cache_lookup(cache, "vendor.com/dev=yml", NULL));
        ck_assert_ptr_null(cdi_cache_lookup(cache, "vendor.com/dev=hidden", NULL));

        specs = cdi_cache_specs(cache, &n);
        ck_assert_uint_eq(n, 5);
        ck_assert_str_eq(specs[0]->path, tmp_path("etc/a.yaml"));

        warnings = cdi_cache_warnings(cache, &n);
        snprintf(expect[0], sizeof(expect[0]), "%s:3:1: while parsing a flow node, did not find expected node content",
                 tmp_path("etc/broken.yaml"));
        snprintf(expect[1], sizeof(expect[1]), "%s: invalid spec, no devices", tmp_path("etc/invalid.json"));
        snprintf(expect[2], sizeof(expect[2]), "conflicting device \"other.com/x=dup\" (specs \"%s\", \"%s\")",
                 tmp_path("etc/c1.yaml"), tmp_path("etc/c2.json"));
        ck_assert_uint_eq(n, 3);
        for (size_t i = 0; i < 3; i++)
                ck_assert_str_eq(warnings[i], expect[i]);
        ck_assert_ptr_null(warnings[3]);
        cdi_cache_free(cache);

        /* The same files named one by one are of one priority: a conflict. */
        {
                const char *files[] = {tmp_path("etc/a.yaml"), tmp_path("run/a.yaml")};

                ck_assert_int_eq(cdi_cache_load_files(&err, files, 2, &cache), 0);
                ck_assert_ptr_null(cdi_cache_lookup(cache, "vendor.com/dev=a", NULL));
                ck_assert_ptr_nonnull(cdi_cache_lookup(cache, "vendor.com/dev=b", NULL));
                warnings = cdi_cache_warnings(cache, &n);
                ck_assert_uint_eq(n, 1);
                ck_assert_ptr_nonnull(strstr(warnings[0], "conflicting device \"vendor.com/dev=a\""));
                cdi_cache_free(cache);
        }
        remove_tmp();
}
END_TEST

START_TEST(cache_empty)
{
        const char *dirs[] = {"/nonexistent/cdi"};
        struct error err = {0};
        struct cdi_cache *cache = NULL;
        size_t n;

        ck_assert_int_eq(cdi_cache_load(&err, dirs, 1, &cache), 0);
        ck_assert_ptr_null(cdi_cache_devices(cache, &n)[0]);
        ck_assert_uint_eq(n, 0);
        cdi_cache_warnings(cache, &n);
        ck_assert_uint_eq(n, 0);
        ck_assert_ptr_null(cdi_cache_lookup(cache, "a.com/b=c", NULL));
        cdi_cache_free(cache);
}
END_TEST

/* --- injection
 * -------------------------------------------------------------------------------
 */

static const char oci_base[] = "{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
                               "\"args\":[\"sh\"],\"env\":[\"PATH=/bin\",\"FOO=old\",\"KEEP=1\"],\"cwd\":\"/"
                               "\"},\"root\":{\"path\":\"rootfs\"},\"mounts\":[{\"destination\":\"/"
                               "proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                               "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
                               "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\"},"
                               "{\"destination\":\"/usr/lib/x\",\"source\":\"/old\"},"
                               "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"}],"
                               "\"hooks\":{\"createContainer\":[{\"path\":\"/bin/existing\"}]},"
                               "\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
                               "\"namespaces\":[{\"type\":\"mount\"}]},\"x-unknown\":{\"kept\":1.50}}";

static struct oci_spec oci;
static struct cdi_cache *cache;

/* Two specs: vendor.com/dev (spec edits: env, hook, mount) and
 * other.com/x, written to a temporary spec dir. */
static const char inject_spec_a[] =
        "cdiVersion: 0.7.0\n"
        "kind: vendor.com/dev\n"
        "containerEdits:\n"
        "  env: [FOO=spec, SPEC=1]\n"
        "  hooks: [{hookName: createContainer, path: /bin/spec-hook, args: [spec-hook], env: [A=1], timeout: 5}]\n"
        "  mounts: [{hostPath: /host/lib, containerPath: /usr/lib/x, options: [ro, rbind]}]\n"
        "devices:\n"
        "- name: devnull\n"
        "  containerEdits:\n"
        "    env: [FOO=devnull, DEV=devnull]\n"
        "    deviceNodes: [{path: /dev/null, permissions: rw}]\n"
        "    mounts: [{hostPath: /host/a, containerPath: /a/b/c}, {hostPath: /host/b, containerPath: /b}]\n"
        "    hooks: [{hookName: poststop, path: /bin/stop}]\n"
        "- name: devzero\n"
        "  containerEdits:\n"
        "    env: [DEV=zero]\n"
        "    deviceNodes: [{path: /dev/zero, hostPath: /dev/zero}, {path: /dev/given, type: c, major: 195, minor: 7, "
        "fileMode: 0600, uid: 5, gid: 6}]\n"
        "    additionalGids: [0, 44, 44]\n"
        "- name: bad\n"
        "  containerEdits:\n"
        "    deviceNodes: [{path: /dev/null, type: b}]\n"
        "- name: gone\n"
        "  containerEdits:\n"
        "    deviceNodes: [{path: /nonexistent/node}]\n";

static const char inject_spec_b[] = "cdiVersion: 1.1.0\n"
                                    "kind: other.com/x\n"
                                    "containerEdits:\n"
                                    "  env: [OTHER=1]\n"
                                    "devices:\n"
                                    "- name: rdt\n"
                                    "  containerEdits:\n"
                                    "    intelRdt: {closID: clos1, schemata: [L3:0=f], enableMonitoring: true}\n"
                                    "    netDevices: [{hostInterfaceName: eth1, name: net1}]\n"
                                    "    deviceNodes: [{path: /dev/fifo, type: p}, {path: /dev/none, type: c, major: "
                                    "1, minor: 9, permissions: none}]\n";

static void inject_setup(void)
{
        struct error err = {0};
        const char *dir;

        make_tmp();
        dir = tmp_path("");
        write_file(tmp_path("a.yaml"), inject_spec_a);
        write_file(tmp_path("b.yaml"), inject_spec_b);
        if (cdi_cache_load(&err, &dir, 1, &cache) < 0)
                ck_abort_msg("%s", error_msg(&err));
        ck_assert_int_eq(oci_spec_parse(&err, "config.json", oci_base, strlen(oci_base), "/b", &oci), 0);
}

static void inject_teardown(void)
{
        oci_spec_free(&oci);
        cdi_cache_free(cache);
        remove_tmp();
}

static const char *json_at(const char *path)
{
        struct json_object *cur = oci.json;
        char buf[256], *save = NULL;

        snprintf(buf, sizeof(buf), "%s", path);
        for (char *tok = strtok_r(buf, ".", &save); tok != NULL && cur != NULL; tok = strtok_r(NULL, ".", &save)) {
                if (json_object_is_type(cur, json_type_array))
                        cur = json_object_array_get_idx(cur, (size_t)atoi(tok));
                else if (!json_object_object_get_ex(cur, tok, &cur))
                        cur = NULL;
        }
        return cur != NULL
                       ? json_object_to_json_string_ext(cur, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
                       : NULL;
}

static void inject_ok(const char *const *devices, size_t n)
{
        struct error err = {0};

        if (cdi_inject(&err, cache, &oci, devices, n) < 0)
                ck_abort_msg("%s", error_msg(&err));
}

START_TEST(inject_env)
{
        const char *devices[] = {"vendor.com/dev=devnull", "vendor.com/dev=devzero"};

        inject_ok(devices, 2);
        /* Spec edits first, then each device in request order; a name is
   * replaced where it is, new names are appended. */
        ck_assert_str_eq(json_at("process.env"), "[\"PATH=/bin\",\"FOO=devnull\",\"KEEP=1\",\"SPEC=1\",\"DEV=zero\"]");
}
END_TEST

START_TEST(inject_device_nodes)
{
        const char *devices[] = {"vendor.com/dev=devnull", "vendor.com/dev=devzero"};
        char expect[512];
        struct stat st;

        ck_assert_int_eq(stat("/dev/null", &st), 0);
        inject_ok(devices, 2);
        snprintf(expect, sizeof(expect),
                 "{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":%u}",
                 (unsigned)(st.st_mode & 07777));
        ck_assert_str_eq(json_at("linux.devices.0"), expect);
        ck_assert_str_eq(json_at("linux.devices.1.path"), "\"/dev/zero\"");
        ck_assert_str_eq(json_at("linux.devices.1.major"), "1");
        ck_assert_str_eq(json_at("linux.devices.1.minor"), "5");
        /* Given type and numbers are used as they are, without the host. */
        ck_assert_str_eq(json_at("linux.devices.2"),
                         "{\"path\":\"/dev/given\",\"type\":\"c\",\"major\":195,\"minor\":7,"
                         "\"fileMode\":384,\"uid\":5,\"gid\":6}");
        ck_assert_ptr_null(json_at("linux.devices.3"));
        /* A cgroup allow rule after the runtime's own, with the node's
   * permissions or rwm. */
        ck_assert_str_eq(json_at("linux.resources.devices"), "[{\"allow\":false,\"access\":\"rwm\"},"
                                                             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,"
                                                             "\"access\":\"rw\"},"
                                                             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":5,"
                                                             "\"access\":\"rwm\"},"
                                                             "{\"allow\":true,\"type\":\"c\",\"major\":195,\"minor\":7,"
                                                             "\"access\":\"rwm\"}]");
        ck_assert_str_eq(json_at("process.user.additionalGids"), "[44]");
        /* Every other field is kept, numbers as written. */
        ck_assert_str_eq(json_at("x-unknown"), "{\"kept\":1.50}");
        ck_assert_str_eq(json_at("linux.namespaces"), "[{\"type\":\"mount\"}]");
}
END_TEST

START_TEST(inject_node_owner)
{
        const char *devices[] = {"vendor.com/dev=devnull"};
        struct json_object *user;

        /* The process's ids go to nodes that name none (when above 0). */
        ck_assert(json_object_object_get_ex(json_object_object_get(oci.json, "process"), "user", &user));
        json_object_object_add(user, "uid", json_object_new_int(1000));
        json_object_object_add(user, "gid", json_object_new_int(1001));
        inject_ok(devices, 1);
        ck_assert_str_eq(json_at("linux.devices.0.uid"), "1000");
        ck_assert_str_eq(json_at("linux.devices.0.gid"), "1001");
}
END_TEST

START_TEST(inject_node_replace)
{
        const char *devices[] = {"vendor.com/dev=devnull"};
        struct json_object *lnx = json_object_object_get(oci.json, "linux"), *devs = json_object_new_array();
        struct json_object *old = json_tokener_parse("{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":9,\"minor\":9}");
        struct json_object *other =
                json_tokener_parse("{\"path\":\"/dev/other\",\"type\":\"c\",\"major\":8,\"minor\":8}");

        json_object_array_add(devs, old);
        json_object_array_add(devs, other);
        json_object_object_add(lnx, "devices", devs);
        inject_ok(devices, 1);
        /* The node of the same path is removed, the new one appended. */
        ck_assert_str_eq(json_at("linux.devices.0.path"), "\"/dev/other\"");
        ck_assert_str_eq(json_at("linux.devices.1.path"), "\"/dev/null\"");
        ck_assert_str_eq(json_at("linux.devices.1.major"), "1");
        ck_assert_ptr_null(json_at("linux.devices.2"));
}
END_TEST

START_TEST(inject_mounts)
{
        const char *devices[] = {"vendor.com/dev=devnull"};

        inject_ok(devices, 1);
        /* /usr/lib/x is replaced (spec edits), /a/b/c and /b added, then all
   * are sorted by depth, stably: the runtime's order is kept within a
   * depth. */
        ck_assert_str_eq(json_at("mounts"), "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                                            "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
                                            "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"},"
                                            "{\"destination\":\"/b\",\"source\":\"/host/b\"},{\"destination\":\"/dev/"
                                            "pts\",\"type\":\"devpts\",\"source\":\"devpts\"},"
                                            "{\"destination\":\"/usr/lib/x\",\"source\":\"/host/"
                                            "lib\",\"options\":[\"ro\",\"rbind\"]},"
                                            "{\"destination\":\"/a/b/c\",\"source\":\"/host/a\"}]");
}
END_TEST

START_TEST(inject_hooks_once)
{
        const char *devices[] = {"vendor.com/dev=devnull", "vendor.com/dev=devzero", "vendor.com/dev=devnull"};

        inject_ok(devices, 3);
        /* Spec-level edits once although two of its devices are injected;
   * the runtime's hooks stay first; a device named twice counts once. */
        ck_assert_str_eq(json_at("hooks.createContainer"), "[{\"path\":\"/bin/existing\"},{\"path\":\"/bin/"
                                                           "spec-hook\",\"args\":[\"spec-hook\"],"
                                                           "\"env\":[\"A=1\"],\"timeout\":5}]");
        ck_assert_str_eq(json_at("hooks.poststop"), "[{\"path\":\"/bin/stop\"}]");
}
END_TEST

START_TEST(inject_other_edits)
{
        const char *devices[] = {"other.com/x=rdt", "vendor.com/dev=devzero"};

        inject_ok(devices, 2);
        ck_assert_str_eq(json_at("linux.intelRdt"), "{\"closID\":\"clos1\",\"schemata\":[\"L3:0=f\"],"
                                                    "\"enableMonitoring\":true}");
        ck_assert_str_eq(json_at("linux.netDevices"), "{\"eth1\":{\"name\":\"net1\"}}");
        /* A FIFO gets no cgroup rule; "none" gives a rule without access. */
        ck_assert_str_eq(json_at("linux.devices.0"), "{\"path\":\"/dev/fifo\",\"type\":\"p\",\"major\":0,\"minor\":0}");
        ck_assert_str_eq(json_at("linux.resources.devices.1"),
                         "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":9}");
        /* Each spec's own edits, in the order its first device came. */
        ck_assert_str_eq(json_at("process.env"), "[\"PATH=/"
                                                 "bin\",\"FOO=spec\",\"KEEP=1\",\"OTHER=1\",\"SPEC=1\",\"DEV=zero\"]");
}
END_TEST

/* A failure anywhere leaves the spec as it was. */
static void assert_untouched(const char *const *devices, size_t n, const char *error)
{
        struct error err = {0};
        char *before = strdup(json_object_to_json_string(oci.json));

        ck_assert_int_eq(cdi_inject(&err, cache, &oci, devices, n), -1);
        ck_assert_str_eq(error_msg(&err), error);
        ck_assert_str_eq(json_object_to_json_string(oci.json), before);
        free(before);
        error_reset(&err);
}

START_TEST(inject_unresolvable)
{
        const char *devices[] = {"vendor.com/dev=devnull", "vendor.com/dev=9", "nvidia.com/gpu=all",
                                 "vendor.com/dev=9"};
        const char *bad[] = {"vendor.com/dev=devnull", "vendor.com/dev=bad"};
        const char *gone[] = {"vendor.com/dev=devzero", "vendor.com/dev=gone"};

        assert_untouched(devices, 4, "unresolvable CDI devices vendor.com/dev=9, nvidia.com/gpu=all");
        assert_untouched(bad, 2,
                         "failed to inject devices: CDI device (\"/dev/null\", "
                         "\"/dev/null\"), host type mismatch (b, c)");
        assert_untouched(gone, 2,
                         "failed to inject devices: failed to stat CDI host device \"/nonexistent/node\": No such file "
                         "or directory");
}
END_TEST

START_TEST(inject_bad_oci)
{
        const char *devices[] = {"vendor.com/dev=devnull"};

        json_object_object_add(json_object_object_get(oci.json, "linux"), "devices", json_object_new_int(3));
        assert_untouched(devices, 1, "inject CDI devices: linux.devices: expected an array, got a number");
}
END_TEST

/* Specs built in memory (jit-cdi) are validated before anything is applied. */
START_TEST(inject_resolved)
{
        struct cdi_spec *good =
                parse_ok("jit", "cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ncontainerEdits: {env: [J=1]}\n"
                                "devices:\n- name: \"0\"\n  containerEdits: {env: [G=0]}\n");
        struct cdi_spec *bad = parse_ok("jit", "cdiVersion: 0.5.0\nkind: nvidia.com/gpu\n"
                                               "devices:\n- name: \"0\"\n  containerEdits: {mounts: [{hostPath: /a, "
                                               "containerPath: a}]}\n");
        struct cdi_request req[] = {{good, &good->devices[0]}, {bad, &bad->devices[0]}};
        char *before = strdup(json_object_to_json_string(oci.json));
        struct error err = {0};

        ck_assert_int_eq(cdi_inject_resolved(&err, &oci, req, 2), -1);
        ck_assert_str_eq(error_msg(&err), "inject CDI devices: jit:5:29: invalid device \"0\": invalid mount, relative "
                                          "container path \"a\"");
        ck_assert_str_eq(json_object_to_json_string(oci.json), before);
        ck_assert_int_eq(cdi_inject_resolved(&err, &oci, req, 1), 0);
        ck_assert_str_eq(json_at("process.env"), "[\"PATH=/bin\",\"FOO=old\",\"KEEP=1\",\"J=1\",\"G=0\"]");
        error_reset(&err);
        free(before);
        cdi_spec_free(good);
        cdi_spec_free(bad);
}
END_TEST

START_TEST(inject_nothing)
{
        char *before = strdup(json_object_to_json_string(oci.json));
        struct error err = {0};

        ck_assert_int_eq(cdi_inject(&err, cache, &oci, NULL, 0), 0);
        ck_assert_str_eq(json_object_to_json_string(oci.json), before);
        free(before);
}
END_TEST

Suite *cdi_suite(void)
{
        Suite *s = suite_create("cdi");
        TCase *parse = tcase_create("parse");
        TCase *validate = tcase_create("validate");
        TCase *cachetc = tcase_create("cache");
        TCase *inject = tcase_create("inject");

        tcase_add_test(parse, parse_nvidia_yaml);
        tcase_add_test(parse, parse_nvidia_json);
        tcase_add_test(parse, parse_scalars);
        tcase_add_loop_test(parse, parse_invalid, 0, NITEMS(bad_inputs));
        tcase_add_test(parse, parse_by_content);
        tcase_add_test(parse, load_files);
        tcase_add_loop_test(validate, validate_invalid, 0, NITEMS(bad_specs));
        tcase_add_loop_test(validate, version_table, 0, NITEMS(versions));
        tcase_add_test(validate, version_known);
        tcase_add_test(cachetc, cache_priority);
        tcase_add_test(cachetc, cache_empty);
        tcase_add_checked_fixture(inject, inject_setup, inject_teardown);
        tcase_add_test(inject, inject_env);
        tcase_add_test(inject, inject_device_nodes);
        tcase_add_test(inject, inject_node_owner);
        tcase_add_test(inject, inject_node_replace);
        tcase_add_test(inject, inject_mounts);
        tcase_add_test(inject, inject_hooks_once);
        tcase_add_test(inject, inject_other_edits);
        tcase_add_test(inject, inject_unresolvable);
        tcase_add_test(inject, inject_bad_oci);
        tcase_add_test(inject, inject_resolved);
        tcase_add_test(inject, inject_nothing);
        suite_add_tcase(s, parse);
        suite_add_tcase(s, validate);
        suite_add_tcase(s, cachetc);
        suite_add_tcase(s, inject);
        return s;
}
