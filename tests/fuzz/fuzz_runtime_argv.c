/* Fuzz target runtime_argv: the input, split at NUL bytes, is the command
 * line of nvidia-container-runtime (what an engine passes to runc). It
 * goes to the shim's argv parser (src/runtime/args.c): the global flags
 * and the subcommand, the bundle flag lookup and, for a create, the path
 * of the spec file. */
#include "fuzz.h"
#include "runtime/runtime.h"

static void spec_path(int argc, char **argv, const struct runtime_args *args)
{
        struct error err = {0};
        const char *bundle = NULL;
        char *path = NULL;

        if (runtime_args_bundle(&err, argc, argv, &bundle) < 0)
                FUZZ_ASSERT(err.msg != NULL);
        error_reset(&err);
        if (runtime_args_spec_path(&err, argc, argv, args, &path) == 0) {
                size_t len = strlen(path);

                FUZZ_ASSERT(len >= 11 && strcmp(path + len - 11, "config.json") == 0);
                free(path);
        } else {
                FUZZ_ASSERT(path == NULL && err.msg != NULL);
        }
        error_reset(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct runtime_args args;
        char *buf = NULL, **argv;
        int argc = 0;

        if ((argv = fuzz_argv(data, size, 64, &buf, &argc)) == NULL)
                return 0;
        memset(&args, 0, sizeof(args));
        runtime_args_parse(&args, argc, argv);
        FUZZ_ASSERT(args.command >= 0 && args.command <= argc);
        for (int i = 0; i < argc; i++)
                (void)runtime_args_is_bundle_flag(argv[i]);
        spec_path(argc, argv, &args);
        free(argv);
        free(buf);
        return 0;
}
