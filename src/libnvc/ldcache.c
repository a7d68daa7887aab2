/* glibc's ld.so.cache: layouts from glibc's sysdeps/generic/dl-cache.h.
 *
 * The file is read into memory rather than mapped: a mapping of a file that
 * someone truncates meanwhile faults (SIGBUS) on access, and a library must
 * not die on a bad driver root. Entries are copied out with memcpy, so no
 * alignment is assumed of the buffer. */
#include "ldcache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "log.h"
#include "path.h"

#define MAGIC_OLD "ld.so-1.7.0"
#define MAGIC_NEW "glibc-ld.so.cache"
#define VERSION_NEW "1.1"

/* A cache of a few thousand libraries is well under a megabyte; anything
 * near this is not a linker cache. */
#define MAX_CACHE_SIZE (256u << 20)

struct entry_old {
        int32_t flags;
        uint32_t key, value;
};

struct header_old {
        char magic[sizeof(MAGIC_OLD) - 1];
        uint32_t nlibs;
        struct entry_old libs[];
};

struct entry_new {
        int32_t flags;
        uint32_t key, value;
        uint32_t osversion;
        uint64_t hwcap;
};

struct header_new {
        char magic[sizeof(MAGIC_NEW) - 1];
        char version[sizeof(VERSION_NEW) - 1];
        uint32_t nlibs;
        uint32_t len_strings;
        uint8_t flags;          /* byte order of the writer, glibc 2.33 */
        uint8_t padding[3];
        uint32_t extension_offset;
        uint32_t unused[3];
        struct entry_new libs[];
};

/* glibc's cache_file_new_flags_endian_*: 0 means an older ldconfig that did
 * not say, which glibc accepts. */
#define ENDIAN_MASK 3u
#define ENDIAN_UNSET 0u
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ENDIAN_OURS 2u
#else
#define ENDIAN_OURS 3u
#endif

static int read_all(struct error *err, int fd, const char *name, char **data, size_t *size)
{
        struct stat st;
        cleanup_free char *buf = NULL;
        size_t done = 0;
        ssize_t n;

        if (fstat(fd, &st) < 0)
                return error_set(err, "stat `%s`", name);
        if (S_ISDIR(st.st_mode)) {
                errno = EISDIR;
                return error_set(err, "read `%s`", name);
        }
        if (!S_ISREG(st.st_mode))
                return error_setx(err, "read `%s`: not a regular file", name);
        if ((uintmax_t)st.st_size > MAX_CACHE_SIZE)
                return error_setx(err, "read `%s`: too large for a linker cache", name);
        if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
                return error_set(err, "read `%s`", name);
        /* The size may change under us; what was read is what is parsed. */
        while (done < (size_t)st.st_size && (n = read(fd, buf + done, (size_t)st.st_size - done)) != 0) {
                if (n < 0 && errno != EINTR)
                        return error_set(err, "read `%s`", name);
                done += n > 0 ? (size_t)n : 0;
        }
        *data = buf;
        *size = done;
        buf = NULL;
        return 0;
}

/* The old layout comes first in the compat layout; its entries are skipped
 * and the new header follows, aligned as the writer aligned it. */
static int skip_old(struct ldcache *c, struct error *err, size_t *off)
{
        struct header_old h;
        uint64_t end;
        const size_t align = _Alignof(struct header_new);

        if (c->size < sizeof(h))
                return error_setx(err, "parse `%s`: truncated linker cache (%zu bytes)", c->path, c->size);
        memcpy(&h, c->data, sizeof(h));
        end = sizeof(h) + (uint64_t)h.nlibs * sizeof(struct entry_old);
        end = (end + align - 1) & ~(uint64_t)(align - 1);
        if (end > c->size)
                return error_setx(err, "parse `%s`: %" PRIu32 " old entries do not fit in %zu bytes", c->path,
                                  h.nlibs, c->size);
        *off = (size_t)end;
        return 0;
}

/* A file too short for a header is "truncated" when what there is matches
 * the magic, and "not a cache" otherwise. */
static int short_header(const struct ldcache *c, struct error *err, size_t off)
{
        size_t have = c->size - off;
        size_t len = sizeof(MAGIC_NEW) - 1;

        if (c->size == 0)
                return error_setx(err, "parse `%s`: empty file", c->path);
        /* glibc before 2.2 wrote the old layout alone; its loader is gone. */
        if (off > 0 && have == 0)
                return error_setx(err, "parse `%s`: old-format linker cache only (ld.so-1.7.0)", c->path);
        if (memcmp(c->data + off, MAGIC_NEW, have < len ? have : len) != 0)
                return error_setx(err, "parse `%s`: not a glibc linker cache", c->path);
        return error_setx(err, "parse `%s`: truncated linker cache (%zu bytes)", c->path, c->size);
}

