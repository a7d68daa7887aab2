/* nvc_driver_info_new: the driver's versions, from the driver process, and
 * its files inside the driver root, found as libnvidia-container finds them
 * (src/nvc_info.c): libraries through the root's linker cache, binaries
 * along PATH, GSP firmware, the control device nodes, IPC endpoints. Every
 * list is in libnvidia-container's order, and every path is a path inside
 * the root. A file that is missing is logged and left out; only a broken
 * root, cache or environment is an error. */
#include "driver_info.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "driver.h"
#include "elf.h"
#include "ldcache.h"
#include "libtables.h"
#include "log.h"
#include "nvc_internal.h"
#include "options.h"
#include "path.h"

/* The frontend's fixed char major and the minor of its control node. */
#define NV_DEVICE_MAJOR 195
#define NV_CTL_DEVICE_MINOR 255

#define NV_CTL_DEVICE_PATH "/dev/nvidiactl"
#define NV_UVM_DEVICE_PATH "/dev/nvidia-uvm"
#define NV_UVM_TOOLS_DEVICE_PATH "/dev/nvidia-uvm-tools"
#define NV_MODESET_DEVICE_PATH "/dev/nvidia-modeset"
#define NV_PERSISTENCED_SOCKET "/var/run/nvidia-persistenced/socket"
#define NV_FABRICMANAGER_SOCKET "/var/run/nvidia-fabricmanager/socket"
#define NV_MPS_PIPE_DIR "/tmp/nvidia-mps"
#define NV_FIRMWARE_DIR "/lib/firmware/nvidia/%s"
#define NV_FIRMWARE_GLOB "gsp*.bin"

/* The linker cache tags each library with its ABI; libelf checks the file
 * says the same. */
struct lib_arch {
        uint32_t ldflags;
        int elfclass;
        int machine;
};

#if defined(__x86_64__)
static const struct lib_arch arch64 = {LD_X8664_LIB64, ELFCLASS64, EM_X86_64};
static const struct lib_arch arch32_data = {LD_I386_LIB32, ELFCLASS32, EM_386};
static const struct lib_arch *const arch32 = &arch32_data;
#elif defined(__aarch64__)
static const struct lib_arch arch64 = {LD_AARCH64_LIB64, ELFCLASS64, EM_AARCH64};
static const struct lib_arch arch32_data = {LD_ARM_LIBHF, ELFCLASS32, EM_ARM};
static const struct lib_arch *const arch32 = &arch32_data;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static const struct lib_arch arch64 = {LD_POWERPC_LIB64, ELFCLASS64, EM_PPC64};
static const struct lib_arch *const arch32 = NULL; /* no 32-bit userspace */
#else
#error "unsupported architecture"
#endif

/* libnvidia-tls comes in two ABIs in older drivers; containers get the one
 * for kernels 2.3.99 and later (the "new" TLS ABI). */
static const uint32_t tls_abi[3] = {2, 3, 99};

struct select_ctx {
        const struct nvc_driver_info *info;
        int rootfd;
        const struct lib_arch *arch;
};

