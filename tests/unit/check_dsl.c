#include <stdlib.h>
#include <string.h>

#include "cli/dsl.h"
#include "common/error.h"
#include "unit.h"

#define CUDA_HINT ", please update your driver to a newer version, or use an earlier cuda container"
#define INVALID "invalid expression"

static const struct dsl_facts tesla = {"12.2", "575.57.08", "7.5", "Tesla"};
static const struct dsl_facts no_gpu = {"12.2", "575.57.08", NULL, NULL};
static const struct dsl_facts unknown = {NULL, NULL, NULL, NULL};
static const struct dsl_facts open_driver = {"12.2", "575.57.08-open", "7.5", "Tesla"};

/* msg: the expected message, NULL when satisfied. */
static const struct {
        const char *expr;
        const struct dsl_facts *facts;
        int ret;
        const char *msg;
} cases[] = {
        /* empty expressions hold */
        {"", &tesla, 1, NULL},
        {"   ", &tesla, 1, NULL},
        {",", &tesla, 1, NULL},
        /* cuda, every operator, versions of different lengths */
        {"cuda>=12.2", &tesla, 1, NULL},
        {"cuda>=12.4", &tesla, 0, "unsatisfied condition: cuda>=12.4" CUDA_HINT},
        {"cuda>=12.10", &tesla, 0, "unsatisfied condition: cuda>=12.10" CUDA_HINT},
        {"cuda>=12", &tesla, 1, NULL},
        {"cuda=12.2", &tesla, 1, NULL},
        {"cuda=12.2.0", &tesla, 1, NULL},
        {"cuda=12", &tesla, 0, "unsatisfied condition: cuda=12"},
        {"cuda!=12.2", &tesla, 0, "unsatisfied condition: cuda!=12.2"},
        {"cuda!=12.10", &tesla, 1, NULL},
        {"cuda<12.10", &tesla, 1, NULL},
        {"cuda<12", &tesla, 0, "unsatisfied condition: cuda<12"},
        {"cuda<=12.2", &tesla, 1, NULL},
        {"cuda<=12.1", &tesla, 0, "unsatisfied condition: cuda<=12.1"},
        {"cuda>12", &tesla, 1, NULL},
        {"cuda>12.2", &tesla, 0, "unsatisfied condition: cuda>12.2"},
        {"cuda>=12..2", &tesla, 1, NULL},
        {"cuda>=11.99999999999999999999999", &tesla, 1, NULL},
        /* keys are case-insensitive; the cuda hint is not */
        {"Cuda>=12.0", &tesla, 1, NULL},
        {"CUDA>=12.4", &tesla, 0, "unsatisfied condition: CUDA>=12.4"},
        /* driver */
        {"driver>=575", &tesla, 1, NULL},
        {"driver=575.57.8", &tesla, 1, NULL},
        {"driver=575.57.08.0", &tesla, 1, NULL},
        {"driver!=575.57.08", &tesla, 0, "unsatisfied condition: driver!=575.57.08"},
        {"driver<575.57.08", &tesla, 0, "unsatisfied condition: driver<575.57.08"},
        {"driver<=550", &tesla, 0, "unsatisfied condition: driver<=550"},
        {"driver>575.57", &tesla, 1, NULL},
        {"driver>575.57.8", &tesla, 0, "unsatisfied condition: driver>575.57.8"},
        {"driver>=580.65.06", &tesla, 0, "unsatisfied condition: driver>=580.65.06"},
        /* arch */
        {"arch>=7.0", &tesla, 1, NULL},
        {"arch=7.5", &tesla, 1, NULL},
        {"arch!=7.5", &tesla, 0, "unsatisfied condition: arch!=7.5"},
        {"arch<8.0", &tesla, 1, NULL},
        {"arch<=7", &tesla, 0, "unsatisfied condition: arch<=7"},
        {"arch>7.5", &tesla, 0, "unsatisfied condition: arch>7.5"},
        {"arch>=8.0", &tesla, 0, "unsatisfied condition: arch>=8.0"},
        /* brand: case-insensitive, = and != only */
        {"brand=Tesla", &tesla, 1, NULL},
        {"brand=tesla", &tesla, 1, NULL},
        {"BRAND=TESLA", &tesla, 1, NULL},
        {"brand!=tesla", &tesla, 0, "unsatisfied condition: brand!=tesla"},
        {"brand=GeForce", &tesla, 0, "unsatisfied condition: brand=GeForce"},
        {"brand!=GeForce", &tesla, 1, NULL},
        {"brand=Tes", &tesla, 0, "unsatisfied condition: brand=Tes"},
        {"brand<Tesla", &tesla, -1, INVALID},
        {"brand>=Tesla", &tesla, -1, INVALID},
        /* comma is AND, space is OR; the message names the first OR-term */
        {"cuda>=12.0,driver>=550", &tesla, 1, NULL},
        {"cuda>=12.0,driver>=580", &tesla, 0, "unsatisfied condition: cuda>=12.0,driver>=580" CUDA_HINT},
        {"driver>=580 cuda>=12.0", &tesla, 1, NULL},
        {"driver>=580 cuda>=13.0", &tesla, 0, "unsatisfied condition: driver>=580"},
        {"cuda>=13.0,brand=tesla arch>=7.0,driver>=570", &tesla, 1, NULL},
        {"brand=quadro,arch>=8.0 brand=tesla,arch>=8.0", &tesla, 0,
         "unsatisfied condition: brand=quadro,arch>=8.0"},
        {"brand=quadro brand=geforce brand=tesla", &tesla, 1, NULL},
        {"cuda>=12.2,", &tesla, 1, NULL},
        {",cuda>=12.2", &tesla, 1, NULL},
        {"cuda>=12.2,,driver>=500", &tesla, 1, NULL},
        /* the last OR-term evaluated decides; a term of commas decides nothing */
        {", cuda>=99", &tesla, 1, NULL},
        {"cuda>=99 ,", &tesla, 0, "unsatisfied condition: cuda>=99" CUDA_HINT},
        /* whitespace: only spaces separate */
        {"  cuda>=12.0   driver>=999  ", &tesla, 1, NULL},
        {"cuda>=12.2 ", &tesla, 1, NULL},
        {" cuda>=99", &tesla, 0, "unsatisfied condition: "},
        {"cuda>=12.0\t", &tesla, -1, INVALID},
        {"cuda >= 12.0", &tesla, -1, INVALID},
        /* evaluation short-circuits: what is never reached is never parsed */
        {"cuda>=12.0 garbage", &tesla, 1, NULL},
        {"cuda>=99,garbage", &tesla, 0, "unsatisfied condition: cuda>=99,garbage" CUDA_HINT},
        {"garbage cuda>=12.0", &tesla, -1, INVALID},
        /* unknown keys */
        {"foo>=1", &tesla, -1, INVALID},
        {"memory>=1", &tesla, -1, INVALID},
        {"cudaa>=1", &tesla, -1, INVALID},
        /* malformed conditions */
        {"cuda", &tesla, -1, INVALID},
        {"cuda12.2", &tesla, -1, INVALID},
        {"cuda>=", &tesla, -1, INVALID},
        {">=12.2", &tesla, -1, INVALID},
        {"cuda==12.2", &tesla, -1, INVALID},
        {"cuda=>12", &tesla, -1, INVALID},
        {"cuda<>12", &tesla, -1, INVALID},
        {"cuda>=12.x", &tesla, -1, INVALID},
        {"cuda>=-1", &tesla, -1, INVALID},
        {"cuda>=.5", &tesla, -1, INVALID},
        {"cuda>=12.2;rm", &tesla, -1, INVALID},
        {"cuda>=12.2>=1", &tesla, -1, INVALID},
        {"cuda>=99999999999999999999999", &tesla, -1, INVALID},
        {"cuda>=12.99999999999999999999999", &tesla, -1, INVALID},
        {"brand=Tes la", &tesla, -1, INVALID},
        /* upstream reads a lone "!" as "!=" */
        {"cuda!12.2", &tesla, 0, "unsatisfied condition: cuda!12.2"},
        {"brand!geforce", &tesla, 1, NULL},
        /* unknown facts satisfy any condition on them, values unchecked */
        {"cuda>=99", &unknown, 1, NULL},
        {"driver>=999,cuda>=99", &unknown, 1, NULL},
        {"arch>=9.0,brand=quadro", &no_gpu, 1, NULL},
        {"brand<x,arch>=garbage", &no_gpu, 1, NULL},
        {"cuda>=12.4,arch>=9.0", &no_gpu, 0, "unsatisfied condition: cuda>=12.4,arch>=9.0" CUDA_HINT},
        {"foo=1", &unknown, -1, INVALID},
        /* a fact that is not a version cannot be compared */
        {"driver>=500", &open_driver, -1, INVALID},
        {"cuda>=12.0", &open_driver, 1, NULL},
};

