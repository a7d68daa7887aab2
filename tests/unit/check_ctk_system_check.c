/* `nvidia-ctk system check`'s pure parts (src/ctk/system_check_*.c): the
 * engines' version strings and the table of the CDI versions they read,
 * the staleness of a CDI spec against a driver (host paths in a scratch
 * root), docker's daemon.json analysis, host paths inside a root, and the
 * text and JSON renderings of a report. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctk/system_check.h"
#include "scratch.h"
#include "unit.h"

/* --- helpers ---------------------------------------------------------------------- */

static void touch(const char *rel, mode_t mode)
{
        char dir[4096];
        int fd;

        snprintf(dir, sizeof(dir), "mkdir -p \"$(dirname '%s')\"", scratch_path(rel));
        ck_assert_int_eq(system(dir), 0);
        fd = open(scratch_path(rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        ck_assert_int_ge(fd, 0);
        close(fd);
        ck_assert_int_eq(chmod(scratch_path(rel), mode), 0);
}

/* The only finding of r with that status and check, as "STATUS|MESSAGE|WHY|FIX". */
static const char *only(const struct ctk_report *r)
{
        static char buf[8192];
        static const char *const names[] = {"ok", "warn", "fail"};
        const struct ctk_finding *f;

        ck_assert_msg(r->n == 1, "%zu findings, first: %s", r->n, r->n > 0 ? r->v[0].message : "none");
        f = &r->v[0];
        snprintf(buf, sizeof(buf), "%s|%s|%s|%s|%s", names[f->status], f->check, f->message,
                 f->why != NULL ? f->why : "-", f->fix != NULL ? f->fix : "-");
        return buf;
}

/* The finding at i as "STATUS CHECK MESSAGE". */
static const char *line(const struct ctk_report *r, size_t i)
{
        static char buf[4096];
        static const char *const names[] = {"ok", "warn", "fail"};

        ck_assert_uint_lt(i, r->n);
        snprintf(buf, sizeof(buf), "%s %s %s", names[r->v[i].status], r->v[i].check, r->v[i].message);
        return buf;
}

/* --- versions ----------------------------------------------------------------------- */

static const struct {
        const char *text, *want; /* want NULL: no version */
} version_cases[] = {
        {"podman version 4.3.1\n", "4.3.1"},
        {"containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3\n", "1.6.20"},
        {"containerd github.com/containerd/containerd/v2 v2.0.0 207ad711eabd375a01713109a8a197d197ff65\n", "2.0.0"},
        {"Docker version 20.10.24+dfsg1, build 5d6db84\n", "20.10.24"},
        {"crio version 1.28.1\nVersion:        1.28.1\nGitCommit:      unknown\n", "1.28.1"},
        {"Version:        1.30.0\n", "1.30.0"},
        {"NVRM version: NVIDIA UNIX x86_64 Kernel Module  575.57.08  Sat May 24 07:21:24 UTC 2025", "575.57.08"},
        {"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.15  Release Build", "550.54.15"},
        {"podman version 5.2", "5.2"},
        {"no version here, v. 1 only", NULL},
        {"x86_64 build 2a.b", NULL},
        {"", NULL},
};

START_TEST(engine_versions)
{
        const char *text = version_cases[_i].text, *want = version_cases[_i].want;
        char buf[64];

        if (want == NULL) {
                ck_assert_int_eq(ctk_check_parse_version(text, buf, sizeof(buf)), -1);
                return;
        }
        ck_assert_msg(ctk_check_parse_version(text, buf, sizeof(buf)) == 0, "no version in \"%s\"", text);
        ck_assert_str_eq(buf, want);
}
END_TEST

static const struct {
        const char *engine, *version, *reads; /* reads NULL: no CDI */
} reads_cases[] = {
        {"podman", "4.0.3", NULL},         {"podman", "4.2.0", "0.4.0"},      {"podman", "4.3.1", "0.5.0"},
        {"podman", "4.9.3", "0.6.0"},      {"podman", "5.0.0", "0.6.0"},      {"podman", "5.1.2", "0.7.0"},
        {"podman", "5.2", "0.8.0"},        {"podman", "5.5.1", "1.0.0"},      {"containerd", "1.6.20", NULL},
        {"containerd", "1.7.0", "0.5.0"},  {"containerd", "1.7.12", "0.5.0"}, {"containerd", "1.7.13", "0.6.0"},
        {"containerd", "1.7.27", "0.7.0"}, {"containerd", "2.0.0", "0.8.0"},  {"docker", "20.10.24", NULL},
        {"docker", "25.0.3", "0.6.0"},     {"docker", "27.5.1", "0.7.0"},     {"docker", "28.0.1", "0.8.0"},
        {"docker", "28.2.2", "1.0.0"},     {"crio", "1.22.5", NULL},          {"crio", "1.28.1", "0.5.0"},
        {"crio", "1.32.0", "0.8.0"},       {"runc", "1.1.5", NULL},
};

START_TEST(cdi_table)
{
        const char *engine = reads_cases[_i].engine, *version = reads_cases[_i].version;
        const char *want = reads_cases[_i].reads, *got = ctk_check_cdi_reads(engine, version);

        if (want == NULL)
                ck_assert_msg(got == NULL, "%s %s reads %s", engine, version, got);
        else
                ck_assert_msg(got != NULL && strcmp(got, want) == 0, "%s %s reads %s, not %s", engine, version,
                              got != NULL ? got : "nothing", want);
}
END_TEST

START_TEST(cdi_since)
{
        ck_assert_str_eq(ctk_check_cdi_since("podman"), "4.1.0");
        ck_assert_str_eq(ctk_check_cdi_since("docker"), "25.0.0");
        ck_assert_str_eq(ctk_check_cdi_since("runc"), "?");
}
END_TEST

/* --- host paths ------------------------------------------------------------------------ */

static void expect_host_path(const char *root, const char *path, const char *want)
{
        char *got = ctk_host_path(root, path);

        ck_assert_ptr_nonnull(got);
        ck_assert_str_eq(got, want);
        free(got);
}

START_TEST(host_paths)
{
        expect_host_path("/", "/usr//bin/", "/usr/bin");
        expect_host_path("/r", "/usr/bin", "/r/usr/bin");
        expect_host_path("/r/", "/r/usr/bin", "/r/usr/bin");
        expect_host_path("/r", "/rx/y", "/r/rx/y");
        expect_host_path("/r", "/r", "/r");
        expect_host_path("/r", "etc/x", "/r/etc/x");
}
END_TEST

START_TEST(host_which)
{
        char *found;

        scratch_make("syscheck-which");
        touch("usr/sbin/tool", 0755);
        touch("bin/plain", 0644);
        touch("opt/x/runtime", 0755);
        found = ctk_host_which(scratch_dir(), "tool");
        ck_assert_ptr_nonnull(found);
        ck_assert_str_eq(found, scratch_path("usr/sbin/tool"));
        free(found);
        ck_assert_ptr_null(ctk_host_which(scratch_dir(), "plain"));
        ck_assert_ptr_null(ctk_host_which(scratch_dir(), "missing"));
        ck_assert_ptr_null(ctk_host_which(scratch_dir(), ""));
        found = ctk_host_which(scratch_dir(), "/opt/x/runtime");
        ck_assert_ptr_nonnull(found);
        ck_assert_str_eq(found, scratch_path("opt/x/runtime"));
        free(found);
        ck_assert_ptr_null(ctk_host_which(scratch_dir(), "/opt/x"));
        scratch_remove();
}
END_TEST

/* --- staleness -------------------------------------------------------------------------- */

/* A spec of two GPUs (minors 0 and 1) made for driver 575.57.08, its host
 * paths in the scratch root; @ROOT@ is replaced by it. */
static const char spec_text[] =
        "cdiVersion: 0.5.0\n"
        "kind: nvidia.com/gpu\n"
        "devices:\n"
        "- name: \"0\"\n"
        "  containerEdits:\n"
        "    deviceNodes:\n"
        "    - path: /dev/nvidia0\n"
        "      hostPath: @ROOT@/dev/nvidia0\n"
        "- name: \"1\"\n"
        "  containerEdits:\n"
        "    deviceNodes:\n"
        "    - path: /dev/nvidia1\n"
        "      hostPath: @ROOT@/dev/nvidia1\n"
        "- name: all\n"
        "  containerEdits:\n"
        "    deviceNodes:\n"
        "    - path: /dev/nvidia0\n"
        "      hostPath: @ROOT@/dev/nvidia0\n"
        "    - path: /dev/nvidia1\n"
        "      hostPath: @ROOT@/dev/nvidia1\n"
        "containerEdits:\n"
        "  deviceNodes:\n"
        "  - path: /dev/nvidiactl\n"
        "    hostPath: @ROOT@/dev/nvidiactl\n"
        "  hooks:\n"
        "  - hookName: createContainer\n"
        "    path: /usr/bin/nvidia-cdi-hook\n"
        "    args: [nvidia-cdi-hook, enable-cuda-compat, --host-driver-version=575.57.08]\n"
        "  mounts:\n"
        "  - hostPath: @ROOT@/usr/lib/libcuda.so.575.57.08\n"
        "    containerPath: /usr/lib/libcuda.so.575.57.08\n"
        "    options: [ro, nosuid, nodev, bind]\n";

static struct cdi_spec *load_spec(const char *text)
{
        char buf[8192], *out = buf;
        struct cdi_spec *spec = NULL;
        struct error err = {0};

        for (const char *p = text; *p != '\0';) {
                if (strncmp(p, "@ROOT@", 6) == 0) {
                        out += sprintf(out, "%s", scratch_dir());
                        p += 6;
                } else {
                        *out++ = *p++;
                }
        }
        *out = '\0';
        ck_assert_msg(cdi_spec_parse(&err, "/etc/cdi/nvidia.yaml", buf, strlen(buf), CDI_FORMAT_YAML, &spec) == 0,
                      "%s", error_msg(&err));
        return spec;
}

static void make_driver_files(void)
{
        touch("dev/nvidia0", 0666);
        touch("dev/nvidia1", 0666);
        touch("dev/nvidiactl", 0666);
        touch("usr/bin/nvidia-cdi-hook", 0755);
        touch("usr/lib/libcuda.so.575.57.08", 0755);
}

START_TEST(spec_fresh)
{
        static const unsigned minors[] = {0, 1};
        struct ctk_report r = {NULL, 0, false};
        struct cdi_spec *spec;
        char want[8192];

        scratch_make("syscheck-fresh");
        make_driver_files();
        spec = load_spec(spec_text);
        ctk_check_spec_fresh(&r, spec, &(struct ctk_fresh_driver){scratch_dir(), "/", "575.57.08", minors, 2});
        ck_assert_str_eq(only(&r), "ok|cdi-fresh|/etc/cdi/nvidia.yaml matches driver 575.57.08 and its 2 GPUs|-|-");
        ctk_report_free(&r);

        /* another driver, and only one GPU */
        ctk_check_spec_fresh(&r, spec, &(struct ctk_fresh_driver){scratch_dir(), "/drv", "580.65.06", minors, 1});
        ck_assert_uint_eq(r.n, 2);
        ck_assert_str_eq(line(&r, 0),
                         "fail cdi-fresh stale CDI spec /etc/cdi/nvidia.yaml: made for driver 575.57.08, 580.65.06 is "
                         "loaded");
        ck_assert_str_eq(line(&r, 1), "fail cdi-fresh stale CDI spec /etc/cdi/nvidia.yaml: lists 2 GPUs, the driver "
                                      "has 1");
        ck_assert_str_eq(r.v[1].fix, "nvidia-ctk cdi generate --driver-root=/drv --output=/etc/cdi/nvidia.yaml, or "
                                     "systemctl restart nvidia-cdi-refresh.service");
        ctk_report_free(&r);

        /* the same count, another minor; and a file gone */
        ck_assert_int_eq(unlink(scratch_path("usr/lib/libcuda.so.575.57.08")), 0);
        ctk_check_spec_fresh(&r, spec, &(struct ctk_fresh_driver){scratch_dir(), "/", "575.57.08",
                                                                 (const unsigned[]){0, 2}, 2});
        ck_assert_uint_eq(r.n, 2);
        snprintf(want, sizeof(want), "fail cdi-fresh stale CDI spec /etc/cdi/nvidia.yaml: 1 path it names no longer "
                                     "exists, e.g. %s", scratch_path("usr/lib/libcuda.so.575.57.08"));
        ck_assert_str_eq(line(&r, 0), want);
        ck_assert_str_eq(line(&r, 1), "fail cdi-fresh stale CDI spec /etc/cdi/nvidia.yaml: lists /dev/nvidia1, which "
                                      "the driver does not have");
        ctk_report_free(&r);

        /* no driver loaded: only the paths count */
        ctk_check_spec_fresh(&r, spec, &(struct ctk_fresh_driver){scratch_dir(), "/", NULL, NULL, 0});
        ck_assert_uint_eq(r.n, 1);
        ck_assert_int_eq(r.v[0].status, CTK_CHECK_FAIL);
        ctk_report_free(&r);
        cdi_spec_free(spec);
        scratch_remove();
}
END_TEST

/* Paths outside the root are taken as inside it (a spec written there
 * names host paths as "/dev/nvidia0"). */
START_TEST(spec_fresh_root_relative)
{
        static const unsigned minors[] = {0};
        struct ctk_report r = {NULL, 0, false};
        struct cdi_spec *spec;

        scratch_make("syscheck-rel");
        touch("dev/nvidia0", 0666);
        spec = load_spec("cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices:\n- name: \"0\"\n  containerEdits:\n"
                         "    deviceNodes:\n    - path: /dev/nvidia0\n");
        ctk_check_spec_fresh(&r, spec, &(struct ctk_fresh_driver){scratch_dir(), "/", "575.57.08", minors, 1});
        ck_assert_str_eq(only(&r), "ok|cdi-fresh|/etc/cdi/nvidia.yaml matches driver 575.57.08 and its 1 GPU|-|-");
        ctk_report_free(&r);
        cdi_spec_free(spec);
        scratch_remove();
}
END_TEST

static void expect_spec_driver(const char *yaml, const char *want)
{
        struct cdi_spec *spec = load_spec(yaml);
        char buf[64];
        const char *got = ctk_check_spec_driver(spec, buf, sizeof(buf));

        if (want == NULL)
                ck_assert_ptr_null(got);
        else
                ck_assert_str_eq(got != NULL ? got : "(none)", want);
        cdi_spec_free(spec);
}

START_TEST(spec_driver_version)
{
        static const char head[] = "cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices:\n- name: all\n  containerEdits:\n"
                                   "    env: [A=1]\ncontainerEdits:\n  mounts:\n";
        char yaml[1024];

        scratch_make("syscheck-version");
        expect_spec_driver(spec_text, "575.57.08");
        snprintf(yaml, sizeof(yaml), "%s  - {hostPath: /usr/lib/libnvidia-ml.so.1, containerPath: /l1}\n"
                                     "  - {hostPath: /usr/lib/libnvidia-ml.so.550.54.15, containerPath: /l2}\n", head);
        expect_spec_driver(yaml, "550.54.15");
        snprintf(yaml, sizeof(yaml), "%s  - {hostPath: /lib/firmware/nvidia/535.104.05/gsp_tu10x.bin, "
                                     "containerPath: /fw}\n", head);
        expect_spec_driver(yaml, "535.104.05");
        snprintf(yaml, sizeof(yaml), "%s  - {hostPath: /usr/lib/libnvidia-egl-gbm.so.1.1.2, containerPath: /g}\n",
                 head);
        expect_spec_driver(yaml, NULL);
        scratch_remove();
}
END_TEST

/* --- docker ---------------------------------------------------------------------------------- */

static void docker(struct ctk_report *r, const char *text, struct ctk_docker_facts *facts)
{
        const struct ctk_docker_input in = {"/etc/docker/daemon.json", text, text != NULL ? strlen(text) : 0,
                                            scratch_dir(), ""};

        ctk_check_docker_json(r, &in, facts);
}

START_TEST(docker_runtime)
{
        struct ctk_report r = {NULL, 0, false};
        struct ctk_docker_facts facts;
        char want[4096];

        scratch_make("syscheck-docker");
        touch("usr/bin/nvidia-container-runtime", 0755);
        docker(&r, "{\"runtimes\": {\"nvidia\": {\"args\": [], \"path\": \"nvidia-container-runtime\"}}}", &facts);
        snprintf(want, sizeof(want), "ok|docker|runtime nvidia is %s (/etc/docker/daemon.json)|-|-",
                 scratch_path("usr/bin/nvidia-container-runtime"));
        ck_assert_str_eq(only(&r), want);
        ck_assert(facts.nvidia_runtime);
        ck_assert(!facts.cdi_feature);
        ck_assert_int_eq(facts.cgroup_driver, CTK_CGROUP_DRIVER_DEFAULT);
        ctk_report_free(&r);

        docker(&r, "{\"runtimes\": {\"nvidia\": {\"path\": \"/usr/bin/nvidia-container-runtime\"}}, "
                   "\"exec-opts\": [\"native.cgroupdriver=systemd\"], \"features\": {\"cdi\": true}}",
               &facts);
        ck_assert_int_eq(r.v[0].status, CTK_CHECK_OK);
        ck_assert(facts.cdi_feature);
        ck_assert_int_eq(facts.cgroup_driver, CTK_CGROUP_DRIVER_SYSTEMD);
        ctk_report_free(&r);
        scratch_remove();
}
END_TEST

START_TEST(docker_problems)
{
        struct ctk_report r = {NULL, 0, false};
        struct ctk_docker_facts facts;
        char want[4096];

        scratch_make("syscheck-docker-bad");
        docker(&r, NULL, &facts);
        ck_assert_str_eq(only(&r), "warn|docker|/etc/docker/daemon.json does not exist: docker has no nvidia runtime|"
                                   "`docker run --runtime=nvidia` fails with \"unknown or invalid runtime name: "
                                   "nvidia\"|nvidia-ctk runtime configure --runtime=docker && systemctl restart "
                                   "docker");
        ctk_report_free(&r);

        docker(&r, "  \n", &facts);
        ck_assert_str_eq(line(&r, 0), "warn docker /etc/docker/daemon.json has no runtimes.nvidia");
        ck_assert(!facts.nvidia_runtime);
        ctk_report_free(&r);

        docker(&r, "{\"runtimes\": {\"nvidia\": {\"path\": \"nvidia-container-runtime\"}},}", &facts);
        ck_assert_uint_eq(r.n, 1);
        ck_assert_str_eq(line(&r, 0), "fail docker /etc/docker/daemon.json: invalid JSON at line 1, column 63: "
                                      "unexpected character");
        ctk_report_free(&r);

        docker(&r, "[]", &facts);
        ck_assert_str_eq(line(&r, 0), "fail docker /etc/docker/daemon.json: expected an object, got an array");
        ctk_report_free(&r);

        docker(&r, "{\"runtimes\": {\"nvidia\": {\"path\": \"nvidia-container-runtime\"}}}", &facts);
        snprintf(want, sizeof(want), "fail|docker|/etc/docker/daemon.json: runtimes.nvidia.path "
                                     "\"nvidia-container-runtime\" is not an executable in the PATH directories of %s|"
                                     "`docker run --runtime=nvidia` fails to start the container (exec: "
                                     "\"nvidia-container-runtime\": executable file not found in $PATH)|",
                 scratch_dir());
        ck_assert_msg(strncmp(only(&r), want, strlen(want)) == 0, "%s", only(&r));
        ctk_report_free(&r);

        docker(&r, "{\"runtimes\": {\"nvidia\": {\"path\": \"/opt/nvidia/runtime\"}}}", &facts);
        ck_assert(strstr(only(&r), "(fork/exec /opt/nvidia/runtime: no such file or directory)") != NULL);
        ctk_report_free(&r);

        docker(&r, "{\"runtimes\": {\"nvidia\": {\"args\": []}}}", &facts);
        ck_assert_str_eq(line(&r, 0), "fail docker /etc/docker/daemon.json: runtimes.nvidia has no \"path\" string");
        ctk_report_free(&r);

        docker(&r, "{\"runtimes\": [], \"default-runtime\": \"nvidia\"}", &facts);
        ck_assert_str_eq(line(&r, 0), "fail docker /etc/docker/daemon.json: runtimes is an array, not an object");
        ctk_report_free(&r);

        docker(&r, "{\"default-runtime\": \"nvidia\"}", &facts);
        ck_assert_uint_eq(r.n, 2);
        ck_assert_str_eq(line(&r, 1), "fail docker /etc/docker/daemon.json: default-runtime \"nvidia\" is not defined "
                                      "in runtimes");
        ctk_report_free(&r);

        docker(&r, "{\"default-runtime\": \"runc\", \"exec-opts\": [\"native.cgroupdriver=cgroupfs\"]}", &facts);
        ck_assert_uint_eq(r.n, 1);
        ck_assert_int_eq(facts.cgroup_driver, CTK_CGROUP_DRIVER_CGROUPFS);
        ctk_report_free(&r);
        scratch_remove();
}
END_TEST

/* --- rendering ------------------------------------------------------------------------------- */

static void sample(struct ctk_report *r)
{
        ctk_report_add(r, "driver", CTK_CHECK_OK, "NVIDIA kernel driver %s is loaded (4 GPUs)", "575.57.08");
        ctk_report_why(r, "shown in JSON only");
        ctk_report_add(r, "persistence", CTK_CHECK_WARN, "nvidia-persistenced is not running");
        ctk_report_why(r, "slow starts");
        ctk_report_fix(r, "systemctl enable --now nvidia-persistenced");
        ctk_report_add(r, "toolkit-config", CTK_CHECK_FAIL, "broken \"%s\"", "x");
        ctk_report_fix(r, "correct it");
}

START_TEST(render_text)
{
        struct ctk_report r = {NULL, 0, false};
        char *text;

        text = ctk_report_text(&r);
        ck_assert_str_eq(text, "0 ok, 0 warnings, 0 failures\n");
        free(text);
        sample(&r);
        ck_assert(!r.nomem);
        text = ctk_report_text(&r);
        ck_assert_str_eq(text, "ok    driver         NVIDIA kernel driver 575.57.08 is loaded (4 GPUs)\n"
                               "warn  persistence    nvidia-persistenced is not running\n"
                               "      why: slow starts\n"
                               "      fix: systemctl enable --now nvidia-persistenced\n"
                               "fail  toolkit-config broken \"x\"\n"
                               "      fix: correct it\n"
                               "1 ok, 1 warning, 1 failure\n");
        free(text);
        ck_assert_uint_eq(ctk_report_count(&r, CTK_CHECK_FAIL), 1);
        ctk_report_free(&r);
        ck_assert_uint_eq(r.n, 0);
}
END_TEST

START_TEST(render_json)
{
        struct ctk_report r = {NULL, 0, false};
        struct json_object *arr, *o;
        char *text;

        sample(&r);
        text = ctk_report_json(&r);
        ck_assert_ptr_nonnull(text);
        ck_assert_int_eq(text[strlen(text) - 1], '\n');
        arr = json_tokener_parse(text);
        ck_assert_ptr_nonnull(arr);
        ck_assert_uint_eq(json_object_array_length(arr), 3);
        o = json_object_array_get_idx(arr, 0);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "check")), "driver");
        ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "status")), "ok");
        ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "why")), "shown in JSON only");
        ck_assert(json_object_object_get_ex(o, "fix", NULL));
        ck_assert_ptr_null(json_object_object_get(o, "fix"));
        o = json_object_array_get_idx(arr, 2);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "status")), "fail");
        ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "message")), "broken \"x\"");
        ck_assert_ptr_null(json_object_object_get(o, "why"));
        json_object_put(arr);
        free(text);
        ctk_report_free(&r);
}
END_TEST

Suite *ctk_system_check_suite(void)
{
        Suite *s = suite_create("ctk_system_check");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, engine_versions, 0, sizeof(version_cases) / sizeof(version_cases[0]));
        tcase_add_loop_test(tc, cdi_table, 0, sizeof(reads_cases) / sizeof(reads_cases[0]));
        tcase_add_test(tc, cdi_since);
        tcase_add_test(tc, host_paths);
        tcase_add_test(tc, host_which);
        tcase_add_test(tc, spec_fresh);
        tcase_add_test(tc, spec_fresh_root_relative);
        tcase_add_test(tc, spec_driver_version);
        tcase_add_test(tc, docker_runtime);
        tcase_add_test(tc, docker_problems);
        tcase_add_test(tc, render_text);
        tcase_add_test(tc, render_json);
        suite_add_tcase(s, tc);
        return s;
}