static int parse_header(struct ldcache *c, struct error *err)
{
        struct header_new h;
        size_t off = 0;
        uint64_t end;

        if (c->size >= sizeof(MAGIC_OLD) - 1 && memcmp(c->data, MAGIC_OLD, sizeof(MAGIC_OLD) - 1) == 0 &&
            skip_old(c, err, &off) < 0)
                return -1;
        if (c->size - off < sizeof(h))
                return short_header(c, err, off);
        memcpy(&h, c->data + off, sizeof(h));
        if (memcmp(h.magic, MAGIC_NEW, sizeof(h.magic)) != 0 || memcmp(h.version, VERSION_NEW, sizeof(h.version)) != 0)
                return error_setx(err, "parse `%s`: not a glibc linker cache (format 1.1)", c->path);
        if ((h.flags & ENDIAN_MASK) != ENDIAN_UNSET && (h.flags & ENDIAN_MASK) != ENDIAN_OURS)
                return error_setx(err, "parse `%s`: linker cache of another byte order", c->path);
        end = off + sizeof(h) + (uint64_t)h.nlibs * sizeof(struct entry_new);
        if (end > c->size)
                return error_setx(err, "parse `%s`: %" PRIu32 " entries do not fit in %zu bytes", c->path, h.nlibs,
                                  c->size);
        c->base = c->data + off;
        c->nlibs = h.nlibs;
        return 0;
}

static void read_entry(const struct ldcache *c, uint32_t i, struct entry_new *e)
{
        memcpy(e, c->base + sizeof(struct header_new) + (size_t)i * sizeof(*e), sizeof(*e));
}

/* A string offset must point inside the file and the string must end
 * there. */
static int check_string(const struct ldcache *c, struct error *err, uint32_t i, const char *what, uint32_t off)
{
        size_t avail = c->size - (size_t)(c->base - c->data);

        if (off >= avail)
                return error_setx(err, "parse `%s`: entry %" PRIu32 ": %s offset %" PRIu32 " out of bounds",
                                  c->path, i, what, off);
        if (memchr(c->base + off, '\0', avail - off) == NULL)
                return error_setx(err, "parse `%s`: entry %" PRIu32 ": %s not terminated", c->path, i, what);
        return 0;
}

static int check_entries(const struct ldcache *c, struct error *err)
{
        struct entry_new e;

        for (uint32_t i = 0; i < c->nlibs; i++) {
                read_entry(c, i, &e);
                if (check_string(c, err, i, "key", e.key) < 0 || check_string(c, err, i, "value", e.value) < 0)
                        return -1;
        }
        return 0;
}

int ldcache_open_fd(struct ldcache *c, struct error *err, int fd, const char *name)
{
        *c = (struct ldcache){0};
        if ((c->path = strdup(name)) == NULL)
                return error_set(err, "read `%s`", name);
        if (read_all(err, fd, name, &c->data, &c->size) < 0 || parse_header(c, err) < 0 ||
            check_entries(c, err) < 0) {
                ldcache_close(c);
                return -1;
        }
        return 0;
}

int ldcache_open(struct ldcache *c, struct error *err, const char *path)
{
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0) {
                *c = (struct ldcache){0};
                return error_set(err, "open `%s`", path);
        }
        return ldcache_open_fd(c, err, fd, path);
}

void ldcache_close(struct ldcache *c)
{
        free(c->path);
        free(c->data);
        *c = (struct ldcache){0};
}

void ldcache_entry(const struct ldcache *c, uint32_t i, struct ldcache_entry *e)
{
        struct entry_new raw;

        read_entry(c, i, &raw);
        *e = (struct ldcache_entry){raw.flags, c->base + raw.key, c->base + raw.value, raw.osversion, raw.hwcap};
}

static bool has_prefix(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void free_paths(char *paths[], size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(paths[i]);
                paths[i] = NULL;
        }
}

/* Offers one cache entry to the selection of slot *slot. An entry whose
 * path does not resolve (a symlink loop, a directory the caller may not
 * search) is passed over with a warning where libnvidia-container fails
 * the whole lookup: a stale cache entry must not hide the driver. */
static int offer(struct error *err, const char *root, int rootfd, const char *value, char **slot,
                 ldcache_select_fn select, void *ctx)
{
        struct error why = {0};
        char path[PATH_MAX];
        char *copy;
        int rv;

        if (path_resolve_at(&why, path, sizeof(path), rootfd, value) < 0) {
                log_warn("skipping %s: %s", value, error_msg(&why));
                error_reset(&why);
                return 0;
        }
        if (*slot != NULL && strcmp(*slot, path) == 0)
                return 0;
        if ((rv = select(err, ctx, root, *slot, path)) <= 0)
                return rv;
        if ((copy = strdup(path)) == NULL)
                return error_set(err, "copy `%s`", path);
        free(*slot);
        *slot = copy;
        return 0;
}

int ldcache_resolve(const struct ldcache *c, struct error *err, uint32_t arch, const char *root,
                    const char *const libs[], char *paths[], size_t n, ldcache_select_fn select, void *ctx)
{
        cleanup_close int rootfd = -1;
        struct ldcache_entry e;

        memset(paths, 0, n * sizeof(*paths));
        if ((rootfd = path_open_root(err, root)) < 0)
                return -1;
        for (uint32_t i = 0; i < c->nlibs; i++) {
                ldcache_entry(c, i, &e);
                if (!(e.flags & LD_ELF) || (uint32_t)(e.flags & LD_ARCH_MASK) != arch)
                        continue;
                for (size_t j = 0; j < n; j++) {
                        if (!has_prefix(e.key, libs[j]))
                                continue;
                        if (offer(err, root, rootfd, e.value, &paths[j], select, ctx) < 0) {
                                free_paths(paths, n);
                                return -1;
                        }
                        break;
                }
        }
        return 0;
}
