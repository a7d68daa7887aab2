/* The body of the cdi_yaml and cdi_json targets: one CDI spec through the
 * parser, the validator and the writer (src/common/cdi.h), as `nvidia-ctk
 * cdi list|validate` and the runtime's cdi mode read specs from /etc/cdi
 * and /var/run/cdi, and `cdi generate` writes them. */
#ifndef FUZZ_CDI_H
#define FUZZ_CDI_H

#include "common/cdi.h"
#include "common/strv.h"
#include "fuzz.h"

/* What the writer gives must parse again (in the format written) and be
 * written again byte for byte the same. */
static inline void fuzz_cdi_round_trip(const struct cdi_spec *spec, enum cdi_format format)
{
        const char *name = format == CDI_FORMAT_JSON ? "again.json" : "again.yaml";
        struct cdi_spec *again = NULL;
        struct error err = {0};
        char *text = NULL, *text2 = NULL;
        size_t len = 0, len2 = 0;

        FUZZ_ASSERT(cdi_spec_format(&err, spec, format, &text, &len) == 0);
        if (cdi_spec_parse(&err, name, text, len, format, &again) < 0) {
                fprintf(stderr, "re-parse failed: %s\n%s\n", error_msg(&err), text);
                abort();
        }
        FUZZ_ASSERT(cdi_spec_format(&err, again, format, &text2, &len2) == 0);
        if (len2 != len || memcmp(text, text2, len) != 0) {
                fprintf(stderr, "unstable output:\n%s\n---- then:\n%s\n", text, text2);
                abort();
        }
        cdi_spec_free(again);
        free(text);
        free(text2);
}

static inline void fuzz_cdi_one(const uint8_t *data, size_t size, enum cdi_format format)
{
        const char *name = format == CDI_FORMAT_JSON ? "spec.json" : "spec.yaml";
        struct cdi_spec *spec = NULL;
        struct error err = {0};
        char **problems = NULL;
        char *text = fuzz_strndup(data, size);
        int n;

        if (text == NULL)
                return;
        if (cdi_spec_parse(&err, name, text, size, format, &spec) == 0) {
                n = cdi_spec_problems(&err, spec, &problems);
                FUZZ_ASSERT(n >= 0);
                FUZZ_ASSERT((cdi_spec_validate(&err, spec) == 0) == (n == 0));
                FUZZ_ASSERT(cdi_spec_is_valid(spec) == (n == 0));
                if (n == 0)
                        (void)cdi_spec_required_version(spec);
                fuzz_cdi_round_trip(spec, CDI_FORMAT_YAML);
                fuzz_cdi_round_trip(spec, CDI_FORMAT_JSON);
                strv_free(problems);
                cdi_spec_free(spec);
        } else {
                FUZZ_ASSERT(err.msg != NULL);
        }
        error_reset(&err);
        free(text);
}

#endif
