#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "compat.h"
#include "log.h"
#include "nvc_internal.h"
#include "options.h"
#include "rootfs.h"

int compat_version_cmp(const char *a, const char *b)
{
        while (*a != '\0' || *b != '\0') {
                char *ea, *eb;
                unsigned long va = strtoul(a, &ea, 10), vb = strtoul(b, &eb, 10);

                if (va != vb)
                        return va < vb ? -1 : 1;
                a = *ea == '.' ? ea + 1 : ea;
                b = *eb == '.' ? eb + 1 : eb;
                if (ea == a && eb == b && *ea == *eb && *ea != '\0' && *ea != '.')
                        break; /* neither moves: not a version, treat as equal */
        }
        return 0;
}

bool compat_is_newer(const char *lib, const char *driver_version)
{
        const char *v = strstr(lib, ".so.");

        return v != NULL && compat_version_cmp(v + 4, driver_version) > 0;
}

static int add_lib(struct error *err, struct nvc_container *cnt, const char *dir, const char *name)
{
        char **libs = realloc(cnt->compat_libs, (cnt->ncompat_libs + 1) * sizeof(*libs));

        if (libs == NULL)
                return error_set(err, "allocate compat libraries");
        cnt->compat_libs = libs;
        if (asprintf(&libs[cnt->ncompat_libs], "%s/%s", dir, name) < 0)
                return error_set(err, "allocate compat libraries");
        cnt->ncompat_libs++;
        log_info("selecting %s%s/%s", cnt->cfg.rootfs, dir, name);
        return 0;
}

int compat_find(struct error *err, struct nvc_container *cnt)
{
        char dir[PATH_MAX];
        cleanup_close int rootfd = -1, fd = -1;
        cleanup_dir DIR *d = NULL;
        struct dirent *e;
        struct stat st;

        if ((cnt->flags & OPT_NO_CNTLIBS) || !(cnt->flags & OPT_COMPUTE_LIBS))
                return 0;
        snprintf(dir, sizeof(dir), "%s/compat", cnt->cfg.cudart_dir);
        if ((rootfd = open(cnt->lookup_root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return error_set(err, "open container root `%s`", cnt->lookup_root);
        if (rootfs_open(err, rootfd, dir, O_RDONLY | O_DIRECTORY, &fd) < 0) {
                if (err->code != ENOENT && err->code != ENOTDIR)
                        return -1;
                error_reset(err);
                return 0;
        }
        if ((d = fdopendir(fd)) == NULL)
                return error_set(err, "read `%s` in the container", dir);
        fd = -1;
        while ((e = readdir(d)) != NULL) {
                if (fnmatch("lib*.so.*", e->d_name, 0) != 0)
                        continue;
                if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)) {
                        log_warn("skipping %s/%s: not a regular file", dir, e->d_name);
                        continue;
                }
                if (add_lib(err, cnt, dir, e->d_name) < 0)
                        return -1;
        }
        return 0;
}
