/* Container Device Interface specs (tags.cncf.io/container-device-interface,
 * spec versions 0.1.0 to 1.1.0): the model, the parser (YAML through libyaml,
 * JSON through json-c), the validator with every rule of the CDI library and
 * SPEC.md, the cache of spec directories and the injection of devices into
 * an OCI spec. Shared by nvidia-container-runtime (cdi mode) and nvidia-ctk
 * (cdi list, validate, generate).
 *
 * Messages are one line each. Parse errors read "FILE:LINE:COL: reason";
 * problems found by the validator carry the position of the element they
 * are about when it is known (YAML input), else "FILE: reason". */
#ifndef COMMON_CDI_H
#define COMMON_CDI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/oci.h"

/* The spec version this code writes by default and the newest it reads. */
#define CDI_CURRENT_VERSION "1.1.0"

/* A position in the input, from 1; 0 when unknown (JSON input, or a spec
 * built in memory). */
struct cdi_pos {
        unsigned line;
        unsigned col;
};

struct cdi_annotation {
        char *key;
        char *value;
};

struct cdi_device_node {
        char *path;      /* in the container */
        char *host_path; /* NULL: path */
        char *type;      /* NULL, "b", "c", "u" or "p" */
        int64_t major;   /* 0: from the host node */
        int64_t minor;
        bool has_file_mode;
        uint32_t file_mode;
        char *permissions; /* NULL: "rwm"; "none": no access */
        bool has_uid;
        uint32_t uid;
        bool has_gid;
        uint32_t gid;
        struct cdi_pos pos;
};

struct cdi_mount {
        char *host_path;
        char *container_path;
        char *type;
        char **options; /* NULL-terminated, or NULL */
        struct cdi_pos pos;
};

struct cdi_hook {
        char *hook_name; /* an OCI hook stage */
        char *path;
        char **args; /* NULL-terminated, or NULL */
        char **env;
        bool has_timeout;
        int64_t timeout;
        struct cdi_pos pos;
};

/* Linux resctrl settings. The has_* flags record which keys were written,
 * since some keys are valid only before or from a spec version on. */
struct cdi_intel_rdt {
        char *clos_id;
        char *l3_cache_schema;
        char *mem_bw_schema;
        char **schemata; /* 1.1.0 */
        bool has_schemata;
        bool enable_monitoring; /* 1.1.0 */
        bool has_enable_monitoring;
        bool enable_cmt; /* before 1.1.0 */
        bool has_enable_cmt;
        bool enable_mbm; /* before 1.1.0 */
        bool has_enable_mbm;
        struct cdi_pos pos;
};

/* A host network interface moved into the container (1.1.0). */
struct cdi_net_device {
        char *host_interface_name;
        char *name;
        struct cdi_pos pos;
};

struct cdi_edits {
        char **env; /* "K=V", NULL-terminated, or NULL */
        struct cdi_device_node *device_nodes;
        size_t n_device_nodes;
        struct cdi_net_device *net_devices;
        size_t n_net_devices;
        bool has_net_devices; /* the key was written, even empty */
        struct cdi_hook *hooks;
        size_t n_hooks;
        struct cdi_mount *mounts;
        size_t n_mounts;
        struct cdi_intel_rdt *intel_rdt; /* NULL when absent */
        uint32_t *additional_gids;
        size_t n_additional_gids;
        struct cdi_pos pos;
};

struct cdi_device {
        char *name;
        struct cdi_annotation *annotations;
        size_t n_annotations;
        struct cdi_edits edits;
        struct cdi_pos pos;
};

struct cdi_spec {
        char *version; /* cdiVersion as written */
        char *kind;    /* "vendor/class" */
        struct cdi_annotation *annotations;
        size_t n_annotations;
        struct cdi_device *devices;
        size_t n_devices;
        struct cdi_edits edits; /* applied once when any device is injected */
        char *path;             /* the file, or the name given to the parser */
        int priority;           /* index of the spec directory it came from */
        struct cdi_pos version_pos, kind_pos;
};

/* --- parsing (cdi_parse.c) ---------------------------------------------- */

enum cdi_format {
        CDI_FORMAT_AUTO, /* by the name's extension, else by the content */
        CDI_FORMAT_YAML,
        CDI_FORMAT_JSON,
};

/* Largest spec file read (NVIDIA's specs are well under 1 MiB). */
#define CDI_SPEC_MAX_SIZE (8u << 20)

