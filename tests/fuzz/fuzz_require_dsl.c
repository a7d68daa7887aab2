/* Fuzz target require_dsl: the input is an NVIDIA_REQUIRE_* value (what an
 * image sets; the hook passes it to `nvidia-container-cli configure
 * --require`), optionally followed by NUL-separated facts (CUDA version,
 * driver version, compute capability, brand) that replace the defaults. It
 * is evaluated by dsl_evaluate (src/cli/dsl.h) with the facts and with
 * every fact unknown; the facts are also compared with each other as
 * versions and strings. */
#include "cli/dsl.h"
#include "fuzz.h"

static void evaluate(const char *expr, const struct dsl_facts *facts)
{
        struct error err = {0};
        int rv = dsl_evaluate(&err, expr, facts);

        FUZZ_ASSERT(rv >= -1 && rv <= 1);
        FUZZ_ASSERT(rv == 1 || err.msg != NULL);
        error_reset(&err);
}

static void compare(const char *a, const char *b)
{
        for (int cmp = DSL_EQUAL; cmp <= DSL_GREATER_EQUAL; cmp++) {
                int rv = dsl_compare_version(a, (enum dsl_comparator)cmp, b);

                FUZZ_ASSERT(rv >= -1 && rv <= 1);
                rv = dsl_compare_string(a, (enum dsl_comparator)cmp, b);
                FUZZ_ASSERT(rv >= -1 && rv <= 1);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const struct dsl_facts unknown = {0};
        struct dsl_facts facts = {"12.2", "575.57.08", "7.5", "Tesla"};
        const char **slots[] = {&facts.cuda, &facts.driver, &facts.arch, &facts.brand};
        char *buf = NULL, **argv;
        int argc = 0;

        if ((argv = fuzz_argv(data, size, 5, &buf, &argc)) == NULL)
                return 0;
        for (int i = 1; i < argc; i++)
                *slots[i - 1] = argv[i];
        evaluate(argv[0], &facts);
        evaluate(argv[0], &unknown);
        compare(facts.cuda, facts.driver);
        compare(facts.arch, facts.brand);
        free(argv);
        free(buf);
        return 0;
}
