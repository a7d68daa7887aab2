/* Fuzz target elf: the input is a file driver discovery looks at as a
 * candidate library (a host or container file named like a driver
 * library). It is handed to libnvidia-container's ELF checks
 * (src/libnvc/elf.h) through a memfd: the object kind for 64- and 32-bit
 * x86, a DT_NEEDED prefix, the ABI note. Each check answers yes, no or a
 * clean error. */
#include <elf.h>

#include "fuzz.h"
#include "libnvc/elf.h"

static void check(int rv, struct error *err)
{
        FUZZ_ASSERT(rv >= -1 && rv <= 1);
        FUZZ_ASSERT(rv >= 0 || err->msg != NULL);
        error_reset(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const uint32_t tls_abi[3] = {2, 3, 99};
        struct elf_file ef;
        struct error err = {0};
        int fd = fuzz_memfd(data, size);

        if (fd < 0)
                return 0;
        /* The elf_file owns the fd from here on, on failure too. */
        if (elf_open_fd(&ef, &err, fd, "libcuda.so.1") == 0) {
                check(elf_is_shared_object(&ef, &err, ELFCLASS64, EM_X86_64), &err);
                check(elf_is_shared_object(&ef, &err, ELFCLASS32, EM_386), &err);
                check(elf_has_dependency(&ef, &err, "libnvidia-glcore.so"), &err);
                check(elf_has_abi(&ef, &err, tls_abi), &err);
                elf_close(&ef);
        } else {
                FUZZ_ASSERT(err.msg != NULL);
        }
        error_reset(&err);
        return 0;
}
