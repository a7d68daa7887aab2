/* ELF checks with libelf. elf_begin(ELF_C_READ) reads what it needs with
 * pread, so a file truncated under us gives a libelf error, not a fault. */
#include "elf.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef NT_GNU_ABI_TAG
#define NT_GNU_ABI_TAG 1
#endif
#ifndef ELF_NOTE_OS_LINUX
#define ELF_NOTE_OS_LINUX 0
#endif

static int elf_fail(struct elf_file *ef, struct error *err)
{
        return error_setx(err, "parse `%s`: %s", ef->name, elf_errmsg(-1));
}

int elf_open_fd(struct elf_file *ef, struct error *err, int fd, const char *name)
{
        *ef = (struct elf_file){.fd = fd};
        if ((ef->name = strdup(name)) == NULL) {
                elf_close(ef);
                return error_set(err, "open `%s`", name);
        }
        /* Tells libelf which ELF version we speak; required before any
         * other call, harmless when repeated. */
        if (elf_version(EV_CURRENT) == EV_NONE || (ef->elf = elf_begin(fd, ELF_C_READ, NULL)) == NULL) {
                elf_fail(ef, err);
                elf_close(ef);
                return -1;
        }
        if (elf_kind(ef->elf) != ELF_K_ELF) {
                error_setx(err, "parse `%s`: not an ELF file", name);
                elf_close(ef);
                return -1;
        }
        return 0;
}

int elf_open(struct elf_file *ef, struct error *err, const char *path)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0) {
                *ef = (struct elf_file){.fd = -1};
                return error_set(err, "open `%s`", path);
        }
        return elf_open_fd(ef, err, fd, path);
}

void elf_close(struct elf_file *ef)
{
        if (ef->elf != NULL)
                elf_end(ef->elf);
        if (ef->fd >= 0)
                close(ef->fd);
        free(ef->name);
        *ef = (struct elf_file){.fd = -1};
}


/* Calls fn on every section of type type until it returns non-zero. */
static int for_each_section(struct elf_file *ef, struct error *err, Elf64_Word type,
                            int (*fn)(struct elf_file *, struct error *, Elf_Scn *, const GElf_Shdr *, const void *),
                            const void *arg)
{
        Elf_Scn *scn = NULL;
        GElf_Shdr sh;
        int rv;

        for (;;) {
                /* elf_nextscn returns NULL both at the end and on a broken
                 * section table; only the error code tells them apart. */
                (void)elf_errno();
                if ((scn = elf_nextscn(ef->elf, scn)) == NULL)
                        return elf_errno() != 0 ? elf_fail(ef, err) : 0;
                if (gelf_getshdr(scn, &sh) == NULL)
                        return elf_fail(ef, err);
                if (sh.sh_type == type && (rv = fn(ef, err, scn, &sh, arg)) != 0)
                        return rv;
        }
}

/* The entries of a dynamic section: *n of them in *data. */
static int dyn_entries(struct elf_file *ef, struct error *err, Elf_Scn *scn, Elf_Data **data, size_t *n)
{
        size_t size = gelf_fsize(ef->elf, ELF_T_DYN, 1, EV_CURRENT);

        if (size == 0 || (*data = elf_getdata(scn, NULL)) == NULL)
                return elf_fail(ef, err);
        *n = (*data)->d_size / size;
        if (*n > INT_MAX)
                *n = INT_MAX;
        return 0;
}

static int needed_in(struct elf_file *ef, struct error *err, Elf_Scn *scn, const GElf_Shdr *sh, const void *arg)
{
        const char *prefix = arg, *name;
        Elf_Data *data;
        GElf_Dyn dyn;
        size_t n;

        if (dyn_entries(ef, err, scn, &data, &n) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                if (gelf_getdyn(data, (int)i, &dyn) == NULL)
                        return elf_fail(ef, err);
                if (dyn.d_tag == DT_NULL)
                        break;
                if (dyn.d_tag != DT_NEEDED)
                        continue;
                if ((name = elf_strptr(ef->elf, sh->sh_link, dyn.d_un.d_val)) == NULL)
                        return elf_fail(ef, err);
                if (strncmp(name, prefix, strlen(prefix)) == 0)
                        return 1;
        }
        return 0;
}

static int pie_in(struct elf_file *ef, struct error *err, Elf_Scn *scn, const GElf_Shdr *sh, const void *arg)
{
        Elf_Data *data;
        GElf_Dyn dyn;
        size_t n;

        (void)sh;
        (void)arg;
        if (dyn_entries(ef, err, scn, &data, &n) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                if (gelf_getdyn(data, (int)i, &dyn) == NULL)
                        return elf_fail(ef, err);
                if (dyn.d_tag == DT_NULL)
                        break;
                if (dyn.d_tag == DT_FLAGS_1)
                        return (dyn.d_un.d_val & DF_1_PIE) != 0;
        }
        return 0;
}

int elf_is_shared_object(struct elf_file *ef, struct error *err, int elfclass, int machine)
{
        GElf_Ehdr eh;
        int pie;

        if (gelf_getehdr(ef->elf, &eh) == NULL)
                return elf_fail(ef, err);
        if (eh.e_ident[EI_CLASS] != elfclass || eh.e_machine != machine || eh.e_type != ET_DYN)
                return 0;
        /* A position-independent executable is ET_DYN too; the linker marks
         * it with DF_1_PIE. */
        if ((pie = for_each_section(ef, err, SHT_DYNAMIC, pie_in, NULL)) < 0)
                return -1;
        return !pie;
}

int elf_has_dependency(struct elf_file *ef, struct error *err, const char *prefix)
{
        return for_each_section(ef, err, SHT_DYNAMIC, needed_in, prefix);
}

/* The note's descriptor: OS, then the minimum kernel version. */
static bool abi_at_least(const char *desc, size_t size, const uint32_t abi[3])
{
        uint32_t words[4];

        if (size < sizeof(words))
                return false;
        memcpy(words, desc, sizeof(words));
        if (words[0] != ELF_NOTE_OS_LINUX)
                return false;
        for (int i = 0; i < 3; i++)
                if (words[i + 1] != abi[i])
                        return words[i + 1] > abi[i];
        return true;
}

static int abi_in(struct elf_file *ef, struct error *err, Elf_Scn *scn, const GElf_Shdr *sh, const void *arg)
{
        Elf_Data *data;
        GElf_Nhdr nh;
        size_t off = 0, next, name_off, desc_off;
        const char *buf;

        (void)sh;
        if ((data = elf_getdata(scn, NULL)) == NULL)
                return elf_fail(ef, err);
        buf = data->d_buf;
        while (off < data->d_size && (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
                if (nh.n_type == NT_GNU_ABI_TAG && nh.n_namesz == sizeof("GNU") &&
                    memcmp(buf + name_off, "GNU", sizeof("GNU")) == 0)
                        return abi_at_least(buf + desc_off, nh.n_descsz, arg) ? 1 : 0;
                off = next;
        }
        return 0;
}

int elf_has_abi(struct elf_file *ef, struct error *err, const uint32_t abi[3])
{
        return for_each_section(ef, err, SHT_NOTE, abi_in, abi);
}
