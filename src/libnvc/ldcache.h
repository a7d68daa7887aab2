/* A reader of glibc's linker cache (/etc/ld.so.cache). Both layouts glibc
 * has written are read: the new one ("glibc-ld.so.cache" "1.1"), alone or
 * after the old one ("ld.so-1.7.0") in the compat layout; only the new
 * entries are used, as by libnvidia-container and by glibc's own loader.
 * The file is untrusted input: every count, offset and string is checked
 * against the file size when it is opened, so lookups cannot fail later. */
#ifndef NVC_LDCACHE_H
#define NVC_LDCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* Entry flags (glibc's FLAG_* of ldconfig.h): the type in the low byte,
 * the architecture in the next. */
enum {
        LD_TYPE_MASK = 0x00ff,
        LD_ELF = 0x0001,
        LD_ELF_LIBC5 = 0x0002,
        LD_ELF_LIBC6 = 0x0003,

        LD_ARCH_MASK = 0xff00,
        LD_I386_LIB32 = 0x0000,
        LD_SPARC_LIB64 = 0x0100,
        LD_IA64_LIB64 = 0x0200,
        LD_X8664_LIB64 = 0x0300,
        LD_S390_LIB64 = 0x0400,
        LD_POWERPC_LIB64 = 0x0500,
        LD_MIPS64_LIBN32 = 0x0600,
        LD_MIPS64_LIBN64 = 0x0700,
        LD_X8664_LIBX32 = 0x0800,
        LD_ARM_LIBHF = 0x0900,
        LD_AARCH64_LIB64 = 0x0a00,
        LD_ARM_LIBSF = 0x0b00,
        LD_MIPS_LIB32_NAN2008 = 0x0c00,
        LD_MIPS64_LIBN32_NAN2008 = 0x0d00,
        LD_MIPS64_LIBN64_NAN2008 = 0x0e00,
        LD_RISCV_FLOAT_ABI_SOFT = 0x0f00,
        LD_RISCV_FLOAT_ABI_DOUBLE = 0x1000,
        LD_LARCH_FLOAT_ABI_SOFT = 0x1100,
        LD_LARCH_FLOAT_ABI_DOUBLE = 0x1200,
};

struct ldcache {
        char *path;             /* for messages */
        char *data;             /* the whole file, read into memory */
        size_t size;
        const char *base;       /* the new-format header: string offsets count from here */
        uint32_t nlibs;
};

struct ldcache_entry {
        int32_t flags;
        const char *key;        /* "libcuda.so.1" (the SONAME) */
        const char *value;      /* "/usr/lib/x86_64-linux-gnu/libcuda.so.1" */
        uint32_t osversion;
        uint64_t hwcap;
};

/* Reads and validates the cache at path; errors name the file. */
int ldcache_open(struct ldcache *c, struct error *err, const char *path);
/* The same from an open fd (not kept); name is used in messages. */
int ldcache_open_fd(struct ldcache *c, struct error *err, int fd, const char *name);
void ldcache_close(struct ldcache *c);

/* Entry i (< c->nlibs), in file order. */
void ldcache_entry(const struct ldcache *c, uint32_t i, struct ldcache_entry *e);

/* Decides whether alt replaces orig (NULL for the first match): 1 yes, 0 no,
 * -1 on error. root is the root the paths are inside of. */
typedef int (*ldcache_select_fn)(struct error *err, void *ctx, const char *root, const char *orig,
                                 const char *alt);

/* For each name prefix libs[i] ("libcuda.so"), the path of the matching
 * entries of architecture arch (an LD_*_LIB* value) whose ELF type bit is
 * set, resolved inside root (chroot-like, path.h). Entries are visited in
 * file order; an entry counts for the first prefix it matches; each match
 * whose path differs from the current one is offered to select, which may
 * replace it (libnvidia-container's ldcache_resolve). An entry whose path
 * does not resolve is skipped (logged). paths[i] (allocated) stays NULL
 * when nothing was selected. On error every path is freed. */
int ldcache_resolve(const struct ldcache *c, struct error *err, uint32_t arch, const char *root,
                    const char *const libs[], char *paths[], size_t n, ldcache_select_fn select, void *ctx);

#endif
