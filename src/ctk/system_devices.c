/* `nvidia-ctk system create-device-nodes` and `create-dev-char-symlinks`:
 * the NVIDIA device nodes a driver root needs, and the /dev/char/MAJOR:MINOR
 * links to them. Nodes made by nvidia-modprobe or a driver container have
 * no udev rule behind them, so /dev/char lacks their links; systemd resolves
 * a container's device allow rules through those links, and without them a
 * `systemctl daemon-reload` takes the GPUs away from running containers.
 *
 * The driver root may be a driver container's root file system, so paths
 * inside it are resolved inside it (rootfs_open) and nodes are created
 * relative to the directory fd resolved there. The /dev/char directory is
 * the administrator's path and is taken as given.
 *
 * Differences from NVIDIA's commands, on purpose: an existing node of the
 * wrong type or numbers is an error rather than silently kept; an existing
 * correct link is kept and a wrong one replaced (NVIDIA warns "file
 * exists"); --create-all lists the GPUs the driver reports in
 * /proc/driver/nvidia/gpus rather than the NVIDIA PCI functions, adds the
 * nodes that exist (including MIG capabilities, which NVIDIA reads from
 * the host's /proc/driver/nvidia-caps), and skips nvidia-uvm when its major
 * is unknown rather than linking "0:N"; --watch is not offered. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/path_clean.h"
#include "ctk/ctk.h"
#include "libnvc/rootfs.h"

/* The driver's fixed numbers; nvidia-uvm's major is allocated at load. */
#define NV_MAJOR 195
#define NV_CTL_MINOR 255
#define NV_MODESET_MINOR 254

struct char_node {
        char *path; /* inside the driver root: "/dev/nvidia0" */
        unsigned major, minor;
};

struct node_list {
        struct char_node *v;
        size_t n;
};

static void node_list_free(struct node_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i].path);
        free(l->v);
        *l = (struct node_list){NULL, 0};
}

static int node_push(struct node_list *l, const char *path, unsigned major, unsigned minor)
{
        struct char_node *v;

        if ((v = reallocarray(l->v, l->n + 1, sizeof(*v))) == NULL)
                return -1;
        l->v = v;
        if ((v[l->n].path = strdup(path)) == NULL)
                return -1;
        v[l->n].major = major;
        v[l->n++].minor = minor;
        return 0;
}

static int path_cmp(const void *a, const void *b)
{
        return strcmp(((const struct char_node *)a)->path, ((const struct char_node *)b)->path);
}

/* Adds a node unless one of the same numbers is listed (the first path
 * found for a device is the one linked). */
static int node_add(struct node_list *l, const char *path, unsigned major, unsigned minor)
{
        for (size_t i = 0; i < l->n; i++)
                if (l->v[i].major == major && l->v[i].minor == minor)
                        return 0;
        return node_push(l, path, major, minor);
}

/* Adds what a directory scan found (status: the scan's), in name order
 * as a glob lists them, and frees it. */
static int node_add_sorted(struct node_list *out, struct node_list *found, int status)
{
        if (found->n > 0)
                qsort(found->v, found->n, sizeof(*found->v), path_cmp);
        for (size_t i = 0; i < found->n && status == 0; i++)
                status = node_add(out, found->v[i].path, found->v[i].major, found->v[i].minor);
        node_list_free(found);
        return status;
}

/* root joined with path and cleaned, as Go's filepath.Join. */
static void join(char *buf, size_t size, const char *root, const char *path)
{
        cleanup_free char *joined = NULL, *clean = NULL;

        if (asprintf(&joined, "%s/%s", root, path) < 0 || (clean = path_clean(joined)) == NULL)
                snprintf(buf, size, "%s/%s", root, path);
        else
                snprintf(buf, size, "%s", clean);
}

/* Opens path inside the driver root (at rootfd, named root in messages). */
static int open_in_root(struct error *err, int rootfd, const char *root, const char *path, int flags, int *fd)
{
        struct error inner = {0};
        char where[PATH_MAX];

        if (rootfs_open(&inner, rootfd, path, flags, fd) == 0)
                return 0;
        errno = inner.code;
        error_reset(&inner);
        join(where, sizeof(where), root, path);
        return error_set(err, "open `%s`", where);
}

