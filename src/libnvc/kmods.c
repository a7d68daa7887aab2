/* load-kmods: what libnvidia-container does through nvidia-modprobe before
 * starting its driver process (src/nvc.c load_kernel_modules): load the
 * nvidia, nvidia-uvm and nvidia-modeset modules, then create the device
 * nodes a freshly loaded module has no udev rule for.
 *
 * Nothing here fails the caller: a module that cannot be loaded (none is
 * installed, we are not root) is logged and the next one tried, as upstream,
 * and the driver process then reports what is really missing.
 *
 * Deliberate differences from upstream:
 * - Only for the driver root "/". Upstream chroots into another root and
 *   runs its modprobe there; a driver root belongs to a driver container
 *   that loads its own modules, and nodes made from the host's /proc/devices
 *   inside it could be wrong. We log why and do nothing.
 * - GPU nodes are made for the minors the driver reports in
 *   /proc/driver/nvidia/gpus, not 0..N-1 for N NVIDIA PCI functions: the
 *   minors are the driver's, and need not be contiguous.
 * - The MIG capability nodes (/dev/nvidia-caps) are not made. */
#include "kmods.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "log.h"

#define NV_DEVICE_MAJOR 195
#define NV_CTL_DEVICE_MINOR 255
#define NV_MODESET_DEVICE_MINOR 254
#define NV_UVM_DEVICE_MINOR 0
#define NV_UVM_TOOLS_DEVICE_MINOR 1

/* The driver's registry keys for the nodes it wants (nvidia-modprobe reads
 * the same ones): owner, group, mode, and whether to touch them at all. */
struct node_params {
        uid_t uid;
        gid_t gid;
        mode_t mode;
        bool modify;
};

/* True when /proc/self/<file> is the identity map of the initial user
 * namespace ("0 0 4294967295"). */
static bool identity_map(const char *file)
{
        cleanup_file FILE *f = fopen(file, "re");
        uint32_t start, target, len;

        return f != NULL && fscanf(f, "%" SCNu32 " %" SCNu32 " %" SCNu32, &start, &target, &len) == 3 &&
               start == 0 && target == 0 && len == UINT32_MAX;
}

/* Inside a user namespace, the host's modules and /dev are not ours to
 * change, and the driver's registry would be read through the wrong ids. */
static bool in_user_namespace(void)
{
        return !identity_map("/proc/self/uid_map") || !identity_map("/proc/self/gid_map");
}

/* name is the kernel's spelling ("nvidia_uvm"), as /proc/modules has it. */
static bool module_loaded(const char *name)
{
        cleanup_file FILE *f = fopen("/proc/modules", "re");
        cleanup_free char *line = NULL;
        size_t size = 0;

        while (f != NULL && getline(&line, &size, f) >= 0)
                if (strncmp(line, name, strlen(name)) == 0 && line[strlen(name)] == ' ')
                        return true;
        return false;
}

/* The kernel's own modprobe helper, as nvidia-modprobe uses it. */
static void modprobe_path(char *buf, size_t size)
{
        cleanup_file FILE *f = fopen("/proc/sys/kernel/modprobe", "re");

        if (f == NULL || fgets(buf, (int)size, f) == NULL || buf[0] != '/')
                snprintf(buf, size, "/sbin/modprobe");
        buf[strcspn(buf, "\n")] = '\0';
}

/* modprobe runs with a fixed environment and no output: nothing of the
 * caller's environment reaches a root process, and nothing it prints
 * reaches the caller's terminal (the CLI's stdout is its output format). */
