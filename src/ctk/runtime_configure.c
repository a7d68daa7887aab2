/* `nvidia-ctk runtime configure` (NVIDIA's cmd/nvidia-ctk/runtime/configure
 * of toolkit 1.17.8): adds the NVIDIA runtime to docker's, containerd's or
 * CRI-O's config file, or writes an OCI hook file (--config-mode=oci-hook).
 * The flags, their defaults and checks and the log lines are upstream's.
 * Where we differ: a config file is replaced atomically (a symbolic link is
 * written through), a broken one is never touched, and
 * --config-source=command (read the engine's running config through its
 * command line) is refused. --drop-in-config is 1.18's: by default
 * containerd's and CRI-O's NVIDIA settings go to a drop-in file (the config
 * file only gains containerd's `imports`); an empty value edits the config
 * file itself, as 1.17.8 did. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/json_util.h"
#include "ctk/ctk.h"
#include "ctk/runtime_configure.h"

#define DEFAULT_RUNTIME_EXECUTABLE "nvidia-container-runtime"
#define DEFAULT_RUNTIME_PATH "/usr/bin/nvidia-container-runtime"
#define DEFAULT_HOOK_PATH "/usr/bin/nvidia-container-runtime-hook"
#define HOOK_STD_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* Engine configs are kilobytes; the TOML reader refuses above 1 MiB. */
#define CONFIG_MAX (8u << 20)
/* --drop-in-config's default: the engine's own drop-in file, if any. */
#define RUNTIME_SPECIFIC_DEFAULT "RUNTIME_SPECIFIC_DEFAULT"

struct args {
        bool dry_run, set_as_default, cdi;
        const char *runtime, *config, *mode, *source, *hook_file, *name, *path, *hook_path, *drop_in;
};

static const struct ctk_engine *const engines[] = {&ctk_engine_containerd, &ctk_engine_crio, &ctk_engine_docker};

/* --- the OCI hook ------------------------------------------------------------ */

static struct json_object *strings(const char *const *list)
{
        struct json_object *arr = json_object_new_array();

        for (size_t i = 0; arr != NULL && list[i] != NULL; i++) {
                struct json_object *s = json_object_new_string(list[i]);

                if (s == NULL || json_object_array_add(arr, s) < 0) {
                        json_object_put(s);
                        json_object_put(arr);
                        return NULL;
                }
        }
        return arr;
}

/* The hook's PATH: the usual directories, and the hook's own after them
 * when it is elsewhere. */
static char *hook_env_path(const char *hook_path)
{
        cleanup_free char *copy = strdup(hook_path), *needle = NULL;
        const char *dir;
        char *env = NULL;

        if (copy == NULL || asprintf(&needle, ":%s:", (dir = dirname(copy))) < 0)
                return NULL;
        if (strstr(":" HOOK_STD_PATH ":", needle) != NULL)
                dir = NULL;
        if (asprintf(&env, "PATH=%s%s%s", HOOK_STD_PATH, dir != NULL ? ":" : "", dir != NULL ? dir : "") < 0)
                return NULL;
        return env;
}

/* The hook as podman's and CRI-O's hooks.d want it (JSON with a newline,
 * as Go's json.Encoder writes it): run at prestart for every container. */
static char *oci_hook_json(const char *hook_path)
{
        cleanup_free char *base_copy = strdup(hook_path), *env = hook_env_path(hook_path), *json = NULL;
        struct json_object *hook = json_object_new_object(), *h = json_object_new_object(),
                           *when = json_object_new_object();
        char *out = NULL;

        if (base_copy != NULL && env != NULL && hook != NULL && h != NULL && when != NULL &&
            ctk_json_add(hook, "version", json_object_new_string("1.0.0")) == 0 &&
            ctk_json_add(h, "path", json_object_new_string(hook_path)) == 0 &&
            ctk_json_add(h, "args", strings((const char *const[]){basename(base_copy), "prestart", NULL})) == 0 &&
            ctk_json_add(h, "env", strings((const char *const[]){env, NULL})) == 0 &&
            ctk_json_add(hook, "hook", json_object_get(h)) == 0 &&
            ctk_json_add(when, "always", json_object_new_boolean(1)) == 0 &&
            ctk_json_add(when, "commands", strings((const char *const[]){".*", NULL})) == 0 &&
            ctk_json_add(hook, "when", json_object_get(when)) == 0 &&
            ctk_json_add(hook, "stages", strings((const char *const[]){"prestart", NULL})) == 0 &&
            (json = ctk_go_json(hook, "  ", false)) != NULL && asprintf(&out, "%s\n", json) < 0)
                out = NULL;
        json_object_put(h);
        json_object_put(when);
        json_object_put(hook);
        return out;
}

/* --- files ------------------------------------------------------------------ */

