/* Generic stand-in for the driver libraries the fake does not emulate
 * (libnvidia-ptxjitcompiler, libnvidia-opencl, ...).  They only need to be
 * real shared objects that load, so each installed copy is this file with
 * the library's SONAME stamped in by the setup tool. */
#include <unistd.h>

int fake_nvidia_stub(void);

/* Calls into libc on purpose: a library without DT_NEEDED libc.so.6 is
 * listed by ldconfig as "(ELF)" rather than "(libc6)" on i386, and tools
 * that pick 32-bit driver libraries from the ld cache skip it. */
int fake_nvidia_stub(void)
{
        return getpid() > 0 ? 0 : -1;
}
