/* Go-style flags (urfave/cli) and the command tree of nvidia-ctk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "ctk/ctk.h"

int ctk_strings_add(struct ctk_strings *s, const char *value)
{
        const char *p = value;

        s->set = true;
        do {
                size_t len = strcspn(p, ",");
                char **v = realloc(s->v, (s->n + 2) * sizeof(*v));

                if (v == NULL)
                        return -1;
                s->v = v;
                if ((v[s->n] = strndup(p, len)) == NULL)
                        return -1;
                v[++s->n] = NULL;
                p += len;
        } while (*p++ == ',');
        return 0;
}

void ctk_strings_free(struct ctk_strings *s)
{
        strv_free(s->v);
        s->v = NULL;
        s->n = 0;
}

/* A list given on the command line replaces the environment's. */
static int set_strings(struct ctk_strings *s, const char *value)
{
        if (s->from_env) {
                ctk_strings_free(s);
                s->from_env = false;
        }
        return ctk_strings_add(s, value);
}

static const struct ctk_flag *find(const struct ctk_flag *flags, const char *name, size_t len)
{
        for (const struct ctk_flag *f = flags; f->name != NULL; f++)
                if ((strlen(f->name) == len && strncmp(f->name, name, len) == 0) ||
                    (f->alias != NULL && strlen(f->alias) == len && strncmp(f->alias, name, len) == 0))
                        return f;
        return NULL;
}

static int set_bool(struct error *err, const struct ctk_flag *f, const char *value)
{
        bool *b = f->value;

        if (value == NULL || strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
                *b = true;
        else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
                *b = false;
        else
                return error_setx(err, "invalid boolean value \"%s\" for -%s: parse error", value, f->name);
        return 0;
}

/* One flag argument at argv[*i] (without its dashes in arg); may consume
 * the next argument as its value. */
static int parse_one(struct error *err, const struct ctk_flag *flags, const char *arg, int argc, char **argv, int *i)
{
        const char *eq = strchr(arg, '='), *value = eq != NULL ? eq + 1 : NULL;
        const struct ctk_flag *f = find(flags, arg, eq != NULL ? (size_t)(eq - arg) : strlen(arg));

        if (f == NULL)
                return error_setx(err, "flag provided but not defined: -%.*s",
                                  (int)(eq != NULL ? (size_t)(eq - arg) : strlen(arg)), arg);
        if (f->given != NULL)
                *f->given = true;
        if (f->type == CTK_FLAG_BOOL)
                return set_bool(err, f, value);
        if (value == NULL) {
                if (*i + 1 >= argc)
                        return error_setx(err, "flag needs an argument: -%s", arg);
                value = argv[++*i];
        }
        if (f->type == CTK_FLAG_STRING)
                *(const char **)f->value = value;
        else if (set_strings(f->value, value) < 0)
                return error_set(err, "flag -%s", f->name);
        return 0;
}

int ctk_flags_apply_env(struct error *err, const struct ctk_flag *flags, const struct ctk_flag_env *envs)
{
        for (const struct ctk_flag_env *e = envs; e->flag != NULL; e++) {
                const struct ctk_flag *f = find(flags, e->flag, strlen(e->flag));
                const char *value = getenv(e->env);

                if (f == NULL || value == NULL)
                        continue;
                if (f->given != NULL)
                        *f->given = true;
                if (f->type == CTK_FLAG_BOOL) {
                        if (set_bool(err, f, value) < 0)
                                return error_prefix(err, "environment variable %s", e->env);
                } else if (f->type == CTK_FLAG_STRING) {
                        *(const char **)f->value = value;
                } else {
                        struct ctk_strings *s = f->value;

                        if (ctk_strings_add(s, value) < 0)
                                return error_set(err, "environment variable %s", e->env);
                        s->from_env = true;
                }
        }
        return 0;
}

int ctk_flags_parse(struct error *err, const struct ctk_flag *flags, int argc, char **argv, char ***pos, bool *help)
{
        char **out = calloc((size_t)argc + 1, sizeof(*out));
        size_t n = 0;
        bool dashdash = false;

        *help = false;
        if (out == NULL)
                return error_set(err, "flags");
        for (int i = 0; i < argc; i++) {
                const char *a = argv[i];

                if (dashdash || a[0] != '-' || a[1] == '\0') {
                        out[n++] = argv[i];
                } else if (strcmp(a, "--") == 0) {
                        dashdash = true;
                } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
                        *help = true;
                } else if (parse_one(err, flags, a + (a[1] == '-' ? 2 : 1), argc, argv, &i) < 0) {
                        free(out);
                        return -1;
                }
        }
        *pos = out;
        return 0;
}

