/* The checks of the toolkit's own set-up: config.toml ("toolkit-config"),
 * the ldconfig it runs ("ldconfig"), cgroups and no-cgroups ("cgroups"),
 * and the /dev/char links systemd needs ("dev-char"). The cgroup layout is
 * always the real host's: it is a property of the running kernel, not of a
 * file tree. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctk/system_check.h"

const char *ctk_check_config_flag(const struct ctk_check_ctx *c)
{
        static char buf[4096 + 16];

        if (c->config_default)
                return "";
        snprintf(buf, sizeof(buf), " --config=%s", c->config_path);
        return buf;
}

const char *ctk_check_root_flag(const char *root)
{
        static char buf[4096 + 16];

        if (strcmp(root, "/") == 0)
                return "";
        snprintf(buf, sizeof(buf), " --driver-root=%s", root);
        return buf;
}

/* --- toolkit-config ------------------------------------------------------------------ */

static bool mode_known(const char *mode)
{
        static const char *const modes[] = {"auto", "legacy", "cdi", "jit-cdi"};

        for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
                if (strcmp(mode, modes[i]) == 0)
                        return true;
        return false;
}

/* Loads the config into c->cfg; the defaults when it is missing or broken
 * (which is what the toolkit's programs then use, or refuse to run with). */
static void load_config(struct ctk_check_ctx *c, struct ctk_report *r)
{
        struct error err = {0};

        if (ctk_host_exists(c->config_path) && config_load_file(&err, c->config_path, true, &c->cfg) == 0) {
                for (size_t i = 0; c->cfg.warnings != NULL && c->cfg.warnings[i] != NULL; i++) {
                        ctk_report_add(r, "toolkit-config", CTK_CHECK_WARN, "%s", c->cfg.warnings[i]);
                        ctk_report_why(r, "the toolkit ignores keys it does not know: the setting has no effect");
                        ctk_report_fix(r, "correct the key's name (nvidia-ctk config default lists them) or remove it");
                }
                return;
        }
        if (err.msg == NULL) {
                ctk_report_add(r, "toolkit-config", CTK_CHECK_WARN, "%s does not exist; the defaults are used",
                               c->config_path);
                ctk_report_why(r, "the toolkit's programs run with NVIDIA's defaults, which may not suit this host");
                ctk_report_fix(r, "nvidia-ctk config default --output=%s", c->config_path);
        } else {
                ctk_report_add(r, "toolkit-config", CTK_CHECK_FAIL, "%s", error_msg(&err));
                ctk_report_why(r, "the hook and nvidia-container-runtime refuse a config they cannot read: every GPU "
                                  "container fails to start");
                ctk_report_fix(r, "correct it, or start again from the defaults: nvidia-ctk config default "
                                  "--output=%s", c->config_path);
                error_reset(&err);
        }
        config_free(&c->cfg);
        if (config_defaults(&c->cfg) < 0)
                r->nomem = true;
}

static const char *config_mode(const struct ctk_check_ctx *c)
{
        return c->cfg.runtime.mode != NULL && c->cfg.runtime.mode[0] != '\0' ? c->cfg.runtime.mode : "auto";
}

static void check_mode(struct ctk_check_ctx *c, struct ctk_report *r)
{
        const char *mode = config_mode(c);

        c->legacy = strcmp(mode, "legacy") == 0 || strcmp(mode, "auto") == 0;
        if (mode_known(mode))
                return;
        ctk_report_add(r, "toolkit-config", CTK_CHECK_FAIL, "nvidia-container-runtime.mode = \"%s\" is not %s", mode,
                       strcmp(mode, "csv") == 0 ? "supported by this toolkit" : "a mode");
        ctk_report_why(r, "nvidia-container-runtime fails GPU containers (\"invalid runtime mode: %s\")", mode);
        ctk_report_fix(r, "nvidia-ctk config --in-place%s --set nvidia-container-runtime.mode=auto",
                       ctk_check_config_flag(c));
}

/* A program the toolkit runs: a fail finding when it is not there. */
static void need_program(struct ctk_check_ctx *c, struct ctk_report *r, const char *key, const char *configured,
                         const char *name, const char *why)
{
        const char *wanted = configured != NULL && configured[0] != '\0' ? configured : name;
        cleanup_free char *found = ctk_host_which(c->root, wanted);

        if (found != NULL)
                return;
        if (strchr(wanted, '/') != NULL)
                ctk_report_add(r, "toolkit-config", CTK_CHECK_FAIL, "%s = \"%s\" does not exist under %s", key, wanted,
                               c->root);
        else
                ctk_report_add(r, "toolkit-config", CTK_CHECK_FAIL, "%s is not in the PATH directories of %s (%s)",
                               wanted, c->root, CTK_CHECK_PATH);
        ctk_report_why(r, "%s", why);
        ctk_report_fix(r, "install the NVIDIA Container Toolkit's packages (nvidia-container-toolkit, "
                          "libnvidia-container-tools), or point %s at the program: nvidia-ctk config --in-place%s "
                          "--set %s=PATH",
                       key, ctk_check_config_flag(c), key);
}

