/* `nvidia-ctk system check`: what its files share. Each check appends
 * findings to a report: a status (ok, warn, fail), one line saying what was
 * found, and for warn and fail why it matters and how to fix it. The
 * command (system_check.c) runs the checks in a fixed order, each learning
 * from the ones before it through struct ctk_check_ctx, and renders the
 * report as text or JSON.
 *
 * Files, one concern each: the report (system_check_report.c), host paths
 * and executables (system_check_host.c), the driver and its devices
 * (system_check_driver.c), config.toml, cgroups and /dev/char
 * (system_check_config.c), docker (system_check_docker.c), containerd and
 * CRI-O (system_check_toml.c), CDI specs (system_check_cdi.c) and the
 * engines' CDI versions (system_check_engines.c). The analyses that need no
 * running host (version parsing and the CDI table, spec staleness,
 * daemon.json, rendering) take their inputs as arguments, for the unit
 * tests.
 *
 * Nothing here writes a file; the only programs run are engine binaries
 * found in ROOT's PATH directories, as `BIN --version`. */
#ifndef CTK_SYSTEM_CHECK_H
#define CTK_SYSTEM_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "common/cdi.h"
#include "common/config.h"
#include "common/error.h"

/* --- the report (system_check_report.c) ------------------------------------ */

enum ctk_check_status {
        CTK_CHECK_OK,
        CTK_CHECK_WARN,
        CTK_CHECK_FAIL,
};

struct ctk_finding {
        char *check; /* the stable name: "driver", "nvml", ... */
        enum ctk_check_status status;
        char *message;
        char *why; /* NULL: none */
        char *fix; /* NULL: none */
};

struct ctk_report {
        struct ctk_finding *v;
        size_t n;
        bool nomem; /* a finding could not be recorded */
};

/* Appends a finding. Out of memory sets r->nomem (the caller reports it
 * once at the end), so checks need no error path for it. */
void ctk_report_add(struct ctk_report *r, const char *check, enum ctk_check_status status, const char *fmt, ...)
        __attribute__((format(printf, 4, 5), nonnull));

/* Set the last finding's why and fix lines. */
void ctk_report_why(struct ctk_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3), nonnull));
void ctk_report_fix(struct ctk_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3), nonnull));

size_t ctk_report_count(const struct ctk_report *r, enum ctk_check_status status) __attribute__((nonnull));

/* The report as text: per finding "STATUS CHECK MESSAGE" in columns, then
 * for warn and fail "      why: ..." and "      fix: ..."; last a summary
 * ("12 ok, 2 warnings, 1 failure"). malloc'd, or NULL. */
char *ctk_report_text(const struct ctk_report *r) __attribute__((nonnull));

/* The report as a JSON array of {"check","status","message","why","fix"}
 * (why and fix null when absent), with a newline. malloc'd, or NULL. */
char *ctk_report_json(const struct ctk_report *r) __attribute__((nonnull));

void ctk_report_free(struct ctk_report *r) __attribute__((nonnull));

/* --- host paths (system_check_host.c) --------------------------------------- */

/* The PATH directories searched for executables, inside ROOT. */
#define CTK_CHECK_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* path as seen from the real root: ROOT + path, except that a path already
 * under ROOT (a file written by a tool told about ROOT, such as `cdi
 * generate --driver-root`) is kept. root "/" keeps every path. malloc'd. */
char *ctk_host_path(const char *root, const char *path) __attribute__((nonnull));

/* The executable name (bare: looked up in ROOT's PATH directories; with a
 * slash: a host path) as a path from the real root, or NULL. */
char *ctk_host_which(const char *root, const char *name) __attribute__((nonnull));

/* Whether path (from the real root) names something; a dangling link does
 * not count. */
bool ctk_host_exists(const char *path) __attribute__((nonnull));

/* --- what the checks share --------------------------------------------------- */

/* docker's cgroup driver: from exec-opts, else its default for the host. */
enum ctk_cgroup_driver {
        CTK_CGROUP_DRIVER_DEFAULT,
        CTK_CGROUP_DRIVER_CGROUPFS,
        CTK_CGROUP_DRIVER_SYSTEMD,
};

/* What daemon.json says that later checks need. */
struct ctk_docker_facts {
        bool nvidia_runtime;   /* runtimes.nvidia is there */
        bool cdi_feature;      /* features.cdi = true */
        enum ctk_cgroup_driver cgroup_driver;
};

struct ctk_check_ctx {
        /* the flags */
        const char *root, *driver_root;
        const char *config_path;
        bool config_default;   /* config_path is the default, so fixes need no --config */
        const char *docker_config, *containerd_config, *crio_config;
        bool docker_default, containerd_default, crio_default;
        const char *const *spec_dirs;
        size_t nspec_dirs;

