/* Fuzz target ctk_flags: the input, split at NUL bytes, is the command
 * line of an nvidia-ctk or nvidia-cdi-hook subcommand. It goes to
 * ctk_flags_parse (src/ctk/flags.c) with a small table holding each kind
 * of flag (bool, string, repeatable comma-split list; names and aliases),
 * as `cdi generate` and the hooks declare theirs. Positional arguments
 * must point into argv. */
#include "ctk/ctk.h"
#include "fuzz.h"

static bool points_into(const char *p, char **argv, int argc)
{
        for (int i = 0; i < argc; i++)
                if (p == argv[i])
                        return true;
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        bool debug = false, help = false, given = false;
        const char *output = "default", *format = NULL;
        struct ctk_strings devices = {0};
        const struct ctk_flag flags[] = {
                {"debug", "d", CTK_FLAG_BOOL, &debug, "debug", NULL},
                {"output", "o", CTK_FLAG_STRING, &output, "output", &given},
                {"format", NULL, CTK_FLAG_STRING, &format, "format", NULL},
                {"device", NULL, CTK_FLAG_STRINGS, &devices, "device", NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        struct error err = {0};
        char *buf = NULL, **argv, **pos = NULL;
        int argc = 0;

        if ((argv = fuzz_argv(data, size, 64, &buf, &argc)) == NULL)
                return 0;
        if (ctk_flags_parse(&err, flags, argc, argv, &pos, &help) == 0) {
                for (char **p = pos; *p != NULL; p++)
                        FUZZ_ASSERT(points_into(*p, argv, argc));
                for (size_t i = 0; i < devices.n; i++)
                        FUZZ_ASSERT(devices.v[i] != NULL);
                free(pos);
        } else {
                FUZZ_ASSERT(err.msg != NULL);
        }
        ctk_strings_free(&devices);
        error_reset(&err);
        free(argv);
        free(buf);
        return 0;
}
