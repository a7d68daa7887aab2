/* The checks of the driver itself: the kernel module ("driver"), NVML
 * ("nvml"), the device nodes ("devices") and nvidia-persistenced
 * ("persistence"). The kernel's view is ROOT/proc/driver/nvidia; NVML is
 * asked through libnvidia-container's public API (ctk_discover), exactly as
 * `cdi generate` and nvidia-container-cli ask it, so a failure here is the
 * failure they would meet. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctk/ctk.h"
#include "ctk/discover.h"
#include "ctk/runtime_configure.h"
#include "ctk/system_check.h"
#include "libnvc/ldcache.h"
#include "libnvc/rootfs.h"

#define NV_MAJOR 195
#define NVML_SONAME "libnvidia-ml.so.1"

/* The linker cache's architecture of this program's libraries: a 32-bit
 * NVML (compat32) does not serve the toolkit. */
#if defined(__x86_64__)
#define NATIVE_ARCH LD_X8664_LIB64
#elif defined(__aarch64__)
#define NATIVE_ARCH LD_AARCH64_LIB64
#else
#define NATIVE_ARCH (-1)
#endif

static const char *plural(size_t n)
{
        return n == 1 ? "" : "s";
}

/* --- driver ------------------------------------------------------------------------ */

/* The "Device Minor" of a /proc/driver/nvidia/gpus/BUSID directory, or -1. */
static long gpu_minor(const char *gpus_dir, const char *busid)
{
        cleanup_free char *path = NULL;
        cleanup_file FILE *f = NULL;
        char line[256];
        long minor;

        if (asprintf(&path, "%s/%s/information", gpus_dir, busid) < 0 || (f = fopen(path, "re")) == NULL)
                return -1;
        while (fgets(line, sizeof(line), f) != NULL)
                if (sscanf(line, "Device Minor: %ld", &minor) == 1 && minor >= 0 && minor < 256)
                        return minor;
        return -1;
}

/* The GPUs in ROOT/proc/driver/nvidia/gpus, as their minors. */
static void read_gpus(struct ctk_check_ctx *c, struct ctk_report *r)
{
        cleanup_free char *dir = ctk_host_path(c->root, "/proc/driver/nvidia/gpus");
        cleanup_dir DIR *d = dir != NULL ? opendir(dir) : NULL;
        struct dirent *e;

        while (d != NULL && (e = readdir(d)) != NULL) {
                unsigned *v;
                long minor;

                if (e->d_name[0] == '.' || (minor = gpu_minor(dir, e->d_name)) < 0)
                        continue;
                if ((v = reallocarray(c->gpu_minors, c->ngpus + 1, sizeof(*v))) == NULL) {
                        r->nomem = true;
                        return;
                }
                c->gpu_minors = v;
                v[c->ngpus++] = (unsigned)minor;
        }
}

static void no_driver(struct ctk_report *r, const char *path)
{
        ctk_report_add(r, "driver", CTK_CHECK_FAIL, "no NVIDIA kernel driver: %s does not exist", path);
        ctk_report_why(r, "the kernel module provides the GPUs: without it NVML fails (\"couldn't communicate with "
                          "the NVIDIA driver\") and no GPU container can start");
        ctk_report_fix(r, "install the NVIDIA driver for this kernel, then load it: modprobe nvidia");
}