START_TEST(evaluate_table)
{
        struct error err = {0};
        int ret = dsl_evaluate(&err, cases[_i].expr, cases[_i].facts);

        ck_assert_msg(ret == cases[_i].ret, "`%s`: got %d, want %d (%s)", cases[_i].expr, ret, cases[_i].ret,
                      err.msg != NULL ? err.msg : "no message");
        if (cases[_i].msg == NULL)
                ck_assert_ptr_null(err.msg);
        else
                ck_assert_str_eq(error_msg(&err), cases[_i].msg);
        ck_assert_int_eq(err.code, 0);
        error_reset(&err);
}
END_TEST

static const struct {
        const char *v1;
        enum dsl_comparator cmp;
        const char *v2;
        int ret;
} versions[] = {
        {"12.2", DSL_LESS, "12.10", 1},
        {"12.10", DSL_GREATER, "12.2", 1},
        {"12", DSL_EQUAL, "12.0.0", 1},
        {"12.0.0", DSL_EQUAL, "12", 1},
        {"12", DSL_LESS, "12.0.1", 1},
        {"12.0.1", DSL_GREATER_EQUAL, "12", 1},
        {"575.57.08", DSL_EQUAL, "575.57.8", 1},
        {"575.57.08", DSL_NOT_EQUAL, "575.57.8", 0},
        {"1.", DSL_EQUAL, "1", 1},
        {"", DSL_LESS, "1", 1},
        {"", DSL_EQUAL, "0.0", 1},
        {"1.a", DSL_EQUAL, "1", -1},
        {"1", DSL_EQUAL, "1 ", -1},
        {"18446744073709551615", DSL_EQUAL, "1", -1},
        {"18446744073709551614", DSL_EQUAL, "18446744073709551614", 1},
        {"1", (enum dsl_comparator)42, "1", -1},
};

