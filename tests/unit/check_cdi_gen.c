/* The CDI spec generator on fake driver roots: seed 001's selection of
 * files, hooks and devices, and every option. Root only (the fake driver's
 * device nodes need mknod); each test gets a fresh root. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cdi.h"
#include "common/cdi_gen.h"
#include "scratch.h"
#include "setup/setup.h"
#include "unit.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define VER "575.57.08"
#define LIBDIR "/usr/lib/x86_64-linux-gnu"

static char root[256], lib_dir[512];
static const char *lib_dirs[1] = {lib_dir};
static char uuids[4][32];
static struct cdi_gen_gpu gpus[4];
static struct cdi_gen_driver driver;
static char logbuf[1 << 16];

static void capture(void *data, enum cdi_gen_log_level level, const char *msg)
{
        static const char *const names[] = {"WARN", "INFO", "DEBUG"};
        size_t len = strlen(logbuf);

        (void)data;
        snprintf(logbuf + len, sizeof(logbuf) - len, "%s %s\n", names[level], msg);
}

static struct cdi_gen_options options(void)
{
        return (struct cdi_gen_options){.driver_root = root, .log = capture};
}

/* --- files --------------------------------------------------------------- */

static const char *at(const char *base, const char *rel)
{
        static char path[PATH_MAX];

        snprintf(path, sizeof(path), "%s%s", base, rel);
        return path;
}

static void make_parents(const char *path)
{
        char dir[PATH_MAX];

        snprintf(dir, sizeof(dir), "%s", path);
        for (char *p = strchr(dir + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
                *p = '\0';
                ck_assert_msg(mkdir(dir, 0755) == 0 || errno == EEXIST, "mkdir %s", dir);
                *p = '/';
        }
}

/* A regular file at base + rel (device nodes too: the generator only
 * checks that they exist). */
static void touch(const char *base, const char *rel, mode_t mode)
{
        const char *path = at(base, rel);
        FILE *f;

        make_parents(path);
        ck_assert_ptr_nonnull(f = fopen(path, "w"));
        fclose(f);
        ck_assert_int_eq(chmod(path, mode), 0);
}

static void link_to(const char *target, const char *base, const char *rel)
{
        const char *path = at(base, rel);

        make_parents(path);
        ck_assert_int_eq(symlink(target, path), 0);
}

static void install_fake(const char *dir)
{
        char *argv[] = {"fake-nvidia-setup", "--quiet", "--root", (char *)dir};
        struct setup_options opts;
        struct install_stats stats;
        struct error err = {0};

        ck_assert_int_eq(setup_parse_args(4, argv, &opts, &err), 0);
        ck_assert_msg(setup_install(&opts, &stats, &err) == 0, "%s", error_msg(&err));
}

static void fake_setup(void)
{
        if (geteuid() != 0)
                return;
        scratch_make("cdi_gen");
        snprintf(root, sizeof(root), "%s/root", scratch_dir());
        snprintf(lib_dir, sizeof(lib_dir), "%s%s", root, LIBDIR);
        install_fake(root);
        for (unsigned i = 0; i < 4; i++) {
                snprintf(uuids[i], sizeof(uuids[i]), "GPU-%u-FAKE-UUID", i);
                gpus[i] = (struct cdi_gen_gpu){.index = i, .minor = i, .uuid = uuids[i], .busid = "00000000:00:00.0"};
        }
        driver = (struct cdi_gen_driver){
                .version = VER, .gpus = gpus, .ngpus = 4, .lib_dirs = lib_dirs, .nlib_dirs = 1};
        logbuf[0] = '\0';
}

static void fake_teardown(void)
{
        if (geteuid() == 0)
                scratch_remove();
}

/* The fake driver's device nodes need mknod. */
#define REQUIRE_ROOT()                  \
        do {                            \
                if (geteuid() != 0)     \
                        return;         \
        } while (0)

/* --- looking at specs ------------------------------------------------------- */

static struct cdi_spec *generate(const struct cdi_gen_options *o)
{
        struct cdi_spec *spec = NULL;
        struct error err = {0};

        ck_assert_msg(cdi_generate(&err, o, &driver, &spec) == 0, "%s", error_msg(&err));
        ck_assert_msg(cdi_spec_validate(&err, spec) == 0, "%s", error_msg(&err));
        return spec;
}

static void assert_fails(const struct cdi_gen_options *o, const char *message)
{
        struct cdi_spec *spec = NULL;
        struct error err = {0};

        ck_assert_int_eq(cdi_generate(&err, o, &driver, &spec), -1);
        ck_assert_ptr_null(spec);
        ck_assert_str_eq(error_msg(&err), message);
        error_reset(&err);
}

/* The strings joined by spaces (a static buffer). */
static const char *joined(char *const *v)
{
        static char buf[8192];
        size_t len = 0;

        buf[0] = '\0';
        for (size_t i = 0; v != NULL && v[i] != NULL; i++)
                len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i > 0 ? " " : "", v[i]);
        return buf;
}

