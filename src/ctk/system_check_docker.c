/* Docker: daemon.json ("docker") and what `docker run --gpus` needs
 * ("docker-gpus"). dockerd reads runtimes.<name>.path as a path or a name
 * looked up in its PATH, and implements --gpus by running
 * nvidia-container-runtime-hook (found in its PATH) as a prestart hook;
 * without the hook it knows no GPU driver at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"
#include "common/json_util.h"
#include "ctk/runtime_configure.h"
#include "ctk/system_check.h"

#define RUNTIME "nvidia"

static void parse_exec_opts(struct json_object *opts, struct ctk_docker_facts *facts)
{
        static const char key[] = "native.cgroupdriver=";

        if (opts == NULL || json_object_get_type(opts) != json_type_array)
                return;
        for (size_t i = 0; i < json_object_array_length(opts); i++) {
                const char *opt = json_object_get_string(json_object_array_get_idx(opts, i));

                if (opt == NULL || strncasecmp(opt, key, sizeof(key) - 1) != 0)
                        continue;
                if (strcmp(opt + sizeof(key) - 1, "systemd") == 0)
                        facts->cgroup_driver = CTK_CGROUP_DRIVER_SYSTEMD;
                else if (strcmp(opt + sizeof(key) - 1, "cgroupfs") == 0)
                        facts->cgroup_driver = CTK_CGROUP_DRIVER_CGROUPFS;
        }
}

static void parse_features(struct json_object *features, struct ctk_docker_facts *facts)
{
        struct json_object *cdi;

        if (features == NULL || json_object_get_type(features) != json_type_object)
                return;
        cdi = json_util_member(features, "cdi");
        facts->cdi_feature = cdi != NULL && json_object_get_type(cdi) == json_type_boolean &&
                             json_object_get_boolean(cdi);
}

static void runtime_missing(struct ctk_report *r, const struct ctk_docker_input *in, const char *what)
{
        ctk_report_add(r, "docker", CTK_CHECK_WARN, "%s", what);
        ctk_report_why(r, "`docker run --runtime=nvidia` fails with \"unknown or invalid runtime name: nvidia\"");
        ctk_report_fix(r, "nvidia-ctk runtime configure --runtime=docker%s && systemctl restart docker",
                       in->fix_config);
}

static void path_missing(struct ctk_report *r, const struct ctk_docker_input *in, const char *path)
{
        bool bare = strchr(path, '/') == NULL;

        ctk_report_add(r, "docker", CTK_CHECK_FAIL, "%s: runtimes.nvidia.path \"%s\" is not an executable %s %s",
                       in->file, path, bare ? "in the PATH directories of" : "under", in->root);
        ctk_report_why(r, "`docker run --runtime=nvidia` fails to start the container (%s%s%s)",
                       bare ? "exec: \"" : "fork/exec ", path,
                       bare ? "\": executable file not found in $PATH" : ": no such file or directory");
        ctk_report_fix(r, "install nvidia-container-toolkit (it has /usr/bin/nvidia-container-runtime), or point the "
                          "runtime at it: nvidia-ctk runtime configure --runtime=docker%s --nvidia-runtime-path=PATH "
                          "&& systemctl restart docker", in->fix_config);
}

/* runtimes.nvidia: there, and its path an executable. */
static void check_runtime(struct ctk_report *r, const struct ctk_docker_input *in, struct json_object *runtimes,
                          struct ctk_docker_facts *facts)
{
        struct json_object *rt = runtimes != NULL ? json_util_member(runtimes, RUNTIME) : NULL, *path;
        cleanup_free char *found = NULL, *what = NULL;

        if (rt == NULL) {
                if (asprintf(&what, "%s has no runtimes.nvidia", in->file) < 0)
                        r->nomem = true;
                else
                        runtime_missing(r, in, what);
                return;
        }
        facts->nvidia_runtime = true;
        path = json_object_get_type(rt) == json_type_object ? json_util_member(rt, "path") : NULL;
        if (path == NULL || json_object_get_type(path) != json_type_string) {
                ctk_report_add(r, "docker", CTK_CHECK_FAIL, "%s: runtimes.nvidia has no \"path\" string", in->file);
                ctk_report_why(r, "dockerd cannot run the nvidia runtime: containers using it fail to start");
                ctk_report_fix(r, "nvidia-ctk runtime configure --runtime=docker%s && systemctl restart docker",
                               in->fix_config);
                return;
        }
        if ((found = ctk_host_which(in->root, json_object_get_string(path))) == NULL) {
                path_missing(r, in, json_object_get_string(path));
                return;
        }
        ctk_report_add(r, "docker", CTK_CHECK_OK, "runtime nvidia is %s (%s)", found, in->file);
}

/* default-runtime must name a runtime dockerd knows. */
static void check_default(struct ctk_report *r, const struct ctk_docker_input *in, struct json_object *cfg,
                          struct json_object *runtimes)
{
        struct json_object *def = json_util_member(cfg, "default-runtime");
        const char *name = def != NULL ? json_object_get_string(def) : NULL;

        if (name == NULL || strcmp(name, "runc") == 0 || strcmp(name, "io.containerd.runc.v2") == 0 ||
            (runtimes != NULL && json_util_member(runtimes, name) != NULL))
                return;
        ctk_report_add(r, "docker", CTK_CHECK_FAIL, "%s: default-runtime \"%s\" is not defined in runtimes", in->file,
                       name);
        ctk_report_why(r, "dockerd refuses to start when its default runtime is not defined");
        ctk_report_fix(r, "define it (nvidia-ctk runtime configure --runtime=docker%s --set-as-default for nvidia) or "
                          "remove default-runtime, then systemctl restart docker", in->fix_config);
}

