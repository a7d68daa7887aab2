/* `nvidia-ctk config` (NVIDIA's cmd/nvidia-ctk/config of toolkit 1.17.8):
 * prints the toolkit's config.toml, or writes it back with --set options
 * applied (--in-place, or --output FILE); `nvidia-ctk config default`
 * prints NVIDIA's default file. A missing config file is the default one,
 * as upstream's. Where we differ: upstream re-encodes the whole file with
 * go-toml, so comments and layout are lost; here only the values set
 * change (common/toml_edit.h), files are replaced atomically, and a
 * broken file is reported with its position and left alone. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/config.h"
#include "ctk/config_cmd.h"
#include "ctk/ctk.h"

struct options {
        const char *config, *output;
        bool in_place;
        const char **sets;
        size_t nsets;
};

/* Writes text to path, or to stdout when path is NULL or empty. */
static int output(struct error *err, const char *path, const char *text, size_t len)
{
        if (path != NULL && path[0] != '\0')
                return ctk_write_config(err, path, text, len, 0666);
        if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
                return error_set(err, "write to stdout");
        return 0;
}

static int load(struct error *err, const char *path, struct toml_doc **doc)
{
        cleanup_free char *text = NULL;

        if (toml_doc_load(err, path, false, doc) == 0)
                return 0;
        if (err->code != ENOENT)
                return -1;
        error_reset(err);
        if ((text = ctk_config_default_text()) == NULL)
                return error_set(err, "default config");
        return toml_doc_parse(err, path, text, strlen(text), doc);
}

static int run(const struct options *o)
{
        struct error err = {0};
        struct toml_doc *doc = NULL;
        const char *text;
        size_t len;
        int rv = 0;

        if (load(&err, o->config, &doc) < 0)
                return ctk_fail(&err, "unable to create config");
        for (size_t i = 0; i < o->nsets && rv == 0; i++)
                rv = ctk_config_apply_set(&err, doc, o->sets[i]);
        if (rv < 0) {
                ctk_log(CTK_ERROR, "%s", error_msg(&err));
                error_reset(&err);
        } else {
                text = toml_doc_text(doc, &len);
                if ((rv = output(&err, o->in_place ? o->config : o->output, text, len)) < 0)
                        ctk_fail(&err, "failed to save config");
        }
        toml_doc_free(doc);
        return rv < 0 ? 1 : 0;
}

/* --- the command line ------------------------------------------------------ */

/* Whether arg is the flag name (one or two dashes), and its "=value". */
static bool is_flag(const char *arg, const char *name, const char **value)
{
        const char *a = arg + (arg[1] == '-' ? 2 : 1);
        size_t len = strlen(name);

        if (arg[0] != '-' || strncmp(a, name, len) != 0 || (a[len] != '\0' && a[len] != '='))
                return false;
        *value = a[len] == '=' ? a + len + 1 : NULL;
        return true;
}

/* Whether arg is one of flags' string flags given without "=value" (so
 * that the next argument is its value). */
static bool takes_next(const struct ctk_flag *flags, const char *arg)
{
        const char *value;

        for (const struct ctk_flag *f = flags; f->name != NULL; f++)
                if (f->type == CTK_FLAG_STRING &&
                    ((is_flag(arg, f->name, &value) && value == NULL) ||
                     (f->alias != NULL && is_flag(arg, f->alias, &value) && value == NULL)))
                        return true;
        return false;
}

/* The flag parser splits a list flag's values at commas (as urfave/cli
 * does), which would cut "runtimes=runc,crun" apart: the --set values are
 * taken out of argv whole, the rest left in *rest for the parser. A
 * --set without its value is left there too, for the parser to refuse. */
static int take_sets(const struct ctk_flag *flags, int argc, char **argv, struct options *o, char ***rest, int *nrest)
{
        const char *value;
        int n = 0;

        *rest = calloc((size_t)argc + 1, sizeof(**rest));
        o->sets = calloc((size_t)argc + 1, sizeof(*o->sets));
        if (*rest == NULL || o->sets == NULL)
                return -1;
        for (int i = 0; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0) {
                        while (i < argc)
                                (*rest)[n++] = argv[i++];
                        break;
                }
                if (is_flag(argv[i], "set", &value) && (value != NULL || i + 1 < argc)) {
                        o->sets[o->nsets++] = value != NULL ? value : argv[++i];
                        continue;
                }
                (*rest)[n++] = argv[i];
                if (takes_next(flags, argv[i]) && i + 1 < argc)
                        (*rest)[n++] = argv[++i];
        }
        *nrest = n;
        return 0;
}

