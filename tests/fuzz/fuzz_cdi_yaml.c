/* Fuzz target cdi_yaml: the input is a CDI spec file in YAML, fed to
 * cdi_spec_parse (src/common/cdi.h) with CDI_FORMAT_YAML; a spec that
 * parses is validated and written back (YAML and JSON), and the output
 * must parse again and be stable (fuzz_cdi.h). */
#include "fuzz_cdi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        fuzz_cdi_one(data, size, CDI_FORMAT_YAML);
        return 0;
}