static const char *device_names(const struct cdi_spec *spec)
{
        char *names[64] = {NULL};

        for (size_t i = 0; i < spec->n_devices && i < 63; i++)
                names[i] = spec->devices[i].name;
        return joined(names);
}

static const char *node_paths(const struct cdi_edits *e)
{
        char *paths[64] = {NULL};

        for (size_t i = 0; i < e->n_device_nodes && i < 63; i++)
                paths[i] = e->device_nodes[i].path;
        return joined(paths);
}

static const char *hook_args(const struct cdi_edits *e, size_t i)
{
        ck_assert_uint_lt(i, e->n_hooks);
        return joined(e->hooks[i].args);
}

static const struct cdi_mount *mount_at(const struct cdi_edits *e, const char *container)
{
        for (size_t i = 0; i < e->n_mounts; i++)
                if (strcmp(e->mounts[i].container_path, container) == 0)
                        return &e->mounts[i];
        return NULL;
}

static const struct cdi_device *device(const struct cdi_spec *spec, const char *name)
{
        const struct cdi_device *d = cdi_spec_device(spec, name);

        ck_assert_msg(d != NULL, "no device %s in %s", name, device_names(spec));
        return d;
}

static void assert_logged(const char *line)
{
        ck_assert_msg(strstr(logbuf, line) != NULL, "not logged: %s\nlog:\n%s", line, logbuf);
}

/* --- seed 001 -------------------------------------------------------------- */

static const char *const seed_libraries[] = {
        "libEGL_nvidia",     "libGLESv1_CM_nvidia",      "libGLESv2_nvidia",     "libGLX_nvidia",
        "libcuda",           "libcudadebugger",          "libnvcuvid",           "libnvidia-allocator",
        "libnvidia-cfg",     "libnvidia-eglcore",        "libnvidia-encode",     "libnvidia-fbc",
        "libnvidia-glcore",  "libnvidia-glsi",           "libnvidia-glvkspirv",  "libnvidia-gpucomp",
        "libnvidia-gtk2",    "libnvidia-gtk3",           "libnvidia-ml",         "libnvidia-ngx",
        "libnvidia-nvvm",    "libnvidia-opencl",         "libnvidia-opticalflow", "libnvidia-pkcs11-openssl3",
        "libnvidia-pkcs11",  "libnvidia-present",        "libnvidia-ptxjitcompiler", "libnvidia-rtcore",
        "libnvidia-sandboxutils", "libnvidia-tls",       "libnvidia-vksc-core",  "libnvidia-wayland-client",
        "libnvoptix",
};

static const char *const seed_others[] = {
        LIBDIR "/vdpau/libvdpau_nvidia.so." VER,
        LIBDIR "/libnvidia-egl-gbm.so.1.1.2",
        LIBDIR "/libnvidia-egl-wayland.so.1.1.19",
        "/usr/lib64/xorg/modules/drivers/nvidia_drv.so",
        "/usr/lib64/xorg/modules/extensions/libglxserver_nvidia.so." VER,
        "/usr/share/glvnd/egl_vendor.d/10_nvidia.json",
        "/usr/share/egl/egl_external_platform.d/15_nvidia_gbm.json",
        "/usr/share/egl/egl_external_platform.d/10_nvidia_wayland.json",
        "/usr/share/nvidia/nvoptix.bin",
        "/etc/vulkan/icd.d/nvidia_icd.json",
        "/etc/vulkan/implicit_layer.d/nvidia_layers.json",
        "/lib/firmware/nvidia/" VER "/gsp_ga10x.bin",
        "/lib/firmware/nvidia/" VER "/gsp_tu10x.bin",
        "/usr/bin/nvidia-smi",
        "/usr/bin/nvidia-debugdump",
        "/usr/bin/nvidia-persistenced",
        "/usr/bin/nvidia-cuda-mps-control",
        "/usr/bin/nvidia-cuda-mps-server",
};

static const char *const seed_hooks[] = {
        "nvidia-cdi-hook create-symlinks --link ../libnvidia-allocator.so.1::" LIBDIR "/gbm/nvidia-drm_gbm.so --link "
        "libglxserver_nvidia.so." VER "::/usr/lib64/xorg/modules/extensions/libglxserver_nvidia.so",
        "nvidia-cdi-hook create-symlinks --link libGLX_nvidia.so." VER "::" LIBDIR "/libGLX_indirect.so.0 --link "
        "libcuda.so.1::" LIBDIR "/libcuda.so --link libnvidia-opticalflow.so.1::" LIBDIR "/libnvidia-opticalflow.so",
        "nvidia-cdi-hook enable-cuda-compat --host-driver-version=" VER,
        "nvidia-cdi-hook update-ldcache --folder " LIBDIR " --folder " LIBDIR "/vdpau",
        "nvidia-cdi-hook disable-device-node-modification",
};