START_TEST(compare_version_table)
{
        ck_assert_msg(dsl_compare_version(versions[_i].v1, versions[_i].cmp, versions[_i].v2) == versions[_i].ret,
                      "%s %d %s", versions[_i].v1, versions[_i].cmp, versions[_i].v2);
}
END_TEST

START_TEST(compare_string_cases)
{
        ck_assert_int_eq(dsl_compare_string("Tesla", DSL_EQUAL, "tESLA"), 1);
        ck_assert_int_eq(dsl_compare_string("Tesla", DSL_NOT_EQUAL, "tesla"), 0);
        ck_assert_int_eq(dsl_compare_string("Tesla", DSL_EQUAL, "Teslas"), 0);
        ck_assert_int_eq(dsl_compare_string("Tesla", DSL_LESS, "Tesla"), -1);
}
END_TEST

/* Builds "prefix" followed by n copies of c. */
static char *repeat(const char *prefix, char c, size_t n)
{
        size_t len = strlen(prefix);
        char *s = malloc(len + n + 1);

        ck_assert_ptr_nonnull(s);
        memcpy(s, prefix, len);
        memset(s + len, c, n);
        s[len + n] = '\0';
        return s;
}

START_TEST(long_expressions)
{
        struct error err = {0};
        const char unit[] = "cuda>=1.0,";
        size_t count = 100000, len = sizeof(unit) - 1;
        char *s = malloc(count * len + 1);
        char *v;

        ck_assert_ptr_nonnull(s);
        for (size_t i = 0; i < count; i++)
                memcpy(s + i * len, unit, len);
        s[count * len] = '\0';
        ck_assert_int_eq(dsl_evaluate(&err, s, &tesla), 1);
        s[count * len - 6] = '<'; /* the last condition becomes cuda<=1.0 */
        ck_assert_int_eq(dsl_evaluate(&err, s, &tesla), 0);
        ck_assert_int_eq(strncmp(error_msg(&err), "unsatisfied condition: cuda>=1.0,cuda>=1.0,", 43), 0);
        ck_assert_int_eq(strcmp(error_msg(&err) + strlen(error_msg(&err)) - strlen("cuda<=1.0," CUDA_HINT),
                                "cuda<=1.0," CUDA_HINT),
                         0);
        error_reset(&err);
        free(s);

        /* Upstream's 128-byte buffer for "KEY OP VALUE": a false condition
         * that does not fit is invalid, a true one is fine. */
        v = repeat("brand=", 'x', 119);
        ck_assert_int_eq(dsl_evaluate(&err, v, &tesla), 0);
        ck_assert_str_eq(error_msg(&err) + strlen("unsatisfied condition: "), v);
        free(v);
        v = repeat("brand=", 'x', 120);
        ck_assert_int_eq(dsl_evaluate(&err, v, &tesla), -1);
        ck_assert_str_eq(error_msg(&err), INVALID);
        free(v);
        v = repeat("brand!=", 'x', 4096);
        ck_assert_int_eq(dsl_evaluate(&err, v, &tesla), 1);
        free(v);
        v = repeat("cuda>=", '1', 100000);
        ck_assert_int_eq(dsl_evaluate(&err, v, &tesla), -1);
        free(v);
        v = repeat("", ' ', 100000);
        ck_assert_int_eq(dsl_evaluate(&err, v, &tesla), 1);
        free(v);
        error_reset(&err);
}
END_TEST

Suite *dsl_suite(void)
{
        Suite *s = suite_create("dsl");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, evaluate_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
        tcase_add_loop_test(tc, compare_version_table, 0, (int)(sizeof(versions) / sizeof(versions[0])));
        tcase_add_test(tc, compare_string_cases);
        tcase_add_test(tc, long_expressions);
        suite_add_tcase(s, tc);
        return s;
}