static void usage(const struct ctk_flag *flags)
{
        fputs("NAME:\n   nvidia-ctk config - Interact with the NVIDIA Container Toolkit configuration\n\n"
              "USAGE:\n   nvidia-ctk config command [command options]\n\n"
              "COMMANDS:\n   default, create-default, generate-default  "
              "Generate the default NVIDIA Container Toolkit configuration file\n\n",
              stdout);
        ctk_flags_usage(stdout, flags);
}

static bool is_default_command(const char *name)
{
        return strcmp(name, "default") == 0 || strcmp(name, "create-default") == 0 ||
               strcmp(name, "generate-default") == 0;
}

/* `nvidia-ctk config default [--output FILE]`; argv[0] is its name. */
static int config_default(int argc, char **argv)
{
        const char *out = "";
        const struct ctk_flag flags[] = {
                {"output", "o", CTK_FLAG_STRING, &out,
                 "Specify the output file to write to; If not specified, the output is written to stdout", NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        cleanup_free char *text = NULL;
        struct error err = {0};
        char **pos = NULL;
        bool help;
        int rv = 0;

        if (ctk_flags_parse(&err, flags, argc - 1, argv + 1, &pos, &help) < 0)
                return ctk_fail(&err, "incorrect usage");
        if (help) {
                fputs("NAME:\n   nvidia-ctk config default - Generate the default NVIDIA Container Toolkit "
                      "configuration file\n\nUSAGE:\n   nvidia-ctk config default [command options]\n\n",
                      stdout);
                ctk_flags_usage(stdout, flags);
        } else if (pos[0] != NULL) {
                ctk_log(CTK_ERROR, "incorrect usage: unexpected argument \"%s\"", pos[0]);
                rv = 1;
        } else if ((text = ctk_config_default_text()) == NULL) {
                error_set(&err, "default config");
                rv = ctk_fail(&err, "unable to load or create config");
        } else if (output(&err, out, text, strlen(text)) < 0) {
                rv = ctk_fail(&err, "failed to write output");
        }
        free(pos);
        return rv;
}

/* The command once its flags are read: checks and the default path. */
static int config_main(struct options *o, char **pos, bool help, const struct ctk_flag *flags)
{
        cleanup_free char *path = NULL;

        if (help) {
                usage(flags);
                return 0;
        }
        if (pos[0] != NULL) {
                ctk_log(CTK_ERROR, "incorrect usage: unexpected argument \"%s\"", pos[0]);
                return 1;
        }
        if (o->in_place && o->output[0] != '\0') {
                ctk_log(CTK_ERROR, "cannot specify both --in-place and --output");
                return 1;
        }
        if (o->config == NULL && (o->config = path = config_file_path(NULL)) == NULL) {
                ctk_log(CTK_ERROR, "unable to create config: config file path: %s", strerror(errno));
                return 1;
        }
        return run(o);
}

int ctk_config(int argc, char **argv)
{
        struct options o = {.output = ""};
        const struct ctk_flag flags[] = {
                {"config-file", "c", CTK_FLAG_STRING, &o.config, "Specify the config file to modify.", NULL},
                {"config", NULL, CTK_FLAG_STRING, &o.config, "Alias of --config-file", NULL},
                {"set", NULL, CTK_FLAG_STRING, NULL,
                 "Set a config value using the pattern key=value. If value is empty, this is equivalent to "
                 "specifying the same key in unset. This flag can be specified multiple times",
                 NULL},
                {"in-place", "i", CTK_FLAG_BOOL, &o.in_place, "Modify the config file in-place", NULL},
                {"output", "o", CTK_FLAG_STRING, &o.output,
                 "Specify the output file to write to; If not specified, the output is written to stdout", NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        struct error err = {0};
        char **rest = NULL, **pos = NULL;
        int nrest = 0, rv;
        bool help;

        if (argc > 1 && is_default_command(argv[1]))
                return config_default(argc - 1, argv + 1);
        if (take_sets(flags, argc - 1, argv + 1, &o, &rest, &nrest) < 0) {
                error_set(&err, "flags");
                rv = ctk_fail(&err, "incorrect usage");
        } else if (ctk_flags_parse(&err, flags, nrest, rest, &pos, &help) < 0) {
                rv = ctk_fail(&err, "incorrect usage");
        } else {
                rv = config_main(&o, pos, help, flags);
        }
        free(pos);
        free(rest);
        free(o.sets);
        return rv;
}