void ctk_check_driver(struct ctk_check_ctx *c, struct ctk_report *r)
{
        cleanup_free char *path = ctk_host_path(c->root, "/proc/driver/nvidia/version"), *text = NULL;
        struct error err = {0};
        char version[64];
        size_t len;

        if (path == NULL || ctk_read_config(&err, path, &text, &len) < 0) {
                ctk_report_add(r, "driver", CTK_CHECK_FAIL, "cannot read the driver's version: %s", error_msg(&err));
                ctk_report_fix(r, "check that the NVIDIA kernel module is loaded: lsmod | grep nvidia");
                error_reset(&err);
                return;
        }
        if (text == NULL) {
                no_driver(r, path);
                return;
        }
        text[strcspn(text, "\n")] = '\0';
        if (ctk_check_parse_version(text, version, sizeof(version)) < 0 ||
            (c->driver_version = strdup(version)) == NULL) {
                ctk_report_add(r, "driver", CTK_CHECK_FAIL, "%s names no driver version: \"%s\"", path, text);
                ctk_report_fix(r, "reload the NVIDIA kernel module: modprobe -r nvidia && modprobe nvidia");
                return;
        }
        read_gpus(c, r);
        if (c->ngpus > 0) {
                ctk_report_add(r, "driver", CTK_CHECK_OK, "NVIDIA kernel driver %s is loaded (%zu GPU%s)", version,
                               c->ngpus, plural(c->ngpus));
                return;
        }
        ctk_report_add(r, "driver", CTK_CHECK_WARN, "NVIDIA kernel driver %s is loaded but reports no GPU", version);
        ctk_report_why(r, "%s lists no GPU, so containers get none", "/proc/driver/nvidia/gpus");
        ctk_report_fix(r, "check that the system sees the GPUs (lspci | grep -i nvidia) and why the driver took none "
                          "(dmesg | grep -i NVRM)");
}

/* --- nvml ---------------------------------------------------------------------------- */

/* Whether the driver root's linker cache lists this architecture's NVML at
 * a file that is there. */
static bool nvml_in_cache(int rootfd)
{
        struct ldcache cache = {0};
        struct error err = {0};
        int fd = -1;
        bool found = false;

        if (rootfs_open(&err, rootfd, "/etc/ld.so.cache", O_RDONLY, &fd) < 0 ||
            ldcache_open_fd(&cache, &err, fd, "ld.so.cache") < 0) {
                error_reset(&err);
                if (fd >= 0)
                        close(fd);
                return false;
        }
        close(fd);
        for (uint32_t i = 0; !found && i < cache.nlibs; i++) {
                struct ldcache_entry e;
                int lib = -1;

                ldcache_entry(&cache, i, &e);
                if (strcmp(e.key, NVML_SONAME) == 0 && (NATIVE_ARCH < 0 || (e.flags & LD_ARCH_MASK) == NATIVE_ARCH) &&
                    rootfs_open(&err, rootfd, e.value, O_PATH, &lib) == 0)
                        found = true;
                error_reset(&err);
                if (lib >= 0)
                        close(lib);
        }
        ldcache_close(&cache);
        return found;
}

/* Whether NVML is in one of the library directories distributions use. */
static bool nvml_in_lib_dirs(int rootfd)
{
        static const char *const dirs[] = {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64",
                                           "/usr/lib", "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/lib64",
                                           "/lib"};

        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
                struct error err = {0};
                char path[128];
                int fd = -1;

                snprintf(path, sizeof(path), "%s/%s", dirs[i], NVML_SONAME);
                if (rootfs_open(&err, rootfd, path, O_PATH, &fd) == 0) {
                        close(fd);
                        return true;
                }
                error_reset(&err);
        }
        return false;
}

static void nvml_missing(struct ctk_report *r, const char *root)
{
        ctk_report_add(r, "nvml", CTK_CHECK_FAIL, NVML_SONAME " not found under %s", root);
        ctk_report_why(r, "nvidia-container-cli, `cdi generate` and every --gpus start load NVML (\"NVML not found\", "
                          "\"could not load NVML library\")");
        ctk_report_fix(r, "install the driver's user-space libraries (e.g. apt install libnvidia-ml1 / the .run "
                          "installer), then run ldconfig");
}

