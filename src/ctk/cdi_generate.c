/* `nvidia-ctk cdi generate`: a CDI spec for the GPUs of a driver root, with
 * NVIDIA's flags and log lines. The driver is asked through
 * libnvidia-container (discover.h), the spec built by the shared generator
 * (common/cdi_gen.h). Of NVIDIA's modes, the nvml and management ones
 * exist here; auto always means nvml (wsl needs /dev/dxg, csv Tegra
 * boards). Nothing is written unless the whole spec was built. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cdi.h"
#include "common/cdi_gen.h"
#include "common/cdi_name.h"
#include "common/cleanup.h"
#include "ctk/cdi_args.h"
#include "ctk/discover.h"

struct gen_args {
        const char *output, *format, *mode, *dev_root, *driver_root, *hook_path, *ldconfig_path, *vendor, *class;
        struct ctk_strings naming, search_paths, disabled, enabled, device_ids;
        bool no_all_device, format_given;
};

static void gen_args_free(struct gen_args *a)
{
        ctk_strings_free(&a->naming);
        ctk_strings_free(&a->search_paths);
        ctk_strings_free(&a->disabled);
        ctk_strings_free(&a->enabled);
        ctk_strings_free(&a->device_ids);
}

static const char *extension(const char *path)
{
        const char *base = strrchr(path, '/'), *dot;

        dot = strrchr(base != NULL ? base : path, '.');
        return dot != NULL ? dot : "";
}

/* --format, else the output's extension (.json, .yaml or .yml), else YAML;
 * a --format at odds with the extension wins, with a warning. */
static int output_format(struct error *err, const struct gen_args *a, enum cdi_format *fmt)
{
        const char *ext = extension(a->output);
        enum cdi_format implied = strcasecmp(ext, ".json") == 0 ? CDI_FORMAT_JSON
                                  : strcasecmp(ext, ".yaml") == 0 || strcasecmp(ext, ".yml") == 0 ? CDI_FORMAT_YAML
                                                                                                 : CDI_FORMAT_AUTO;

        if (strcasecmp(a->format, "json") == 0)
                *fmt = CDI_FORMAT_JSON;
        else if (strcasecmp(a->format, "yaml") == 0)
                *fmt = CDI_FORMAT_YAML;
        else
                return error_setx(err, "invalid output format: %s", a->format);
        if (implied != CDI_FORMAT_AUTO && !a->format_given)
                *fmt = implied;
        else if (implied != CDI_FORMAT_AUTO && implied != *fmt)
                ctk_log(CTK_WARN, "Requested output format \"%s\" does not match format implied by output file name: "
                        "\"%s\"", *fmt == CDI_FORMAT_JSON ? "json" : "yaml", implied == CDI_FORMAT_JSON ? "json" : "yaml");
        return 0;
}

/* NVIDIA saves to a name with the format's extension: ".yml" becomes
 * ".yaml", any other extension gets one appended (the CDI cache reads only
 * .json and .yaml files). */
static char *output_path(const char *output, enum cdi_format fmt)
{
        const char *ext = extension(output);
        char *path = NULL;
        int rv;

        if (strcmp(ext, ".yaml") == 0 || strcmp(ext, ".json") == 0)
                return strdup(output);
        if (strcmp(ext, ".yml") == 0)
                rv = asprintf(&path, "%.*s.yaml", (int)(ext - output), output);
        else
                rv = asprintf(&path, "%s.%s", output, fmt == CDI_FORMAT_JSON ? "json" : "yaml");
        return rv < 0 ? NULL : path;
}

static int parse_mode(struct error *err, const char *mode, enum cdi_gen_mode *out)
{
        static const char *const unsupported[] = {"wsl", "csv", "gds", "mofed", "imex"};

        if (strcasecmp(mode, "auto") == 0 || strcasecmp(mode, "nvml") == 0) {
                *out = CDI_GEN_MODE_NVML;
        } else if (strcasecmp(mode, "management") == 0) {
                *out = CDI_GEN_MODE_MANAGEMENT;
        } else {
                for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
                        if (strcasecmp(mode, unsupported[i]) == 0)
                                return error_setx(err, "unsupported discovery mode: %s", mode);
                return error_setx(err, "invalid discovery mode: %s", mode);
        }
        return 0;
}

static int parse_naming(struct error *err, const struct ctk_strings *s, enum cdi_gen_naming *out)
{
        for (size_t i = 0; i < s->n; i++) {
                if (strcmp(s->v[i], "index") == 0)
                        out[i] = CDI_GEN_NAME_INDEX;
                else if (strcmp(s->v[i], "uuid") == 0)
                        out[i] = CDI_GEN_NAME_UUID;
                else if (strcmp(s->v[i], "type-index") == 0)
                        out[i] = CDI_GEN_NAME_TYPE_INDEX;
                else
                        return error_setx(err, "invalid device name strategy: %s", s->v[i]);
        }
        return 0;
}