static void check_runtimes(struct ctk_check_ctx *c, struct ctk_report *r)
{
        char list[256] = "";
        size_t used = 0;

        for (char **rt = c->cfg.runtime.runtimes; rt != NULL && *rt != NULL; rt++) {
                cleanup_free char *found = ctk_host_which(c->root, *rt);

                if (found != NULL)
                        return;
                used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", used > 0 ? ", " : "", *rt);
                if (used >= sizeof(list))
                        break;
        }
        ctk_report_add(r, "toolkit-config", CTK_CHECK_FAIL,
                       "none of nvidia-container-runtime.runtimes (%s) is in the PATH directories of %s", list,
                       c->root);
        ctk_report_why(r, "nvidia-container-runtime runs every container through the first of them it finds: "
                          "containers of the nvidia runtime fail to start");
        ctk_report_fix(r, "install runc (apt install runc), or list the OCI runtime you have: nvidia-ctk config "
                          "--in-place%s --set nvidia-container-runtime.runtimes=PATH", ctk_check_config_flag(c));
}

static void check_cli_root(struct ctk_check_ctx *c, struct ctk_report *r)
{
        cleanup_free char *path = NULL;
        struct stat st;

        if (c->cfg.cli.root == NULL || c->cfg.cli.root[0] == '\0' || !c->legacy)
                return;
        if ((path = ctk_host_path(c->root, c->cfg.cli.root)) != NULL && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                return;
        ctk_report_add(r, "toolkit-config", CTK_CHECK_FAIL, "nvidia-container-cli.root = \"%s\" is not a directory",
                       c->cfg.cli.root);
        ctk_report_why(r, "legacy GPU containers take the driver from there and fail to start");
        ctk_report_fix(r, "set it to the driver's root, or remove it when the driver is installed on the host: "
                          "nvidia-ctk config --in-place%s --set nvidia-container-cli.root=", ctk_check_config_flag(c));
}

void ctk_check_toolkit_config(struct ctk_check_ctx *c, struct ctk_report *r)
{
        size_t before = r->n;

        load_config(c, r);
        check_mode(c, r);
        if (c->legacy) {
                need_program(c, r, "nvidia-container-cli.path", c->cfg.cli.path, "nvidia-container-cli",
                             "the hook runs it for every legacy GPU container (\"couldn't find binary "
                             "nvidia-container-cli in PATH\")");
                need_program(c, r, "nvidia-container-runtime-hook.path", c->cfg.hook.path,
                             "nvidia-container-runtime-hook",
                             "nvidia-container-runtime adds this hook to legacy GPU containers, which then fail to "
                             "start");
        }
        need_program(c, r, "nvidia-ctk.path", c->cfg.ctk.path, "nvidia-ctk",
                     "the CDI specs nvidia-container-runtime makes (jit-cdi) run their hooks through it");
        check_runtimes(c, r);
        check_cli_root(c, r);
        if (r->n == before)
                ctk_report_add(r, "toolkit-config", CTK_CHECK_OK,
                               "%s: mode \"%s\"; the programs it names are installed", c->config_path,
                               config_mode(c));
}

/* --- ldconfig ----------------------------------------------------------------------- */

/* The host's ldconfig as the config should name it ("@/sbin/ldconfig"),
 * or NULL when ROOT has none. */
static const char *host_ldconfig(const char *root)
{
        static const char *const candidates[] = {"@/sbin/ldconfig.real", "@/sbin/ldconfig", "@/usr/sbin/ldconfig"};

        for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
                cleanup_free char *found = ctk_host_which(root, candidates[i] + 1);

                if (found != NULL)
                        return candidates[i];
        }
        return NULL;
}

static void ldconfig_fix(struct ctk_check_ctx *c, struct ctk_report *r)
{
        const char *good = host_ldconfig(c->root);

        if (good != NULL)
                ctk_report_fix(r, "nvidia-ctk config --in-place%s --set nvidia-container-cli.ldconfig=%s",
                               ctk_check_config_flag(c), good);
        else
                ctk_report_fix(r, "install the C library's tools (apt install libc-bin), which bring /sbin/ldconfig");
}

/* The config loader refuses a value without '@' (an ldconfig from the
 * image), so only host paths get here. */
