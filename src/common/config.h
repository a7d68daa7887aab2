/* The NVIDIA Container Toolkit's config.toml: NVIDIA's tables, keys and
 * defaults (api/config/v1 of nvidia-container-toolkit), read with the
 * TOML reader. Used by the hook, the runtime and nvidia-ctk. */
#ifndef COMMON_CONFIG_H
#define COMMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* Where the file is looked for: this variable names it, else
 * ${XDG_CONFIG_HOME:-/etc}/CONFIG_RELATIVE_PATH. */
#define CONFIG_PATH_ENV "NVIDIA_CTK_CONFIG_FILE_PATH"
#define CONFIG_RELATIVE_PATH "nvidia-container-runtime/config.toml"

/* String lists are NULL-terminated arrays of strings. */
struct config {
        bool accept_envvar_unprivileged;     /* accept-nvidia-visible-devices-envvar-when-unprivileged */
        bool accept_device_list_as_volumes;  /* accept-nvidia-visible-devices-as-volume-mounts */
        bool disable_require;                /* disable-require */
        char *supported_driver_capabilities; /* supported-driver-capabilities */
        char *swarm_resource;                /* swarm-resource */

        struct { /* [nvidia-container-cli] */
                char *root, *path;
                char **environment;
                char *debug, *ldcache;
                bool load_kmods, no_pivot, no_cgroups;
                char *user;
                char *ldconfig; /* "@path" is on the host, else in the container */
        } cli;

        struct { /* [nvidia-ctk] */
                char *path;
        } ctk;

        struct { /* [nvidia-container-runtime] */
                char *debug, *log_level;
                char **runtimes;
                char *mode;
                struct {
                        char **annotation_prefixes, **spec_dirs;
                        char *default_kind;
                } cdi;
                struct {
                        char *mount_spec_path, *compat_container_root;
                } csv;
                struct {
                        char **nvcdi_feature_flags;
                } jit_cdi;
                struct {
                        char *cuda_compat_mode;
                } legacy;
        } runtime;

        struct { /* [nvidia-container-runtime-hook] */
                char *path;
                bool skip_mode_detection;
        } hook;

        struct { /* [features]: all off unless set */
                bool allow_cuda_compat_libs_from_container;
                bool allow_ldconfig_from_container;
                bool allow_unknown_oci_spec_fields;
                bool disable_cuda_compat_lib_hook;
                bool disable_imex_channel_creation;
                bool ignore_imex_channel_requests;
                bool no_additional_gids_for_device_nodes;
        } features;

        /* What was ignored while loading ("FILE:LINE:COL: unknown key
         * 'x' ignored"), for the caller to log; NULL-terminated or NULL. */
        char **warnings;
};

enum config_type {
        CONFIG_BOOL,
        CONFIG_STRING,
        CONFIG_STRING_LIST,
};

/* One key of the file, with its default. The defaults of
 * nvidia-container-cli.ldconfig and .user depend on the host (see
 * config_defaults); this table has upstream's base values for them. */
struct config_key {
        const char *name; /* dotted, e.g. "nvidia-container-cli.load-kmods" */
        enum config_type type;
        size_t offset; /* of the field in struct config */
        union {
                bool boolean;
                const char *string;
                const char *const *list; /* NULL-terminated */
        } def;
};

/* Fills cfg with the defaults (what upstream's GetDefault returns on this
 * host). Returns -1 (errno ENOMEM, cfg left empty) when out of memory. */
int config_defaults(struct config *cfg) __attribute__((nonnull));

/* Loads the config: path NULL means upstream's lookup (config_file_path).
 * A missing file gives the defaults. A broken file is the reader's
 * "FILE:LINE:COL: reason"; a value of the wrong type is an error naming
 * the key; unknown keys are warnings in cfg->warnings. On error cfg is
 * left empty (config_free is still fine). */
int config_load(struct error *err, const char *path, struct config *cfg) __attribute__((nonnull(1, 3)));

/* As config_load, for one file; with required set a missing file is an
 * error too (the hook's -config flag and CONFIG_PATH_ENV). */
int config_load_file(struct error *err, const char *path, bool required, struct config *cfg)
        __attribute__((nonnull));

/* As config_load_file, from len bytes of text named name in messages. */
int config_load_text(struct error *err, const char *name, const char *text, size_t len, struct config *cfg)
        __attribute__((nonnull));

/* $NVIDIA_CTK_CONFIG_FILE_PATH, else ${XDG_CONFIG_HOME:-/etc}/nvidia-
 * container-runtime/config.toml (empty variables count as unset).
 * *from_env tells whether the variable named it. malloc'd, or NULL. */
char *config_file_path(bool *from_env);

void config_free(struct config *cfg);

/* The key of a dotted name, or NULL when the file has no such key. */
const struct config_key *config_key_lookup(const char *dotted) __attribute__((nonnull));

/* Every key, in the order upstream writes them; *n is the count. */
const struct config_key *config_keys(size_t *n) __attribute__((nonnull));

/* The ldconfig upstream runs for a host path: "@/sbin/ldconfig.real" when
 * that exists on this host (Ubuntu's ldconfig is a wrapper script around
 * it), else the path as given. Container paths are returned unchanged.
 * malloc'd, or NULL. */
char *config_ldconfig_normalize(const char *path) __attribute__((nonnull));

#endif
