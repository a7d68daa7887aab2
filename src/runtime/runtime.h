/* nvidia-container-runtime: what its files share. The shim stands in for
 * runc (or crun): on a command that creates a container it rewrites the
 * bundle's config.json for the container's GPUs, then it execs the real
 * runtime with the same argv and environment (NVIDIA's
 * cmd/nvidia-container-runtime and internal/runtime).
 *
 * args.c, mode.c and the formatting half of log.c touch no process state
 * and are linked into the unit runner; the rest is the program. */
#ifndef RUNTIME_RUNTIME_H
#define RUNTIME_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "common/config.h"
#include "common/error.h"
#include "common/image.h"
#include "common/oci.h"
#include "nvc.h"

/* The version of the OCI runtime spec the shim writes (its --version line;
 * the runtime-spec module NVIDIA's 1.17 toolkit is built with). */
#define RUNTIME_SPEC_VERSION "1.2.0"

#define HOOK_EXECUTABLE "nvidia-container-runtime-hook"
/* Where the hook is when it is nowhere on the search path (upstream's
 * nvidia-container-runtime-hook default path). */
#define RUNTIME_HOOK_FALLBACK "/usr/bin/" HOOK_EXECUTABLE

/* --- argv (args.c) ------------------------------------------------------- */

/* What the shim reads from the low-level runtime's command line. Global
 * flags are runc's (and crun's): those before the subcommand. */
struct runtime_args {
        int command;          /* index of the subcommand in argv; argc when there is none */
        bool creates;         /* the subcommand is `create` or `run` */
        bool version;         /* a global --version */
        bool debug;           /* a global --debug */
        const char *log_file; /* a global --log FILE, or NULL */
        const char *log_format;
};

/* Splits argv as runc does: global flags (those of runc and crun that take
 * a value take the next argument unless written with '='), then the
 * subcommand, the first other argument. Never fails: what runc would refuse
 * is runc's to report. */
void runtime_args_parse(struct runtime_args *args, int argc, char *const *argv) __attribute__((nonnull(1)));

/* Whether arg is a bundle flag: "-b" or "-bundle" with any number of
 * leading dashes (upstream's IsBundleFlag). */
bool runtime_args_is_bundle_flag(const char *arg) __attribute__((nonnull));

/* Upstream's GetBundleDirFromArgs over argv[0..argc): the value of the last
 * bundle flag ("-b X", "--bundle=X", "-bundle X", ...), NULL when there is
 * none; "bundle option requires an argument" when the last argument is a
 * bundle flag without '='. */
int runtime_args_bundle(struct error *err, int argc, char *const *argv, const char **bundle)
        __attribute__((nonnull(1, 4)));

/* The spec file of a create: <bundle>/config.json, or config.json in the
 * working directory when no bundle is given (allocated). */
int runtime_args_spec_path(struct error *err, int argc, char *const *argv, const struct runtime_args *args,
                           char **path) __attribute__((nonnull(1, 4, 5)));

/* --- the mode (mode.c) --------------------------------------------------- */

/* nvidia-container-runtime.mode resolved as NVIDIA's current toolkit does:
 * a mode other than "auto" as configured; "auto" is "cdi" when only fully
 * qualified CDI names are requested, else "jit-cdi" when a driver is
 * present, else "legacy". */
const char *runtime_mode(const char *configured, bool cdi_only, bool driver_present);

/* --- logging (log.c) ------------------------------------------------------ */

/* logrus' levels, most severe first. */
enum rtlog_level {
        RTLOG_PANIC,
        RTLOG_FATAL,
        RTLOG_ERROR,
        RTLOG_WARN,
        RTLOG_INFO,
        RTLOG_DEBUG,
        RTLOG_TRACE,
};

/* logrus' ParseLevel: any case; "warn" and "warning". -1 when unknown. */
int rtlog_parse_level(const char *name, enum rtlog_level *level) __attribute__((nonnull));

/* One log line, newline-terminated, as logrus writes it: the text format
 * (`time="2006-01-02T15:04:05Z07:00" level=info msg="..."`) or, with
 * json, runc's `{"level":"info","msg":"...","time":"..."}`. Allocated. */
char *rtlog_format(bool json, enum rtlog_level level, time_t when, const char *msg) __attribute__((nonnull(4)));

/* Sets the format and level and opens the file runc was given with --log
 * (with --version: none). Until then, and when no file is open, lines go
 * nowhere, as upstream's. -1 when that file cannot be opened (runc could
 * not open it either). */
int rtlog_setup(struct error *err, const struct runtime_args *args);

/* After config.toml is read: its log-level (unless --debug) and its debug
 * file (nvidia-container-runtime.debug), which gets every later line too. */
void rtlog_configure(const char *debug_file, const char *level);

