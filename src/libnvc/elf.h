/* The ELF checks driver discovery makes on a library before selecting it
 * (libnvidia-container's elftool): the right kind of object, its
 * dependencies, its ABI note. Files are untrusted: a truncated or foreign
 * file gives an error or a "no", never a crash. */
#ifndef NVC_ELF_H
#define NVC_ELF_H

#include <libelf.h>
#include <stdint.h>

#include "common/error.h"

struct elf_file {
        int fd;
        Elf *elf;
        char *name;     /* for messages */
};

/* Opens an ELF file; anything else (a script, a directory, garbage) fails
 * with an error naming it. */
int elf_open(struct elf_file *ef, struct error *err, const char *path);
/* The same from an fd, which the elf_file then owns (closed on failure too). */
int elf_open_fd(struct elf_file *ef, struct error *err, int fd, const char *name);
void elf_close(struct elf_file *ef);

/* 1 when the file is a shared object (ET_DYN) of the class (ELFCLASS64 ...)
 * and machine (EM_X86_64 ...) given, 0 when it is another object, -1 on
 * error. */
int elf_is_shared_object(struct elf_file *ef, struct error *err, int elfclass, int machine);

/* 1 when a DT_NEEDED entry starts with prefix ("libnvidia-glcore.so"). */
int elf_has_dependency(struct elf_file *ef, struct error *err, const char *prefix);

/* 1 when the NT_GNU_ABI_TAG note says Linux with a kernel version at least
 * abi ({2, 3, 99}: the TLS ABI libnvidia-tls is selected by). */
int elf_has_abi(struct elf_file *ef, struct error *err, const uint32_t abi[3]);

#endif