/* Parses text as a spec named name. AUTO decides by the content, as the
 * CDI library reads every file with one YAML decoder: text starting with
 * '{' is JSON (json-c), unless it does not parse as JSON and name does not
 * end in ".json" (then it is YAML in flow style); anything else is YAML.
 * Unknown fields, values of the wrong type, duplicate keys, YAML aliases
 * and an empty document are errors, as with the CDI library's strict
 * decoder. The spec is not validated. */
int cdi_spec_parse(struct error *err, const char *name, const char *text, size_t len, enum cdi_format format,
                   struct cdi_spec **out) __attribute__((nonnull(1, 2, 3, 6)));

/* Reads and parses the file at path (a regular file of at most
 * CDI_SPEC_MAX_SIZE bytes; AUTO format). */
int cdi_spec_load(struct error *err, const char *path, struct cdi_spec **out) __attribute__((nonnull(1, 2, 3)));

void cdi_spec_free(struct cdi_spec *spec);

/* --- the model (cdi_spec.c) ---------------------------------------------- */

/* The device named name (unqualified), or NULL. */
const struct cdi_device *cdi_spec_device(const struct cdi_spec *spec, const char *name) __attribute__((nonnull(1, 2)));

/* --- validation (cdi_validate.c) ----------------------------------------- */

/* Whether version (with or without a leading "v") is a released spec
 * version: 0.1.0 to 0.8.0, 1.0.0, 1.1.0. */
bool cdi_version_known(const char *version) __attribute__((nonnull(1)));

/* The lowest spec version able to express spec's content ("0.3.0" at
 * least); what a generator should declare. Static storage. */
const char *cdi_spec_required_version(const struct cdi_spec *spec) __attribute__((nonnull(1)));

/* Every problem of spec, one line each ("FILE:L:C: reason"), in the CDI
 * library's order, appended to the NULL-terminated list *problems (which
 * may start NULL; free it with strv_free). Returns the number of problems
 * added, or -1 with *err set when out of memory. */
int cdi_spec_problems(struct error *err, const struct cdi_spec *spec, char ***problems)
        __attribute__((nonnull(1, 2, 3)));

/* 0 when spec has no problem, else -1 with the first problem in *err. */
int cdi_spec_validate(struct error *err, const struct cdi_spec *spec) __attribute__((nonnull(1, 2)));

/* Whether spec has no problem. */
bool cdi_spec_is_valid(const struct cdi_spec *spec) __attribute__((nonnull(1)));

/* --- the cache of spec directories (cdi_cache.c) -------------------------- */

/* The CDI library's default spec directories, lowest priority first. */
#define CDI_DEFAULT_SPEC_DIRS                                                                                          \
        {                                                                                                              \
                "/etc/cdi", "/var/run/cdi"                                                                             \
        }

struct cdi_cache;

/* Loads every "*.json" and "*.yaml" file of the directories (not of their
 * subdirectories), in name order, dirs[i] having priority i: a device
 * defined in several directories comes from the one of highest priority;
 * defined twice at that priority, it is a conflict and neither copy is
 * used. A missing directory is skipped; a file that cannot be read, parsed
 * or validated is skipped with its problems recorded as warnings; so are
 * conflicts. ndirs 0 means CDI_DEFAULT_SPEC_DIRS. Fails only for memory. */
int cdi_cache_load(struct error *err, const char *const *dirs, size_t ndirs, struct cdi_cache **out)
        __attribute__((nonnull(1, 4)));

/* The same for the given files, all of one priority (`cdi validate FILE…`). */
int cdi_cache_load_files(struct error *err, const char *const *files, size_t nfiles, struct cdi_cache **out)
        __attribute__((nonnull(1, 4)));

void cdi_cache_free(struct cdi_cache *cache);

/* What was skipped and why, one line each, in scan order. */
const char *const *cdi_cache_warnings(const struct cdi_cache *cache, size_t *n) __attribute__((nonnull(1, 2)));

/* The qualified names of the usable devices, sorted. */
const char *const *cdi_cache_devices(const struct cdi_cache *cache, size_t *n) __attribute__((nonnull(1, 2)));

/* The valid specs, in scan order. */
const struct cdi_spec *const *cdi_cache_specs(const struct cdi_cache *cache, size_t *n) __attribute__((nonnull(1, 2)));