/* --disable-hook first, then --enable-hook takes names back out. */
static int parse_hooks(struct error *err, const struct gen_args *a, unsigned *disabled)
{
        const struct ctk_strings *lists[] = {&a->disabled, &a->enabled};

        *disabled = 0;
        for (size_t l = 0; l < 2; l++) {
                for (size_t i = 0; i < lists[l]->n; i++) {
                        unsigned hook = cdi_gen_hook_from_name(lists[l]->v[i]);

                        if (hook == 0)
                                return error_setx(err, "invalid hook name: %s", lists[l]->v[i]);
                        *disabled = l == 0 ? *disabled | hook : *disabled & ~hook;
                }
        }
        return 0;
}

static void log_line(void *data, enum cdi_gen_log_level level, const char *msg)
{
        (void)data;
        ctk_log(level == CDI_GEN_LOG_WARN ? CTK_WARN : level == CDI_GEN_LOG_INFO ? CTK_INFO : CTK_DEBUG, "%s", msg);
}

static bool all_devices(const struct ctk_strings *ids)
{
        for (size_t i = 0; i < ids->n; i++)
                if (strcmp(ids->v[i], "all") == 0)
                        return true;
        return ids->n == 0;
}

/* What the flags say, checked before the driver is asked anything. */
static int gen_options(struct error *err, const struct gen_args *a, struct cdi_gen_options *o, enum cdi_gen_naming *naming)
{
        if (parse_mode(err, a->mode, &o->mode) < 0 || parse_naming(err, &a->naming, naming) < 0 ||
            parse_hooks(err, a, &o->disabled_hooks) < 0)
                return -1;
        if (cdi_name_check_vendor(err, a->vendor) < 0)
                return error_prefix(err, "invalid CDI vendor name");
        if (cdi_name_check_class(err, a->class) < 0)
                return error_prefix(err, "invalid CDI class name");
        o->driver_root = a->driver_root;
        o->dev_root = a->dev_root[0] != '\0' ? a->dev_root : NULL;
        o->hook_path = a->hook_path[0] != '\0' ? a->hook_path : NULL;
        o->ldconfig_path = a->ldconfig_path[0] != '\0' ? a->ldconfig_path : NULL;
        o->vendor = a->vendor;
        o->class = a->class;
        o->naming = naming;
        o->nnaming = a->naming.n;
        o->library_search_paths = (const char *const *)a->search_paths.v;
        o->nlibrary_search_paths = a->search_paths.n;
        o->no_all_device = a->no_all_device;
        o->device_ids = all_devices(&a->device_ids) ? NULL : (const char *const *)a->device_ids.v;
        o->ndevice_ids = all_devices(&a->device_ids) ? 0 : a->device_ids.n;
        o->log = log_line;
        return 0;
}

/* NVIDIA logs the NVML library it loads, then the mode auto picked. */
static int build(struct error *err, const struct cdi_gen_options *o, bool detected, struct cdi_spec **spec)
{
        struct ctk_discovery d;
        int rv;

        if (ctk_discover(err, o->driver_root, &d) < 0)
                return -1;
        if (d.nvml_path != NULL)
                ctk_log(CTK_INFO, "Using %s", d.nvml_path);
        if (detected)
                ctk_log(CTK_INFO, "Auto-detected mode as 'nvml'");
        rv = cdi_generate(err, o, &d.driver, spec);
        ctk_discovery_free(&d);
        return rv;
}

static int write_spec(struct error *err, const struct cdi_spec *spec, const char *output, enum cdi_format fmt)
{
        cleanup_free char *text = NULL, *path = NULL;
        size_t len;

        if (output[0] != '\0') {
                if ((path = output_path(output, fmt)) == NULL)
                        return error_set(err, "output path");
                /* /var/run/cdi is gone after a reboot: the refresh unit's first run makes it. */
                if (ctk_mkdir_parents(err, path) < 0)
                        return -1;
                return cdi_spec_write_file(err, spec, path, fmt);
        }
        if (cdi_spec_format(err, spec, fmt, &text, &len) < 0)
                return -1;
        if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
                return error_set(err, "write to STDOUT");
        return 0;
}

/* Flag errors are logged bare, as NVIDIA's (its checks run before the
 * command and their errors reach the log unprefixed). */
static int generate(const struct gen_args *a)
{
        struct error err = {0};
        cleanup_free enum cdi_gen_naming *naming = calloc(a->naming.n + 1, sizeof(*naming));
        struct cdi_gen_options o = {0};
        struct cdi_spec *spec = NULL;
        enum cdi_format fmt = CDI_FORMAT_YAML;
        int rv;

        if (naming == NULL) {
                error_set(&err, "device name strategies");
                return ctk_fail(&err, "failed to generate CDI spec");
        }
        if (output_format(&err, a, &fmt) < 0 || gen_options(&err, a, &o, naming) < 0) {
                ctk_log(CTK_ERROR, "%s", error_msg(&err));
                error_reset(&err);
                return 1;
        }
        if (build(&err, &o, strcasecmp(a->mode, "auto") == 0, &spec) < 0)
                return ctk_fail(&err, "failed to generate CDI spec");
        ctk_log(CTK_INFO, "Generated CDI spec with version %s", spec->version);
        rv = write_spec(&err, spec, a->output, fmt);
        cdi_spec_free(spec);
        return rv < 0 ? ctk_fail(&err, "failed to save CDI spec") : 0;
}