static int parse(struct ctk_report *r, const struct ctk_docker_input *in, struct json_object **cfg)
{
        struct error err = {0};

        /* An empty file is an empty config, as `runtime configure` reads it. */
        if (strspn(in->text, " \t\r\n") == in->len) {
                if ((*cfg = json_object_new_object()) == NULL)
                        r->nomem = true;
                return *cfg != NULL ? 0 : -1;
        }
        if (json_util_parse(&err, in->text, in->len, cfg) == 0) {
                if (json_object_get_type(*cfg) == json_type_object)
                        return 0;
                error_setx(&err, "expected an object, got %s", json_util_type_name(*cfg));
                json_object_put(*cfg);
        }
        ctk_report_add(r, "docker", CTK_CHECK_FAIL, "%s: %s", in->file, error_msg(&err));
        ctk_report_why(r, "dockerd refuses to start with a daemon.json it cannot read (\"unable to configure the "
                          "Docker daemon with file %s\")", in->file);
        ctk_report_fix(r, "correct the file at that place, then systemctl restart docker");
        error_reset(&err);
        return -1;
}

void ctk_check_docker_json(struct ctk_report *r, const struct ctk_docker_input *in, struct ctk_docker_facts *facts)
{
        struct json_object *cfg = NULL, *runtimes;
        cleanup_free char *what = NULL;

        *facts = (struct ctk_docker_facts){false, false, CTK_CGROUP_DRIVER_DEFAULT};
        if (in->text == NULL) {
                if (asprintf(&what, "%s does not exist: docker has no nvidia runtime", in->file) < 0)
                        r->nomem = true;
                else
                        runtime_missing(r, in, what);
                return;
        }
        if (parse(r, in, &cfg) < 0)
                return;
        parse_exec_opts(json_util_member(cfg, "exec-opts"), facts);
        parse_features(json_util_member(cfg, "features"), facts);
        runtimes = json_util_member(cfg, "runtimes");
        if (runtimes != NULL && json_object_get_type(runtimes) != json_type_object) {
                ctk_report_add(r, "docker", CTK_CHECK_FAIL, "%s: runtimes is %s, not an object", in->file,
                               json_util_type_name(runtimes));
                ctk_report_why(r, "dockerd refuses to start with a daemon.json it cannot read");
                ctk_report_fix(r, "correct the file, then systemctl restart docker");
                json_object_put(cfg);
                return;
        }
        check_runtime(r, in, runtimes, facts);
        check_default(r, in, cfg, runtimes);
        json_object_put(cfg);
}

/* --- the host ----------------------------------------------------------------------- */

static void check_gpus_flag(struct ctk_check_ctx *c, struct ctk_report *r)
{
        cleanup_free char *hook = ctk_host_which(c->root, "nvidia-container-runtime-hook");
        const char *mode = c->cfg.runtime.mode != NULL ? c->cfg.runtime.mode : "auto";

        if (hook == NULL)
                hook = ctk_host_which(c->root, "nvidia-container-toolkit");
        if (hook == NULL) {
                ctk_report_add(r, "docker-gpus", CTK_CHECK_FAIL,
                               "nvidia-container-runtime-hook is not in the PATH directories of %s (%s)", c->root,
                               CTK_CHECK_PATH);
                ctk_report_why(r, "`docker run --gpus` fails: could not select device driver \"\" with capabilities: "
                                  "[[gpu]]");
                ctk_report_fix(r, "install the nvidia-container-toolkit package (it puts the hook in /usr/bin)");
                return;
        }
        if (strcmp(mode, "auto") != 0 && strcmp(mode, "legacy") != 0) {
                ctk_report_add(r, "docker-gpus", CTK_CHECK_WARN, "nvidia-container-runtime.mode = \"%s\": `docker "
                                                                 "run --gpus` is refused", mode);
                ctk_report_why(r, "the hook serves the legacy mode only: \"invoking the NVIDIA Container Runtime Hook "
                                  "directly (e.g. specifying the docker --gpus flag) is not supported\"");
                ctk_report_fix(r, "use docker run --runtime=nvidia -e NVIDIA_VISIBLE_DEVICES=all, or set the mode "
                                  "back: nvidia-ctk config --in-place%s --set nvidia-container-runtime.mode=auto",
                               ctk_check_config_flag(c));
                return;
        }
        ctk_report_add(r, "docker-gpus", CTK_CHECK_OK, "docker run --gpus finds %s", hook);
}

void ctk_check_docker(struct ctk_check_ctx *c, struct ctk_report *r)
{
        cleanup_free char *dockerd = ctk_host_which(c->root, "dockerd"), *text = NULL;
        char fix_config[4096 + 16] = "";
        struct error err = {0};
        size_t len = 0;

        if (ctk_read_config(&err, c->docker_config, &text, &len) < 0) {
                ctk_report_add(r, "docker", CTK_CHECK_FAIL, "%s", error_msg(&err));
                ctk_report_fix(r, "make %s readable (or remove it)", c->docker_config);
                error_reset(&err);
        } else if (dockerd == NULL && text == NULL) {
                ctk_report_add(r, "docker", CTK_CHECK_OK, "not installed");
                return;
        } else {
                if (!c->docker_default)
                        snprintf(fix_config, sizeof(fix_config), " --config=%s", c->docker_config);
                ctk_check_docker_json(r, &(struct ctk_docker_input){c->docker_config, text, len, c->root, fix_config},
                                      &c->docker);
        }
        c->docker_installed = true;
        if (dockerd != NULL)
                check_gpus_flag(c, r);
}