static bool has_prefix(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *base_name(const char *path)
{
        const char *slash = strrchr(path, '/');

        return slash != NULL ? slash + 1 : path;
}

/* 1 when the library is the driver's, 0 when not, -1 when the file cannot
 * be read as ELF. The checks are upstream's, in its order, after the
 * class/machine one (a cache may be stale). */
static int check_library(const struct select_ctx *sc, struct elf_file *ef, struct error *err, const char *lib)
{
        int rv;

        if ((rv = elf_is_shared_object(ef, err, sc->arch->elfclass, sc->arch->machine)) != 1)
                return rv;
        if (has_prefix(lib, "libnvidia-tls.so") && (rv = elf_has_abi(ef, err, tls_abi)) != 1)
                return rv;
        if (!has_suffix(lib, sc->info->nvrm_version))
                return 0;
        /* Mesa and GLVND ship these names too: only NVIDIA's link its cores. */
        if (libtables_is_compat_gl(lib)) {
                if ((rv = elf_has_dependency(ef, err, "libnvidia-glcore.so")) != 0)
                        return rv;
                return elf_has_dependency(ef, err, "libnvidia-eglcore.so");
        }
        return 1;
}

/* The ldcache_select_fn of driver libraries. A file that cannot be read as
 * ELF is skipped with a warning rather than failing the whole lookup (which
 * libnvidia-container does): one stray file must not hide the driver. */
static int select_library(struct error *err, void *p, const char *root, const char *orig, const char *alt)
{
        const struct select_ctx *sc = p;
        struct error why = {0};
        struct elf_file ef;
        int fd, rv = -1;

        (void)err;
        (void)root;
        if ((fd = path_open_at(&why, sc->rootfd, alt, O_RDONLY, 0)) >= 0 && elf_open_fd(&ef, &why, fd, alt) == 0) {
                rv = check_library(sc, &ef, &why, base_name(alt));
                elf_close(&ef);
        }
        if (rv < 0)
                log_warn("skipping %s: %s", alt, error_msg(&why));
        else if (rv == 0)
                log_info("skipping %s", alt);
        else if (orig == NULL)
                log_info("selecting %s", alt);
        else
                log_info("selecting %s over %s", alt, orig);
        error_reset(&why);
        return rv > 0;
}

/* Moves the found entries to the front, logging the names not found. */
static void pack(char **list, size_t *n, const char *const names[], const char *what)
{
        size_t found = 0;

        for (size_t i = 0; i < *n; i++) {
                if (list[i] == NULL) {
                        log_warn("missing %s %s", what, names[i]);
                        continue;
                }
                list[found] = list[i];
                if (found++ != i)
                        list[i] = NULL;
        }
        *n = found;
}

static char **new_list(struct error *err, size_t n)
{
        char **list = calloc(n > 0 ? n : 1, sizeof(*list));

        if (list == NULL)
                error_set(err, "allocate a file list");
        return list;
}

static int open_ldcache(struct error *err, struct ldcache *ld, const char *root, int rootfd, const char *ldcache)
{
        char name[PATH_MAX];
        cleanup_close int fd = -1;

        if (path_join(err, name, sizeof(name), root, ldcache) < 0)
                return -1;
        if ((fd = path_open_at(err, rootfd, ldcache, O_RDONLY, 0)) < 0)
                return error_set(err, "open `%s`", name);
        return ldcache_open_fd(ld, err, fd, name);
}

static int resolve_libs(struct error *err, const struct ldcache *ld, const char *root, const struct select_ctx *sc,
                        const char *const names[], size_t n, char ***list, size_t *count)
{
        if ((*list = new_list(err, n)) == NULL)
                return -1;
        *count = n;
        if (sc->arch == NULL)
                return 0;
        return ldcache_resolve(ld, err, sc->arch->ldflags, root, names, *list, n, select_library, (void *)sc);
}

static int lookup_libraries(struct error *err, struct nvc_driver_info *info, const char *root, int rootfd,
                            const char *ldcache, int32_t flags)
{
        const char *names[LIBTABLES_MAX_LIBS];
        size_t n = libtables_driver_libs(flags, names, nitems(names));
        struct select_ctx sc64 = {info, rootfd, &arch64}, sc32 = {info, rootfd, arch32};
        struct ldcache ld;
        int rv;

        if (open_ldcache(err, &ld, root, rootfd, ldcache) < 0)
                return -1;
        rv = resolve_libs(err, &ld, root, &sc64, names, n, &info->libs, &info->nlibs);
        if (rv == 0)
                rv = resolve_libs(err, &ld, root, &sc32, names, n, &info->libs32, &info->nlibs32);
        ldcache_close(&ld);
        if (rv < 0)
                return -1;
        pack(info->libs, &info->nlibs, names, "library");
        pack(info->libs32, &info->nlibs32, names, "compat32 library");
        return 0;
}

/* A PATH entry that does not resolve or hold the binary is passed over, as
 * a shell would. */
static int find_binaries_in(struct error *err, struct nvc_driver_info *info, int rootfd, const char *dir,
                            const char *const names[])
{
        struct error ignored = {0};
        char tmp[PATH_MAX], path[PATH_MAX];

        for (size_t i = 0; i < info->nbins; i++) {
                if (info->bins[i] != NULL)
                        continue;
                if (path_join(&ignored, tmp, sizeof(tmp), dir, names[i]) < 0 ||
                    path_resolve_at(&ignored, path, sizeof(path), rootfd, tmp) < 0 ||
                    path_exists_at(&ignored, rootfd, path) != 1) {
                        error_reset(&ignored);
                        continue;
                }
                if ((info->bins[i] = strdup(path)) == NULL)
                        return error_set(err, "copy `%s`", path);
                log_info("selecting %s", path);
        }
        return 0;
}

/* The caller's PATH, as libnvidia-container: the driver root is expected
 * to keep its binaries where the host keeps its own. An empty entry is the
 * current directory, i.e. the root. */
static int lookup_binaries(struct error *err, struct nvc_driver_info *info, int rootfd, int32_t flags)
{
        const char *names[LIBTABLES_MAX_BINS];
        size_t n = libtables_driver_bins(flags, names, nitems(names));
        cleanup_free char *dirs = NULL;
        const char *env;
        char *rest, *dir;

        if ((env = secure_getenv("PATH")) == NULL)
                return error_setx(err, "environment variable PATH not found");
        if ((dirs = strdup(env)) == NULL)
                return error_set(err, "copy PATH");
        if ((info->bins = new_list(err, n)) == NULL)
                return -1;
        info->nbins = n;
        for (rest = dirs; (dir = strsep(&rest, ":")) != NULL;)
                if (find_binaries_in(err, info, rootfd, *dir != '\0' ? dir : ".", names) < 0)
                        return -1;
        pack(info->bins, &info->nbins, names, "binary");
        return 0;
}

static int add_path(struct error *err, char ***list, size_t *n, const char *dir, const char *name)
{
        char path[PATH_MAX];
        char **grown;

        if (path_join(err, path, sizeof(path), dir, name) < 0)
                return -1;
        if ((grown = realloc(*list, (*n + 1) * sizeof(**list))) == NULL)
                return error_set(err, "allocate a file list");
        *list = grown;
        if ((grown[*n] = strdup(path)) == NULL)
                return error_set(err, "copy `%s`", path);
        ++*n;
        return 0;
}

static int compare_paths(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Opens the firmware directory; 0 (and a warning) when it is not there or
 * not ours to read. */
static int open_firmware_dir(struct error *err, int rootfd, const char *dir, DIR **d)
{
        char resolved[PATH_MAX];
        int fd;

        if (path_resolve_at(err, resolved, sizeof(resolved), rootfd, dir) < 0 ||
            (fd = path_open_at(err, rootfd, resolved, O_RDONLY | O_DIRECTORY, 0)) < 0) {
                if (err->code != ENOENT && err->code != ENOTDIR && err->code != EACCES)
                        return -1;
                error_reset(err);
                log_warn("missing firmware path %s/%s", dir, NV_FIRMWARE_GLOB);
                return 0;
        }
        if ((*d = fdopendir(fd)) == NULL) {
                close(fd);
                return error_set(err, "open `%s`", dir);
        }
        return 1;
}

/* GSP firmware, named by the unresolved directory (/lib/firmware/nvidia/
 * <version>, as the driver's kernel module asks for it), sorted as glob(3)
 * sorts. */
static int lookup_firmwares(struct error *err, struct nvc_driver_info *info, int rootfd)
{
        char dir[PATH_MAX];
        cleanup_dir DIR *d = NULL;
        struct dirent *de;
        int rv;

        if ((size_t)snprintf(dir, sizeof(dir), NV_FIRMWARE_DIR, info->nvrm_version) >= sizeof(dir)) {
                errno = ENAMETOOLONG;
                return error_set(err, "firmware directory of version `%s`", info->nvrm_version);
        }
        if ((rv = open_firmware_dir(err, rootfd, dir, &d)) <= 0)
                return rv;
        while ((errno = 0, de = readdir(d)) != NULL)
                if (fnmatch(NV_FIRMWARE_GLOB, de->d_name, FNM_PERIOD) == 0 &&
                    add_path(err, &info->firmwares, &info->nfirmwares, dir, de->d_name) < 0)
                        return -1;
        if (errno != 0)
                return error_set(err, "read `%s`", dir);
        if (info->nfirmwares == 0)
                log_warn("missing firmware path %s/%s", dir, NV_FIRMWARE_GLOB);
        qsort(info->firmwares, info->nfirmwares, sizeof(*info->firmwares), compare_paths);
        for (size_t i = 0; i < info->nfirmwares; i++)
                log_info("listing firmware path %s", info->firmwares[i]);
        return 0;
}

/* 1 and *node filled when the node exists, 0 when it does not. */
static int find_device(struct error *err, int rootfd, const char *dev, struct nvc_device_node *node)
{
        struct stat st;
        int fd, rv;

        if ((fd = path_open_at(err, rootfd, dev, O_PATH, 0)) < 0) {
                if (err->code != ENOENT)
                        return -1;
                error_reset(err);
                log_warn("missing device %s", dev);
                return 0;
        }
        rv = fstat(fd, &st);
        close(fd);
        if (rv < 0)
                return error_set(err, "stat `%s`", dev);
        if (!S_ISCHR(st.st_mode)) {
                log_warn("skipping %s: not a character device", dev);
                return 0;
        }
        if ((node->path = strdup(dev)) == NULL)
                return error_set(err, "copy `%s`", dev);
        node->id = st.st_rdev;
        return 1;
}

/* The control node is always listed with its fixed number, as upstream:
 * the frontend's major and minor are part of the driver's ABI. The others
 * are optional and numbered as the nodes say (UVM's major is dynamic). */
static int lookup_devices(struct error *err, struct nvc_driver_info *info, int rootfd, int32_t flags)
{
        const struct {
                const char *path;
                int32_t unless;
        } optional[] = {
                {NV_UVM_DEVICE_PATH, OPT_NO_UVM},
                {NV_UVM_TOOLS_DEVICE_PATH, OPT_NO_UVM},
                {NV_MODESET_DEVICE_PATH, OPT_NO_MODESET},
        };
        int rv;

        if ((info->devs = calloc(1 + nitems(optional), sizeof(*info->devs))) == NULL)
                return error_set(err, "allocate the device list");
        if ((info->devs[0].path = strdup(NV_CTL_DEVICE_PATH)) == NULL)
                return error_set(err, "copy `%s`", NV_CTL_DEVICE_PATH);
        info->devs[0].id = makedev(NV_DEVICE_MAJOR, NV_CTL_DEVICE_MINOR);
        info->ndevs = 1;
        for (size_t i = 0; i < nitems(optional); i++) {
                if (flags & optional[i].unless)
                        continue;
                if ((rv = find_device(err, rootfd, optional[i].path, &info->devs[info->ndevs])) < 0)
                        return -1;
                info->ndevs += (size_t)rv;
        }
        for (size_t i = 0; i < info->ndevs; i++)
                log_info("listing device %s", info->devs[i].path);
        return 0;
}

/* An IPC endpoint is listed by its resolved path when it exists. One the
 * caller may not look up counts as missing (non-root callers). */
static int find_ipc(struct error *err, int rootfd, const char *target, char **slot)
{
        char path[PATH_MAX];
        int rv;

        if (path_resolve_at(err, path, sizeof(path), rootfd, target) < 0) {
                if (err->code != EACCES)
                        return -1;
                error_reset(err);
                log_warn("insufficient permissions for ipc path %s", target);
                return 0;
        }
        if ((rv = path_exists_at(err, rootfd, path)) <= 0) {
                if (rv == 0)
                        log_warn("missing ipc path %s", target);
                return rv;
        }
        if ((*slot = strdup(path)) == NULL)
                return error_set(err, "copy `%s`", path);
        log_info("listing ipc path %s", path);
        return 1;
}

/* The MPS pipe directory the caller's clients would use. */
static const char *mps_pipe_dir(void)
{
        const char *dir = secure_getenv("CUDA_MPS_PIPE_DIRECTORY");

        return dir != NULL ? dir : NV_MPS_PIPE_DIR;
}

static int lookup_ipcs(struct error *err, struct nvc_driver_info *info, int rootfd, int32_t flags)
{
        const struct {
                const char *path;
                int32_t unless;
        } ipcs[] = {
                {NV_PERSISTENCED_SOCKET, OPT_NO_PERSISTENCED},
                {NV_FABRICMANAGER_SOCKET, OPT_NO_FABRICMANAGER},
                {mps_pipe_dir(), OPT_NO_MPS},
        };
        int rv;

        if ((info->ipcs = new_list(err, nitems(ipcs))) == NULL)
                return -1;
        for (size_t i = 0; i < nitems(ipcs); i++) {
                if (flags & ipcs[i].unless)
                        continue;
                if ((rv = find_ipc(err, rootfd, ipcs[i].path, &info->ipcs[info->nipcs])) < 0)
                        return -1;
                info->nipcs += (size_t)rv;
        }
        return 0;
}

int driver_info_lookup(struct error *err, struct nvc_driver_info *info, const char *root, const char *ldcache,
                       int32_t flags)
{
        cleanup_close int rootfd = path_open_root(err, root);

        if (rootfd < 0)
                return -1;
        if (lookup_libraries(err, info, root, rootfd, ldcache, flags) < 0 ||
            lookup_binaries(err, info, rootfd, flags) < 0)
                return -1;
        if (!(flags & OPT_NO_GSP_FIRMWARE) && lookup_firmwares(err, info, rootfd) < 0)
                return -1;
        if (lookup_devices(err, info, rootfd, flags) < 0 || lookup_ipcs(err, info, rootfd, flags) < 0)
                return -1;
        return 0;
}

static int list_devices(struct error *err, struct nvc_driver_info *info, const char *root, int32_t flags)
{
        cleanup_close int rootfd = path_open_root(err, root);

        return rootfd < 0 ? -1 : lookup_devices(err, info, rootfd, flags);
}

/* The one answer that needs the driver process; "no-cuda-version" skips it. */
static int get_cuda_version(struct nvc_context *ctx, struct nvc_driver_info *info, int32_t flags)
{
        if (flags & OPT_NO_CUDA_VERSION)
                return 0;
        return driver_get_cuda_version(ctx->driver, &ctx->err, &info->cuda_version);
}

struct nvc_driver_info *nvc_driver_info_new(struct nvc_context *ctx, const char *opts)
{
        struct nvc_driver_info *info;
        int32_t flags;

        if (ctx == NULL || ctx_check_init(ctx) < 0 ||
            options_parse(&ctx->err, opts, driver_opts, driver_opts_count, &flags) < 0)
                return NULL;
        log_info("requesting driver information with '%s'", opts != NULL ? opts : "");
        if ((info = calloc(1, sizeof(*info))) == NULL) {
                error_set(&ctx->err, "allocate driver information");
                return NULL;
        }
        if (flags & OPT_DEVICES_ONLY) {
                if (list_devices(&ctx->err, info, ctx->cfg.root, flags) < 0)
                        goto fail;
                return info;
        }
        if (ctx_rm_version(ctx, &info->nvrm_version) < 0 ||
            get_cuda_version(ctx, info, flags) < 0 ||
            driver_info_lookup(&ctx->err, info, ctx->cfg.root, ctx->cfg.ldcache, flags) < 0)
                goto fail;
        return info;
fail:
        nvc_driver_info_free(info);
        return NULL;
}

static void free_list(char **list, size_t n)
{
        for (size_t i = 0; list != NULL && i < n; i++)
                free(list[i]);
        free(list);
}

void nvc_driver_info_free(struct nvc_driver_info *info)
{
        if (info == NULL)
                return;
        free(info->nvrm_version);
        free(info->cuda_version);
        free_list(info->bins, info->nbins);
        free_list(info->libs, info->nlibs);
        free_list(info->libs32, info->nlibs32);
        free_list(info->ipcs, info->nipcs);
        free_list(info->firmwares, info->nfirmwares);
        for (size_t i = 0; info->devs != NULL && i < info->ndevs; i++)
                free(info->devs[i].path);
        free(info->devs);
        free(info);
}