int ctk_cdi_generate(int argc, char **argv)
{
        struct gen_args a = {
                .output = "",
                .format = "yaml",
                .mode = "auto",
                .dev_root = "",
                .driver_root = "/",
                .hook_path = "/usr/bin/nvidia-cdi-hook",
                .ldconfig_path = "",
                .vendor = "nvidia.com",
                .class = "gpu",
        };
        const struct ctk_flag flags[] = {
                {"output", NULL, CTK_FLAG_STRING, &a.output, "the file to write the spec to ('': STDOUT)", NULL},
                {"format", NULL, CTK_FLAG_STRING, &a.format, "the output format [json | yaml] (default: yaml, or "
                 "the output file's extension)", &a.format_given},
                {"mode", "discovery-mode", CTK_FLAG_STRING, &a.mode, "the discovery mode [auto | nvml | management]",
                 NULL},
                {"dev-root", NULL, CTK_FLAG_STRING, &a.dev_root, "the root of /dev (default: the driver root)", NULL},
                {"driver-root", NULL, CTK_FLAG_STRING, &a.driver_root, "the NVIDIA driver root (default: /)", NULL},
                {"device-name-strategy", NULL, CTK_FLAG_STRINGS, &a.naming,
                 "how devices are named [index | uuid | type-index] (default: index, uuid)", NULL},
                {"library-search-path", NULL, CTK_FLAG_STRINGS, &a.search_paths,
                 "more directories to search for driver libraries", NULL},
                {"nvidia-cdi-hook-path", "nvidia-ctk-path", CTK_FLAG_STRING, &a.hook_path,
                 "the nvidia-cdi-hook the spec's hooks run (default: /usr/bin/nvidia-cdi-hook)", NULL},
                {"ldconfig-path", NULL, CTK_FLAG_STRING, &a.ldconfig_path, "the ldconfig the update-ldcache hook runs",
                 NULL},
                {"vendor", "cdi-vendor", CTK_FLAG_STRING, &a.vendor, "the CDI vendor (default: nvidia.com)", NULL},
                {"class", "cdi-class", CTK_FLAG_STRING, &a.class, "the CDI class (default: gpu)", NULL},
                {"disable-hook", NULL, CTK_FLAG_STRINGS, &a.disabled,
                 "hooks left out [create-symlinks | enable-cuda-compat | update-ldcache | "
                 "disable-device-node-modification | all]", NULL},
                {"enable-hook", NULL, CTK_FLAG_STRINGS, &a.enabled, "hooks kept despite --disable-hook", NULL},
                {"no-all-device", NULL, CTK_FLAG_BOOL, &a.no_all_device, "no \"all\" device", NULL},
                {"device-id", NULL, CTK_FLAG_STRINGS, &a.device_ids, "only these GPUs or MIG devices (default: all)",
                 NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        /* How the nvidia-cdi-refresh unit and its env file set them. */
        static const struct ctk_flag_env envs[] = {
                {"output", "NVIDIA_CTK_CDI_OUTPUT_FILE_PATH"},
                {"format", "NVIDIA_CTK_CDI_GENERATE_OUTPUT_FORMAT"},
                {"mode", "NVIDIA_CTK_CDI_GENERATE_MODE"},
                {"dev-root", "NVIDIA_CTK_DEV_ROOT"},
                {"driver-root", "NVIDIA_CTK_DRIVER_ROOT"},
                {"device-name-strategy", "NVIDIA_CTK_CDI_GENERATE_DEVICE_NAME_STRATEGIES"},
                {"library-search-path", "NVIDIA_CTK_CDI_GENERATE_LIBRARY_SEARCH_PATHS"},
                {"nvidia-cdi-hook-path", "NVIDIA_CTK_CDI_HOOK_PATH"},
                {"ldconfig-path", "NVIDIA_CTK_CDI_GENERATE_LDCONFIG_PATH"},
                {"vendor", "NVIDIA_CTK_CDI_GENERATE_VENDOR"},
                {"class", "NVIDIA_CTK_CDI_GENERATE_CLASS"},
                {"disable-hook", "NVIDIA_CTK_CDI_GENERATE_DISABLED_HOOKS"},
                {NULL, NULL},
        };
        static const struct ctk_cdi_usage usage = {"generate",
                                                   "Generate CDI specifications for use with CDI-enabled runtimes", NULL};
        struct error err = {0};
        char **pos = NULL;
        int rv = ctk_flags_apply_env(&err, flags, envs) < 0 ? ctk_fail(&err, "invalid flag from the environment")
                                                            : ctk_cdi_args(&usage, flags, argc, argv, &pos);

        if (rv < 0)
                rv = generate(&a);
        free(pos);
        gen_args_free(&a);
        return rv;
}
