/* Fuzz target ldcache: the input is an /etc/ld.so.cache, which comes from
 * a container image when the hooks update it and from the host's driver
 * discovery otherwise. It is handed to libnvidia-container's reader
 * (ldcache_open_fd, src/libnvc/ldcache.h) through a memfd; a cache that
 * opens must give every entry's strings without reading out of bounds, and
 * ldcache_resolve runs the driver lookup over it inside an empty private
 * directory (made once, removed at exit; nothing is written into it). */
#include <linux/limits.h>

#include "fuzz.h"
#include "libnvc/ldcache.h"

static char root[] = "/tmp/fuzz-ldcache-XXXXXX";

static void remove_root(void)
{
        rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc;
        (void)argv;
        if (mkdtemp(root) == NULL) {
                perror("mkdtemp");
                exit(1);
        }
        atexit(remove_root);
        return 0;
}

/* Takes every other candidate, so both outcomes of a selection are seen. */
static int select_alternate(struct error *err, void *ctx, const char *dir, const char *orig, const char *alt)
{
        unsigned *calls = ctx;

        (void)err;
        (void)dir;
        (void)orig;
        FUZZ_ASSERT(alt[0] == '/' && strlen(alt) < PATH_MAX);
        return (*calls)++ % 2 == 0;
}

static void walk(const struct ldcache *c)
{
        static const char *const libs[] = {"libcuda.so", "libnvidia-ml.so", "libnvidia-", "lib"};
        char *paths[sizeof(libs) / sizeof(libs[0])];
        struct ldcache_entry e;
        struct error err = {0};
        unsigned calls = 0;

        for (uint32_t i = 0; i < c->nlibs; i++) {
                ldcache_entry(c, i, &e);
                FUZZ_ASSERT(strlen(e.key) < c->size && strlen(e.value) < c->size);
        }
        if (ldcache_resolve(c, &err, LD_X8664_LIB64, root, libs, paths, 4, select_alternate, &calls) == 0) {
                for (size_t i = 0; i < 4; i++)
                        free(paths[i]);
        }
        error_reset(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct ldcache c;
        struct error err = {0};
        int fd = fuzz_memfd(data, size);

        if (fd < 0)
                return 0;
        if (ldcache_open_fd(&c, &err, fd, "ld.so.cache") == 0) {
                walk(&c);
                ldcache_close(&c);
        } else {
                FUZZ_ASSERT(err.msg != NULL);
        }
        error_reset(&err);
        close(fd);
        return 0;
}