static void nvml_mismatch(struct ctk_report *r, const char *kernel, const char *nvml)
{
        ctk_report_add(r, "nvml", CTK_CHECK_FAIL,
                       "Driver/library version mismatch: the kernel module is %s, NVML (" NVML_SONAME ") is %s", kernel,
                       nvml);
        ctk_report_why(r, "NVML refuses a kernel module of another version (\"Failed to initialize NVML: "
                          "Driver/library version mismatch\") and containers get libraries that do not match the "
                          "kernel");
        ctk_report_fix(r, "reboot after a driver upgrade (or reload the module: rmmod nvidia_uvm nvidia_drm "
                          "nvidia_modeset nvidia && modprobe nvidia), or reinstall the user-space libraries of "
                          "version %s", kernel);
}

static void nvml_query(struct ctk_check_ctx *c, struct ctk_report *r)
{
        struct ctk_discovery d;
        struct error err = {0};

        if (ctk_discover(&err, c->driver_root, &d) < 0) {
                ctk_report_add(r, "nvml", CTK_CHECK_FAIL, "NVML does not initialise: %s", error_msg(&err));
                ctk_report_why(r, "nvidia-container-cli, `cdi generate` and every --gpus start ask NVML and fail the "
                                  "same way");
                ctk_report_fix(r, "see where it fails: nvidia-container-cli --root=%s --debug=/dev/stderr info",
                               c->driver_root);
                error_reset(&err);
                return;
        }
        if (c->driver_version != NULL && strcmp(c->driver_version, d.driver.version) != 0)
                nvml_mismatch(r, c->driver_version, d.driver.version);
        else
                ctk_report_add(r, "nvml", CTK_CHECK_OK, "NVML %s initialises and sees %zu GPU%s", d.driver.version,
                               d.driver.ngpus, plural(d.driver.ngpus));
        ctk_discovery_free(&d);
}

