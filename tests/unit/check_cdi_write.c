/* Writing CDI specs (cdi.h: cdi_spec_sort, cdi_spec_format,
 * cdi_spec_write_file): NVIDIA's YAML byte for byte, JSON in Go struct
 * order, go-yaml's quoting and key order, every field of the model through
 * both formats and back, the sorter, and the file's mode and atomicity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cdi.h"
#include "common/error.h"
#include "scratch.h"
#include "unit.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* What NVIDIA's nvidia-ctk writes (trimmed to one item of each kind). */
static const char nvidia_yaml[] = "---\n"
                                  "cdiVersion: 0.5.0\n"
                                  "containerEdits:\n"
                                  "  deviceNodes:\n"
                                  "  - path: /dev/nvidia-modeset\n"
                                  "  - path: /dev/nvidiactl\n"
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
                                  "    - bind\n"
                                  "devices:\n"
                                  "- containerEdits:\n"
                                  "    deviceNodes:\n"
                                  "    - path: /dev/nvidia0\n"
                                  "  name: \"0\"\n"
                                  "- containerEdits:\n"
                                  "    deviceNodes:\n"
                                  "    - path: /dev/nvidia0\n"
                                  "  name: all\n"
                                  "kind: nvidia.com/gpu\n";

/* The same spec as JSON, keys in another order than either writer's. */
static const char nvidia_json[] =
        "{\"kind\":\"nvidia.com/gpu\",\"cdiVersion\":\"0.5.0\",\"devices\":[{\"containerEdits\":{\"deviceNodes\":"
        "[{\"path\":\"/dev/nvidia0\"}]},\"name\":\"0\"},{\"name\":\"all\",\"containerEdits\":{\"deviceNodes\":[{"
        "\"path\":\"/dev/nvidia0\"}]}}],\"containerEdits\":{\"mounts\":[{\"options\":[\"ro\",\"nosuid\",\"nodev\","
        "\"bind\"],\"hostPath\":\"/usr/lib/x86_64-linux-gnu/libcuda.so.575.57.08\",\"containerPath\":"
        "\"/usr/lib/x86_64-linux-gnu/libcuda.so.575.57.08\"}],\"hooks\":[{\"path\":\"/usr/bin/nvidia-cdi-hook\","
        "\"hookName\":\"createContainer\",\"env\":[\"NVIDIA_CTK_DEBUG=false\"],\"args\":[\"nvidia-cdi-hook\","
        "\"create-symlinks\",\"--link\",\"libcuda.so.1::/usr/lib/x86_64-linux-gnu/libcuda.so\"]}],\"env\":["
        "\"NVIDIA_VISIBLE_DEVICES=void\"],\"deviceNodes\":[{\"path\":\"/dev/nvidia-modeset\"},{\"path\":"
        "\"/dev/nvidiactl\"}]}}";

/* Every field of the model. */
static const char full_yaml[] = "cdiVersion: 1.1.0\n"
                                "kind: vendor.com/class\n"
                                "annotations: {b: two, a: one}\n"
                                "devices:\n"
                                "- name: dev0\n"
                                "  annotations: {k: v}\n"
                                "  containerEdits:\n"
                                "    deviceNodes:\n"
                                "    - {path: /dev/x, hostPath: /dev/hx, type: c, major: 195, minor: 7,\n"
                                "       fileMode: 438, permissions: rw, uid: 1000, gid: 44}\n"
                                "    netDevices:\n"
                                "    - {hostInterfaceName: eth1, name: net0}\n"
                                "    additionalGids: [5, 4294967295]\n"
                                "containerEdits:\n"
                                "  env: [A=1]\n"
                                "  hooks:\n"
                                "  - {hookName: poststart, path: /bin/h, args: [h, x], env: [E=1], timeout: 30}\n"
                                "  mounts:\n"
                                "  - {hostPath: /h, containerPath: /c, options: [ro], type: tmpfs}\n"
                                "  intelRdt: {closID: clos, l3CacheSchema: 'L3:0=f', memBwSchema: 'MB:0=50',\n"
                                "             schemata: ['L2:0=3'], enableMonitoring: true}\n";