int ctk_read_config(struct error *err, const char *path, char **text, size_t *len)
{
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

        *text = NULL;
        *len = 0;
        if (fd < 0 && errno == ENOENT)
                return 0;
        if (fd < 0)
                return error_set(err, "open `%s`", path);
        if (json_util_read_fd(err, fd, CONFIG_MAX, text, len) < 0)
                return error_prefix(err, "%s", path);
        return 0;
}

/* --- the command --------------------------------------------------------------- */

static int oci_hook(const struct args *a)
{
        cleanup_free char *json = oci_hook_json(a->hook_path);
        struct error err = {0};

        if (json == NULL) {
                error_set(&err, "generate the hook");
                return ctk_fail(&err, "error creating OCI hook");
        }
        if (a->hook_file[0] == '\0') {
                fputs(json, stdout);
                return 0;
        }
        if (ctk_write_config(&err, a->hook_file, json, strlen(json), 0644) < 0)
                return ctk_fail(&err, "error creating OCI hook");
        return 0;
}

static const struct ctk_engine *engine_named(const char *name)
{
        for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
                if (strcmp(engines[i]->name, name) == 0)
                        return engines[i];
        return NULL;
}

static int validate_drop_in(const struct ctk_engine *e, struct args *a)
{
        if (strcmp(a->drop_in, RUNTIME_SPECIFIC_DEFAULT) == 0)
                a->drop_in = e->drop_in != NULL ? e->drop_in : "";
        if (a->drop_in[0] != '\0' && e->drop_in_update == NULL) {
                ctk_log(CTK_ERROR, "runtime %s does not support drop-in configs", e->name);
                return -1;
        }
        if (a->drop_in[0] != '\0' && a->drop_in[0] != '/') {
                ctk_log(CTK_ERROR, "the drop-in-config path \"%s\" is not an absolute path", a->drop_in);
                return -1;
        }
        return 0;
}

/* Upstream's validateFlags, after the hook mode has been dealt with. */
static int validate(const struct ctk_engine *e, struct args *a)
{
        if (a->mode[0] != '\0' && strcmp(a->mode, "config-file") != 0)
                ctk_log(CTK_WARN, "Ignoring unsupported config mode for %s: \"%s\"", a->runtime, a->mode);
        if (e == NULL) {
                ctk_log(CTK_ERROR, "unrecognized runtime '%s'", a->runtime);
                return -1;
        }
        if (e->absolute_path && strcmp(a->path, DEFAULT_RUNTIME_EXECUTABLE) == 0)
                a->path = DEFAULT_RUNTIME_PATH;
        if (e->absolute_path && a->path[0] != '/') {
                ctk_log(CTK_ERROR, "the NVIDIA runtime path \"%s\" is not an absolute path", a->path);
                return -1;
        }
        if (!e->cdi && a->cdi)
                ctk_log(CTK_WARN, "Ignoring cdi.enabled flag for %s", e->name);
        a->cdi = a->cdi && e->cdi;
        if (strcmp(a->source, "command") == 0 && e == &ctk_engine_docker) {
                ctk_log(CTK_WARN, "A command Config Source is not supported for docker; using file");
                a->source = "file";
        }
        if (strcmp(a->source, "command") == 0) {
                ctk_log(CTK_ERROR, "config source \"command\" is not supported; use --config-source=file");
                return -1;
        }
        if (strcmp(a->source, "file") != 0) {
                ctk_log(CTK_ERROR, "unrecognized Config Source: %s", a->source);
                return -1;
        }
        if (a->config[0] == '\0')
                a->config = e->config;
        return validate_drop_in(e, a);
}

/* --dry-run: what would be written, each file's text after a comment
 * naming it when there are two. */
static int print_texts(const struct args *a, const struct ctk_texts *t)
{
        if (t->main != NULL && a->drop_in[0] != '\0')
                printf("# %s\n", a->config);
        if (t->main != NULL)
                printf("%s\n", t->main);
        if (t->drop != NULL)
                printf("# %s\n%s\n", a->drop_in, t->drop);
        return fflush(stdout) == 0 ? 0 : 1;
}

static int write_texts(struct error *err, const struct args *a, const struct ctk_texts *t)
{
        /* The drop-in first, so that an import never names a file yet to come. */
        if (t->drop != NULL && ctk_write_config(err, a->drop_in, t->drop, t->drop_len, 0644) < 0)
                return -1;
        if (t->drop != NULL)
                ctk_log(CTK_INFO, "Wrote updated config to %s", a->drop_in);
        if (t->main != NULL && ctk_write_config(err, a->config, t->main, t->main_len, 0644) < 0)
                return -1;
        if (t->main != NULL)
                ctk_log(CTK_INFO, "Wrote updated config to %s", a->config);
        return 0;
}

