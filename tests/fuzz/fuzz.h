/* Helpers shared by the libFuzzer targets (tests/fuzz/fuzz_*.c): turning
 * the fuzzer's bytes into what a parser takes (a C string, an argv, an fd),
 * and failing loudly when a property that must hold does not. A target
 * keeps no state between inputs; whatever it allocates it frees. */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: abort, so libFuzzer records the input. */
#define FUZZ_ASSERT(cond)                                                                                              \
        do {                                                                                                           \
                if (!(cond)) {                                                                                         \
                        fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);                   \
                        abort();                                                                                       \
                }                                                                                                      \
        } while (0)

/* The input as a NUL-terminated string (it may hold NULs itself); NULL only
 * when out of memory, which the targets treat as "skip the input". */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);

        if (s != NULL) {
                if (size > 0)
                        memcpy(s, data, size);
                s[size] = '\0';
        }
        return s;
}

/* Splits the input at NUL bytes into a NULL-terminated argv (the strings
 * point into *buf, which the caller frees with the array). At most max
 * arguments. */
static inline char **fuzz_argv(const uint8_t *data, size_t size, size_t max, char **buf, int *argc)
{
        char **argv;
        size_t n = 0;

        if ((*buf = fuzz_strndup(data, size)) == NULL)
                return NULL;
        if ((argv = calloc(max + 1, sizeof(*argv))) == NULL) {
                free(*buf);
                return NULL;
        }
        for (size_t off = 0; off <= size && n < max; off += strlen(*buf + off) + 1)
                argv[n++] = *buf + off;
        *argc = (int)n;
        return argv;
}

/* An anonymous in-memory file holding the input, read from the start; -1
 * when that fails. Nothing touches the file system. */
static inline int fuzz_memfd(const uint8_t *data, size_t size)
{
        int fd = memfd_create("fuzz", MFD_CLOEXEC);
        size_t done = 0;

        if (fd < 0)
                return -1;
        while (done < size) {
                ssize_t n = write(fd, data + done, size - done);

                if (n <= 0) {
                        close(fd);
                        return -1;
                }
                done += (size_t)n;
        }
        if (lseek(fd, 0, SEEK_SET) < 0) {
                close(fd);
                return -1;
        }
        return fd;
}

#endif