static const char full_json[] =
        "{\"cdiVersion\":\"1.1.0\",\"kind\":\"vendor.com/class\",\"annotations\":{\"a\":\"one\",\"b\":\"two\"},"
        "\"devices\":[{\"name\":\"dev0\",\"annotations\":{\"k\":\"v\"},\"containerEdits\":{\"deviceNodes\":[{"
        "\"path\":\"/dev/x\",\"hostPath\":\"/dev/hx\",\"type\":\"c\",\"major\":195,\"minor\":7,\"fileMode\":438,"
        "\"permissions\":\"rw\",\"uid\":1000,\"gid\":44}],\"additionalGids\":[5,4294967295],\"netDevices\":[{"
        "\"hostInterfaceName\":\"eth1\",\"name\":\"net0\"}]}}],\"containerEdits\":{\"env\":[\"A=1\"],\"hooks\":[{"
        "\"hookName\":\"poststart\",\"path\":\"/bin/h\",\"args\":[\"h\",\"x\"],\"env\":[\"E=1\"],\"timeout\":30}],"
        "\"mounts\":[{\"hostPath\":\"/h\",\"containerPath\":\"/c\",\"options\":[\"ro\"],\"type\":\"tmpfs\"}],"
        "\"intelRdt\":{\"closID\":\"clos\",\"l3CacheSchema\":\"L3:0=f\",\"memBwSchema\":\"MB:0=50\",\"schemata\":["
        "\"L2:0=3\"],\"enableMonitoring\":true}}}";

/* --- helpers ---------------------------------------------------------------- */

static struct cdi_spec *parse(const char *text, enum cdi_format format)
{
        struct error err = {0};
        struct cdi_spec *spec = NULL;

        if (cdi_spec_parse(&err, "test", text, strlen(text), format, &spec) < 0)
                ck_abort_msg("parse: %s", error_msg(&err));
        return spec;
}

static char *format(const struct cdi_spec *spec, enum cdi_format fmt)
{
        struct error err = {0};
        char *out = NULL;
        size_t len = 0;

        if (cdi_spec_format(&err, spec, fmt, &out, &len) < 0)
                ck_abort_msg("format: %s", error_msg(&err));
        ck_assert_uint_eq(len, strlen(out));
        return out;
}

/* The spec in fmt, parsed back. */
static struct cdi_spec *round_trip(const struct cdi_spec *spec, enum cdi_format fmt)
{
        char *text = format(spec, fmt);
        struct cdi_spec *back = parse(text, fmt);

        free(text);
        return back;
}

