/* Stamping: the payload libraries are built once with a placeholder SONAME
 * and an unstamped inventory section; each installed copy gets its real
 * SONAME (the driver version is only known at install time) and the GPU
 * inventory written into its bytes. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "setup.h"

#ifndef FAKE_SONAME_PLACEHOLDER
#error "FAKE_SONAME_PLACEHOLDER must come from the build"
#endif

static int read_file(const char *path, char **buf, size_t *len, struct error *err)
{
        cleanup_close int fd = -1;
        cleanup_free char *data = NULL;
        struct stat st;
        size_t done = 0;

        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0)
                return error_set(err, "open `%s`", path);
        if ((data = malloc((size_t)st.st_size + 1)) == NULL)
                return error_set(err, "read `%s`", path);
        while (done < (size_t)st.st_size) {
                ssize_t n = read(fd, data + done, (size_t)st.st_size - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return error_set(err, "read `%s`", path);
                done += (size_t)n;
        }
        *len = done;
        *buf = data;
        data = NULL;
        return 0;
}

static int patch_soname(char *buf, size_t len, const char *soname, const char *src, struct error *err)
{
        const char *ph = FAKE_SONAME_PLACEHOLDER;
        size_t phlen = strlen(ph);
        char *at = memmem(buf, len, ph, phlen);

        if (at == NULL)
                return error_setx(err, "`%s` has no SONAME placeholder", src);
        if (strlen(soname) > phlen)
                return error_setx(err, "SONAME `%s` is longer than the placeholder", soname);
        memset(at, 0, phlen);
        memcpy(at, soname, strlen(soname));
        return 0;
}

/* Finds the inventory section through the section headers, so the write
 * lands exactly where the library's object lives. */
static int patch_inventory(char *buf, size_t len, const struct fake_inventory *inv, const char *src,
                           struct error *err)
{
        Elf *elf = NULL;
        Elf_Scn *scn = NULL;
        size_t shstrndx;
        int rv = -1;

        if (elf_version(EV_CURRENT) == EV_NONE || (elf = elf_memory(buf, len)) == NULL ||
            elf_getshdrstrndx(elf, &shstrndx) != 0) {
                error_setx(err, "`%s` is not an ELF file: %s", src, elf_errmsg(-1));
                goto out;
        }
        while ((scn = elf_nextscn(elf, scn)) != NULL) {
                GElf_Shdr sh;
                const char *name;

                if (gelf_getshdr(scn, &sh) == NULL || (name = elf_strptr(elf, shstrndx, sh.sh_name)) == NULL)
                        continue;
                if (strcmp(name, FAKE_INVENTORY_SECTION) != 0)
                        continue;
                if (sh.sh_size != sizeof(*inv) || sh.sh_offset > len || len - sh.sh_offset < sizeof(*inv)) {
                        error_setx(err, "`%s`: inventory section has size %ju, expected %zu", src,
                                   (uintmax_t)sh.sh_size, sizeof(*inv));
                        goto out;
                }
                memcpy(buf + sh.sh_offset, inv, sizeof(*inv));
                rv = 0;
                goto out;
        }
        error_setx(err, "`%s` has no %s section", src, FAKE_INVENTORY_SECTION);
out:
        if (elf != NULL)
                elf_end(elf);
        return rv;
}

static int write_file(const char *dst, const char *buf, size_t len, struct error *err)
{
        cleanup_close int fd = -1;
        size_t done = 0;

        if ((fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755)) < 0)
                return error_set(err, "create `%s`", dst);
        while (done < len) {
                ssize_t n = write(fd, buf + done, len - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return error_set(err, "write `%s`", dst);
                done += (size_t)n;
        }
        if (fchmod(fd, 0755) < 0)
                return error_set(err, "chmod `%s`", dst);
        return 0;
}

int stamp_library(const char *src, const char *dst, const char *soname, const struct fake_inventory *inv,
                  struct error *err)
{
        cleanup_free char *buf = NULL;
        size_t len = 0;

        if (read_file(src, &buf, &len, err) < 0)
                return -1;
        if (soname != NULL && patch_soname(buf, len, soname, src, err) < 0)
                return -1;
        if (inv != NULL && patch_inventory(buf, len, inv, src, err) < 0)
                return -1;
        return write_file(dst, buf, len, err);
}

int payload_dir(char *buf, size_t len, struct error *err)
{
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

        if (n < 0)
                return error_set(err, "readlink `/proc/self/exe`");
        exe[n] = '\0';
        /* <prefix>/bin/fake-nvidia-setup -> <prefix>/lib/fake-nvidia */
        if ((size_t)snprintf(buf, len, "%s/../lib/fake-nvidia", dirname(exe)) >= len)
                return error_setx(err, "payload path too long");
        if (access(buf, R_OK | X_OK) < 0)
                return error_set(err, "payload directory `%s`", buf);
        return 0;
}