static int open_root(struct error *err, const char *root, int *fd)
{
        if ((*fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return error_set(err, "open driver root `%s`", root);
        return 0;
}

/* --- what the driver reports ------------------------------------------------- */

/* /proc/X of the driver root when it has one (a driver container's view),
 * else the host's; -1 when neither opens. */
static int proc_fd(int rootfd, const char *path, int flags)
{
        struct error err = {0};
        int fd = -1;

        if (rootfs_open(&err, rootfd, path, flags, &fd) == 0)
                return fd;
        error_reset(&err);
        return open(path, flags | O_CLOEXEC);
}

static FILE *proc_file(int rootfd, const char *path)
{
        int fd = proc_fd(rootfd, path, O_RDONLY);
        FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;

        if (f == NULL && fd >= 0)
                close(fd);
        return f;
}

long ctk_chardev_major(int rootfd, const char *driver)
{
        cleanup_file FILE *f = proc_file(rootfd, "/proc/devices");
        char line[256], name[128];
        bool chars = false;
        long major;

        while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
                if (strncmp(line, "Character devices:", 18) == 0)
                        chars = true;
                else if (strncmp(line, "Block devices:", 14) == 0)
                        chars = false;
                else if (chars && sscanf(line, "%ld %127s", &major, name) == 2 && strcmp(name, driver) == 0)
                        return major;
        }
        return -1;
}

static const struct control {
        const char *path;
        const char *driver; /* NULL: NV_MAJOR */
        unsigned minor;
} controls[] = {
        {"/dev/nvidiactl", NULL, NV_CTL_MINOR},
        {"/dev/nvidia-modeset", NULL, NV_MODESET_MINOR},
        {"/dev/nvidia-uvm", "nvidia-uvm", 0},
        {"/dev/nvidia-uvm-tools", "nvidia-uvm", 1},
};

/* The control devices whose major is known; nvidia-uvm's is only when its
 * module is loaded. */
static int control_nodes(int rootfd, struct node_list *out)
{
        long uvm = ctk_chardev_major(rootfd, "nvidia-uvm");

        if (uvm < 0)
                ctk_log(CTK_WARN, "nvidia-uvm is not in /proc/devices; skipping its device nodes");
        for (size_t i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
                const struct control *c = &controls[i];

                if (c->driver != NULL && uvm < 0)
                        continue;
                if (node_add(out, c->path, c->driver != NULL ? (unsigned)uvm : NV_MAJOR, c->minor) < 0)
                        return -1;
        }
        return 0;
}

/* The minor in a /proc/driver/nvidia/gpus/BUSID/information file, or -1. */
static long gpu_minor(int rootfd, const char *busid)
{
        char path[PATH_MAX], line[256];
        cleanup_file FILE *f = NULL;
        long minor;

        snprintf(path, sizeof(path), "/proc/driver/nvidia/gpus/%s/information", busid);
        f = proc_file(rootfd, path);
        while (f != NULL && fgets(line, sizeof(line), f) != NULL)
                if (sscanf(line, "Device Minor: %ld", &minor) == 1)
                        return minor;
        return -1;
}

/* /dev/nvidiaN for every GPU the driver reports, in found. */
static int gpu_nodes(int rootfd, struct node_list *found)
{
        int fd = proc_fd(rootfd, "/proc/driver/nvidia/gpus", O_RDONLY | O_DIRECTORY);
        cleanup_dir DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *e;

        if (fd >= 0 && dir == NULL)
                close(fd);
        while (dir != NULL && (e = readdir(dir)) != NULL) {
                char path[32];
                long minor;

                if (e->d_name[0] == '.' || (minor = gpu_minor(rootfd, e->d_name)) < 0 || minor > 255)
                        continue;
                snprintf(path, sizeof(path), "/dev/nvidia%ld", minor);
                if (node_push(found, path, NV_MAJOR, (unsigned)minor) < 0)
                        return -1;
        }
        return 0;
}

/* --- nodes that exist ---------------------------------------------------------- */

/* NVIDIA leaves the nodes of other drivers that share the prefix alone. */
static bool node_wanted(const char *name, const char *prefix)
{
        static const char *const others[] = {"nvidia-fs", "nvidia-nvswitch", "nvidia-nvlink"};

        if (strncmp(name, prefix, strlen(prefix)) != 0)
                return false;
        for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
                if (strncmp(name, others[i], strlen(others[i])) == 0)
                        return false;
        return true;
}

/* The character devices of the open directory d (dir inside the root)
 * whose names start with prefix. */
static int scan_dir(DIR *d, const char *dir, const char *prefix, struct node_list *found)
{
        struct dirent *e;

        while ((e = readdir(d)) != NULL) {
                char path[PATH_MAX];
                struct stat st;

                if (!node_wanted(e->d_name, prefix) || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                    !S_ISCHR(st.st_mode))
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                if (node_push(found, path, major(st.st_rdev), minor(st.st_rdev)) < 0)
                        return -1;
        }
        return 0;
}

/* The character devices in dir (inside the root) whose names start with
 * prefix, in name order (as a glob lists them). A missing dir has none. */
static int existing_in(int rootfd, const char *dir, const char *prefix, struct node_list *out)
{
        struct node_list found = {NULL, 0};
        struct error err = {0};
        cleanup_dir DIR *d = NULL;
        int fd = -1;

        if (rootfs_open(&err, rootfd, dir, O_RDONLY | O_DIRECTORY, &fd) < 0) {
                error_reset(&err);
                return 0;
        }
        if ((d = fdopendir(fd)) == NULL) {
                close(fd);
                return -1;
        }
        return node_add_sorted(out, &found, scan_dir(d, dir, prefix, &found));
}

/* --- kernel modules ---------------------------------------------------------- */

/* modprobe gets a fixed environment: nothing of the caller's reaches a
 * root process. */
static int modprobe(const char *module)
{
        char *const argv[] = {"/sbin/modprobe", (char *)module, NULL};
        char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
        pid_t pid;
        int status, rv;

        if ((rv = posix_spawn(&pid, argv[0], NULL, NULL, argv, envp)) != 0) {
                ctk_log(CTK_WARN, "Failed to run %s: %s", argv[0], strerror(rv));
                return -1;
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        ctk_log(CTK_WARN, "Failed to load kernel module %s", module);
        return -1;
}

static void load_modules(bool dry_run)
{
        static const char *const modules[] = {"nvidia", "nvidia-uvm", "nvidia-modeset"};

        for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
                ctk_log(dry_run ? CTK_INFO : CTK_DEBUG, "Running: /sbin/modprobe %s", modules[i]);
                if (!dry_run)
                        modprobe(modules[i]);
        }
}

/* --- create-device-nodes -------------------------------------------------------- */

/* The driver root's /dev, made when missing; -1 in *fd (no error) when it
 * is missing and dry_run says not to make it. */
static int open_dev(struct error *err, int rootfd, const char *root, bool dry_run, int *fd)
{
        struct error missing = {0};
        char where[PATH_MAX];

        if (rootfs_open(&missing, rootfd, "dev", O_PATH | O_DIRECTORY, fd) == 0)
                return 0;
        if (missing.code != ENOENT) {
                errno = missing.code;
                error_reset(&missing);
                join(where, sizeof(where), root, "dev");
                return error_set(err, "open `%s`", where);
        }
        error_reset(&missing);
        if (dry_run)
                return 0;
        join(where, sizeof(where), root, "dev");
        if (mkdirat(rootfd, "dev", 0755) < 0 && errno != EEXIST)
                return error_set(err, "create directory `%s`", where);
        return open_in_root(err, rootfd, root, "dev", O_PATH | O_DIRECTORY, fd);
}

/* 1 when the node is there with its numbers, 0 when missing, else an
 * error naming what is there instead. */
static int node_present(struct error *err, int devfd, const char *where, const struct char_node *n)
{
        struct stat st;

        if (devfd < 0 || fstatat(devfd, n->path + strlen("/dev/"), &st, AT_SYMLINK_NOFOLLOW) < 0) {
                if (devfd < 0 || errno == ENOENT)
                        return 0;
                return error_set(err, "stat `%s`", where);
        }
        if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(n->major, n->minor))
                return error_setx(err, "`%s` exists but is not the character device %u:%u", where, n->major,
                                  n->minor);
        return 1;
}