static void check_ldconfig_path(struct ctk_check_ctx *c, struct ctk_report *r)
{
        const char *ld = c->cfg.cli.ldconfig != NULL ? c->cfg.cli.ldconfig : "@/sbin/ldconfig";
        const char *host = ld + (ld[0] == '@');
        cleanup_free char *found = ctk_host_which(c->root, host);

        if (found != NULL) {
                ctk_report_add(r, "ldconfig", CTK_CHECK_OK, "nvidia-container-cli.ldconfig = \"%s\" is %s", ld, found);
                return;
        }
        ctk_report_add(r, "ldconfig", CTK_CHECK_FAIL, "nvidia-container-cli.ldconfig = \"%s\": %s is not an executable "
                                                       "under %s", ld, host, c->root);
        ctk_report_why(r, "legacy GPU containers (--gpus, --runtime=nvidia) run it to update their linker cache, and "
                          "fail to start without it");
        ldconfig_fix(c, r);
}

void ctk_check_ldconfig(struct ctk_check_ctx *c, struct ctk_report *r)
{
        const char *prefix = c->driver_root;

        check_ldconfig_path(c, r);
        if (!c->nvml_found || c->nvml_in_cache)
                return;
        if (prefix == NULL || strcmp(prefix, "/") == 0)
                prefix = "";
        ctk_report_add(r, "ldconfig", CTK_CHECK_WARN, "%s/etc/ld.so.cache does not list libnvidia-ml.so.1", prefix);
        ctk_report_why(r, "libnvidia-container finds the driver's libraries through the linker cache: NVML is \"not "
                          "found\" although its file is there");
        if (prefix[0] == '\0')
                ctk_report_fix(r, "ldconfig");
        else
                ctk_report_fix(r, "ldconfig -r %s", prefix);
}

/* --- cgroups ----------------------------------------------------------------------- */

/* The host's cgroup layout (from /sys/fs/cgroup). */
enum cgroup_mode {
        CGROUP_V1,
        CGROUP_HYBRID, /* v1 controllers and the v2 unified hierarchy */
        CGROUP_V2,
};

static bool fs_is(const char *path, long magic)
{
        struct statfs st;

        return statfs(path, &st) == 0 && st.f_type == magic;
}

/* The layout systemd would find: the unified hierarchy at the top, or under
 * "unified" beside the v1 controllers, or v1 alone. */
