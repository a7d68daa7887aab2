/* Stand-in for libnvidia-tls: like stub.c, plus thread-local storage so the
 * object has a PT_TLS segment, which is what tools inspecting the real
 * libnvidia-tls look for. */
#include <unistd.h>

int fake_nvidia_stub(void);

/* Initialised, so the variable lands in .tdata and the segment has bytes.
 * Exported (like the real library's TLS symbols): a static one that is never
 * written would be folded to a constant and the segment would vanish. */
extern __thread int fake_nvidia_tls_value;
__thread int fake_nvidia_tls_value = 1;

/* The real libnvidia-tls carries an ABI note (NT_GNU_ABI_TAG, Linux 2.3.99,
 * the "new" TLS ABI); libnvidia-container only selects a libnvidia-tls that
 * has it. */
__asm__(".pushsection .note.ABI-tag, \"a\", @note\n"
        ".balign 4\n"
        ".long 4\n"           /* name size: "GNU\0" */
        ".long 16\n"          /* descriptor size */
        ".long 1\n"           /* NT_GNU_ABI_TAG */
        ".asciz \"GNU\"\n"
        ".long 0, 2, 3, 99\n" /* ELF_NOTE_OS_LINUX, kernel 2.3.99 */
        ".popsection\n");

/* Uses libc for the reason given in stub.c (ldconfig's "libc6" flag). */
int fake_nvidia_stub(void)
{
        return getpid() > 0 ? fake_nvidia_tls_value - 1 : -1;
}
