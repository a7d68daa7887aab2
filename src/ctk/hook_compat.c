/* The enable-cuda-compat hook: an image may ship a newer libcuda in
 * /usr/local/cuda/compat (CUDA forward compatibility). When its major
 * version is greater than the host driver's, the folder goes into a
 * /etc/ld.so.conf.d/00-compat-XXXXXX.conf drop-in, ahead of the 00-nvcr-
 * one, so the update-ldcache hook that follows ranks it first. NVIDIA's
 * conditions: a host driver version was given, the image has the folder and
 * an /etc/ld.so.cache, and exactly one regular libcuda.so.*.* is in it.
 *
 * libnvidia-container (libnvc/compat.c) compares the whole version instead;
 * the CDI hook compares majors, so its rule is kept apart. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctk/hook_internal.h"
#include "libnvc/rootfs.h"

#define COMPAT_DIR "/usr/local/cuda/compat"
#define LIBCUDA "libcuda.so."

/* The number before the first dot (Go's strconv.Atoi of it). */
static int major(struct error *err, const char *version, long *out)
{
        char *end;

        errno = 0;
        *out = strtol(version, &end, 10);
        if (end == version || (*end != '\0' && *end != '.') || errno != 0 || *out < 0 || *out > INT_MAX)
                return error_setx(err, "failed to extract major version from \"%s\"", version);
        return 0;
}

int ctk_compat_newer(struct error *err, const char *compat_version, const char *driver_version, bool *newer)
{
        long compat, driver;

        if (major(err, compat_version, &compat) < 0 || major(err, driver_version, &driver) < 0)
                return -1;
        *newer = compat > driver;
        return 0;
}

static bool has(const struct ctk_container *c, const char *path, int flags, int *fd)
{
        struct error ignored = {0};

        if (rootfs_open(&ignored, c->fd, path, flags, fd) == 0)
                return true;
        error_reset(&ignored);
        return false;
}

/* The one regular libcuda.so.*.* of the compat folder (dirfd), copied into
 * name; "" when there is none or more than one. */
static void find_libcuda(int dirfd, char *name, size_t size)
{
        cleanup_dir DIR *d = fdopendir(dirfd);
        struct dirent *e;
        struct stat st;
        size_t n = 0;

        name[0] = '\0';
        if (d == NULL) {
                close(dirfd);
                return;
        }
        while ((e = readdir(d)) != NULL) {
                if (fnmatch(LIBCUDA "*.*", e->d_name, 0) != 0 ||
                    fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (n++ == 0)
                        snprintf(name, size, "%s", e->d_name);
        }
        if (n > 1)
                ctk_log(CTK_WARN, "Unexpected number of CUDA compat libraries in container: %zu", n);
        if (n != 1)
                name[0] = '\0';
}

static int enable(struct error *err, const struct ctk_container *c, const char *driver_version)
{
        static const char *const dirs[] = {COMPAT_DIR};
        char lib[NAME_MAX + 1];
        int dirfd = -1, cachefd = -1;
        bool newer;

        if (!has(c, "/etc/ld.so.cache", O_PATH, &cachefd)) {
                ctk_log(CTK_DEBUG, "The container does not have an LDCache");
                return 0;
        }
        close(cachefd);
        if (!has(c, COMPAT_DIR, O_RDONLY | O_DIRECTORY, &dirfd)) {
                ctk_log(CTK_DEBUG, "No CUDA forward compatibility libraries directory in container");
                return 0;
        }
        find_libcuda(dirfd, lib, sizeof(lib));
        if (lib[0] == '\0') {
                ctk_log(CTK_DEBUG, "No CUDA forward compatibility library in container");
                return 0;
        }
        if (ctk_compat_newer(err, lib + strlen(LIBCUDA), driver_version, &newer) < 0)
                return -1;
        if (!newer) {
                ctk_log(CTK_DEBUG, "Compat major version is not greater than the host driver major version (%s >= %s)",
                        driver_version, lib + strlen(LIBCUDA));
                return 0;
        }
        return ctk_ldsoconf_write(err, c, "00-compat-", dirs, 1);
}

int ctk_hook_enable_cuda_compat(int argc, char **argv)
{
        const char *driver_version = "", *state = NULL;
        const struct ctk_flag flags[] = {
                {"host-driver-version", NULL, CTK_FLAG_STRING, &driver_version,
                 "Specify the host driver version. If the CUDA compat libraries detected in the container do not "
                 "have a higher MAJOR version, the hook is a no-op.", NULL},
                CTK_HOOK_STATE_FLAG(state),
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        struct error err = {0};
        struct ctk_container c;
        int status;

        if (ctk_hook_flags(flags, argc, argv, &status))
                return status;
        if (driver_version[0] == '\0') {
                ctk_log(CTK_DEBUG, "Host driver version not specified");
                return 0;
        }
        if (ctk_container_open(&err, state, &c) < 0)
                return ctk_fail(&err, "failed to enable CUDA compat");
        if (enable(&err, &c, driver_version) < 0)
                status = ctk_fail(&err, "failed to enable CUDA compat");
        ctk_container_close(&c);
        return status;
}