static bool run_modprobe(const char *module)
{
        char path[PATH_MAX];
        char *const argv[] = {"modprobe", (char *)module, NULL};
        char *const envp[] = {"PATH=/sbin:/usr/sbin:/bin:/usr/bin", NULL};
        posix_spawn_file_actions_t fa;
        pid_t pid;
        int status, rv;

        modprobe_path(path, sizeof(path));
        if (posix_spawn_file_actions_init(&fa) != 0)
                return false;
        for (int fd = 0; fd <= 2; fd++)
                posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
        rv = posix_spawn(&pid, path, &fa, NULL, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        if (rv != 0) {
                log_warn("could not run %s: %s", path, strerror(rv));
                return false;
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return false;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* modprobe takes the kernel's spelling too. */
static bool load_module(const char *module)
{
        log_info("loading kernel module %s", module);
        if (module_loaded(module))
                return true;
        if (geteuid() != 0)
                log_err("could not load kernel module %s: not root", module);
        else if (!run_modprobe(module) || !module_loaded(module))
                log_err("could not load kernel module %s", module);
        else
                return true;
        return false;
}

/* The char major the kernel gave a driver, from /proc/devices. */
static int chardev_major(const char *driver)
{
        cleanup_file FILE *f = fopen("/proc/devices", "re");
        char line[128], name[64];
        bool chars = false;
        int major;

        while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
                if (strncmp(line, "Character devices:", 18) == 0)
                        chars = true;
                else if (strncmp(line, "Block devices:", 14) == 0)
                        chars = false;
                else if (chars && sscanf(line, "%d %63s", &major, name) == 2 && strcmp(name, driver) == 0)
                        return major;
        }
        return -1;
}

static void read_params(struct node_params *p)
{
        cleanup_file FILE *f = fopen("/proc/driver/nvidia/params", "re");
        char line[128];
        unsigned long v;

        *p = (struct node_params){0, 0, 0666, true};
        while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
                if (sscanf(line, "DeviceFileUID: %lu", &v) == 1)
                        p->uid = (uid_t)v;
                else if (sscanf(line, "DeviceFileGID: %lu", &v) == 1)
                        p->gid = (gid_t)v;
                else if (sscanf(line, "DeviceFileMode: %lu", &v) == 1)
                        p->mode = (mode_t)(v & 07777);
                else if (sscanf(line, "ModifyDeviceFiles: %lu", &v) == 1)
                        p->modify = v != 0;
        }
}

/* Creates /dev/<name> unless it is there. An existing file is never
 * replaced or followed (a node of another number is logged and left). */
static void make_node(int devfd, const char *name, unsigned major, unsigned minor, const struct node_params *p)
{
        dev_t id = makedev(major, minor);
        struct stat st;

        log_info("running mknod for /dev/%s", name);
        if (fstatat(devfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                if (!S_ISCHR(st.st_mode) || st.st_rdev != id)
                        log_warn("not replacing /dev/%s: not the character device %u:%u", name, major, minor);
                return;
        }
        if (errno != ENOENT || mknodat(devfd, name, S_IFCHR | p->mode, id) < 0) {
                log_err("could not create kernel module device node /dev/%s: %s", name, strerror(errno));
                return;
        }
        /* mknod applied the umask; the driver's mode and owner are wanted. */
        if (fchmodat(devfd, name, p->mode, AT_SYMLINK_NOFOLLOW) < 0 ||
            fchownat(devfd, name, p->uid, p->gid, AT_SYMLINK_NOFOLLOW) < 0)
                log_err("could not set the mode of /dev/%s: %s", name, strerror(errno));
}

/* /dev/nvidia<minor> for every GPU the driver lists. */
static void make_gpu_nodes(int devfd, unsigned major, const struct node_params *p)
{
        cleanup_dir DIR *d = opendir("/proc/driver/nvidia/gpus");
        char path[PATH_MAX], line[128], name[32];
        struct dirent *de;
        unsigned minor;

        while (d != NULL && (de = readdir(d)) != NULL) {
                cleanup_file FILE *f = NULL;

                if (de->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof(path), "/proc/driver/nvidia/gpus/%s/information", de->d_name);
                if ((f = fopen(path, "re")) == NULL)
                        continue;
                while (fgets(line, sizeof(line), f) != NULL)
                        if (sscanf(line, "Device Minor: %u", &minor) == 1 && minor < NV_MODESET_DEVICE_MINOR) {
                                snprintf(name, sizeof(name), "nvidia%u", minor);
                                make_node(devfd, name, major, minor, p);
                        }
        }
}

static unsigned frontend_major(void)
{
        int major = chardev_major("nvidia-frontend");

        if (major < 0)
                major = chardev_major("nvidia");
        return major > 0 ? (unsigned)major : NV_DEVICE_MAJOR;
}

static void make_uvm_nodes(int devfd, const struct node_params *p)
{
        int major = chardev_major("nvidia-uvm");

        if (major < 0) {
                log_err("could not create kernel module device node: no nvidia-uvm in /proc/devices");
                return;
        }
        make_node(devfd, "nvidia-uvm", (unsigned)major, NV_UVM_DEVICE_MINOR, p);
        make_node(devfd, "nvidia-uvm-tools", (unsigned)major, NV_UVM_TOOLS_DEVICE_MINOR, p);
}

/* Each module is tried even when the one before failed, as upstream. */
static void load_all(int devfd)
{
        bool nvidia = load_module("nvidia");
        struct node_params p;
        bool nodes;

        read_params(&p);
        if (!p.modify)
                log_info("not creating device nodes: the driver's ModifyDeviceFiles is 0");
        nodes = devfd >= 0 && p.modify;
        if (nvidia && nodes) {
                make_node(devfd, "nvidiactl", frontend_major(), NV_CTL_DEVICE_MINOR, &p);
                make_gpu_nodes(devfd, frontend_major(), &p);
        }
        if (load_module("nvidia_uvm") && nodes)
                make_uvm_nodes(devfd, &p);
        if (load_module("nvidia_modeset") && nodes)
                make_node(devfd, "nvidia-modeset", frontend_major(), NV_MODESET_DEVICE_MINOR, &p);
}

/* 1 when root is the system's root directory (whatever its spelling). */
static int system_root(struct error *err, const char *root)
{
        struct stat a, b;

        if (stat(root, &a) < 0)
                return error_set(err, "stat `%s`", root);
        if (stat("/", &b) < 0)
                return error_set(err, "stat `/`");
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int kmods_load(struct error *err, const char *root)
{
        cleanup_close int devfd = -1;
        int rv;

        if ((rv = system_root(err, root)) < 0)
                return -1;
        if (rv == 0) {
                log_warn("skipping kernel modules load: driver root %s is not /, its driver loads them", root);
                return 0;
        }
        if (in_user_namespace()) {
                log_warn("skipping kernel modules load due to user namespace");
                return 0;
        }
        if ((devfd = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
                log_err("could not open /dev: %s", strerror(errno));
        load_all(devfd);
        return 0;
}
