/* nvidia-container-runtime-hook (also installed as nvidia-container-toolkit):
 * the flags and commands of NVIDIA's hook, parsed as Go's flag package does,
 * since engines and scripts call it so: `-config FILE`, `-debug`, `-version`
 * (one or two dashes, `-flag=value` too), then prestart|poststart|poststop.
 * Usage errors exit 2, as there; a failed prestart prints one line and
 * exits 1. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook/hook.h"

/* The commit this was built from, set by the Makefile. */
#ifndef BUILD_REVISION
#define BUILD_REVISION ""
#endif

#define EXIT_USAGE 2

struct options {
        const char *config;
        bool debug, version, help;
};

static void usage(void)
{
        fputs("Usage of nvidia-container-runtime-hook:\n", stderr);
        fputs("  -config string\n"
              "    \tconfiguration file\n"
              "  -debug\n"
              "    \tenable debug output\n"
              "  -version\n"
              "    \tenable version output\n"
              "\nCommands:\n"
              "  prestart\n"
              "        run the prestart hook\n"
              "  poststart\n"
              "        no-op\n"
              "  poststop\n"
              "        no-op\n",
              stderr);
}

/* Go's flag errors: "<what>: -<flag>", then the usage. */
static int usage_error(const char *what, const char *flag, size_t len)
{
        fprintf(stderr, "%s: -%.*s\n", what, (int)len, flag);
        usage();
        return -1;
}

/* Go's strconv.ParseBool. */
static int parse_bool(const char *s, bool *out)
{
        static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
        static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
                if (strcmp(s, yes[i]) == 0)
                        return *out = true, 0;
                if (strcmp(s, no[i]) == 0)
                        return *out = false, 0;
        }
        return -1;
}

/* One flag at argv[*i] (its dashes removed: name, and value after '=' or
 * NULL); a string flag without '=' takes the next argument. */
static int parse_flag(char **argv, int argc, int *i, struct options *o)
{
        char *name = argv[*i] + (argv[*i][1] == '-' ? 2 : 1), *value = strchr(name, '=');
        bool *target = NULL;
        size_t len = value != NULL ? (size_t)(value - name) : strlen(name);

        if (value != NULL)
                value++;
        if (len == 0 || name[0] == '-' || name[0] == '=')
                return usage_error("bad flag syntax", argv[*i] + 1, strlen(argv[*i] + 1));
        if (strncmp(name, "config", len) == 0 && len == 6) {
                if (value == NULL && *i + 1 >= argc)
                        return usage_error("flag needs an argument", name, len);
                o->config = value != NULL ? value : argv[++*i];
                return 0;
        }
        if (strncmp(name, "debug", len) == 0 && len == 5)
                target = &o->debug;
        else if (strncmp(name, "version", len) == 0 && len == 7)
                target = &o->version;
        else if ((strncmp(name, "help", len) == 0 && len == 4) || (strncmp(name, "h", len) == 0 && len == 1))
                target = &o->help;
        if (target == NULL)
                return usage_error("flag provided but not defined", name, len);
        if (value == NULL) {
                *target = true;
        } else if (parse_bool(value, target) < 0) {
                fprintf(stderr, "invalid boolean value \"%s\" for -%.*s: parse error\n", value, (int)len, name);
                usage();
                return -1;
        }
        return 0;
}

/* Flags end at the first non-flag argument, "-" or "--" (consumed). */
static int parse_flags(int argc, char **argv, struct options *o, int *next)
{
        int i;

        for (i = 1; i < argc; i++) {
                if (argv[i][0] != '-' || argv[i][1] == '\0')
                        break;
                if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                }
                if (parse_flag(argv, argc, &i, o) < 0)
                        return -1;
        }
        *next = i;
        return 0;
}

static void print_version(void)
{
        printf("NVIDIA Container Runtime Hook version %s\n", TOOLKIT_VERSION);
        if (BUILD_REVISION[0] != '\0')
                printf("commit: %s\n", BUILD_REVISION);
}

int main(int argc, char **argv)
{
        struct options o = {0};
        struct error err = {0};
        int next;

        if (parse_flags(argc, argv, &o, &next) < 0)
                return EXIT_USAGE;
        if (o.help) {
                usage();
                return EXIT_SUCCESS;
        }
        if (o.version) {
                print_version();
                return EXIT_SUCCESS;
        }
        if (next >= argc) {
                usage();
                return EXIT_USAGE;
        }
        if (strcmp(argv[next], "poststart") == 0 || strcmp(argv[next], "poststop") == 0)
                return EXIT_SUCCESS;
        if (strcmp(argv[next], "prestart") != 0) {
                usage();
                return EXIT_USAGE;
        }
        if (hook_prestart(&err, o.config, o.debug) < 0) {
                fprintf(stderr, "%s: %s\n", program_invocation_short_name, error_msg(&err));
                error_reset(&err);
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
