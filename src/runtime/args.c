/* The low-level runtime's command line, read the way runc reads it, so the
 * shim finds the subcommand and the global flags where runc does, and the
 * bundle the way NVIDIA's shim does (internal/oci/args.go). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

/* Global flags of runc and crun that take a value (runc's --log, --log-
 * format, --root, --criu, --rootless; crun's --cgroup-manager and
 * --log-level), and the bundle flags, which are no global flags but whose
 * value is never a subcommand (upstream: `--bundle create` is no create).
 * Every other global flag is a switch. */
static const char *const value_flags[] = {
        "log", "log-format", "root", "criu", "rootless", "cgroup-manager", "log-level", "b", "bundle",
};

/* The flag's name without its dashes and without "=value" (length *len);
 * NULL when arg is not a flag. */
static const char *flag_name(const char *arg, size_t *len)
{
        const char *name = arg + strspn(arg, "-");

        if (name == arg || *name == '\0')
                return NULL;
        *len = strcspn(name, "=");
        return name;
}

static bool is(const char *name, size_t len, const char *want)
{
        return strlen(want) == len && strncmp(name, want, len) == 0;
}

static bool takes_value(const char *name, size_t len)
{
        for (size_t i = 0; i < sizeof(value_flags) / sizeof(value_flags[0]); i++)
                if (is(name, len, value_flags[i]))
                        return true;
        return false;
}

/* The value of a global flag at argv[*i]: after '=', else the next
 * argument (consumed); NULL when there is none. */
static const char *flag_value(int argc, char *const *argv, int *i, const char *name, size_t len)
{
        if (name[len] == '=')
                return name + len + 1;
        if (*i + 1 < argc)
                return argv[++*i];
        return NULL;
}

void runtime_args_parse(struct runtime_args *args, int argc, char *const *argv)
{
        const char *name, *value;
        size_t len;
        int i;

        memset(args, 0, sizeof(*args));
        for (i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                }
                if ((name = flag_name(argv[i], &len)) == NULL)
                        break;
                if (is(name, len, "version")) {
                        args->version = true;
                } else if (is(name, len, "debug")) {
                        args->debug = true;
                } else if (takes_value(name, len)) {
                        value = flag_value(argc, argv, &i, name, len);
                        if (is(name, len, "log"))
                                args->log_file = value;
                        else if (is(name, len, "log-format"))
                                args->log_format = value;
                }
        }
        args->command = i < argc ? i : argc;
        args->creates = i < argc && (strcmp(argv[i], "create") == 0 || strcmp(argv[i], "run") == 0);
}

bool runtime_args_is_bundle_flag(const char *arg)
{
        const char *name = arg + strspn(arg, "-");

        return name != arg && (strcmp(name, "b") == 0 || strcmp(name, "bundle") == 0);
}

int runtime_args_bundle(struct error *err, int argc, char *const *argv, const char **bundle)
{
        char flag[16];

        *bundle = NULL;
        for (int i = 0; i < argc; i++) {
                const char *eq = strchr(argv[i], '=');
                size_t len = eq != NULL ? (size_t)(eq - argv[i]) : strlen(argv[i]);

                /* Only the part before '=' names the flag ("-b=/x"). */
                if (len >= sizeof(flag))
                        continue;
                memcpy(flag, argv[i], len);
                flag[len] = '\0';
                if (!runtime_args_is_bundle_flag(flag))
                        continue;
                if (eq != NULL)
                        *bundle = eq + 1;
                else if (i + 1 < argc)
                        *bundle = argv[++i];
                else
                        return error_setx(err, "bundle option requires an argument");
        }
        return 0;
}

int runtime_args_spec_path(struct error *err, int argc, char *const *argv, const struct runtime_args *args,
                           char **path)
{
        const char *bundle;
        int first = args->command < argc ? args->command + 1 : argc;

        *path = NULL;
        /* The bundle flags belong to the subcommand: they follow it. One
         * before it is runc's usage error; caught here, before the spec in
         * the working directory would be edited for a start that fails. */
        if (runtime_args_bundle(err, first - 1 > 0 ? first - 1 : 0, argv, &bundle) < 0 || bundle != NULL)
                return error_setx(err, "error getting bundle dir from args: the bundle option must follow the "
                                       "command");
        if (runtime_args_bundle(err, argc - first, argv + first, &bundle) < 0)
                return error_prefix(err, "error getting bundle dir from args");
        if (bundle == NULL || bundle[0] == '\0')
                *path = strdup("config.json");
        else if (asprintf(path, "%s%sconfig.json", bundle, bundle[strlen(bundle) - 1] == '/' ? "" : "/") < 0)
                *path = NULL;
        if (*path == NULL)
                return error_set(err, "spec file path");
        return 0;
}
