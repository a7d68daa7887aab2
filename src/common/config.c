/* config.toml's keys and their defaults, as NVIDIA's toolkit has them
 * (api/config/v1: config.go GetDefault, cli.go, runtime.go, hook.go,
 * toolkit-cli.go, features.go), the lookup of the file, and freeing. */
#include "common/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/strv.h"

#define F(field) offsetof(struct config, field)
#define BOOL(name, field, value) {name, CONFIG_BOOL, F(field), {.boolean = value}}
#define STRING(name, field, value) {name, CONFIG_STRING, F(field), {.string = value}}
#define LIST(name, field, value) {name, CONFIG_STRING_LIST, F(field), {.list = value}}

static const char *const empty[] = {NULL};
static const char *const runtimes[] = {"runc", "crun", NULL};
static const char *const annotation_prefixes[] = {"cdi.k8s.io/", NULL};
static const char *const spec_dirs[] = {"/etc/cdi", "/var/run/cdi", NULL};

/* In the order upstream writes the file: a table's plain keys, then its
 * tables, each sorted by name. */
static const struct config_key keys[] = {
        BOOL("accept-nvidia-visible-devices-as-volume-mounts", accept_device_list_as_volumes, false),
        BOOL("accept-nvidia-visible-devices-envvar-when-unprivileged", accept_envvar_unprivileged, true),
        BOOL("disable-require", disable_require, false),
        STRING("supported-driver-capabilities", supported_driver_capabilities,
               "compat32,compute,display,graphics,ngx,utility,video"),
        STRING("swarm-resource", swarm_resource, ""),

        BOOL("features.allow-cuda-compat-libs-from-container", features.allow_cuda_compat_libs_from_container, false),
        BOOL("features.allow-ldconfig-from-container", features.allow_ldconfig_from_container, false),
        BOOL("features.allow-unknown-oci-spec-fields", features.allow_unknown_oci_spec_fields, false),
        BOOL("features.disable-cuda-compat-lib-hook", features.disable_cuda_compat_lib_hook, false),
        BOOL("features.disable-imex-channel-creation", features.disable_imex_channel_creation, false),
        BOOL("features.ignore-imex-channel-requests", features.ignore_imex_channel_requests, false),
        BOOL("features.no-additional-gids-for-device-nodes", features.no_additional_gids_for_device_nodes, false),

        STRING("nvidia-container-cli.debug", cli.debug, ""),
        LIST("nvidia-container-cli.environment", cli.environment, empty),
        STRING("nvidia-container-cli.ldcache", cli.ldcache, ""),
        STRING("nvidia-container-cli.ldconfig", cli.ldconfig, "@/sbin/ldconfig"),
        BOOL("nvidia-container-cli.load-kmods", cli.load_kmods, true),
        BOOL("nvidia-container-cli.no-cgroups", cli.no_cgroups, false),
        BOOL("nvidia-container-cli.no-pivot", cli.no_pivot, false),
        STRING("nvidia-container-cli.path", cli.path, ""),
        STRING("nvidia-container-cli.root", cli.root, ""),
        STRING("nvidia-container-cli.user", cli.user, ""),

        STRING("nvidia-container-runtime.debug", runtime.debug, "/dev/null"),
        STRING("nvidia-container-runtime.log-level", runtime.log_level, "info"),
        STRING("nvidia-container-runtime.mode", runtime.mode, "auto"),
        LIST("nvidia-container-runtime.runtimes", runtime.runtimes, runtimes),
        LIST("nvidia-container-runtime.modes.cdi.annotation-prefixes", runtime.cdi.annotation_prefixes,
             annotation_prefixes),
        STRING("nvidia-container-runtime.modes.cdi.default-kind", runtime.cdi.default_kind, "nvidia.com/gpu"),
        LIST("nvidia-container-runtime.modes.cdi.spec-dirs", runtime.cdi.spec_dirs, spec_dirs),
        STRING("nvidia-container-runtime.modes.csv.compat-container-root", runtime.csv.compat_container_root, ""),
        STRING("nvidia-container-runtime.modes.csv.mount-spec-path", runtime.csv.mount_spec_path,
               "/etc/nvidia-container-runtime/host-files-for-container.d"),
        LIST("nvidia-container-runtime.modes.jit-cdi.nvcdi-feature-flags", runtime.jit_cdi.nvcdi_feature_flags, empty),
        STRING("nvidia-container-runtime.modes.legacy.cuda-compat-mode", runtime.legacy.cuda_compat_mode, "ldconfig"),

        STRING("nvidia-container-runtime-hook.path", hook.path, "nvidia-container-runtime-hook"),
        BOOL("nvidia-container-runtime-hook.skip-mode-detection", hook.skip_mode_detection, false),

        STRING("nvidia-ctk.path", ctk.path, "nvidia-ctk"),
};