static char *read_file(const char *path)
{
        FILE *f = fopen(path, "re");
        char *buf = calloc(1, 65536);
        size_t n;

        ck_assert_ptr_nonnull(f);
        ck_assert_ptr_nonnull(buf);
        n = fread(buf, 1, 65535, f);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

static void write_text(const char *path, const char *text, mode_t mode)
{
        FILE *f = fopen(path, "we");

        ck_assert_ptr_nonnull(f);
        ck_assert_int_ge(fputs(text, f), 0);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(chmod(path, mode), 0);
}

/* --- NVIDIA's layout ---------------------------------------------------------- */

/* input (in format from) written in format to is want. */
static void expect_format(const char *input, enum cdi_format from, enum cdi_format to, const char *want)
{
        struct cdi_spec *spec = parse(input, from);
        char *out = format(spec, to);

        ck_assert_str_eq(out, want);
        free(out);
        cdi_spec_free(spec);
}

START_TEST(yaml_nvidia_round_trip)
{
        expect_format(nvidia_yaml, CDI_FORMAT_YAML, CDI_FORMAT_YAML, nvidia_yaml);
        expect_format(nvidia_yaml, CDI_FORMAT_YAML, CDI_FORMAT_AUTO, nvidia_yaml);
}
END_TEST

START_TEST(yaml_from_json)
{
        expect_format(nvidia_json, CDI_FORMAT_JSON, CDI_FORMAT_YAML, nvidia_yaml);
}
END_TEST

/* Keys in the Go structs' order, compact, no newline at the end. */
START_TEST(json_key_order)
{
        expect_format(
                nvidia_yaml, CDI_FORMAT_YAML, CDI_FORMAT_JSON,
                "{\"cdiVersion\":\"0.5.0\",\"kind\":\"nvidia.com/gpu\",\"devices\":[{\"name\":\"0\",\"containerEdits\":{"
                "\"deviceNodes\":[{\"path\":\"/dev/nvidia0\"}]}},{\"name\":\"all\",\"containerEdits\":{\"deviceNodes\":[{"
                "\"path\":\"/dev/nvidia0\"}]}}],\"containerEdits\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=void\"],"
                "\"deviceNodes\":[{\"path\":\"/dev/nvidia-modeset\"},{\"path\":\"/dev/nvidiactl\"}],\"hooks\":[{"
                "\"hookName\":\"createContainer\",\"path\":\"/usr/bin/nvidia-cdi-hook\",\"args\":[\"nvidia-cdi-hook\","
                "\"create-symlinks\",\"--link\",\"libcuda.so.1::/usr/lib/x86_64-linux-gnu/libcuda.so\"],\"env\":["
                "\"NVIDIA_CTK_DEBUG=false\"]}],\"mounts\":[{\"hostPath\":\"/usr/lib/x86_64-linux-gnu/libcuda.so."
                "575.57.08\",\"containerPath\":\"/usr/lib/x86_64-linux-gnu/libcuda.so.575.57.08\",\"options\":[\"ro\","
                "\"nosuid\",\"nodev\",\"bind\"]}]}}");
}
END_TEST

START_TEST(json_every_field)
{
        expect_format(full_yaml, CDI_FORMAT_YAML, CDI_FORMAT_JSON, full_json);
}
END_TEST

/* --- scalars and keys ------------------------------------------------------------ */

static const struct {
        const char *name;
        const char *yaml; /* as written after "name: " */
} scalars[] = {
        {"0", "\"0\""},
        {"1e3", "\"1e3\""},
        {"yes", "\"yes\""},
        {"on", "\"on\""},
        {"Off", "\"Off\""},
        {"y", "\"y\""},
        {"null", "\"null\""},
        {"~", "\"~\""},
        {"", "\"\""},
        {"0x1F", "\"0x1F\""},
        {"0o17", "\"0o17\""},
        {"0b101", "\"0b101\""},
        {"08", "\"08\""},
        {".inf", "\".inf\""},
        {"-.Inf", "\"-.Inf\""},
        {".5", "\".5\""},
        {"1.5", "\"1.5\""},
        {"-1", "\"-1\""},
        {"+1", "\"+1\""},
        {"1_000", "\"1_000\""},
        {"99999999999999999999999", "\"99999999999999999999999\""},
        {"1:20", "\"1:20\""},
        {"2001-12-14", "\"2001-12-14\""},
        {"2001-12-14t21:59:43.10-05:00", "\"2001-12-14t21:59:43.10-05:00\""},
        {"2001-02-30", "2001-02-30"},
        {"0xFFFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFFF"},
        {"GPU-0-FAKE-UUID", "GPU-0-FAKE-UUID"},
        {"all", "all"},
        {"0-1", "0-1"},
        {"1.2.3", "1.2.3"},
        {"yesno", "yesno"},
        {"<<", "<<"},
        {"a: b", "'a: b'"},
        {"-", "'-'"},
        {"#x", "'#x'"},
        {"é", "é"},
        {"tab\t", "\"tab\\t\""},
};

START_TEST(yaml_scalars)
{
        struct cdi_spec *spec = parse(nvidia_yaml, CDI_FORMAT_YAML), *back;
        char *out, *line;

        free(spec->devices[1].name);
        spec->devices[1].name = strdup(scalars[_i].name);
        out = format(spec, CDI_FORMAT_YAML);
        ck_assert_int_ne(asprintf(&line, "\n  name: %s\nkind:", scalars[_i].yaml), -1);
        if (strstr(out, line) == NULL)
                ck_abort_msg("\"%s\" written as:\n%s", scalars[_i].name, out);
        back = parse(out, CDI_FORMAT_YAML);
        ck_assert_str_eq(back->devices[1].name, scalars[_i].name);
        cdi_spec_free(back);
        free(line);
        free(out);
        cdi_spec_free(spec);
}
END_TEST

START_TEST(yaml_multiline)
{
        struct cdi_spec *spec = parse(nvidia_yaml, CDI_FORMAT_YAML), *back;

        free(spec->edits.env[0]);
        spec->edits.env[0] = strdup("A=line one\nline two");
        back = round_trip(spec, CDI_FORMAT_YAML);
        ck_assert_str_eq(back->edits.env[0], "A=line one\nline two");
        cdi_spec_free(back);
        back = round_trip(spec, CDI_FORMAT_JSON);
        ck_assert_str_eq(back->edits.env[0], "A=line one\nline two");
        cdi_spec_free(back);
        cdi_spec_free(spec);
}
END_TEST

/* Annotation keys: go-yaml's order in YAML (numbers by value, other
 * characters before letters), byte order in JSON (Go's encoding/json). */
START_TEST(annotation_order)
{
        struct cdi_spec *spec = parse("cdiVersion: 0.6.0\nkind: a.com/b\n"
                                      "annotations: {a10: x, a2: y, b: z, _x: w, A: v}\n"
                                      "devices: [{name: d, containerEdits: {env: [A=1]}}]\n",
                                      CDI_FORMAT_YAML);
        char *yaml = format(spec, CDI_FORMAT_YAML), *json = format(spec, CDI_FORMAT_JSON);

        ck_assert_str_eq(yaml, "---\nannotations:\n  _x: w\n  A: v\n  a2: \"y\"\n  a10: x\n  b: z\ncdiVersion: 0.6.0\n"
                               "devices:\n- containerEdits:\n    env:\n    - A=1\n  name: d\nkind: a.com/b\n");
        ck_assert_ptr_nonnull(strstr(json, "{\"A\":\"v\",\"_x\":\"w\",\"a10\":\"x\",\"a2\":\"y\",\"b\":\"z\"}"));
        free(yaml);
        free(json);
        cdi_spec_free(spec);
}
END_TEST

/* Empty edits are left out at the spec's level; a device's and the list of
 * devices are required, so they are written empty. */
START_TEST(empty_parts)
{
        struct cdi_spec spec = {.version = "0.3.0", .kind = "a.com/b"};
        struct cdi_device dev = {.name = "d"};
        char *out = format(&spec, CDI_FORMAT_YAML);

        ck_assert_str_eq(out, "---\ncdiVersion: 0.3.0\ndevices: []\nkind: a.com/b\n");
        free(out);
        spec.devices = &dev;
        spec.n_devices = 1;
        out = format(&spec, CDI_FORMAT_JSON);
        ck_assert_str_eq(out, "{\"cdiVersion\":\"0.3.0\",\"kind\":\"a.com/b\",\"devices\":[{\"name\":\"d\","
                              "\"containerEdits\":{}}]}");
        free(out);
        out = format(&spec, CDI_FORMAT_YAML);
        ck_assert_str_eq(out, "---\ncdiVersion: 0.3.0\ndevices:\n- containerEdits: {}\n  name: d\nkind: a.com/b\n");
        free(out);
}
END_TEST

START_TEST(invalid_utf8)
{
        struct cdi_spec spec = {.version = "0.3.0", .kind = "a.com/b\xff"};
        struct error err = {0};
        char *out = NULL;
        size_t len = 0;

        ck_assert_int_eq(cdi_spec_format(&err, &spec, CDI_FORMAT_JSON, &out, &len), -1);
        ck_assert_str_eq(error_msg(&err), "format CDI spec: a string is not valid UTF-8");
        ck_assert_ptr_null(out);
        error_reset(&err);
}
END_TEST

/* --- every field, both ways -------------------------------------------------------- */

static void check_full(const struct cdi_spec *s)
{
        const struct cdi_device *d = &s->devices[0];
        const struct cdi_device_node *n = &d->edits.device_nodes[0];
        const struct cdi_intel_rdt *r = s->edits.intel_rdt;

        ck_assert_str_eq(s->version, "1.1.0");
        ck_assert_str_eq(s->kind, "vendor.com/class");
        ck_assert_uint_eq(s->n_annotations, 2);
        ck_assert_uint_eq(s->n_devices, 1);
        ck_assert_str_eq(d->name, "dev0");
        ck_assert_uint_eq(d->n_annotations, 1);
        ck_assert_str_eq(d->annotations[0].key, "k");
        ck_assert_str_eq(d->annotations[0].value, "v");
        ck_assert_str_eq(n->path, "/dev/x");
        ck_assert_str_eq(n->host_path, "/dev/hx");
        ck_assert_str_eq(n->type, "c");
        ck_assert_int_eq(n->major, 195);
        ck_assert_int_eq(n->minor, 7);
        ck_assert(n->has_file_mode && n->file_mode == 0666);
        ck_assert_str_eq(n->permissions, "rw");
        ck_assert(n->has_uid && n->uid == 1000);
        ck_assert(n->has_gid && n->gid == 44);
        ck_assert(d->edits.has_net_devices && d->edits.n_net_devices == 1);
        ck_assert_str_eq(d->edits.net_devices[0].host_interface_name, "eth1");
        ck_assert_str_eq(d->edits.net_devices[0].name, "net0");
        ck_assert_uint_eq(d->edits.n_additional_gids, 2);
        ck_assert_uint_eq(d->edits.additional_gids[0], 5);
        ck_assert_uint_eq(d->edits.additional_gids[1], 4294967295u);
        ck_assert_str_eq(s->edits.env[0], "A=1");
        ck_assert_str_eq(s->edits.hooks[0].hook_name, "poststart");
        ck_assert_str_eq(s->edits.hooks[0].path, "/bin/h");
        ck_assert_str_eq(s->edits.hooks[0].args[1], "x");
        ck_assert_str_eq(s->edits.hooks[0].env[0], "E=1");
        ck_assert(s->edits.hooks[0].has_timeout && s->edits.hooks[0].timeout == 30);
        ck_assert_str_eq(s->edits.mounts[0].host_path, "/h");
        ck_assert_str_eq(s->edits.mounts[0].container_path, "/c");
        ck_assert_str_eq(s->edits.mounts[0].options[0], "ro");
        ck_assert_str_eq(s->edits.mounts[0].type, "tmpfs");
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(r->clos_id, "clos");
        ck_assert_str_eq(r->l3_cache_schema, "L3:0=f");
        ck_assert_str_eq(r->mem_bw_schema, "MB:0=50");
        ck_assert(r->has_schemata && strcmp(r->schemata[0], "L2:0=3") == 0);
        ck_assert(r->has_enable_monitoring && r->enable_monitoring);
        ck_assert(!r->has_enable_cmt && !r->has_enable_mbm);
        ck_assert_str_eq(cdi_spec_required_version(s), "1.1.0");
}

START_TEST(every_field_round_trip)
{
        struct cdi_spec *spec = parse(full_yaml, CDI_FORMAT_YAML), *yaml, *json, *again;
        char *a, *b;

        check_full(spec);
        yaml = round_trip(spec, CDI_FORMAT_YAML);
        check_full(yaml);
        json = round_trip(spec, CDI_FORMAT_JSON);
        check_full(json);
        again = round_trip(yaml, CDI_FORMAT_JSON);
        a = format(again, CDI_FORMAT_YAML);
        b = format(spec, CDI_FORMAT_YAML);
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
        cdi_spec_free(again);
        cdi_spec_free(json);
        cdi_spec_free(yaml);
        cdi_spec_free(spec);
}
END_TEST

/* Flags for keys only valid before 1.1.0, and written false. */
START_TEST(intel_rdt_flags)
{
        struct cdi_spec *spec = parse("cdiVersion: 0.7.0\nkind: a.com/b\ndevices: [{name: d, containerEdits: "
                                      "{intelRdt: {enableCMT: false, enableMBM: true}}}]\n",
                                      CDI_FORMAT_YAML),
                        *back = round_trip(spec, CDI_FORMAT_YAML);
        const struct cdi_intel_rdt *r = back->devices[0].edits.intel_rdt;
        char *json = format(spec, CDI_FORMAT_JSON);

        ck_assert(r->has_enable_cmt && !r->enable_cmt && r->has_enable_mbm && r->enable_mbm);
        ck_assert(!r->has_schemata && !r->has_enable_monitoring);
        ck_assert_ptr_nonnull(strstr(json, "\"intelRdt\":{\"enableCMT\":false,\"enableMBM\":true}"));
        free(json);
        cdi_spec_free(back);
        cdi_spec_free(spec);
}
END_TEST

/* --- sorting ----------------------------------------------------------------------- */

START_TEST(sort_by_depth_then_path)
{
        struct cdi_spec *spec = parse("cdiVersion: 0.5.0\nkind: a.com/b\ndevices:\n"
                                      "- {name: b, containerEdits: {deviceNodes: [{path: /dev/z/a}, {path: /dev/b}]}}\n"
                                      "- {name: a, containerEdits: {env: [X=1]}}\n"
                                      "- {name: '10', containerEdits: {env: [X=1]}}\n"
                                      "- {name: '2', containerEdits: {env: [X=1]}}\n"
                                      "containerEdits:\n  deviceNodes:\n"
                                      "  - {path: /dev/nvidia1}\n  - {path: /dev/dri/card0}\n"
                                      "  - {path: /dev/nvidia0}\n  - {path: '/dev//nvidia-caps/../z'}\n"
                                      "  - {path: /dev/nvidia-caps/nvidia-cap1/}\n  mounts:\n"
                                      "  - {hostPath: /h1, containerPath: /usr/lib/x/libb.so}\n"
                                      "  - {hostPath: /h2, containerPath: /a}\n"
                                      "  - {hostPath: /h3, containerPath: /usr/lib/liba.so}\n"
                                      "  - {hostPath: /h4, containerPath: /a}\n"
                                      "  - {hostPath: /h5, containerPath: /usr/lib/liba.so}\n"
                                      "  - {hostPath: /h6, containerPath: .}\n",
                                      CDI_FORMAT_YAML);
        static const char *const nodes[] = {"/dev//nvidia-caps/../z", "/dev/nvidia0", "/dev/nvidia1",
                                            "/dev/dri/card0", "/dev/nvidia-caps/nvidia-cap1/"};
        static const char *const hosts[] = {"/h6", "/h2", "/h4", "/h3", "/h5", "/h1"};
        static const char *const names[] = {"10", "2", "a", "b"};

        cdi_spec_sort(spec);
        for (size_t i = 0; i < NITEMS(nodes); i++)
                ck_assert_str_eq(spec->edits.device_nodes[i].path, nodes[i]);
        for (size_t i = 0; i < NITEMS(hosts); i++)
                ck_assert_str_eq(spec->edits.mounts[i].host_path, hosts[i]);
        for (size_t i = 0; i < NITEMS(names); i++)
                ck_assert_str_eq(spec->devices[i].name, names[i]);
        ck_assert_str_eq(spec->devices[3].edits.device_nodes[0].path, "/dev/b");
        ck_assert_str_eq(spec->devices[3].edits.device_nodes[1].path, "/dev/z/a");
        cdi_spec_free(spec);
}
END_TEST

/* Equal keys keep their order, however many. */
START_TEST(sort_stable)
{
        struct cdi_mount mounts[40];
        char paths[40][16], hosts[40][16];
        struct cdi_spec spec = {.edits = {.mounts = mounts, .n_mounts = NITEMS(mounts)}};

        for (size_t i = 0; i < NITEMS(mounts); i++) {
                snprintf(paths[i], sizeof(paths[i]), "/p%zu", (NITEMS(mounts) - i) % 3);
                snprintf(hosts[i], sizeof(hosts[i]), "%02zu", i);
                mounts[i] = (struct cdi_mount){.container_path = paths[i], .host_path = hosts[i]};
        }
        cdi_spec_sort(&spec);
        for (size_t i = 1; i < NITEMS(mounts); i++) {
                int c = strcmp(mounts[i - 1].container_path, mounts[i].container_path);

                ck_assert_int_le(c, 0);
                if (c == 0)
                        ck_assert_str_lt(mounts[i - 1].host_path, mounts[i].host_path);
        }
}
END_TEST

/* --- files ------------------------------------------------------------------------- */

static void write_setup(void)
{
        scratch_make("cdi-write");
}

static void write_teardown(void)
{
        scratch_remove();
}

static void write_ok(const struct cdi_spec *spec, const char *path, enum cdi_format fmt)
{
        struct error err = {0};

        if (cdi_spec_write_file(&err, spec, path, fmt) < 0)
                ck_abort_msg("write: %s", error_msg(&err));
}

static void expect_mode(const char *path, mode_t mode)
{
        struct stat st;

        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, mode);
}

