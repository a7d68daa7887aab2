/* nvidia-container-runtime-hook: what its files share. The hook turns a
 * container's OCI spec and the toolkit's config.toml into one
 * `nvidia-container-cli configure` call (NVIDIA's cmd/nvidia-container-
 * runtime-hook). argv.c, env.c and mode.c touch no process state and are
 * linked into the unit runner; main.c and prestart.c are the program. */
#ifndef HOOK_HOOK_H
#define HOOK_HOOK_H

#include <stdbool.h>

#include "common/config.h"
#include "common/error.h"
#include "common/image.h"
#include "common/toolkit.h"

/* The directories upstream adds to the lookup PATH (lookup.GetPaths); the
 * CLI's whole PATH here, since nothing of the caller's environment is passed
 * on. */
#define HOOK_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The facts of one prestart call besides the config and the request. */
struct hook_call {
        const char *cli_path; /* argv[0]: the nvidia-container-cli to run */
        bool debug;           /* -debug: the CLI logs to /dev/stderr */
        int pid;              /* the container's init process */
        const char *rootfs;   /* absolute */
};

/* Upstream's assertModeIsLegacy: unless nvidia-container-runtime-hook.
 * skip-mode-detection is set, nvidia-container-runtime.mode must be
 * "legacy", or "auto" resolving to it (auto is "cdi" when every requested
 * device is a fully qualified CDI name). Otherwise NVIDIA's message that the
 * hook must not be invoked directly. */
int hook_check_mode(struct error *err, const struct config *cfg, const struct image_request *req)
        __attribute__((nonnull));

/* The nvidia-container-cli argv (NULL-terminated, allocated; strv_free) for
 * a GPU container, in the order of upstream's doPrestart. Fails with
 * upstream's message on a container-relative ldconfig that features.
 * allow-ldconfig-from-container does not allow, or a capability the CLI has
 * no flag for. */
int hook_cli_argv(struct error *err, const struct config *cfg, const struct image_request *req,
                  const struct hook_call *call, char ***argv) __attribute__((nonnull));

/* The CLI's environment: PATH=HOOK_DEFAULT_PATH, then nvidia-container-cli.
 * environment (an entry replaces an earlier one of the same name). Entries
 * must be NAME=VALUE. Allocated; strv_free. */
int hook_cli_env(struct error *err, const struct config *cfg, char ***envp) __attribute__((nonnull));

/* The directories the CLI is looked for in, as upstream's GetPath(root)
 * without the caller's PATH: with a driver root other than "/", the default
 * directories under the root first. Allocated, ':'-separated. */
char *hook_search_path(const char *root);

/* nvidia-container-cli.path when set, else the first executable regular
 * file nvidia-container-cli in hook_search_path(root). Allocated. */
int hook_find_cli(struct error *err, const struct config *cfg, char **out) __attribute__((nonnull));

/* The prestart command: reads the container state on stdin, and execs the
 * CLI or returns (0: nothing to do, -1: err says why). config_path is
 * -config (NULL: upstream's lookup). */
int hook_prestart(struct error *err, const char *config_path, bool debug) __attribute__((nonnull(1)));

#endif
