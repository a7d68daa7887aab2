/* The requirement language of `nvidia-container-cli configure --require EXPR`
 * (the hook turns NVIDIA_REQUIRE_* variables into such options), as
 * libnvidia-container defines it:
 *
 *   EXPR      = OR-terms separated by spaces; the first satisfied term wins
 *   OR-term   = conditions separated by commas; all must hold
 *   condition = KEY OP VALUE, KEY one of cuda, driver, arch, brand (any case),
 *               OP one of = != < <= > >=
 *
 * cuda, driver and arch compare as dotted versions, component by component
 * and numerically (12.10 > 12.2, 575.57.08 = 575.57.8, 12 = 12.0); brand
 * compares without regard to case and only with = or !=.
 *
 * Evaluation short-circuits as upstream's does: terms after a satisfied
 * OR-term, and conditions after a failed one in the same OR-term, are not
 * even parsed. Only the space character separates OR-terms (a tab is part
 * of a condition, and so makes it invalid). */
#ifndef CLI_DSL_H
#define CLI_DSL_H

#include "common/error.h"

/* Upstream keeps at most this many --require options; one more is the input
 * error "too many requirements". */
#define DSL_REQUIRE_MAX 32

enum dsl_comparator {
        DSL_EQUAL,
        DSL_NOT_EQUAL,
        DSL_LESS,
        DSL_LESS_EQUAL,
        DSL_GREATER,
        DSL_GREATER_EQUAL,
};

/* What a requirement is checked against: the driver's CUDA version ("12.2")
 * and kernel module version ("575.57.08"), and one GPU's compute capability
 * ("7.5") and brand ("Tesla"). A NULL member is unknown and every condition
 * on it holds, whatever its value: configure evaluates each requirement once
 * per selected GPU (a MIG device through its parent GPU), and once with
 * arch and brand NULL when no GPU is selected. */
struct dsl_facts {
        const char *cuda;
        const char *driver;
        const char *arch;
        const char *brand;
};

/* Evaluates expr against the facts. Returns 1 when satisfied; 0 when not,
 * with *err "unsatisfied condition: ..." in upstream's words; -1 with *err
 * "invalid expression" when a condition that had to be evaluated is
 * malformed, names an unknown key or cannot be compared. configure reports
 * either failure as "requirement error: <message>". */
int dsl_evaluate(struct error *err, const char *expr, const struct dsl_facts *facts)
        __attribute__((nonnull(1, 2, 3)));

/* Compares two dotted versions made only of digits and dots. Returns 1 when
 * "v1 cmp v2" holds, 0 when not, -1 when either is not such a version or a
 * component is too large. */
int dsl_compare_version(const char *v1, enum dsl_comparator cmp, const char *v2)
        __attribute__((nonnull(1, 3)));

/* Compares two strings without regard to case; only DSL_EQUAL and
 * DSL_NOT_EQUAL apply (-1 otherwise). */
int dsl_compare_string(const char *s1, enum dsl_comparator cmp, const char *s2)
        __attribute__((nonnull(1, 3)));

#endif