static int configure(const struct ctk_engine *e, const struct args *a)
{
        const struct ctk_runtime_opts o = {a->name, a->path, a->set_as_default, a->cdi};
        struct ctk_texts t = {NULL, NULL, 0, 0};
        cleanup_free char *text = NULL;
        struct error err = {0};
        char what[64];
        size_t len;
        int rv;

        snprintf(what, sizeof(what), "unable to load config for runtime %s", e->name);
        rv = ctk_read_config(&err, a->config, &text, &len);
        if (rv == 0 && a->drop_in[0] != '\0')
                rv = e->drop_in_update(&err, a->config, text, len, &o, a->drop_in, &t);
        else if (rv == 0)
                rv = e->update(&err, a->config, text, len, &o, &t.main, &t.main_len);
        if (rv < 0)
                rv = ctk_fail(&err, what);
        else if (a->dry_run)
                rv = print_texts(a, &t);
        else if (write_texts(&err, a, &t) < 0)
                rv = ctk_fail(&err, "unable to flush config");
        else
                ctk_log(CTK_INFO, "It is recommended that %s daemon be restarted.", e->name);
        free(t.main);
        free(t.drop);
        return rv;
}

static void usage(const struct ctk_flag *flags)
{
        printf("NAME:\n   nvidia-ctk runtime configure - Add a runtime to the specified container engine\n\n"
               "USAGE:\n   nvidia-ctk runtime configure [command options]\n\n");
        ctk_flags_usage(stdout, flags);
}

int ctk_runtime_configure(int argc, char **argv)
{
        struct args a = {false, false, false, "docker", "", "", "file", "", "nvidia", DEFAULT_RUNTIME_EXECUTABLE,
                         DEFAULT_HOOK_PATH, RUNTIME_SPECIFIC_DEFAULT};
        const struct ctk_flag flags[] = {
                {"dry-run", NULL, CTK_FLAG_BOOL, &a.dry_run,
                 "update the runtime configuration as required but don't write changes to disk", NULL},
                {"runtime", NULL, CTK_FLAG_STRING, &a.runtime,
                 "the target runtime engine; one of [containerd, crio, docker] (default: \"docker\")", NULL},
                {"config", NULL, CTK_FLAG_STRING, &a.config, "path to the config file for the target runtime", NULL},
                {"drop-in-config", NULL, CTK_FLAG_STRING, &a.drop_in,
                 "path to the NVIDIA-specific config file to create. When specified, runtime configurations are "
                 "saved to this file instead of modifying the main config file (default: \"" RUNTIME_SPECIFIC_DEFAULT
                 "\")", NULL},
                {"config-mode", NULL, CTK_FLAG_STRING, &a.mode,
                 "the config mode for runtimes that support multiple configuration mechanisms", NULL},
                {"config-source", NULL, CTK_FLAG_STRING, &a.source,
                 "the source to retrieve the container runtime configuration; one of [command, file] "
                 "(default: \"file\")", NULL},
                {"oci-hook-path", NULL, CTK_FLAG_STRING, &a.hook_file,
                 "the path to the OCI runtime hook to create if --config-mode=oci-hook is specified", NULL},
                {"nvidia-runtime-name", NULL, CTK_FLAG_STRING, &a.name,
                 "specify the name of the NVIDIA runtime that will be added (default: \"nvidia\")", NULL},
                {"nvidia-runtime-path", "runtime-path", CTK_FLAG_STRING, &a.path,
                 "specify the path to the NVIDIA runtime executable (default: \"nvidia-container-runtime\")", NULL},
                {"nvidia-runtime-hook-path", NULL, CTK_FLAG_STRING, &a.hook_path,
                 "specify the path to the NVIDIA Container Runtime hook executable "
                 "(default: \"/usr/bin/nvidia-container-runtime-hook\")", NULL},
                {"nvidia-set-as-default", "set-as-default", CTK_FLAG_BOOL, &a.set_as_default,
                 "set the NVIDIA runtime as the default runtime", NULL},
                {"cdi.enabled", "enable-cdi", CTK_FLAG_BOOL, &a.cdi, "Enable CDI in the configured runtime", NULL},
                {"cdi.enable", NULL, CTK_FLAG_BOOL, &a.cdi, "(alias of --cdi.enabled)", NULL},
                {NULL, NULL, 0, NULL, NULL, NULL},
        };
        cleanup_free char **pos = NULL;
        struct error err = {0};
        bool help;

        if (ctk_flags_parse(&err, flags, argc - 1, argv + 1, &pos, &help) < 0) {
                ctk_log(CTK_ERROR, "%s", error_msg(&err));
                error_reset(&err);
                return 1;
        }
        if (help) {
                usage(flags);
                return 0;
        }
        if (strcmp(a.mode, "oci-hook") == 0) {
                if (a.hook_path[0] != '/') {
                        ctk_log(CTK_ERROR, "the NVIDIA runtime hook path \"%s\" is not an absolute path", a.hook_path);
                        return 1;
                }
                return oci_hook(&a);
        }
        if (validate(engine_named(a.runtime), &a) < 0)
                return 1;
        return configure(engine_named(a.runtime), &a);
}