void rtlog(enum rtlog_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Closes the files (they are close-on-exec as well). */
void rtlog_close(void);

/* --- executables (lookup.c) ------------------------------------------------ */

/* Upstream's executable locator with no root: a name containing '/' is
 * checked as it is; a bare name is looked for in $PATH, then in the
 * default directories $PATH lacks. A match is a non-directory with an
 * execute bit (stat follows links). Allocated, NULL when not found (errno
 * ENOENT) or out of memory. */
char *runtime_locate(const char *name) __attribute__((nonnull));

/* The first of the candidates (nvidia-container-runtime.runtimes) found,
 * skipping this program itself; "no runtime binary found from candidate
 * list: [runc crun]" otherwise. */
int runtime_find_low_level(struct error *err, char *const *candidates, char **path) __attribute__((nonnull(1, 3)));

/* nvidia-container-runtime-hook.path resolved as upstream: an absolute
 * path as it is; else the name (default nvidia-container-runtime-hook)
 * located as above, falling back to RUNTIME_HOOK_FALLBACK. Allocated. */
char *runtime_hook_path(const char *configured);

/* --- GPUs (gpus.c) ---------------------------------------------------------- */

/* A device node the container gets, as the host has it. */
struct gpu_node {
        char *path; /* in the container, and under the driver root on the host */
        unsigned major, minor;
        mode_t mode; /* permission bits */
};

/* libnvidia-container's view of the driver for one create: initialized
 * once, at the first need (the driver probe of "auto", or the legacy
 * mode's device list). */
struct gpu_session {
        bool opened;
        int status;       /* of nvc_init: 0 or -1 */
        struct error err; /* why it failed */
        struct nvc_context *nvc;
        struct nvc_config *nvc_cfg;
};

/* nvc_init with nvidia-container-cli's root, ldcache and user; the result
 * is kept, so calling it again costs nothing. */
int gpu_session_open(struct error *err, struct gpu_session *s, const struct config *cfg) __attribute__((nonnull));

/* Stops the library's driver process and frees everything. */
void gpu_session_close(struct gpu_session *s) __attribute__((nonnull));

/* The nodes nvidia-container-cli configure will give this container, in
 * the order it does: the control devices its capabilities use (nvidiactl;
 * the UVM nodes for compute; modeset for display), the selected GPUs, the
 * access capabilities of selected MIG devices, and the global MIG config and
 * monitor capabilities. Selection errors are the CLI's ("device error:
 * unknown device id: 9"). */
int gpu_nodes(struct error *err, struct gpu_session *s, const struct config *cfg, const struct image_request *req,
              struct gpu_node **nodes, size_t *n) __attribute__((nonnull));
void gpu_nodes_free(struct gpu_node *nodes, size_t n);

/* --- config.json edits (spec_edit.c) ---------------------------------------- */

/* Whether hooks.prestart holds an NVIDIA hook (a path whose base name is
 * nvidia-container-runtime-hook or nvidia-container-toolkit). The first one
 * in *path (pointing into the spec). */
bool spec_has_nvidia_hook(const struct oci_spec *spec, const char **path) __attribute__((nonnull(1)));

/* Appends {path, args, env} to hooks.<stage>; args and env NULL-terminated,
 * env may be NULL (no "env" member then). */
int spec_add_hook(struct error *err, struct oci_spec *spec, const char *stage, const char *path,
                  const char *const *args, const char *const *env) __attribute__((nonnull(1, 2, 3, 4, 5)));

/* Removes the NVIDIA hooks from hooks.prestart (the key goes when nothing
 * is left, as Go's omitempty), upstream's nvidiaContainerRuntimeHookRemover
 * of the CDI modes. Returns how many were removed. */
size_t spec_remove_nvidia_hooks(struct oci_spec *spec) __attribute__((nonnull));

/* Puts node into linux.devices (replacing an entry of the same path) and
 * an allow rule for it ("rwm", as CDI's) into linux.resources.devices
 * (unless the same rule is there). */
int spec_add_device(struct error *err, struct oci_spec *spec, const struct gpu_node *node) __attribute__((nonnull));

/* --- modes (modify.c, legacy.c) --------------------------------------------- */

/* Everything a mode's modifier works with. */
struct modify_ctx {
        const struct config *cfg;
        struct oci_spec *spec;
        const struct image_request *req;
        struct gpu_session *gpus;
        const char *hook_path;
        const char *const *hook_env; /* NULL-terminated, or NULL */
        bool changed;                /* the spec was changed: write it */
};

/* A mode and what it does to the spec. */
struct mode_ops {
        const char *name;
        int (*modify)(struct error *err, struct modify_ctx *ctx);
};

/* The modifier of a resolved mode, or NULL for an unknown mode. */
const struct mode_ops *mode_lookup(const char *mode) __attribute__((nonnull));

int legacy_modify(struct error *err, struct modify_ctx *ctx) __attribute__((nonnull));
int cdi_modify(struct error *err, struct modify_ctx *ctx) __attribute__((nonnull));
int jit_cdi_modify(struct error *err, struct modify_ctx *ctx) __attribute__((nonnull));

/* --- create (create.c) ------------------------------------------------------- */

/* The work of a creating command: load the spec, compute the request,
 * resolve the mode, apply its modifier, write the spec back atomically when
 * it changed. On any error config.json is untouched. */
int runtime_create(struct error *err, const struct config *cfg, const char *spec_path) __attribute__((nonnull));

#endif