/* The device for a qualified name ("nvidia.com/gpu=0") and, when spec is
 * not NULL, the spec defining it; NULL when unknown. */
const struct cdi_device *cdi_cache_lookup(const struct cdi_cache *cache, const char *qualified,
                                          const struct cdi_spec **spec) __attribute__((nonnull(1, 2)));

/* --- injection (cdi_inject.c) --------------------------------------------- */

/* Applies the edits of the requested devices (qualified names) to the OCI
 * spec, as the CDI library's Cache.InjectDevices: each spec's own edits
 * once, when its first device comes, then each device's edits, in request
 * order (a name requested twice counts once). Environment variables replace
 * a variable of the same name or are appended; device nodes get their
 * missing type and numbers from the host node, and their mode, plus a
 * linux.resources.devices allow rule for char and block devices; a mount
 * replaces the mount of the same destination, and all mounts are then
 * sorted by the depth of their destination; hooks are appended to their
 * stage. Any device that does not resolve fails the call with all their
 * names ("unresolvable CDI devices a, b"); on any failure spec is left as
 * it was. */
int cdi_inject(struct error *err, const struct cdi_cache *cache, struct oci_spec *spec, const char *const *devices,
               size_t ndevices) __attribute__((nonnull(1, 2, 3)));

/* The same with an explicit list of (spec, device) pairs, already
 * resolved, for callers that build specs in memory (jit-cdi). Each spec is
 * validated first; an invalid one fails the call with its first problem.
 * A request without a device brings its spec's own edits alone (jit-cdi's
 * "none": the driver files without a GPU). */
struct cdi_request {
        const struct cdi_spec *spec;
        const struct cdi_device *device;
};
int cdi_inject_resolved(struct error *err, struct oci_spec *spec, const struct cdi_request *requests, size_t n)
        __attribute__((nonnull(1, 2)));

/* --- writing (cdi_write.c) ------------------------------------------------ */

/* Orders a spec as NVIDIA's generator does before writing (its transform
 * "sorter"): in the spec's and every device's edits, device nodes and then
 * mounts by the depth of their container path (the number of '/' in the
 * cleaned path), then by the path itself (byte order); devices by name.
 * The sort is stable; nothing else moves. */
void cdi_spec_sort(struct cdi_spec *spec) __attribute__((nonnull));

/* The spec as text, the way NVIDIA's tools write it:
 * - YAML (libyaml's emitter): "---\n" then the document, keys sorted at
 *   every level as go-yaml v2 sorts a map (NVIDIA marshals through JSON
 *   into YAML): byte order for every CDI key, digits compared by value in
 *   annotation keys ("a2" before "a10"); strings holding a newline in
 *   literal style; block
 *   style, sequences inside a mapping not indented ("key:\n- item"), a
 *   string in plain style unless YAML 1.1 would read it as something else
 *   (then double-quoted: `name: "0"`, "true", "null", "1.5", "0x1F", "~",
 *   "") or plain style cannot hold it;
 * - JSON (json-c): compact, keys in the order of the CDI Go structs (spec:
 *   cdiVersion, kind, annotations, devices, containerEdits; device: name,
 *   annotations, containerEdits; edits: env, deviceNodes, hooks, mounts,
 *   intelRdt, additionalGids, netDevices; node: path, hostPath, type,
 *   major, minor, fileMode, permissions, uid, gid; mount: hostPath,
 *   containerPath, options, type; hook: hookName, path, args, env,
 *   timeout), no trailing newline.
 * Empty lists and unset fields are omitted ("omitempty"); "devices" and
 * each device's "containerEdits" are always written (the schema requires
 * them); a spec without common edits writes no "containerEdits". AUTO is
 * YAML. *out is
 * NUL-terminated; *len excludes the NUL. */
int cdi_spec_format(struct error *err, const struct cdi_spec *spec, enum cdi_format format, char **out, size_t *len)
        __attribute__((nonnull(1, 2, 4, 5)));

/* Writes the spec to path atomically with mode 0644 (atomic_write_file_mode),
 * the format from `format` or, when AUTO, from path's extension (".json":
 * JSON, anything else YAML). */
int cdi_spec_write_file(struct error *err, const struct cdi_spec *spec, const char *path, enum cdi_format format)
        __attribute__((nonnull(1, 2, 3)));

#endif
