/* nvidia-container-runtime: a shim for runc or crun, as NVIDIA's. Engines
 * call it exactly as they would call runc; it finds the low-level runtime
 * (the first of nvidia-container-runtime.runtimes on the search path), and
 * for a command that creates a container it first rewrites the bundle's
 * config.json for the container's GPUs (create.c). Then it execs the
 * low-level runtime with the same arguments and environment. Any failure
 * before that is logged, printed as one line, and exits 1 without running
 * the low-level runtime. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/toolkit.h"
#include "runtime/runtime.h"

/* The commit this was built from, set by the Makefile. */
#ifndef BUILD_REVISION
#define BUILD_REVISION ""
#endif

/* Upstream's version text; the low-level runtime's follows it. */
static void print_version(void)
{
        printf("NVIDIA Container Runtime version %s\n", TOOLKIT_VERSION);
        if (BUILD_REVISION[0] != '\0')
                printf("commit: %s\n", BUILD_REVISION);
        printf("spec: %s\n", RUNTIME_SPEC_VERSION);
}

static void log_config(const struct config *cfg, int argc, char **argv)
{
        char *line = NULL;
        size_t size = 0;
        FILE *f;

        for (size_t i = 0; cfg->warnings != NULL && cfg->warnings[i] != NULL; i++)
                rtlog(RTLOG_WARN, "%s", cfg->warnings[i]);
        if ((f = open_memstream(&line, &size)) == NULL)
                return;
        for (int i = 0; i < argc; i++)
                fprintf(f, "%s%s", i > 0 ? " " : "", argv[i]);
        if (fclose(f) == 0)
                rtlog(RTLOG_DEBUG, "Command line arguments: [%s]", line);
        free(line);
}

/* Runs the low-level runtime in place of this process: argv[0] is its
 * path, the rest and the environment are ours, unchanged. */
static int exec_runtime(struct error *err, const char *runtime, int argc, char **argv)
{
        char **args = calloc((size_t)argc + 1, sizeof(*args));

        if (args == NULL)
                return error_set(err, "could not exec '%s'", runtime);
        args[0] = (char *)runtime;
        for (int i = 1; i < argc; i++)
                args[i] = argv[i];
        rtlog(RTLOG_INFO, "Forwarding command to runtime %s", runtime);
        fflush(NULL);
        rtlog_close();
        execv(runtime, args);
        error_set(err, "could not exec '%s'", runtime);
        free(args);
        return -1;
}

static int create(struct error *err, const struct config *cfg, const struct runtime_args *args, int argc,
                  char **argv)
{
        char *spec_path = NULL;
        int rv = -1;

        if (runtime_args_spec_path(err, argc, argv, args, &spec_path) < 0)
                error_prefix(err, "failed to create NVIDIA Container Runtime: error constructing OCI specification");
        else if (runtime_create(err, cfg, spec_path) < 0)
                error_prefix(err, "could not apply required modification to OCI specification");
        else
                rv = 0;
        free(spec_path);
        return rv;
}

/* Everything up to the exec: the config, the low-level runtime, and for a
 * creating command the spec. Returns the runtime's path (allocated). */
static char *prepare(struct error *err, const struct runtime_args *args, int argc, char **argv)
{
        struct config cfg = {0};
        char *runtime = NULL;
        int rv = -1;

        if (config_load(err, NULL, &cfg) < 0) {
                error_prefix(err, "error loading config");
                return NULL;
        }
        rtlog_configure(cfg.runtime.debug, cfg.runtime.log_level);
        log_config(&cfg, argc, argv);
        if (runtime_find_low_level(err, cfg.runtime.runtimes, &runtime) < 0) {
                error_prefix(err, "failed to create NVIDIA Container Runtime: error constructing low-level runtime");
        } else {
                rtlog(RTLOG_INFO, "Using low-level runtime %s", runtime);
                if (!args->creates)
                        rtlog(RTLOG_DEBUG, "Skipping modifier for non-create subcommand");
                rv = args->creates ? create(err, &cfg, args, argc, argv) : 0;
        }
        config_free(&cfg);
        if (rv < 0) {
                free(runtime);
                return NULL;
        }
        return runtime;
}

int main(int argc, char **argv)
{
        struct runtime_args args;
        struct error err = {0};
        char *runtime;

        runtime_args_parse(&args, argc, argv);
        if (args.version)
                print_version();
        /* A creating command stops here, before the spec is touched: runc
         * would fail on the same file after the rewrite. Others go on to
         * runc, which reports it, as upstream's shim does. */
        if (rtlog_setup(&err, &args) < 0 && !args.creates)
                error_reset(&err);
        if (err.msg == NULL && (runtime = prepare(&err, &args, argc, argv)) != NULL) {
                if (args.version)
                        putchar('\n');
                exec_runtime(&err, runtime, argc, argv);
                free(runtime);
        }
        /* Any failure: logged, one line on stderr, the low-level runtime not run. */
        rtlog(RTLOG_ERROR, "%s", error_msg(&err));
        fprintf(stderr, "%s: %s\n", program_invocation_short_name, error_msg(&err));
        error_reset(&err);
        rtlog_close();
        return EXIT_FAILURE;
}