void ctk_check_nvml(struct ctk_check_ctx *c, struct ctk_report *r)
{
        cleanup_close int rootfd = open(c->driver_root, O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (rootfd < 0) {
                ctk_report_add(r, "nvml", CTK_CHECK_FAIL, "cannot open the driver root `%s`: %s", c->driver_root,
                               strerror(errno));
                ctk_report_fix(r, "pass the directory the driver is installed in: --driver-root=DIR");
                return;
        }
        c->nvml_in_cache = nvml_in_cache(rootfd);
        c->nvml_found = c->nvml_in_cache || nvml_in_lib_dirs(rootfd);
        if (!c->nvml_found)
                nvml_missing(r, c->driver_root);
        else
                nvml_query(c, r);
}

/* --- devices ----------------------------------------------------------------------- */

struct node {
        const char *name;   /* under /dev */
        long major;         /* -1: any (nvidia-uvm's major when /proc/devices does not tell) */
        unsigned minor;
        enum ctk_check_status missing; /* how bad its absence is */
        const char *why;
};

/* What is wrong with the node at path, in buf; NULL when nothing. */
static const char *node_problem(const char *path, const struct node *n, char *buf, size_t size)
{
        struct stat st;

        if (lstat(path, &st) < 0) {
                snprintf(buf, size, "%s %s", path, errno == ENOENT ? "does not exist" : strerror(errno));
                return buf;
        }
        if (!S_ISCHR(st.st_mode))
                snprintf(buf, size, "%s is not a character device", path);
        else if ((n->major >= 0 && major(st.st_rdev) != (unsigned)n->major) || minor(st.st_rdev) != n->minor)
                snprintf(buf, size, "%s is the device %u:%u, not %ld:%u", path, major(st.st_rdev),
                         minor(st.st_rdev), n->major, n->minor);
        else
                return NULL;
        return buf;
}

/* One node: a finding when it is wrong. Returns whether it is right. */
static bool check_node(struct ctk_check_ctx *c, struct ctk_report *r, const struct node *n)
{
        char rel[64], problem[512];
        cleanup_free char *path = NULL;

        snprintf(rel, sizeof(rel), "/dev/%s", n->name);
        if ((path = ctk_host_path(c->root, rel)) == NULL) {
                r->nomem = true;
                return false;
        }
        if (node_problem(path, n, problem, sizeof(problem)) == NULL)
                return true;
        ctk_report_add(r, "devices", n->missing, "%s", problem);
        ctk_report_why(r, "%s", n->why);
        if (strncmp(n->name, "nvidia-", 7) == 0 || strcmp(n->name, "nvidiactl") == 0)
                ctk_report_fix(r, "nvidia-ctk system create-device-nodes --control-devices --load-kernel-modules%s",
                               ctk_check_root_flag(c->root));
        else
                ctk_report_fix(r, "nvidia-modprobe -c %u (or reload the driver: modprobe -r nvidia && modprobe "
                                  "nvidia)", n->minor);
        return false;
}

static size_t check_gpu_nodes(struct ctk_check_ctx *c, struct ctk_report *r)
{
        size_t good = 0;

        for (size_t i = 0; i < c->ngpus; i++) {
                char name[32];
                const struct node n = {name, NV_MAJOR, c->gpu_minors[i], CTK_CHECK_FAIL,
                                       "containers get the GPU through its node: a request for it fails"};

                snprintf(name, sizeof(name), "nvidia%u", c->gpu_minors[i]);
                good += check_node(c, r, &n);
        }
        return good;
}

void ctk_check_devices(struct ctk_check_ctx *c, struct ctk_report *r)
{
        cleanup_close int rootfd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        long uvm = rootfd >= 0 ? ctk_chardev_major(rootfd, "nvidia-uvm") : -1;
        const struct node controls[] = {
                {"nvidiactl", NV_MAJOR, 255, CTK_CHECK_FAIL, "NVML and CUDA open it first in every GPU container"},
                {"nvidia-uvm", uvm, 0, CTK_CHECK_FAIL, "CUDA needs it: without it CUDA finds no device in containers"},
                {"nvidia-uvm-tools", uvm, 1, CTK_CHECK_WARN, "CUDA's profilers and debuggers need it"},
                {"nvidia-modeset", NV_MAJOR, 254, CTK_CHECK_WARN,
                 "containers asking for the display capability get no modeset node"},
        };
        size_t good = 0, total = sizeof(controls) / sizeof(controls[0]) + c->ngpus;
        cleanup_free char *dev = ctk_host_path(c->root, "/dev");

        for (size_t i = 0; i < sizeof(controls) / sizeof(controls[0]); i++)
                good += check_node(c, r, &controls[i]);
        good += check_gpu_nodes(c, r);
        if (good == total)
                ctk_report_add(r, "devices", CTK_CHECK_OK, "the %zu NVIDIA device nodes are in %s", total,
                               dev != NULL ? dev : "/dev");
}

/* --- persistence ----------------------------------------------------------------- */

void ctk_check_persistence(struct ctk_check_ctx *c, struct ctk_report *r)
{
        static const char *const sockets[] = {"/var/run/nvidia-persistenced/socket",
                                              "/run/nvidia-persistenced/socket"};
        cleanup_free char *first = ctk_host_path(c->root, sockets[0]);

        for (size_t i = 0; i < sizeof(sockets) / sizeof(sockets[0]); i++) {
                cleanup_free char *path = ctk_host_path(c->root, sockets[i]);
                struct stat st;

                if (path == NULL || lstat(path, &st) < 0)
                        continue;
                if (S_ISSOCK(st.st_mode)) {
                        ctk_report_add(r, "persistence", CTK_CHECK_OK, "nvidia-persistenced is running (%s)", path);
                        return;
                }
        }
        ctk_report_add(r, "persistence", CTK_CHECK_WARN, "nvidia-persistenced is not running (no socket at %s)",
                       first != NULL ? first : sockets[0]);
        ctk_report_why(r, "without it every container start initialises the GPUs again (seconds on real hardware) and "
                          "containers may see the GPUs reset between starts");
        ctk_report_fix(r, "systemctl enable --now nvidia-persistenced");
}