static int make_node(struct error *err, int devfd, const char *where, const struct char_node *n, bool dry_run)
{
        mode_t mask;
        int rv;

        if (dry_run) {
                ctk_log(CTK_INFO, "Running: mknod --mode=0666 %s c %u %u", where, n->major, n->minor);
                return 0;
        }
        ctk_log(CTK_INFO, "Creating %s (c %u:%u)", where, n->major, n->minor);
        /* The mode is 0666 whatever the umask, with no window for a chmod
         * that could follow a link planted in its place. */
        mask = umask(0);
        rv = mknodat(devfd, n->path + strlen("/dev/"), S_IFCHR | 0666, makedev(n->major, n->minor));
        umask(mask);
        return rv < 0 ? error_set(err, "create device node `%s`", where) : 0;
}

/* Every node is checked before any is made: a wrong one changes nothing. */
static int make_missing(struct error *err, int devfd, const char *root, const struct node_list *nodes, bool dry_run)
{
        char where[PATH_MAX];

        for (size_t i = 0; i < nodes->n; i++) {
                join(where, sizeof(where), root, nodes->v[i].path);
                if (node_present(err, devfd, where, &nodes->v[i]) < 0)
                        return -1;
        }
        for (size_t i = 0; i < nodes->n; i++) {
                int present;

                join(where, sizeof(where), root, nodes->v[i].path);
                if ((present = node_present(err, devfd, where, &nodes->v[i])) < 0)
                        return -1;
                if (present == 1)
                        ctk_log(CTK_DEBUG, "Skipping: %s already exists", where);
                else if (make_node(err, devfd, where, &nodes->v[i], dry_run) < 0)
                        return -1;
        }
        return 0;
}