        /* learnt by the checks, in their order */
        char *driver_version;  /* the kernel module's; NULL: no driver */
        unsigned *gpu_minors;  /* from /proc/driver/nvidia/gpus */
        size_t ngpus;
        bool nvml_found;       /* libnvidia-ml.so.1 is in the driver root */
        bool nvml_in_cache;    /* ... and its ld.so.cache lists it */
        struct config cfg;     /* config.toml, or the defaults */
        bool legacy;           /* the mode lets GPU containers start in legacy mode */
        bool docker_installed;
        struct ctk_docker_facts docker;
        bool containerd_cdi;   /* the CRI plugin's enable_cdi */
        struct cdi_cache *cdi; /* the spec directories */
};

/* One check (or a group of them sharing what they read). */
typedef void ctk_check_fn(struct ctk_check_ctx *c, struct ctk_report *r);

ctk_check_fn ctk_check_driver;          /* "driver" */
ctk_check_fn ctk_check_nvml;            /* "nvml" */
ctk_check_fn ctk_check_devices;         /* "devices" */
ctk_check_fn ctk_check_persistence;     /* "persistence" */
ctk_check_fn ctk_check_toolkit_config;  /* "toolkit-config" */
ctk_check_fn ctk_check_ldconfig;        /* "ldconfig" */
ctk_check_fn ctk_check_docker;          /* "docker", "docker-gpus" */
ctk_check_fn ctk_check_containerd;      /* "containerd" */
ctk_check_fn ctk_check_crio;            /* "crio" */
ctk_check_fn ctk_check_cdi_specs;       /* "cdi-specs", "cdi-fresh" */
ctk_check_fn ctk_check_cdi_engines;     /* "cdi-engines" */
ctk_check_fn ctk_check_cgroups;         /* "cgroups" */
ctk_check_fn ctk_check_dev_char;        /* "dev-char" */

/* " --config=PATH" when the toolkit's config is not the default one, for
 * the `nvidia-ctk config` commands in fixes; else "". Static storage. */
const char *ctk_check_config_flag(const struct ctk_check_ctx *c) __attribute__((nonnull));

/* " --driver-root=ROOT" for the fixes that name a driver root other than
 * "/"; else "". Static storage, valid until the next call. */
const char *ctk_check_root_flag(const char *root) __attribute__((nonnull));

/* --- pure analyses, for the unit tests ------------------------------------------ */

/* The first version number in an engine's `--version` output ("podman
 * version 4.3.1", "containerd github.com/containerd/containerd/v2 v2.0.0
 * ...", "Docker version 20.10.24+dfsg1, build ...", "Version: 1.28.1"):
 * MAJOR.MINOR[.PATCH] without a leading "v" or a suffix. -1 when none. */
int ctk_check_parse_version(const char *text, char *buf, size_t size) __attribute__((nonnull));

/* The newest CDI spec version the engine ("podman", "containerd",
 * "docker", "crio") at version reads, or NULL when that release has no CDI
 * support (or the engine is unknown). */
const char *ctk_check_cdi_reads(const char *engine, const char *version) __attribute__((nonnull));

/* The lowest release of engine that reads CDI specs at all ("4.1.0"). */
const char *ctk_check_cdi_since(const char *engine) __attribute__((nonnull));

/* The driver a spec is compared with for "cdi-fresh". */
struct ctk_fresh_driver {
        const char *root;         /* hostPaths are looked up as ctk_host_path(root, hostPath) */
        const char *driver_root;  /* for the fix: `cdi generate --driver-root` */
        const char *version;      /* the loaded driver's; NULL: none loaded */
        const unsigned *minors;   /* its GPUs' minors */
        size_t ngpus;
};

/* The driver version a spec was made for (its enable-cuda-compat hook's
 * --host-driver-version, else the suffix of its libcuda.so.* or
 * libnvidia-ml.so.* mount, else its firmware directory), or NULL. Points
 * into spec or buf. */
const char *ctk_check_spec_driver(const struct cdi_spec *spec, char *buf, size_t size) __attribute__((nonnull));

/* Adds the "cdi-fresh" findings of one NVIDIA spec: made for another driver
 * version, naming host paths that no longer exist, listing other GPUs than
 * the driver has; one ok finding when none. */
void ctk_check_spec_fresh(struct ctk_report *r, const struct cdi_spec *spec, const struct ctk_fresh_driver *drv)
        __attribute__((nonnull));

/* What the docker check gets: daemon.json's text (NULL when absent) and
 * where to look for the runtime's executable. */
struct ctk_docker_input {
        const char *file;        /* for messages */
        const char *text;
        size_t len;
        const char *root;
        const char *fix_config;  /* " --config=FILE" or "" for fixes */
};

/* Adds the "docker" findings of daemon.json and fills *facts. */
void ctk_check_docker_json(struct ctk_report *r, const struct ctk_docker_input *in, struct ctk_docker_facts *facts)
        __attribute__((nonnull));

#endif
