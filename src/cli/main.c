/* nvidia-container-cli: global options, the command table, --version. The
 * options, texts and exit codes are libnvidia-container's, since scripts,
 * engines and users depend on them. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"

/* Build facts for --version, set by the Makefile. */
#ifndef BUILD_DATE
#define BUILD_DATE "unknown"
#endif
#ifndef BUILD_REVISION
#define BUILD_REVISION "unknown"
#endif
#ifndef BUILD_COMPILER
#define BUILD_COMPILER "unknown"
#endif
#ifndef BUILD_PLATFORM
#define BUILD_PLATFORM "unknown"
#endif
#ifndef BUILD_FLAGS
#define BUILD_FLAGS "unknown"
#endif

static void print_version(FILE *stream, struct argp_state *state);
static error_t parser(int key, char *arg, struct argp_state *state);

/* argp's hooks: usage errors exit 1 (not argp's 64), as upstream. */
error_t argp_err_exit_status = EXIT_FAILURE;
void (*argp_program_version_hook)(FILE *, struct argp_state *) = print_version;
const char *argp_program_bug_address = "https://github.com/NVIDIA/libnvidia-container/issues";

/* Long-only options: keys outside the character range. */
enum { OPTION_NO_CREATE_IMEX = 0x100 };

static const struct argp_option options[] = {
        {NULL, 0, NULL, 0, "Options:", -1},
        {"debug", 'd', "FILE", 0, "Log debug information", -1},
        {"load-kmods", 'k', NULL, 0, "Load kernel modules", -1},
        {"no-pivot", 'n', NULL, 0, "Do not use pivot_root", -1},
        {"no-create-imex-channels", OPTION_NO_CREATE_IMEX, NULL, 0, "Don't create IMEX channel device nodes", -1},
        {"user", 'u', "UID[:GID]", OPTION_ARG_OPTIONAL, "User and group to use for privilege separation", -1},
        {"root", 'r', "PATH", 0, "Path to the driver root directory", -1},
        {"ldcache", 'l', "FILE", 0, "Path to the system's DSO cache", -1},
        {NULL, 0, NULL, 0, "Commands:", 0},
        {"info", 0, NULL, OPTION_DOC | OPTION_NO_USAGE, "Report information about the driver and devices", 0},
        {"list", 0, NULL, OPTION_DOC | OPTION_NO_USAGE, "List driver components", 0},
        {"configure", 0, NULL, OPTION_DOC | OPTION_NO_USAGE, "Configure a container with GPU support", 0},
        {0},
};

static const struct argp usage = {
        options, parser, "COMMAND [ARG...]", "Command line utility for manipulating NVIDIA GPU containers.",
        NULL,    NULL,   NULL,
};

static const struct command commands[] = {
        {"info", &info_usage, info_command},
        {"list", &list_usage, list_command},
        {"configure", &configure_usage, configure_command},
};

static void print_version(FILE *stream, struct argp_state *state)
{
        (void)state;
        fprintf(stream, "cli-version: %s\n", NVC_VERSION);
        fprintf(stream, "lib-version: %s\n", nvc_version()->string);
        fprintf(stream, "build date: %s\n", BUILD_DATE);
        fprintf(stream, "build revision: %s\n", BUILD_REVISION);
        fprintf(stream, "build compiler: %s\n", BUILD_COMPILER);
        fprintf(stream, "build platform: %s\n", BUILD_PLATFORM);
        fprintf(stream, "build flags: %s\n", BUILD_FLAGS);
}

void input_error(const struct error *err)
{
        errx(EXIT_FAILURE, "input error: %s", error_msg(err));
}

void context_free(struct context *ctx)
{
        free(ctx->init_flags);
        free(ctx->command_name);
        free(ctx->devices);
        free(ctx->mig_config);
        free(ctx->mig_monitor);
        free(ctx->driver_opts);
        free(ctx->container_flags);
}

/* Parses the command's own options: argv from the command's name on, with
 * that name shown as "nvidia-container-cli info" in its usage and errors. */
static void run_parser(const struct command *cmd, struct argp_state *state)
{
        struct context *ctx = state->input;
        int argc = state->argc - state->next + 1;
        char **argv = calloc((size_t)argc + 1, sizeof(*argv));
        struct error err = {0};

        if (argv == NULL ||
            asprintf(&ctx->command_name, "%s %s", state->name, cmd->name) < 0) {
                error_set(&err, "memory allocation failed");
                input_error(&err);
        }
        argv[0] = ctx->command_name;
        memcpy(&argv[1], &state->argv[state->next], (size_t)(argc - 1) * sizeof(*argv));
        argp_parse(cmd->argp, argc, argv, 0, NULL, ctx);
        free(argv);
        ctx->command = cmd;
        state->next = state->argc;  /* the rest belonged to the command */
}

static void select_command(const char *name, struct argp_state *state)
{
        for (size_t i = 0; i < nitems(commands); i++) {
                if (strcmp(name, commands[i].name) == 0) {
                        run_parser(&commands[i], state);
                        return;
                }
        }
        argp_error(state, "unknown command: %s", name);
}

static void parse_user(struct context *ctx, char *arg)
{
        struct error err = {0};

        /* Without a value: this process's own ids, so the NVML process runs
         * as the caller even when that is root. */
        if (arg == NULL) {
                ctx->uid = geteuid();
                ctx->gid = getegid();
        } else if (args_parse_ugid(&err, arg, &ctx->uid, &ctx->gid) < 0) {
                input_error(&err);
        }
}

static error_t parser(int key, char *arg, struct argp_state *state)
{
        struct context *ctx = state->input;
        struct error err = {0};

        switch (key) {
        case 'd':
                /* The library opens its log from the environment, so a
                 * library linked by anyone else can be debugged the same way. */
                if (setenv("NVC_DEBUG_FILE", arg, 1) < 0) {
                        error_set(&err, "set NVC_DEBUG_FILE");
                        input_error(&err);
                }
                break;
        case 'k':
                ctx->load_kmods = true;
                if (args_join(&err, &ctx->init_flags, "load-kmods", " ") < 0)
                        input_error(&err);
                break;
        case 'n':
                ctx->no_pivot = true;
                break;
        case OPTION_NO_CREATE_IMEX:
                if (args_join(&err, &ctx->init_flags, "no-create-imex-channels", " ") < 0)
                        input_error(&err);
                break;
        case 'u':
                parse_user(ctx, arg);
                break;
        case 'r':
                ctx->root = arg;
                break;
        case 'l':
                ctx->ldcache = arg;
                break;
        case ARGP_KEY_ARG:
                select_command(arg, state);
                break;
        case ARGP_KEY_END:
                if (ctx->command == NULL)
                        argp_usage(state);
                break;
        default:
                return ARGP_ERR_UNKNOWN;
        }
        return 0;
}

int main(int argc, char *argv[])
{
        struct context ctx = {.uid = (uid_t)-1, .gid = (gid_t)-1};
        struct error err = {0};
        int rv = EXIT_SUCCESS;

        /* In order: global options stop at the command's name, and what
         * follows is the command's. */
        argp_parse(&usage, argc, argv, ARGP_IN_ORDER, NULL, &ctx);
        if (ctx.command->handler(&ctx, &err) < 0) {
                warnx("%s", error_msg(&err));
                rv = EXIT_FAILURE;
        } else if (fflush(stdout) != 0 || ferror(stdout)) {
                /* A listing cut short (full disk, closed pipe) must not
                 * look like a complete one. */
                warn("write error");
                rv = EXIT_FAILURE;
        }
        error_reset(&err);
        context_free(&ctx);
        return rv;
}