static int create_control_nodes(struct error *err, const char *root, bool dry_run)
{
        cleanup_close int rootfd = -1, devfd = -1;
        struct node_list nodes = {NULL, 0};
        int rv;

        if (open_root(err, root, &rootfd) < 0 || open_dev(err, rootfd, root, dry_run, &devfd) < 0)
                return -1;
        if (control_nodes(rootfd, &nodes) < 0)
                rv = error_set(err, "list device nodes");
        else
                rv = make_missing(err, devfd, root, &nodes, dry_run);
        node_list_free(&nodes);
        return rv;
}

/* --- flags ------------------------------------------------------------------------ */

/* urfave/cli reads a flag's default from its environment variable. */
struct env_flag {
        const char *var;
        const char *flag;
};

/* Go's strconv.ParseBool. */
static bool parse_bool(const char *v, bool *out)
{
        static const char *const words[] = {"1", "t", "T", "TRUE", "true", "True",
                                            "0", "f", "F", "FALSE", "false", "False"};

        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strcmp(v, words[i]) == 0) {
                        *out = i < 6;
                        return true;
                }
        return false;
}

static int apply_env(const struct ctk_flag *flags, const struct env_flag *envs)
{
        for (const struct env_flag *e = envs; e->var != NULL; e++) {
                const char *v = getenv(e->var);
                const struct ctk_flag *f = flags;

                while (f->name != NULL && strcmp(f->name, e->flag) != 0)
                        f++;
                if (v == NULL || f->name == NULL)
                        continue;
                if (f->type == CTK_FLAG_STRING) {
                        *(const char **)f->value = v;
                } else if (!parse_bool(v, f->value)) {
                        ctk_log(CTK_ERROR, "could not parse \"%s\" as bool value from env %s for flag %s", v, e->var,
                                f->name);
                        return -1;
                }
        }
        return 0;
}

/* Environment, then flags; 1 when the command is done (help, bad usage)
 * with *status its exit status. */
static int parse_args(const struct ctk_flag *flags, const struct env_flag *envs, const char *what, int argc,
                      char **argv, int *status)
{
        cleanup_free char **pos = NULL;
        struct error err = {0};
        bool help;

        *status = 1;
        if (apply_env(flags, envs) < 0)
                return 1;
        if (ctk_flags_parse(&err, flags, argc - 1, argv + 1, &pos, &help) < 0) {
                ctk_fail(&err, "incorrect usage");
                return 1;
        }
        if (help) {
                printf("NAME:\n   nvidia-ctk system %s - %s\n\nUSAGE:\n   nvidia-ctk system %s [command options]\n\n",
                       argv[0], what, argv[0]);
                ctk_flags_usage(stdout, flags);
                *status = 0;
                return 1;
        }
        if (pos[0] != NULL) {
                ctk_log(CTK_ERROR, "incorrect usage: unexpected argument \"%s\"", pos[0]);
                return 1;
        }
        return 0;
}

