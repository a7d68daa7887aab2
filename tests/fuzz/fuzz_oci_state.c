/* Fuzz target oci_state: the input is what a runtime writes on an OCI
 * hook's stdin, fed to oci_state_parse (src/common/oci.h) as
 * nvidia-container-runtime-hook and nvidia-cdi-hook read it, and once more
 * through oci_state_read from an in-memory FILE. Both must agree, and a
 * state that parses must hold what the header promises (a positive pid, an
 * absolute bundle, a known status). */
#include "common/oci.h"
#include "fuzz.h"

static void check_state(const struct oci_state *st)
{
        static const char *const statuses[] = {"creating", "created", "running", "stopped"};
        bool known = false;

        FUZZ_ASSERT(st->pid > 0);
        FUZZ_ASSERT(st->bundle != NULL && st->bundle[0] == '/');
        FUZZ_ASSERT(st->id != NULL && st->id[0] != '\0');
        FUZZ_ASSERT(st->oci_version != NULL && st->status != NULL);
        for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
                known = known || strcmp(st->status, statuses[i]) == 0;
        FUZZ_ASSERT(known);
}

static int read_from_stream(const uint8_t *data, size_t size)
{
        struct oci_state st = {0};
        struct error err = {0};
        FILE *in = fmemopen(size > 0 ? (void *)(uintptr_t)data : (void *)"", size, "r");
        int rv;

        if (in == NULL)
                return -2;
        rv = oci_state_read(&err, in, &st);
        if (rv == 0)
                oci_state_free(&st);
        fclose(in);
        error_reset(&err);
        return rv;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_state st = {0};
        struct error err = {0};
        char *text = fuzz_strndup(data, size);
        int rv, rv2;

        if (text == NULL)
                return 0;
        rv = oci_state_parse(&err, text, size, &st);
        if (rv == 0) {
                check_state(&st);
                oci_state_free(&st);
        } else {
                FUZZ_ASSERT(err.msg != NULL);
        }
        rv2 = read_from_stream(data, size);
        FUZZ_ASSERT(rv2 == -2 || rv2 == rv);
        error_reset(&err);
        free(text);
        return 0;
}
