/* The prestart command, as NVIDIA's doPrestart: the config first (so a
 * broken config.toml fails every container), then the container's state on
 * stdin and its bundle's config.json; nothing for a container that asks for
 * no GPU; else exec nvidia-container-cli. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/oci.h"
#include "common/strv.h"
#include "hook/hook.h"

/* -config names a file that must exist, and so does NVIDIA_CTK_CONFIG_
 * FILE_PATH; the default location may be missing (the defaults then). */
static int load_config(struct error *err, const char *flag_path, struct config *cfg)
{
        char *path = NULL;
        bool from_env = false;
        int rv;

        if (flag_path != NULL && flag_path[0] != '\0')
                rv = config_load_file(err, flag_path, true, cfg);
        else if ((path = config_file_path(&from_env)) == NULL)
                rv = error_set(err, "config file path");
        else
                rv = config_load_file(err, path, from_env, cfg);
        free(path);
        return rv < 0 ? error_prefix(err, "failed to load config") : 0;
}

static void warn_all(char *const *msgs, size_t n)
{
        for (size_t i = 0; i < n; i++)
                fprintf(stderr, "%s: warning: %s\n", program_invocation_short_name, msgs[i]);
}

/* The spec must have what upstream's loadSpec insists on. */
static int load_spec(struct error *err, const char *bundle, struct oci_spec *spec)
{
        if (oci_spec_load(err, bundle, spec) < 0)
                return -1;
        if (oci_spec_version(spec) == NULL)
                return error_setx(err, "Version is empty in OCI spec");
        if (!oci_spec_has_process(spec))
                return error_setx(err, "Process is empty in OCI spec");
        if (!oci_spec_has_root(spec))
                return error_setx(err, "Root is empty in OCI spec");
        return 0;
}

static void debug_argv(char *const *argv)
{
        fprintf(stderr, "%s: running", program_invocation_short_name);
        for (size_t i = 0; argv[i] != NULL; i++)
                fprintf(stderr, " %s", argv[i]);
        fputc('\n', stderr);
}

/* Builds the call and execs it; returns only on failure. */
static int run_cli(struct error *err, const struct config *cfg, const struct image_request *req,
                   const struct oci_spec *spec, int pid, bool debug)
{
        struct hook_call call = {.debug = debug, .pid = pid};
        char *cli = NULL, *rootfs = NULL, **argv = NULL, **envp = NULL;

        if (hook_check_mode(err, cfg, req) == 0 && oci_spec_rootfs(err, spec, &rootfs) == 0 &&
            hook_find_cli(err, cfg, &cli) == 0) {
                call.cli_path = cli;
                call.rootfs = rootfs;
                if (hook_cli_argv(err, cfg, req, &call, &argv) == 0 && hook_cli_env(err, cfg, &envp) == 0) {
                        if (debug)
                                debug_argv(argv);
                        fflush(NULL);
                        execve(argv[0], argv, envp);
                        error_set(err, "exec failed: `%s`", argv[0]);
                }
        }
        strv_free(argv);
        strv_free(envp);
        free(cli);
        free(rootfs);
        return -1;
}

int hook_prestart(struct error *err, const char *config_path, bool debug)
{
        struct config cfg = {0};
        struct oci_state state = {0};
        struct oci_spec spec = {0};
        struct image_policy policy;
        struct image_request req = {0};
        int rv = -1;

        if (load_config(err, config_path, &cfg) < 0)
                return -1;
        if (debug)
                warn_all(cfg.warnings, strv_len((const char *const *)cfg.warnings));
        toolkit_image_policy(&cfg, &policy);
        if (oci_state_read(err, stdin, &state) == 0 && load_spec(err, state.bundle, &spec) == 0 &&
            image_request_from_spec(err, &spec, &policy, &req) == 0) {
                warn_all(req.warnings, req.nwarnings);
                /* Not a GPU container: nothing to do. */
                rv = req.gpu ? run_cli(err, &cfg, &req, &spec, state.pid, debug) : 0;
        }
        image_request_free(&req);
        oci_spec_free(&spec);
        oci_state_free(&state);
        config_free(&cfg);
        return rv;
}