int ctk_system_create_device_nodes(int argc, char **argv)
{
        const char *root = "/";
        bool control = false, modules = false, dry_run = false;
        const struct ctk_flag flags[] = {
                {"driver-root", NULL, CTK_FLAG_STRING, &root,
                 "the path to the driver root. Device nodes will be created at DRIVER_ROOT/dev (default: \"/\")", NULL},
                {"control-devices", NULL, CTK_FLAG_BOOL, &control,
                 "create all control device nodes: nvidiactl, nvidia-modeset, nvidia-uvm, nvidia-uvm-tools", NULL},
                {"load-kernel-modules", NULL, CTK_FLAG_BOOL, &modules, "load the NVIDIA kernel modules", NULL},
                {"dry-run", NULL, CTK_FLAG_BOOL, &dry_run, "if set, the command will not create any device nodes",
                 NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        static const struct env_flag envs[] = {{"DRIVER_ROOT", "driver-root"}, {"DRY_RUN", "dry-run"}, {NULL, NULL}};
        struct error err = {0};
        int status;

        if (parse_args(flags, envs, "A utility to create NVIDIA device nodes", argc, argv, &status) != 0)
                return status;
        if (modules)
                load_modules(dry_run);
        if (!control)
                return 0;
        ctk_log(CTK_INFO, "Creating control device nodes at %s", root);
        if (create_control_nodes(&err, root, dry_run) < 0)
                return ctk_fail(&err, "failed to create control device nodes");
        return 0;
}

/* --- create-dev-char-symlinks ------------------------------------------------------ */

/* dir, made with its parents when missing (the administrator's path). */
static int make_dirs(struct error *err, const char *dir, int *fd)
{
        char buf[PATH_MAX];

        if ((size_t)snprintf(buf, sizeof(buf), "%s", dir) >= sizeof(buf))
                return error_setx(err, "path too long: `%s`", dir);
        for (char *p = buf + 1; *p != '\0'; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                        return error_set(err, "create directory `%s`", buf);
                *p = '/';
        }
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return error_set(err, "create directory `%s`", buf);
        if ((*fd = open(buf, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return error_set(err, "open `%s`", buf);
        return 0;
}

/* name -> target in dir: a new link in place, or a temporary one renamed
 * over whatever is there, so the name never goes missing. */
static int put_link(int dirfd, const char *name, const char *target)
{
        char tmp[64];

        if (symlinkat(target, dirfd, name) == 0)
                return 0;
        if (errno != EEXIST)
                return -1;
        snprintf(tmp, sizeof(tmp), ".%s.%ld", name, (long)getpid());
        unlinkat(dirfd, tmp, 0);
        if (symlinkat(target, dirfd, tmp) < 0)
                return -1;
        if (renameat(dirfd, tmp, dirfd, name) == 0)
                return 0;
        unlinkat(dirfd, tmp, 0);
        return -1;
}

/* One link; a failure is a warning, as NVIDIA's. dirfd is -1 when the
 * directory does not exist (dry run). */
static void link_node(int dirfd, const char *devchar, const char *root, const struct char_node *n, bool dry_run)
{
        char name[32], link[PATH_MAX], target[PATH_MAX], current[PATH_MAX];
        ssize_t len = -1;

        snprintf(name, sizeof(name), "%u:%u", n->major, n->minor);
        join(link, sizeof(link), devchar, name);
        join(target, sizeof(target), root, n->path);
        if (dirfd >= 0 && (len = readlinkat(dirfd, name, current, sizeof(current) - 1)) >= 0)
                current[len] = '\0';
        if (len >= 0 && strcmp(current, target) == 0) {
                ctk_log(CTK_DEBUG, "Keeping link %s => %s", link, target);
                return;
        }
        ctk_log(CTK_INFO, "Creating link %s => %s", link, target);
        if (!dry_run && put_link(dirfd, name, target) < 0)
                ctk_log(CTK_WARN, "Could not create symlink %s: %s", link, strerror(errno));
}

struct symlinks_args {
        const char *dev_char;
        const char *root;
        bool create_all, modules, nodes, dry_run;
};

/* The nodes to link: those that exist and, with --create-all, every node
 * the driver may create. */
static int list_nodes(struct error *err, const struct symlinks_args *a, struct node_list *nodes)
{
        struct node_list gpus = {NULL, 0};
        cleanup_close int rootfd = -1;

        if (open_root(err, a->root, &rootfd) < 0)
                return -1;
        if (existing_in(rootfd, "/dev", "nvidia", nodes) < 0 ||
            existing_in(rootfd, "/dev/nvidia-caps", "nvidia-", nodes) < 0 ||
            (a->create_all && (control_nodes(rootfd, nodes) < 0 ||
                               node_add_sorted(nodes, &gpus, gpu_nodes(rootfd, &gpus)) < 0)))
                return error_set(err, "list device nodes in `%s`", a->root);
        return 0;
}

static int create_links(struct error *err, const struct symlinks_args *a)
{
        struct node_list nodes = {NULL, 0};
        cleanup_close int dirfd = -1;

        if (list_nodes(err, a, &nodes) < 0)
                return -1;
        if (nodes.n == 0)
                ctk_log(CTK_INFO, "No NVIDIA devices found in %s", a->root);
        else if (a->dry_run)
                dirfd = open(a->dev_char, O_PATH | O_DIRECTORY | O_CLOEXEC);
        else if (make_dirs(err, a->dev_char, &dirfd) < 0) {
                node_list_free(&nodes);
                return -1;
        }
        for (size_t i = 0; i < nodes.n; i++)
                link_node(dirfd, a->dev_char, a->root, &nodes.v[i], a->dry_run);
        node_list_free(&nodes);
        return 0;
}

int ctk_system_create_dev_char_symlinks(int argc, char **argv)
{
        struct symlinks_args a = {"/dev/char", "/", false, false, false, false};
        const struct ctk_flag flags[] = {
                {"dev-char-path", NULL, CTK_FLAG_STRING, &a.dev_char,
                 "the path at which the symlinks will be created, as DEV_CHAR/MAJOR:MINOR (default: \"/dev/char\")",
                 NULL},
                {"driver-root", NULL, CTK_FLAG_STRING, &a.root,
                 "the path to the driver root. DRIVER_ROOT/dev is searched for NVIDIA device nodes (default: \"/\")",
                 NULL},
                {"create-all", NULL, CTK_FLAG_BOOL, &a.create_all,
                 "create all possible /dev/char symlinks instead of limiting these to existing device nodes", NULL},
                {"load-kernel-modules", NULL, CTK_FLAG_BOOL, &a.modules,
                 "load the NVIDIA kernel modules before creating symlinks (with --create-all)", NULL},
                {"create-device-nodes", NULL, CTK_FLAG_BOOL, &a.nodes,
                 "create the NVIDIA control device nodes in the driver root if they do not exist (with --create-all)",
                 NULL},
                {"dry-run", NULL, CTK_FLAG_BOOL, &a.dry_run, "if set, the command will not create any symlinks", NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        static const struct env_flag envs[] = {
                {"DEV_CHAR_PATH", "dev-char-path"},
                {"DRIVER_ROOT", "driver-root"},
                {"CREATE_ALL", "create-all"},
                {"LOAD_KERNEL_MODULES", "load-kernel-modules"},
                {"CREATE_DEVICE_NODES", "create-device-nodes"},
                {"DRY_RUN", "dry-run"},
                {NULL, NULL},
        };
        struct error err = {0};
        int status;

        if (parse_args(flags, envs, "A utility to create symlinks to possible /dev/nv* devices in /dev/char", argc,
                       argv, &status) != 0)
                return status;
        if ((a.modules || a.nodes) && !a.create_all) {
                ctk_log(CTK_WARN, "%s is only applicable when create-all is set; ignoring",
                        a.modules ? "load-kernel-modules" : "create-device-nodes");
                a.modules = a.nodes = false;
        }
        if (a.modules)
                load_modules(a.dry_run);
        if (a.nodes && create_control_nodes(&err, a.root, a.dry_run) < 0)
                return ctk_fail(&err, "failed to create NVIDIA device nodes");
        if (create_links(&err, &a) < 0)
                return ctk_fail(&err, "failed to create links");
        return 0;
}