const struct config_key *config_keys(size_t *n)
{
        *n = sizeof(keys) / sizeof(keys[0]);
        return keys;
}

const struct config_key *config_key_lookup(const char *dotted)
{
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                if (strcmp(keys[i].name, dotted) == 0)
                        return &keys[i];
        return NULL;
}

void config_free(struct config *cfg)
{
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                void *field = (char *)cfg + keys[i].offset;

                if (keys[i].type == CONFIG_STRING)
                        free(*(char **)field);
                else if (keys[i].type == CONFIG_STRING_LIST)
                        strv_free(*(char ***)field);
        }
        strv_free(cfg->warnings);
        memset(cfg, 0, sizeof(*cfg));
}

static int set_default(struct config *cfg, const struct config_key *key)
{
        void *field = (char *)cfg + key->offset;

        switch (key->type) {
        case CONFIG_BOOL:
                *(bool *)field = key->def.boolean;
                return 0;
        case CONFIG_STRING:
                return (*(char **)field = strdup(key->def.string)) != NULL ? 0 : -1;
        case CONFIG_STRING_LIST:
                return (*(char ***)field = strv_dup(key->def.list)) != NULL ? 0 : -1;
        }
        return 0;
}

/* Upstream's isSuse: ID_LIKE in /etc/os-release names suse or opensuse. */
static bool is_suse(void)
{
        FILE *f = fopen("/etc/os-release", "re");
        char *line = NULL, *tok, *save;
        size_t size = 0;
        bool suse = false;

        if (f == NULL)
                return false;
        while (!suse && getline(&line, &size, f) > 0) {
                if (strncmp(line, "ID_LIKE=", 8) != 0)
                        continue;
                for (tok = strtok_r(line + 8, "\" \n", &save); tok != NULL && !suse;
                     tok = strtok_r(NULL, "\" \n", &save))
                        suse = strcmp(tok, "suse") == 0 || strcmp(tok, "opensuse") == 0;
                break;
        }
        free(line);
        fclose(f);
        return suse;
}

char *config_ldconfig_normalize(const char *path)
{
        size_t len = strlen(path);
        char *real = NULL, *out = NULL;
        struct stat st;

        if (path[0] != '@')
                return strdup(path);
        path++;
        len--;
        if (len >= 5 && strcmp(path + len - 5, ".real") == 0)
                len -= 5;
        if (asprintf(&real, "%.*s.real", (int)len, path) < 0)
                return NULL;
        if (stat(real, &st) == 0) {
                if (asprintf(&out, "@%s", real) < 0)
                        out = NULL;
        } else if (asprintf(&out, "@%.*s", (int)len, path) < 0) {
                out = NULL;
        }
        free(real);
        return out;
}

/* The two defaults that depend on the host, as upstream computes them. */
static int host_defaults(struct config *cfg)
{
        char *ldconfig = config_ldconfig_normalize(cfg->cli.ldconfig);

        if (ldconfig == NULL)
                return -1;
        free(cfg->cli.ldconfig);
        cfg->cli.ldconfig = ldconfig;
        if (is_suse()) {
                free(cfg->cli.user);
                if ((cfg->cli.user = strdup("root:video")) == NULL)
                        return -1;
        }
        return 0;
}

int config_defaults(struct config *cfg)
{
        memset(cfg, 0, sizeof(*cfg));
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                if (set_default(cfg, &keys[i]) < 0) {
                        config_free(cfg);
                        errno = ENOMEM;
                        return -1;
                }
        }
        if (host_defaults(cfg) < 0) {
                config_free(cfg);
                errno = ENOMEM;
                return -1;
        }
        return 0;
}

char *config_file_path(bool *from_env)
{
        const char *env = getenv(CONFIG_PATH_ENV), *root = getenv("XDG_CONFIG_HOME");
        size_t len;
        char *path;

        if (from_env != NULL)
                *from_env = env != NULL && *env != '\0';
        if (env != NULL && *env != '\0')
                return strdup(env);
        if (root == NULL || *root == '\0')
                root = "/etc";
        /* As Go's filepath.Join: no doubled slash. */
        for (len = strlen(root); len > 1 && root[len - 1] == '/'; len--)
                ;
        if (asprintf(&path, "%.*s%s%s", (int)len, root, root[len - 1] == '/' ? "" : "/", CONFIG_RELATIVE_PATH) < 0)
                return NULL;
        return path;
}