void ctk_flags_usage(FILE *out, const struct ctk_flag *flags)
{
        fputs("OPTIONS:\n", out);
        for (const struct ctk_flag *f = flags; f->name != NULL; f++) {
                char names[96];

                snprintf(names, sizeof(names), "--%s%s%s%s", f->name, f->alias != NULL ? ", -" : "",
                         f->alias != NULL ? f->alias : "", f->type == CTK_FLAG_BOOL ? "" : " value");
                fprintf(out, "   %-40s %s\n", names, f->usage != NULL ? f->usage : "");
        }
        fprintf(out, "   %-40s %s\n", "--help, -h", "show help");
}

static void list_commands(FILE *out, const char *prog, const struct ctk_command *cmds)
{
        fprintf(out, "USAGE:\n   %s command [command options]\n\nCOMMANDS:\n", prog);
        for (const struct ctk_command *c = cmds; c->name != NULL; c++)
                fprintf(out, "   %-28s %s\n", c->name, c->usage != NULL ? c->usage : "");
}

int ctk_dispatch(const char *prog, const struct ctk_command *cmds, int argc, char **argv)
{
        const struct ctk_command *c;
        char sub[256];

        if (argc < 1 || strcmp(argv[0], "help") == 0 || strcmp(argv[0], "-h") == 0 ||
            strcmp(argv[0], "--help") == 0) {
                list_commands(stdout, prog, cmds);
                return 0;
        }
        for (c = cmds; c->name != NULL && strcmp(c->name, argv[0]) != 0; c++)
                ;
        if (c->name == NULL) {
                ctk_log(CTK_ERROR, "%s: unknown command \"%s\"", prog, argv[0]);
                return 1;
        }
        if (c->run != NULL)
                return c->run(argc, argv);
        snprintf(sub, sizeof(sub), "%s %s", prog, c->name);
        return ctk_dispatch(sub, c->subs, argc - 1, argv + 1);
}

static bool env_true(const char *name)
{
        const char *v = getenv(name);

        return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

int ctk_global_flags(int argc, char **argv, const char *banner, int *status)
{
        bool debug = env_true("NVIDIA_CTK_DEBUG"), quiet = env_true("NVIDIA_CTK_QUIET");
        int i = 1;

        for (; i < argc && argv[i][0] == '-'; i++) {
                const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1);

                if (strcmp(a, "debug") == 0 || strcmp(a, "d") == 0 || strcmp(a, "debug=true") == 0) {
                        debug = true;
                } else if (strcmp(a, "debug=false") == 0) {
                        debug = false;
                } else if (strcmp(a, "quiet") == 0 || strcmp(a, "quiet=true") == 0) {
                        quiet = true;
                } else if (strcmp(a, "version") == 0 || strcmp(a, "v") == 0) {
                        fputs(banner, stdout);
                        *status = 0;
                        return -1;
                } else if (strcmp(a, "help") == 0 || strcmp(a, "h") == 0) {
                        break;
                } else {
                        ctk_log(CTK_ERROR, "flag provided but not defined: %s", argv[i]);
                        *status = 1;
                        return -1;
                }
        }
        /* --quiet wins over --debug, as upstream's. */
        ctk_log_level(quiet ? CTK_ERROR : debug ? CTK_DEBUG : CTK_INFO);
        return i;
}
