/* Reading the driver root's /proc/driver/nvidia tree: every file is opened
 * inside the root (rootfs_open), must be a regular file, and is read whole
 * up to a small bound. No GPU node is opened: a node's presence is checked
 * with O_PATH, which never reaches the driver. */
#include "gpu_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "rootfs.h"

#define NV_PROC "/proc/driver/nvidia"
#define MAX_PROC_FILE 4096

/* 1 when PATH does not exist in the root. */
static int open_in(struct error *err, int rootfd, const char *path, int flags, int *fd)
{
        struct error local = {0};

        if (rootfs_open(&local, rootfd, path, flags, fd) == 0)
                return 0;
        if (local.code == ENOENT) {
                error_reset(&local);
                return 1;
        }
        *err = local;
        return -1;
}

/* 1 when the file does not exist. */
static int read_file(struct error *err, int rootfd, const char *path, char *buf, size_t cap)
{
        cleanup_close int fd = -1;
        struct stat st;
        size_t len = 0;
        ssize_t n;
        int rv;

        if ((rv = open_in(err, rootfd, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, &fd)) != 0)
                return rv;
        if (fstat(fd, &st) < 0)
                return error_set(err, "stat `%s`", path);
        if (!S_ISREG(st.st_mode))
                return error_setx(err, "malformed `%s`: not a regular file", path);
        while ((n = read(fd, buf + len, cap - 1 - len)) > 0 && (len += (size_t)n) < cap - 1)
                ;
        if (n < 0)
                return error_set(err, "read `%s`", path);
        if (len == cap - 1)
                return error_setx(err, "malformed `%s`: larger than %zu bytes", path, cap - 2);
        if (memchr(buf, '\0', len) != NULL)
                return error_setx(err, "malformed `%s`: binary content", path);
        buf[len] = '\0';
        return 0;
}

static bool exists_in(int rootfd, const char *path, int flags)
{
        cleanup_close int fd = -1;
        struct error ignored = {0};

        if (rootfs_open(&ignored, rootfd, path, O_PATH | O_CLOEXEC | flags, &fd) == 0)
                return true;
        error_reset(&ignored);
        return false;
}

/* 1 when the GPU is not one NVML would list (excluded, no node), 2 when its
 * UUID is not known yet. */
static int read_gpu(struct error *err, int rootfd, const char *entry, struct gpu_proc *gpu)
{
        char path[128], buf[MAX_PROC_FILE];
        int rv;

        memset(gpu, 0, sizeof(*gpu));
        if ((size_t)snprintf(path, sizeof(path), NV_PROC "/gpus/%s/information", entry) >= sizeof(path))
                return error_setx(err, "malformed `%s/gpus`: entry name too long", NV_PROC);
        if ((rv = read_file(err, rootfd, path, buf, sizeof(buf))) < 0)
                return -1;
        if (rv == 1)
                return error_setx(err, "malformed `%s`: missing", path);
        if (gpu_proc_parse(err, path, buf, gpu) < 0)
                return -1;
        snprintf(path, sizeof(path), "/dev/nvidia%u", gpu->minor);
        if (gpu->excluded || !exists_in(rootfd, path, 0))
                return 1;
        if (gpu->uuid == NULL)
                return 2;
        snprintf(path, sizeof(path), NV_PROC "/capabilities/gpu%u/mig", gpu->minor);
        gpu->mig_capable = exists_in(rootfd, path, O_DIRECTORY);
        return 0;
}

static int by_busid(const void *a, const void *b)
{
        return strcmp(((const struct gpu_proc *)a)->busid, ((const struct gpu_proc *)b)->busid);
}

static int check_unique(struct error *err, const struct gpu_proc *gpus, size_t n)
{
        for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++)
                        if (gpus[i].minor == gpus[j].minor || strcmp(gpus[i].uuid, gpus[j].uuid) == 0)
                                return error_setx(err, "malformed `%s/gpus`: GPUs %s and %s share a minor or UUID",
                                                  NV_PROC, gpus[i].busid, gpus[j].busid);
        return 0;
}

/* Appends the listed GPUs of the open gpus directory to *gpus. */
static int read_gpus(struct error *err, int rootfd, DIR *d, struct gpu_proc **gpus, size_t *n)
{
        struct dirent *de;
        int rv;

        while ((de = readdir(d)) != NULL) {
                struct gpu_proc gpu, *grown;

                if (de->d_name[0] == '.')
                        continue;
                if ((rv = read_gpu(err, rootfd, de->d_name, &gpu)) != 0) {
                        gpu_proc_clear(&gpu);
                        if (rv == 1)
                                continue;
                        return rv < 0 ? -1 : 1;
                }
                if ((grown = reallocarray(*gpus, *n + 1, sizeof(**gpus))) == NULL) {
                        gpu_proc_clear(&gpu);
                        return error_set(err, "memory allocation failed");
                }
                *gpus = grown;
                (*gpus)[(*n)++] = gpu;
        }
        return 0;
}

int gpu_proc_list(struct error *err, const char *root, struct gpu_proc **gpus, size_t *n)
{
        cleanup_close int rootfd = -1;
        cleanup_dir DIR *d = NULL;
        int fd = -1, rv;

        *gpus = NULL;
        *n = 0;
        if ((rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return error_set(err, "open `%s`", root);
        if ((rv = open_in(err, rootfd, NV_PROC "/gpus", O_RDONLY | O_DIRECTORY | O_CLOEXEC, &fd)) != 0)
                return rv;
        if ((d = fdopendir(fd)) == NULL) {
                close(fd);
                return error_set(err, "open `%s/gpus`", NV_PROC);
        }
        if ((rv = read_gpus(err, rootfd, d, gpus, n)) == 0) {
                qsort(*gpus, *n, sizeof(**gpus), by_busid);
                rv = check_unique(err, *gpus, *n);
        }
        if (rv != 0) {
                gpu_proc_list_free(*gpus, *n);
                *gpus = NULL;
                *n = 0;
        }
        return rv;
}

void gpu_proc_list_free(struct gpu_proc *gpus, size_t n)
{
        for (size_t i = 0; gpus != NULL && i < n; i++)
                gpu_proc_clear(&gpus[i]);
        free(gpus);
}

bool gpu_proc_has_control(const char *root)
{
        cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

        return rootfd >= 0 && exists_in(rootfd, "/dev/nvidiactl", 0);
}

int gpu_proc_version(struct error *err, const char *root, char **version)
{
        cleanup_close int rootfd = -1;
        char buf[MAX_PROC_FILE];
        int rv;

        if ((rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return error_set(err, "open `%s`", root);
        if ((rv = read_file(err, rootfd, NV_PROC "/version", buf, sizeof(buf))) != 0)
                return rv;
        return gpu_proc_parse_version(err, NV_PROC "/version", buf, version);
}