START_TEST(seed_devices)
{
        struct cdi_gen_options o = options();
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        spec = generate(&o);
        ck_assert_str_eq(spec->kind, "nvidia.com/gpu");
        ck_assert_str_eq(spec->version, "0.5.0");
        ck_assert_str_eq(device_names(spec),
                         "0 1 2 3 GPU-0-FAKE-UUID GPU-1-FAKE-UUID GPU-2-FAKE-UUID GPU-3-FAKE-UUID all");
        ck_assert_str_eq(node_paths(&device(spec, "2")->edits), "/dev/nvidia2");
        ck_assert_str_eq(device(spec, "2")->edits.device_nodes[0].host_path, at(root, "/dev/nvidia2"));
        ck_assert_str_eq(node_paths(&device(spec, "GPU-3-FAKE-UUID")->edits), "/dev/nvidia3");
        ck_assert_str_eq(node_paths(&device(spec, "all")->edits),
                         "/dev/nvidia0 /dev/nvidia1 /dev/nvidia2 /dev/nvidia3");
        ck_assert_uint_eq(device(spec, "all")->edits.n_hooks, 0);
        ck_assert_uint_eq(device(spec, "all")->edits.n_mounts, 0);
        cdi_spec_free(spec);
}
END_TEST

static int by_string(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

START_TEST(seed_mounts)
{
        struct cdi_gen_options o = options();
        char *want[NITEMS(seed_libraries) + NITEMS(seed_others)], *got[128];
        const size_t n = NITEMS(want);
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        spec = generate(&o);
        ck_assert_str_eq(joined(spec->edits.env), "NVIDIA_VISIBLE_DEVICES=void");
        ck_assert_str_eq(node_paths(&spec->edits),
                         "/dev/nvidia-modeset /dev/nvidia-uvm /dev/nvidia-uvm-tools /dev/nvidiactl");
        ck_assert_str_eq(spec->edits.device_nodes[3].host_path, at(root, "/dev/nvidiactl"));
        for (size_t i = 0; i < NITEMS(seed_libraries); i++)
                ck_assert_int_gt(asprintf(&want[i], "%s/%s.so.%s", LIBDIR, seed_libraries[i], VER), 0);
        for (size_t i = 0; i < NITEMS(seed_others); i++)
                want[NITEMS(seed_libraries) + i] = strdup(seed_others[i]);
        ck_assert_uint_eq(spec->edits.n_mounts, n);
        for (size_t i = 0; i < n; i++) {
                const struct cdi_mount *m = &spec->edits.mounts[i];

                got[i] = m->container_path;
                ck_assert_str_eq(m->host_path, at(root, m->container_path));
                ck_assert_str_eq(joined(m->options), "ro nosuid nodev bind");
                ck_assert_ptr_null(m->type);
        }
        qsort(want, n, sizeof(want[0]), by_string);
        qsort(got, n, sizeof(got[0]), by_string);
        for (size_t i = 0; i < n; i++) {
                ck_assert_str_eq(got[i], want[i]);
                free(want[i]);
        }
        cdi_spec_free(spec);
}
END_TEST

START_TEST(seed_hooks_in_order)
{
        struct cdi_gen_options o = options();
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        spec = generate(&o);
        ck_assert_uint_eq(spec->edits.n_hooks, NITEMS(seed_hooks));
        for (size_t i = 0; i < NITEMS(seed_hooks); i++) {
                const struct cdi_hook *h = &spec->edits.hooks[i];

                ck_assert_str_eq(hook_args(&spec->edits, i), seed_hooks[i]);
                ck_assert_str_eq(h->hook_name, "createContainer");
                ck_assert_str_eq(h->path, "/usr/bin/nvidia-cdi-hook");
                ck_assert_str_eq(joined(h->env), "NVIDIA_CTK_DEBUG=false");
        }
        cdi_spec_free(spec);
}
END_TEST

START_TEST(seed_log)
{
        struct cdi_gen_options o = options();
        char line[PATH_MAX * 2];

        REQUIRE_ROOT();
        cdi_spec_free(generate(&o));
        snprintf(line, sizeof(line),
                 "INFO Selecting %s/dev/nvidia0 as /dev/nvidia0\n"
                 "WARN Failed to evaluate symlink %s/dev/dri/by-path/pci-0000:00:00.0-card; ignoring\n"
                 "WARN Failed to evaluate symlink %s/dev/dri/by-path/pci-0000:00:00.0-render; ignoring\n"
                 "INFO Selecting %s/dev/nvidia1 as /dev/nvidia1\n",
                 root, root, root, root);
        assert_logged(line);
        assert_logged("INFO Using driver version " VER "\n");
        ck_assert(strstr(logbuf, "/dev/nvidia3 as") < strstr(logbuf, "Using driver version"));
        assert_logged("WARN Could not locate libnvidia-vulkan-producer.so." VER
                      ": pattern libnvidia-vulkan-producer.so." VER " not found\n"
                      "libnvidia-vulkan-producer.so." VER ": not found\n");
        assert_logged("WARN Could not locate X11/xorg.conf.d/10-nvidia.conf: pattern X11/xorg.conf.d/10-nvidia.conf "
                      "not found\n");
        assert_logged("WARN Could not locate vulkan/icd.d/nvidia_layers.json: pattern vulkan/icd.d/nvidia_layers.json "
                      "not found\npattern vulkan/icd.d/nvidia_layers.json not found\n");
        assert_logged("WARN Could not locate /nvidia-persistenced/socket: pattern /nvidia-persistenced/socket "
                      "not found\n");
        assert_logged("WARN Could not locate /tmp/nvidia-mps: pattern /tmp/nvidia-mps not found\n");
        assert_logged("WARN Could not locate nvidia-imex-ctl: pattern nvidia-imex-ctl not found\n");
        snprintf(line, sizeof(line), "INFO Selecting %s/usr/bin/nvidia-smi as /usr/bin/nvidia-smi\n", root);
        assert_logged(line);
}
END_TEST

/* Without a log function nothing is logged; a root's trailing slash does
 * not show in host paths. */
START_TEST(no_log_function)
{
        struct cdi_gen_options o = {0};
        char slashed[300];
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        snprintf(slashed, sizeof(slashed), "%s//", root);
        o.driver_root = slashed;
        spec = generate(&o);
        ck_assert_str_eq(logbuf, "");
        ck_assert_str_eq(spec->edits.device_nodes[0].host_path, at(root, "/dev/nvidia-modeset"));
        ck_assert_str_eq(mount_at(&spec->edits, "/usr/bin/nvidia-smi")->host_path, at(root, "/usr/bin/nvidia-smi"));
        cdi_spec_free(spec);
}
END_TEST

START_TEST(deterministic)
{
        struct cdi_gen_options o = options();
        struct cdi_spec *a, *b;
        char *ta = NULL, *tb = NULL;
        size_t la, lb;
        struct error err = {0};

        REQUIRE_ROOT();
        a = generate(&o);
        b = generate(&o);
        ck_assert_int_eq(cdi_spec_format(&err, a, CDI_FORMAT_YAML, &ta, &la), 0);
        ck_assert_int_eq(cdi_spec_format(&err, b, CDI_FORMAT_YAML, &tb, &lb), 0);
        ck_assert_str_eq(ta, tb);
        free(ta);
        free(tb);
        cdi_spec_free(a);
        cdi_spec_free(b);
}
END_TEST

/* --- roots ------------------------------------------------------------------ */

START_TEST(separate_dev_root)
{
        static const char *const nodes[] = {"/dev/nvidia0", "/dev/nvidia1", "/dev/nvidia2", "/dev/nvidia3",
                                            "/dev/nvidiactl"};
        struct cdi_gen_options o = options();
        char dev[256];
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        snprintf(dev, sizeof(dev), "%s/devroot", scratch_dir());
        for (size_t i = 0; i < NITEMS(nodes); i++)
                touch(dev, nodes[i], 0644);
        o.dev_root = dev;
        spec = generate(&o);
        ck_assert_str_eq(device(spec, "1")->edits.device_nodes[0].host_path, at(dev, "/dev/nvidia1"));
        ck_assert_str_eq(node_paths(&spec->edits), "/dev/nvidiactl");
        ck_assert_str_eq(spec->edits.device_nodes[0].host_path, at(dev, "/dev/nvidiactl"));
        ck_assert_str_eq(mount_at(&spec->edits, "/usr/bin/nvidia-smi")->host_path, at(root, "/usr/bin/nvidia-smi"));
        assert_logged("WARN Could not locate /dev/nvidia-uvm: pattern /dev/nvidia-uvm not found\n");
        assert_logged("WARN Could not locate /dev/nvidia-uvm-tools: pattern /dev/nvidia-uvm-tools not found\n");
        assert_logged("WARN Could not locate /dev/nvidia-modeset: pattern /dev/nvidia-modeset not found\n");
        cdi_spec_free(spec);
}
END_TEST

START_TEST(missing_gpu_node)
{
        struct cdi_gen_options o = options();
        char message[PATH_MAX + 64];

        REQUIRE_ROOT();
        ck_assert_int_eq(unlink(at(root, "/dev/nvidia3")), 0);
        snprintf(message, sizeof(message), "locate device node `%s/dev/nvidia3`: No such file or directory", root);
        assert_fails(&o, message);
}
END_TEST

START_TEST(missing_driver)
{
        struct cdi_gen_options o = options();
        char empty[256];

        REQUIRE_ROOT();
        driver.version = "";
        assert_fails(&o, "failed to determine driver version");
        driver.version = NULL;
        assert_fails(&o, "failed to determine driver version");
        driver.version = "999.1";
        assert_fails(&o, "failed to locate libcuda.so.999.1");
        driver.version = VER;
        snprintf(empty, sizeof(empty), "%s/none", scratch_dir());
        ck_assert_int_eq(mkdir(empty, 0755), 0);
        o.driver_root = empty;
        o.dev_root = root;
        assert_fails(&o, "failed to locate libcuda.so." VER);
}
END_TEST

/* A hand-made root: libraries and config files reached through symlinks,
 * one of them out of the root. */
START_TEST(symlinks_resolved_in_root)
{
        struct cdi_gen_options o = options();
        char r2[256], outside[256], line[PATH_MAX * 3];
        struct cdi_spec *spec;
        const struct cdi_mount *m;

        REQUIRE_ROOT();
        snprintf(r2, sizeof(r2), "%s/r2", scratch_dir());
        snprintf(outside, sizeof(outside), "%s/outside.so." VER, scratch_dir());
        touch(scratch_dir(), "/outside.so." VER, 0755);
        touch(r2, LIBDIR "/libcuda.so." VER, 0755);
        touch(r2, LIBDIR "/real/libnvidia-glcore.so." VER, 0755);
        link_to("real/libnvidia-glcore.so." VER, r2, LIBDIR "/libnvidia-glcore.so." VER);
        link_to(outside, r2, LIBDIR "/libnvidia-ml.so." VER);
        touch(r2, "/usr/share/vulkan/real_icd.json", 0644);
        link_to("../../../usr/share/vulkan/real_icd.json", r2, "/etc/vulkan/icd.d/nvidia_icd.json");
        touch(r2, "/dev/nvidia0", 0644);
        snprintf(lib_dir, sizeof(lib_dir), "%s%s", r2, LIBDIR);
        driver.ngpus = 1;
        o.driver_root = r2;
        spec = generate(&o);
        ck_assert_ptr_nonnull(mount_at(&spec->edits, LIBDIR "/libcuda.so." VER));
        ck_assert_ptr_null(mount_at(&spec->edits, LIBDIR "/libnvidia-ml.so." VER));
        ck_assert_ptr_nonnull(m = mount_at(&spec->edits, LIBDIR "/real/libnvidia-glcore.so." VER));
        ck_assert_str_eq(m->host_path, at(r2, LIBDIR "/real/libnvidia-glcore.so." VER));
        ck_assert_ptr_nonnull(m = mount_at(&spec->edits, "/etc/vulkan/icd.d/nvidia_icd.json"));
        ck_assert_str_eq(m->host_path, at(r2, "/usr/share/vulkan/real_icd.json"));
        snprintf(line, sizeof(line),
                 "WARN Ignoring %s%s/libnvidia-ml.so.%s: it resolves to %s, outside the driver root\n", r2, LIBDIR,
                 VER, outside);
        assert_logged(line);
        ck_assert_str_eq(hook_args(&spec->edits, 2),
                         "nvidia-cdi-hook update-ldcache --folder " LIBDIR " --folder " LIBDIR "/real");
        ck_assert_str_eq(node_paths(&spec->edits), "");
        cdi_spec_free(spec);
}
END_TEST

START_TEST(library_search_paths)
{
        struct cdi_gen_options o = options();
        const char *extra[1];
        char dir[512];
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        snprintf(dir, sizeof(dir), "%s/opt/nv", root);
        touch(root, "/opt/nv/libnvidia-vulkan-producer.so." VER, 0755);
        extra[0] = dir;
        o.library_search_paths = extra;
        o.nlibrary_search_paths = 1;
        driver.nlib_dirs = 0;
        spec = generate(&o);
        ck_assert_ptr_nonnull(mount_at(&spec->edits, "/opt/nv/libnvidia-vulkan-producer.so." VER));
        ck_assert_ptr_nonnull(mount_at(&spec->edits, LIBDIR "/libcuda.so." VER));
        cdi_spec_free(spec);
}
END_TEST

START_TEST(ipc_sockets)
{
        struct cdi_gen_options o = options();
        struct cdi_spec *spec;
        const struct cdi_mount *m;

        REQUIRE_ROOT();
        touch(root, "/var/run/nvidia-persistenced/socket", 0644);
        ck_assert_int_eq(mkdir(at(root, "/tmp"), 01777), 0);
        ck_assert_int_eq(mkdir(at(root, "/tmp/nvidia-mps"), 0755), 0);
        spec = generate(&o);
        ck_assert_ptr_nonnull(m = mount_at(&spec->edits, "/var/run/nvidia-persistenced/socket"));
        ck_assert_str_eq(joined(m->options), "ro nosuid nodev bind noexec");
        ck_assert_ptr_nonnull(m = mount_at(&spec->edits, "/tmp/nvidia-mps"));
        ck_assert_str_eq(joined(m->options), "ro nosuid nodev bind noexec");
        ck_assert_ptr_null(mount_at(&spec->edits, "/run/nvidia-fabricmanager/socket"));
        assert_logged("WARN Could not locate /nvidia-fabricmanager/socket: pattern /nvidia-fabricmanager/socket "
                      "not found\n");
        cdi_spec_free(spec);
}
END_TEST

/* --- hooks ------------------------------------------------------------------ */

static const struct {
        unsigned disabled;
        size_t kept[5];
        size_t nkept;
} disabled_hooks[] = {
        {CDI_GEN_HOOK_CREATE_SYMLINKS, {2, 3, 4}, 3},
        {CDI_GEN_HOOK_ENABLE_CUDA_COMPAT, {0, 1, 3, 4}, 4},
        {CDI_GEN_HOOK_UPDATE_LDCACHE, {0, 1, 2, 4}, 4},
        {CDI_GEN_HOOK_DISABLE_DEVICE_NODE_MODIFICATION, {0, 1, 2, 3}, 4},
        {CDI_GEN_HOOK_ENABLE_CUDA_COMPAT | CDI_GEN_HOOK_UPDATE_LDCACHE, {0, 1, 4}, 3},
        {CDI_GEN_HOOK_ALL, {0}, 0},
};

START_TEST(hooks_disabled)
{
        struct cdi_gen_options o = options();
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        o.disabled_hooks = disabled_hooks[_i].disabled;
        spec = generate(&o);
        ck_assert_uint_eq(spec->edits.n_hooks, disabled_hooks[_i].nkept);
        for (size_t i = 0; i < disabled_hooks[_i].nkept; i++)
                ck_assert_str_eq(hook_args(&spec->edits, i), seed_hooks[disabled_hooks[_i].kept[i]]);
        cdi_spec_free(spec);
}
END_TEST

START_TEST(hook_path_nvidia_ctk)
{
        struct cdi_gen_options o = options();
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        o.hook_path = "/usr/local/bin/nvidia-ctk";
        o.ldconfig_path = "/sbin/ldconfig.real";
        spec = generate(&o);
        ck_assert_str_eq(spec->edits.hooks[0].path, "/usr/local/bin/nvidia-ctk");
        ck_assert_str_eq(hook_args(&spec->edits, 2), "nvidia-ctk hook enable-cuda-compat --host-driver-version=" VER);
        ck_assert_str_eq(hook_args(&spec->edits, 3),
                         "nvidia-ctk hook update-ldcache --ldconfig-path /sbin/ldconfig.real --folder " LIBDIR
                         " --folder " LIBDIR "/vdpau");
        cdi_spec_free(spec);
        o.hook_path = "/opt/bin/nvidia-cdi-hook";
        spec = generate(&o);
        ck_assert_str_eq(spec->edits.hooks[4].path, "/opt/bin/nvidia-cdi-hook");
        ck_assert_str_eq(hook_args(&spec->edits, 4), seed_hooks[4]);
        cdi_spec_free(spec);
}
END_TEST

START_TEST(hook_names)
{
        ck_assert_uint_eq(cdi_gen_hook_from_name("create-symlinks"), CDI_GEN_HOOK_CREATE_SYMLINKS);
        ck_assert_uint_eq(cdi_gen_hook_from_name("enable-cuda-compat"), CDI_GEN_HOOK_ENABLE_CUDA_COMPAT);
        ck_assert_uint_eq(cdi_gen_hook_from_name("update-ldcache"), CDI_GEN_HOOK_UPDATE_LDCACHE);
        ck_assert_uint_eq(cdi_gen_hook_from_name("disable-device-node-modification"),
                          CDI_GEN_HOOK_DISABLE_DEVICE_NODE_MODIFICATION);
        ck_assert_uint_eq(cdi_gen_hook_from_name("all"), CDI_GEN_HOOK_ALL);
        ck_assert_uint_eq(cdi_gen_hook_from_name("chmod"), 0);
        ck_assert_uint_eq(cdi_gen_hook_from_name(""), 0);
}
END_TEST

/* --- devices ---------------------------------------------------------------- */

START_TEST(naming_strategies)
{
        static const enum cdi_gen_naming type_index[] = {CDI_GEN_NAME_TYPE_INDEX};
        static const enum cdi_gen_naming uuid[] = {CDI_GEN_NAME_UUID, CDI_GEN_NAME_UUID};
        struct cdi_gen_options o = options();
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        o.naming = type_index;
        o.nnaming = 1;
        spec = generate(&o);
        ck_assert_str_eq(device_names(spec), "all gpu0 gpu1 gpu2 gpu3");
        cdi_spec_free(spec);
        o.naming = uuid;
        o.nnaming = 2;
        o.vendor = "example.com";
        o.class = "device";
        spec = generate(&o);
        ck_assert_str_eq(spec->kind, "example.com/device");
        ck_assert_str_eq(device_names(spec), "GPU-0-FAKE-UUID GPU-1-FAKE-UUID GPU-2-FAKE-UUID GPU-3-FAKE-UUID all");
        cdi_spec_free(spec);
}
END_TEST

START_TEST(device_ids)
{
        static const char *const ids[] = {"GPU-3-FAKE-UUID", "1", "1"};
        static const char *const bad[] = {"0", "GPU-9-FAKE-UUID"};
        struct cdi_gen_options o = options();
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        o.device_ids = ids;
        o.ndevice_ids = NITEMS(ids);
        o.no_all_device = true;
        spec = generate(&o);
        ck_assert_str_eq(device_names(spec), "1 3 GPU-1-FAKE-UUID GPU-3-FAKE-UUID");
        cdi_spec_free(spec);
        o.no_all_device = false;
        spec = generate(&o);
        ck_assert_str_eq(node_paths(&device(spec, "all")->edits), "/dev/nvidia1 /dev/nvidia3");
        cdi_spec_free(spec);
        o.device_ids = bad;
        o.ndevice_ids = NITEMS(bad);
        assert_fails(&o, "no device matches \"GPU-9-FAKE-UUID\"");
}
END_TEST

static const struct cdi_gen_mig migs[] = {
        {.index = 0, .gi = 1, .ci = 0, .uuid = "MIG-0-a", .gi_cap_minor = 12, .ci_cap_minor = 13},
        {.index = 1, .gi = 2, .ci = 0, .uuid = "MIG-0-b", .gi_cap_minor = 21, .ci_cap_minor = -1},
};

static void enable_mig(void)
{
        static const char *const caps[] = {"/dev/nvidia-caps/nvidia-cap12", "/dev/nvidia-caps/nvidia-cap13",
                                           "/dev/nvidia-caps/nvidia-cap21", "/dev/nvidia-caps/nvidia-cap1"};

        for (size_t i = 0; i < NITEMS(caps); i++)
                touch(root, caps[i], 0444);
        gpus[0].mig_enabled = true;
        gpus[0].migs = migs;
        gpus[0].nmigs = NITEMS(migs);
}

START_TEST(mig_devices)
{
        static const enum cdi_gen_naming all_names[] = {CDI_GEN_NAME_INDEX, CDI_GEN_NAME_UUID,
                                                        CDI_GEN_NAME_TYPE_INDEX};
        struct cdi_gen_options o = options();
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        enable_mig();
        o.naming = all_names;
        o.nnaming = NITEMS(all_names);
        spec = generate(&o);
        ck_assert_str_eq(device_names(spec), "0:0 0:1 1 2 3 GPU-1-FAKE-UUID GPU-2-FAKE-UUID GPU-3-FAKE-UUID MIG-0-a "
                                             "MIG-0-b all gpu1 gpu2 gpu3 mig0:0 mig0:1");
        ck_assert_str_eq(node_paths(&device(spec, "0:0")->edits),
                         "/dev/nvidia0 /dev/nvidia-caps/nvidia-cap12 /dev/nvidia-caps/nvidia-cap13");
        ck_assert_str_eq(node_paths(&device(spec, "MIG-0-b")->edits), "/dev/nvidia0 /dev/nvidia-caps/nvidia-cap21");
        ck_assert_str_eq(node_paths(&device(spec, "all")->edits),
                         "/dev/nvidia0 /dev/nvidia1 /dev/nvidia2 /dev/nvidia3 /dev/nvidia-caps/nvidia-cap12 "
                         "/dev/nvidia-caps/nvidia-cap13 /dev/nvidia-caps/nvidia-cap21");
        cdi_spec_free(spec);
}
END_TEST

START_TEST(mig_device_ids)
{
        static const char *const ids[] = {"MIG-0-b", "0"};
        struct cdi_gen_options o = options();
        char message[PATH_MAX + 64];
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        enable_mig();
        o.device_ids = ids;
        o.ndevice_ids = NITEMS(ids);
        spec = generate(&o);
        ck_assert_str_eq(device_names(spec), "0 0:1 GPU-0-FAKE-UUID MIG-0-b all");
        cdi_spec_free(spec);
        ck_assert_int_eq(unlink(at(root, "/dev/nvidia-caps/nvidia-cap21")), 0);
        snprintf(message, sizeof(message),
                 "locate device node `%s/dev/nvidia-caps/nvidia-cap21`: No such file or directory", root);
        assert_fails(&o, message);
}
END_TEST

START_TEST(management_mode)
{
        struct cdi_gen_options o = options();
        struct cdi_spec *spec;

        REQUIRE_ROOT();
        enable_mig();
        o.mode = CDI_GEN_MODE_MANAGEMENT;
        spec = generate(&o);
        ck_assert_str_eq(device_names(spec), "all");
        ck_assert_str_eq(node_paths(&device(spec, "all")->edits),
                         "/dev/nvidia0 /dev/nvidia1 /dev/nvidia2 /dev/nvidia3 /dev/nvidia-caps/nvidia-cap1 "
                         "/dev/nvidia-caps/nvidia-cap12 /dev/nvidia-caps/nvidia-cap13 /dev/nvidia-caps/nvidia-cap21");
        ck_assert_uint_eq(spec->edits.n_hooks, 4);
        ck_assert_str_eq(hook_args(&spec->edits, 2), seed_hooks[3]);
        ck_assert_str_eq(joined(spec->edits.env), "NVIDIA_VISIBLE_DEVICES=void");
        ck_assert_ptr_nonnull(mount_at(&spec->edits, LIBDIR "/libcuda.so." VER));
        cdi_spec_free(spec);
}
END_TEST

START_TEST(drm_nodes)
{
        struct cdi_gen_options o = options();
        struct cdi_spec *spec;
        const char *links = "nvidia-cdi-hook create-symlinks --link ../card1::/dev/dri/by-path/pci-0000:3b:00.0-card "
                            "--link ../renderD128::/dev/dri/by-path/pci-0000:3b:00.0-render";

        REQUIRE_ROOT();
        touch(root, "/dev/dri/card1", 0644);
        touch(root, "/dev/dri/renderD128", 0644);
        link_to("../card1", root, "/dev/dri/by-path/pci-0000:3b:00.0-card");
        link_to("../renderD128", root, "/dev/dri/by-path/pci-0000:3b:00.0-render");
        gpus[0].busid = "00000000:3B:00.0";
        spec = generate(&o);
        ck_assert_str_eq(node_paths(&device(spec, "0")->edits), "/dev/nvidia0 /dev/dri/card1 /dev/dri/renderD128");
        ck_assert_str_eq(device(spec, "0")->edits.device_nodes[2].host_path, at(root, "/dev/dri/renderD128"));
        ck_assert_str_eq(hook_args(&device(spec, "GPU-0-FAKE-UUID")->edits, 0), links);
        ck_assert_uint_eq(device(spec, "1")->edits.n_hooks, 0);
        ck_assert_str_eq(node_paths(&device(spec, "all")->edits),
                         "/dev/nvidia0 /dev/nvidia1 /dev/nvidia2 /dev/nvidia3 /dev/dri/card1 /dev/dri/renderD128");
        ck_assert_uint_eq(device(spec, "all")->edits.n_hooks, 1);
        ck_assert_str_eq(hook_args(&device(spec, "all")->edits, 0), links);
        cdi_spec_free(spec);
        o.disabled_hooks = CDI_GEN_HOOK_CREATE_SYMLINKS;
        spec = generate(&o);
        ck_assert_uint_eq(device(spec, "0")->edits.n_hooks, 0);
        ck_assert_uint_eq(device(spec, "0")->edits.n_device_nodes, 3);
        cdi_spec_free(spec);
}
END_TEST

Suite *cdi_gen_suite(void)
{
        Suite *s = suite_create("cdi_gen");
        TCase *seed = tcase_create("seed");
        TCase *roots = tcase_create("roots");
        TCase *hooks = tcase_create("hooks");
        TCase *devices = tcase_create("devices");
        TCase *tcs[] = {seed, roots, hooks, devices};

        for (size_t i = 0; i < NITEMS(tcs); i++) {
                tcase_add_checked_fixture(tcs[i], fake_setup, fake_teardown);
                tcase_set_timeout(tcs[i], 30);
                suite_add_tcase(s, tcs[i]);
        }
        tcase_add_test(seed, seed_devices);
        tcase_add_test(seed, seed_mounts);
        tcase_add_test(seed, seed_hooks_in_order);
        tcase_add_test(seed, seed_log);
        tcase_add_test(seed, no_log_function);
        tcase_add_test(seed, deterministic);
        tcase_add_test(roots, separate_dev_root);
        tcase_add_test(roots, missing_gpu_node);
        tcase_add_test(roots, missing_driver);
        tcase_add_test(roots, symlinks_resolved_in_root);
        tcase_add_test(roots, library_search_paths);
        tcase_add_test(roots, ipc_sockets);
        tcase_add_loop_test(hooks, hooks_disabled, 0, NITEMS(disabled_hooks));
        tcase_add_test(hooks, hook_path_nvidia_ctk);
        tcase_add_test(hooks, hook_names);
        tcase_add_test(devices, naming_strategies);
        tcase_add_test(devices, device_ids);
        tcase_add_test(devices, mig_devices);
        tcase_add_test(devices, mig_device_ids);
        tcase_add_test(devices, management_mode);
        tcase_add_test(devices, drm_nodes);
        return s;
}
