/* The requirement language (dsl.h). Conditions are read in place, as spans
 * of the expression, so evaluation allocates nothing and an expression of
 * any length costs one pass. */
#include "cli/dsl.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* Upstream formats an unsatisfied condition as "KEY OP VALUE" into a buffer
 * of this size and calls the expression invalid when it does not fit, so a
 * false condition of 128 characters or more (in that form) is invalid while
 * a true one is fine. Kept for the same answers on the same input. */
#define CONDITION_MAX 128

/* The message names the first space-separated term of the expression and,
 * when that term starts with this (case-sensitive) prefix, suggests what
 * upstream suggests for a CUDA version the driver does not support. */
#define CUDA_HINT_PREFIX "cuda>="

static const char operator_chars[] = "<>=!";
static const char version_chars[] = "0123456789.";

/* In upstream's order: the operator is the first whose text starts with the
 * run of operator characters, so a lone "!" means "!=". */
static const struct {
        const char *str;
        enum dsl_comparator cmp;
} operators[] = {
        {"=", DSL_EQUAL},   {"!=", DSL_NOT_EQUAL}, {"<", DSL_LESS},
        {"<=", DSL_LESS_EQUAL}, {">", DSL_GREATER},   {">=", DSL_GREATER_EQUAL},
};

enum fact { FACT_CUDA, FACT_DRIVER, FACT_ARCH, FACT_BRAND };