static enum cgroup_mode cgroup_mode(void)
{
        if (fs_is("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC))
                return CGROUP_V2;
        return fs_is("/sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC) ? CGROUP_HYBRID : CGROUP_V1;
}

static void report_layout(struct ctk_report *r, enum cgroup_mode mode)
{
        bool devices = fs_is("/sys/fs/cgroup/devices", CGROUP_SUPER_MAGIC);

        if (mode == CGROUP_V2) {
                ctk_report_add(r, "cgroups", CTK_CHECK_OK, "cgroup v2 (device access through eBPF programs)");
        } else if (devices) {
                ctk_report_add(r, "cgroups", CTK_CHECK_OK, "%s; device rules in the v1 devices controller",
                               mode == CGROUP_HYBRID
                                       ? "hybrid cgroups (v1 controllers and the v2 unified hierarchy)"
                                       : "cgroup v1");
        } else {
                ctk_report_add(r, "cgroups", CTK_CHECK_WARN, "%s without a devices controller",
                               mode == CGROUP_HYBRID ? "hybrid cgroups" : "cgroup v1");
                ctk_report_why(r, "device access of containers is not controlled: a container can open every GPU");
                ctk_report_fix(r, "mount the devices controller at /sys/fs/cgroup/devices (the default of systemd)");
        }
}

void ctk_check_cgroups(struct ctk_check_ctx *c, struct ctk_report *r)
{
        report_layout(r, cgroup_mode());
        if (geteuid() == 0 && c->cfg.cli.no_cgroups && c->legacy) {
                ctk_report_add(r, "cgroups", CTK_CHECK_WARN, "nvidia-container-cli.no-cgroups = true while running as "
                                                             "root");
                ctk_report_why(r, "legacy GPU containers then get their device nodes without device cgroup rules: "
                                  "opening them is denied (\"Failed to initialize NVML: Unknown Error\"); the setting "
                                  "is meant for rootless podman");
                ctk_report_fix(r, "nvidia-ctk config --in-place%s --set nvidia-container-cli.no-cgroups=false",
                               ctk_check_config_flag(c));
        } else if (geteuid() != 0 && !c->cfg.cli.no_cgroups && c->legacy) {
                ctk_report_add(r, "cgroups", CTK_CHECK_WARN, "nvidia-container-cli.no-cgroups = false for a rootless "
                                                             "user");
                ctk_report_why(r, "rootless containers cannot change device cgroups: legacy GPU containers of rootless "
                                  "podman fail to start unless no-cgroups is set");
                ctk_report_fix(r, "nvidia-ctk config --in-place%s --set nvidia-container-cli.no-cgroups=true, or use "
                                  "CDI (podman run --device nvidia.com/gpu=all)", ctk_check_config_flag(c));
        }
}

/* --- dev-char -------------------------------------------------------------------------- */

/* Why systemd's device rules can drop the GPUs, or NULL when they cannot:
 * docker's systemd cgroup driver (set, or its default on cgroup v2) with
 * the GPUs added by the legacy hook, which systemd never hears of. */
static const char *dev_char_exposure(const struct ctk_check_ctx *c, char *buf, size_t size)
{
        bool systemd = c->docker.cgroup_driver == CTK_CGROUP_DRIVER_SYSTEMD ||
                       (c->docker.cgroup_driver == CTK_CGROUP_DRIVER_DEFAULT && cgroup_mode() == CGROUP_V2);

        if (!c->docker_installed || !systemd || !c->legacy)
                return NULL;
        snprintf(buf, size, "docker uses the systemd cgroup driver%s and nvidia-container-runtime.mode is \"%s\"",
                 c->docker.cgroup_driver == CTK_CGROUP_DRIVER_SYSTEMD ? " (exec-opts)" : " (its default on cgroup v2)",
                 c->cfg.runtime.mode != NULL ? c->cfg.runtime.mode : "auto");
        return buf;
}

/* Whether dev_char has a link for the device of st that resolves to it. */
static bool linked(int dev_char, dev_t rdev)
{
        char name[32];
        struct stat st;

        snprintf(name, sizeof(name), "%u:%u", major(rdev), minor(rdev));
        return dev_char >= 0 && fstatat(dev_char, name, &st, 0) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == rdev;
}

/* Counts the NVIDIA nodes of dir (from the real root) and those of them
 * dev_char lacks; names the first missing in first. */
static void scan_nodes(const char *dir, int dev_char, size_t *nodes, size_t *missing, char *first, size_t size)
{
        cleanup_dir DIR *d = opendir(dir);
        struct dirent *e;

        while (d != NULL && (e = readdir(d)) != NULL) {
                struct stat st;

                if (strncmp(e->d_name, "nvidia", 6) != 0 ||
                    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISCHR(st.st_mode))
                        continue;
                (*nodes)++;
                if (linked(dev_char, st.st_rdev))
                        continue;
                if ((*missing)++ == 0)
                        snprintf(first, size, "%u:%u (%s/%s)", major(st.st_rdev), minor(st.st_rdev), dir, e->d_name);
        }
}

static void dev_char_fix(struct ctk_check_ctx *c, struct ctk_report *r, const char *dev_char)
{
        char flags[8192] = "";

        if (strcmp(c->root, "/") != 0)
                snprintf(flags, sizeof(flags), "%s --dev-char-path=%s", ctk_check_root_flag(c->root), dev_char);
        ctk_report_fix(r, "nvidia-ctk system create-dev-char-symlinks --create-all%s (and run it at boot, e.g. from a "
                          "udev rule), or switch to CDI: nvidia-ctk config --in-place%s --set "
                          "nvidia-container-runtime.mode=cdi", flags, ctk_check_config_flag(c));
}

void ctk_check_dev_char(struct ctk_check_ctx *c, struct ctk_report *r)
{
        cleanup_free char *dev = ctk_host_path(c->root, "/dev"), *caps = ctk_host_path(c->root, "/dev/nvidia-caps"),
                          *dev_char = ctk_host_path(c->root, "/dev/char");
        char why[256], first[4096] = "";
        size_t nodes = 0, missing = 0;
        cleanup_close int fd = -1;

        if (dev == NULL || caps == NULL || dev_char == NULL) {
                r->nomem = true;
                return;
        }
        if (dev_char_exposure(c, why, sizeof(why)) == NULL) {
                ctk_report_add(r, "dev-char", CTK_CHECK_OK, "GPUs are not lost on systemctl daemon-reload (no legacy "
                                                           "GPU containers under systemd's cgroup driver)");
                return;
        }
        fd = open(dev_char, O_PATH | O_DIRECTORY | O_CLOEXEC);
        scan_nodes(dev, fd, &nodes, &missing, first, sizeof(first));
        scan_nodes(caps, fd, &nodes, &missing, first, sizeof(first));
        if (missing == 0) {
                ctk_report_add(r, "dev-char", CTK_CHECK_OK, "%s links the %zu NVIDIA device nodes", dev_char, nodes);
                return;
        }
        ctk_report_add(r, "dev-char", CTK_CHECK_WARN, "%s lacks the links of %zu of the %zu NVIDIA device nodes, "
                                                      "e.g. %s", dev_char, missing, nodes, first);
        ctk_report_why(r, "%s: systemd rebuilds device rules from %s on daemon-reload and running containers lose "
                          "their GPUs (\"Failed to initialize NVML: Unknown Error\")", why, dev_char);
        dev_char_fix(c, r, dev_char);
}