START_TEST(write_mode_and_format)
{
        struct cdi_spec *spec = parse(nvidia_yaml, CDI_FORMAT_YAML);
        char *json = format(spec, CDI_FORMAT_JSON), *text;
        mode_t old = umask(077);

        write_ok(spec, scratch_path("nvidia.yaml"), CDI_FORMAT_AUTO);
        write_ok(spec, scratch_path("nvidia.json"), CDI_FORMAT_AUTO);
        write_ok(spec, scratch_path("nvidia.txt"), CDI_FORMAT_JSON);
        /* An existing file of another mode ends up 0644 too. */
        write_text(scratch_path("old.yml"), "old", 0600);
        write_ok(spec, scratch_path("old.yml"), CDI_FORMAT_AUTO);
        umask(old);
        expect_mode(scratch_path("nvidia.yaml"), 0644);
        expect_mode(scratch_path("nvidia.json"), 0644);
        expect_mode(scratch_path("old.yml"), 0644);
        ck_assert_str_eq(text = read_file(scratch_path("nvidia.yaml")), nvidia_yaml);
        free(text);
        ck_assert_str_eq(text = read_file(scratch_path("old.yml")), nvidia_yaml);
        free(text);
        ck_assert_str_eq(text = read_file(scratch_path("nvidia.json")), json);
        free(text);
        ck_assert_str_eq(text = read_file(scratch_path("nvidia.txt")), json);
        free(text);
        free(json);
        cdi_spec_free(spec);
}
END_TEST