static const struct {
        const char *name;
        enum fact fact;
        bool version;
} keys[] = {
        {"cuda", FACT_CUDA, true},
        {"driver", FACT_DRIVER, true},
        {"arch", FACT_ARCH, true},
        {"brand", FACT_BRAND, false},
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The length of the prefix of s[0..n) made of characters in set (or, with
 * in_set false, of characters not in set). */
static size_t span_prefix(const char *s, size_t n, const char *set, bool in_set)
{
        size_t i = 0;

        while (i < n && (strchr(set, s[i]) != NULL) == in_set)
                i++;
        return i;
}

/* Reads one decimal component at *p, as strtoumax would: at least one digit,
 * and a value below UINTMAX_MAX (strtoumax saturates there, and upstream
 * takes that value for an overflow). */
static int read_component(const char **p, const char *end, uintmax_t *out)
{
        uintmax_t n = 0;
        const char *s = *p;

        if (s == end || *s == '.')
                return -1;
        for (; s < end && *s != '.'; s++) {
                unsigned int d = (unsigned int)(*s - '0');

                if (n > (UINTMAX_MAX - d) / 10)
                        return -1;
                n = n * 10 + d;
        }
        if (n == UINTMAX_MAX)
                return -1;
        *p = s;
        *out = n;
        return 0;
}

static int compare_numbers(uintmax_t a, enum dsl_comparator cmp, uintmax_t b)
{
        switch (cmp) {
        case DSL_EQUAL:
                return a == b;
        case DSL_NOT_EQUAL:
                return a != b;
        case DSL_LESS:
        case DSL_LESS_EQUAL:
                return a < b;
        case DSL_GREATER:
        case DSL_GREATER_EQUAL:
                return a > b;
        }
        return -1;
}

/* Once one version has no component left, the other is larger only if what
 * remains of it holds a digit other than 0 (12 = 12.0.0 < 12.0.1). */
static int compare_tails(bool rest1, enum dsl_comparator cmp, bool rest2)
{
        switch (cmp) {
        case DSL_EQUAL:
                return !rest1 && !rest2;
        case DSL_NOT_EQUAL:
                return rest1 || rest2;
        case DSL_LESS:
                return !rest1 && rest2;
        case DSL_LESS_EQUAL:
                return !rest1;
        case DSL_GREATER:
                return rest1 && !rest2;
        case DSL_GREATER_EQUAL:
                return !rest2;
        }
        return -1;
}

/* Components are read in step and only until the first difference, as
 * upstream does, so a malformed or huge component after it goes unnoticed. */
static int compare_version(const char *v1, size_t n1, enum dsl_comparator cmp, const char *v2, size_t n2)
{
        const char *e1 = v1 + n1, *e2 = v2 + n2;
        uintmax_t c1, c2;

        if (span_prefix(v1, n1, version_chars, true) != n1 || span_prefix(v2, n2, version_chars, true) != n2)
                return -1;
        while (v1 < e1 && v2 < e2) {
                if (read_component(&v1, e1, &c1) < 0 || read_component(&v2, e2, &c2) < 0)
                        return -1;
                if (c1 != c2)
                        return compare_numbers(c1, cmp, c2);
                v1 += span_prefix(v1, (size_t)(e1 - v1), ".", true);
                v2 += span_prefix(v2, (size_t)(e2 - v2), ".", true);
        }
        v1 += span_prefix(v1, (size_t)(e1 - v1), ".0", true);
        v2 += span_prefix(v2, (size_t)(e2 - v2), ".0", true);
        return compare_tails(v1 < e1, cmp, v2 < e2);
}

static int compare_string(const char *s1, size_t n1, enum dsl_comparator cmp, const char *s2, size_t n2)
{
        bool equal = n1 == n2 && strncasecmp(s1, s2, n1) == 0;

        if (cmp == DSL_EQUAL)
                return equal;
        if (cmp == DSL_NOT_EQUAL)
                return !equal;
        return -1;
}

int dsl_compare_version(const char *v1, enum dsl_comparator cmp, const char *v2)
{
        return compare_version(v1, strlen(v1), cmp, v2, strlen(v2));
}

int dsl_compare_string(const char *s1, enum dsl_comparator cmp, const char *s2)
{
        return compare_string(s1, strlen(s1), cmp, s2, strlen(s2));
}

static const char *fact_value(const struct dsl_facts *facts, enum fact fact)
{
        switch (fact) {
        case FACT_CUDA:
                return facts->cuda;
        case FACT_DRIVER:
                return facts->driver;
        case FACT_ARCH:
                return facts->arch;
        case FACT_BRAND:
                return facts->brand;
        }
        return NULL;
}

/* Evaluates the condition s[0..n): KEY, a run of operator characters, and a
 * non-empty VALUE (the rest, whatever it holds). Returns 1, 0 or -1. */
static int evaluate_condition(const char *s, size_t n, const struct dsl_facts *facts)
{
        size_t klen, olen, vlen, i, k;
        const char *val, *fact;
        int ret;

        if ((klen = span_prefix(s, n, operator_chars, false)) == 0)
                return -1;
        if ((olen = span_prefix(s + klen, n - klen, operator_chars, true)) == 0)
                return -1;
        for (i = 0; i < NITEMS(operators); i++)
                if (olen <= strlen(operators[i].str) && strncmp(s + klen, operators[i].str, olen) == 0)
                        break;
        val = s + klen + olen;
        vlen = n - klen - olen;
        if (i == NITEMS(operators) || vlen == 0)
                return -1;
        for (k = 0; k < NITEMS(keys); k++)
                if (strlen(keys[k].name) == klen && strncasecmp(s, keys[k].name, klen) == 0)
                        break;
        if (k == NITEMS(keys))
                return -1;

        /* An unknown fact (no GPU, or not reported by the driver) satisfies
         * every condition on it; upstream does not even look at the value. */
        if ((fact = fact_value(facts, keys[k].fact)) == NULL)
                return 1;
        if (keys[k].version)
                ret = compare_version(fact, strlen(fact), operators[i].cmp, val, vlen);
        else
                ret = compare_string(fact, strlen(fact), operators[i].cmp, val, vlen);
        if (ret == 0 && klen + strlen(operators[i].str) + vlen + 2 >= CONDITION_MAX)
                return -1;
        return ret;
}

/* Evaluates one OR-term s[0..n): 1 when every condition holds (or there is
 * none), 0 at the first that does not, -1 at the first invalid one. */
static int evaluate_term(const char *s, size_t n, const struct dsl_facts *facts)
{
        const char *end = s + n;
        size_t len;
        int ret;

        for (; s < end; s += len + 1) {
                if ((len = span_prefix(s, (size_t)(end - s), ",", false)) == 0)
                        continue;
                if ((ret = evaluate_condition(s, len, facts)) <= 0)
                        return ret;
        }
        return 1;
}

static int unsatisfied(struct error *err, const char *expr)
{
        size_t len = strcspn(expr, " ");
        int shown = len > INT_MAX ? INT_MAX : (int)len;

        if (strncmp(expr, CUDA_HINT_PREFIX, strlen(CUDA_HINT_PREFIX)) == 0 && len >= strlen(CUDA_HINT_PREFIX))
                error_setx(err,
                           "unsatisfied condition: %.*s, please update your driver to a newer version, "
                           "or use an earlier cuda container",
                           shown, expr);
        else
                error_setx(err, "unsatisfied condition: %.*s", shown, expr);
        return 0;
}

int dsl_evaluate(struct error *err, const char *expr, const struct dsl_facts *facts)
{
        const char *p = expr;
        size_t len;
        int ret = 1;

        /* Upstream's result is that of the last OR-term evaluated: a term of
         * commas alone changes nothing, so ", cuda>=99" holds and
         * "cuda>=99 ," does not. */
        for (;; p += len + 1) {
                if ((len = strcspn(p, " ")) > 0) {
                        bool empty = span_prefix(p, len, ",", true) == len;

                        if (!empty && (ret = evaluate_term(p, len, facts)) < 0)
                                return error_setx(err, "invalid expression");
                        if (empty || ret == 1)
                                break;
                }
                if (p[len] == '\0')
                        break;
        }
        return ret == 1 ? 1 : unsatisfied(err, expr);
}