START_TEST(write_failures)
{
        struct cdi_spec *spec = parse(nvidia_yaml, CDI_FORMAT_YAML);
        struct error err = {0};
        char *text, *missing = strdup(scratch_path("missing/spec.yaml"));

        ck_assert_int_eq(cdi_spec_write_file(&err, spec, missing, CDI_FORMAT_AUTO), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), missing));
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "No such file or directory"));
        error_reset(&err);
        ck_assert_int_ne(access(scratch_path("missing"), F_OK), 0);
        free(missing);
        /* A spec that cannot be written leaves the file as it was. */
        write_text(scratch_path("keep.yaml"), "old", 0600);
        free(spec->kind);
        spec->kind = strdup("a.com/\xc3");
        ck_assert_int_eq(cdi_spec_write_file(&err, spec, scratch_path("keep.yaml"), CDI_FORMAT_AUTO), -1);
        error_reset(&err);
        ck_assert_str_eq(text = read_file(scratch_path("keep.yaml")), "old");
        free(text);
        expect_mode(scratch_path("keep.yaml"), 0600);
        cdi_spec_free(spec);
}
END_TEST

Suite *cdi_write_suite(void)
{
        Suite *s = suite_create("cdi_write");
        TCase *fmt = tcase_create("format");
        TCase *sort = tcase_create("sort");
        TCase *file = tcase_create("file");

        tcase_add_test(fmt, yaml_nvidia_round_trip);
        tcase_add_test(fmt, yaml_from_json);
        tcase_add_test(fmt, json_key_order);
        tcase_add_test(fmt, json_every_field);
        tcase_add_loop_test(fmt, yaml_scalars, 0, NITEMS(scalars));
        tcase_add_test(fmt, yaml_multiline);
        tcase_add_test(fmt, annotation_order);
        tcase_add_test(fmt, empty_parts);
        tcase_add_test(fmt, invalid_utf8);
        tcase_add_test(fmt, every_field_round_trip);
        tcase_add_test(fmt, intel_rdt_flags);
        tcase_add_test(sort, sort_by_depth_then_path);
        tcase_add_test(sort, sort_stable);
        tcase_add_checked_fixture(file, write_setup, write_teardown);
        tcase_add_test(file, write_mode_and_format);
        tcase_add_test(file, write_failures);
        suite_add_tcase(s, fmt);
        suite_add_tcase(s, sort);
        suite_add_tcase(s, file);
        return s;
}
