/* What every device of a generated spec shares (cdi_gen_internal.h): the
 * control device nodes and the files NVIDIA's nvml-mode generator mounts,
 * found the way it finds them: graphics libraries and config files, the
 * driver libraries next to libcuda, IPC sockets, GSP firmware and the
 * utilities. Lookups that find nothing are warnings, worded as NVIDIA's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/cdi_gen_internal.h"
#include "common/cleanup.h"

/* In-root directories searched after the driver's own library directories
 * (64-bit only: containers get the driver's 64-bit libraries). */
static const char *const std_lib_dirs[] = {
        "/usr/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib", "/lib64", "/lib/x86_64-linux-gnu", "/lib",
};

static const char *const xorg_dirs[] = {
        "/usr/lib64/xorg/modules/drivers",
        "/usr/lib/xorg/modules/drivers",
        "/usr/lib/x86_64-linux-gnu/nvidia/xorg",
        "/usr/lib64/xorg/modules/extensions",
        "/usr/lib/xorg/modules/extensions",
};

static const char *const config_dirs[] = {"/etc", "/usr/local/share", "/usr/share"};

/* The Vulkan files are also looked for at the root itself, where GKE's
 * driver installations keep them. */
static const char *const vulkan_dirs[] = {"/etc", "/usr/local/share", "/usr/share", "/"};

static const char *const config_files[] = {
        "glvnd/egl_vendor.d/10_nvidia.json",
        "egl/egl_external_platform.d/15_nvidia_gbm.json",
        "egl/egl_external_platform.d/10_nvidia_wayland.json",
        "nvidia/nvoptix.bin",
        "X11/xorg.conf.d/10-nvidia.conf",
        "X11/xorg.conf.d/nvidia-drm-outputclass.conf",
};

static const char *const vulkan_files[] = {
        "vulkan/icd.d/nvidia_icd.json",
        "vulkan/icd.d/nvidia_layers.json",
        "vulkan/implicit_layer.d/nvidia_layers.json",
};

static const char *const run_dirs[] = {"/run", "/var/run"};

static const char *const bin_dirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"};

static const char *const binaries[] = {
        "nvidia-smi",  "nvidia-debugdump", "nvidia-persistenced", "nvidia-cuda-mps-control", "nvidia-cuda-mps-server",
        "nvidia-imex", "nvidia-imex-ctl",
};

static int control_nodes(struct gen *g, struct cdi_edits *e)
{
        static const char *const nodes[] = {
                "/dev/nvidia-modeset", "/dev/nvidia-uvm-tools", "/dev/nvidia-uvm", "/dev/nvidiactl"};

        for (size_t i = 0; i < GEN_NITEMS(nodes); i++)
                if (gen_select_node(g, e, nodes[i], false) < 0)
                        return -1;
        return 0;
}

/* Looks up "<name><version>" (versioned) or name with l's other settings. */
static int locate_name(struct gen *g, char *const *dirs, size_t n, const char *name, bool versioned,
                       struct gen_lookup l, enum gen_group group)
{
        cleanup_free char *pattern = NULL;

        if (asprintf(&pattern, "%s%s", name, versioned ? g->driver->version : "") < 0)
                return gen_nomem(g);
        l.pattern = pattern;
        return gen_locate(g, dirs, n, &l, group) < 0 ? -1 : 0;
}

static int graphics_libraries(struct gen *g, char *const *libdirs, size_t nlibdirs)
{
        static const struct {
                const char *name;
                bool versioned;
        } libs[] = {
                {"libnvidia-egl-gbm.so.*.*", false},
                {"libnvidia-egl-wayland.so.*.*", false},
                {"libnvidia-allocator.so.", true},
                {"libnvidia-vulkan-producer.so.", true},
        };
        const struct gen_lookup lib = {.kind = GEN_KIND_FILE, .resolve = true, .miss = GEN_MISS_LDCACHE};
        const struct gen_lookup xorg = {.kind = GEN_KIND_FILE, .resolve = true};
        cleanup_strv char **xdirs = NULL;
        size_t nx = 0;

        for (size_t i = 0; i < GEN_NITEMS(libs); i++)
                if (locate_name(g, libdirs, nlibdirs, libs[i].name, libs[i].versioned, lib, GEN_GROUP_GRAPHICS) < 0)
                        return -1;
        if (gen_dirs(g, xorg_dirs, GEN_NITEMS(xorg_dirs), true, &xdirs, &nx) < 0 ||
            locate_name(g, xdirs, nx, "nvidia_drv.so", false, xorg, GEN_GROUP_GRAPHICS) < 0 ||
            locate_name(g, xdirs, nx, "libglxserver_nvidia.so.", true, xorg, GEN_GROUP_GRAPHICS) < 0)
                return -1;
        return 0;
}

static int locate_each(struct gen *g, const char *const *dirs, size_t ndirs, const char *const *names, size_t n,
                       struct gen_lookup l, enum gen_group group)
{
        cleanup_strv char **real = NULL;
        size_t nreal = 0;

        if (gen_dirs(g, dirs, ndirs, true, &real, &nreal) < 0)
                return -1;
        for (size_t i = 0; i < n; i++)
                if (locate_name(g, real, nreal, names[i], false, l, group) < 0)
                        return -1;
        return 0;
}

static int graphics_configs(struct gen *g)
{
        const struct gen_lookup plain = {.kind = GEN_KIND_FILE};
        const struct gen_lookup twice = {.kind = GEN_KIND_FILE, .miss = GEN_MISS_TWICE};

        if (locate_each(g, config_dirs, GEN_NITEMS(config_dirs), config_files, GEN_NITEMS(config_files), plain,
                        GEN_GROUP_GRAPHICS) < 0 ||
            locate_each(g, vulkan_dirs, GEN_NITEMS(vulkan_dirs), vulkan_files, GEN_NITEMS(vulkan_files), twice,
                        GEN_GROUP_GRAPHICS) < 0)
                return -1;
        return 0;
}

/* The directory of libcuda.so.<version>, the first of the library
 * directories holding it: the driver libraries are its neighbours. */
static int cuda_dir(struct gen *g, char *const *libdirs, size_t nlibdirs, const char **out)
{
        for (size_t i = 0; i < nlibdirs; i++) {
                cleanup_free char *p = NULL;
                char *real;

                if (asprintf(&p, "%s/libcuda.so.%s", libdirs[i], g->driver->version) < 0)
                        return gen_nomem(g);
                if ((real = gen_resolve(g, p, GEN_KIND_FILE)) != NULL) {
                        free(real);
                        *out = libdirs[i];
                        return 0;
                }
                if (errno != 0)
                        return gen_nomem(g);
        }
        return error_setx(g->err, "failed to locate libcuda.so.%s", g->driver->version);
}

/* Every "*.so.<version>" of the driver's library directories and of their
 * vdpau subdirectories, and the NVVM 7.0 compiler when there is one. */
static int driver_libraries(struct gen *g, char *const *libdirs, size_t nlibdirs)
{
        const struct gen_lookup lib = {.kind = GEN_KIND_FILE, .all = true, .resolve = true};
        const struct gen_lookup nvvm70 = {.kind = GEN_KIND_FILE, .all = true, .resolve = true, .optional = true};
        cleanup_strv char **dirs = NULL, **with_vdpau = NULL;
        size_t ndirs = 0, nv = 0;
        const char *cuda;

        if (cuda_dir(g, libdirs, nlibdirs, &cuda) < 0 ||
            gen_dirs(g, g->driver->lib_dirs, g->driver->nlib_dirs, false, &dirs, &ndirs) < 0 ||
            gen_dirs(g, &cuda, 1, false, &dirs, &ndirs) < 0)
                return -1;
        for (size_t i = 0; i < ndirs; i++) {
                cleanup_free char *vdpau = NULL;

                if (asprintf(&vdpau, "%s/vdpau", dirs[i]) < 0)
                        return gen_nomem(g);
                if (gen_dirs(g, (const char *const *)&dirs[i], 1, false, &with_vdpau, &nv) < 0 ||
                    gen_dirs(g, (const char *const *)&vdpau, 1, false, &with_vdpau, &nv) < 0)
                        return -1;
        }
        if (locate_name(g, with_vdpau, nv, "*.so.", true, lib, GEN_GROUP_LIBRARY) < 0 ||
            locate_name(g, dirs, ndirs, "libnvidia-nvvm70.so.*", false, nvvm70, GEN_GROUP_LIBRARY) < 0)
                return -1;
        return 0;
}

static int ipc_sockets(struct gen *g)
{
        static const char *const sockets[] = {"/nvidia-persistenced/socket", "/nvidia-fabricmanager/socket"};
        static const char *const mps[] = {"/tmp/nvidia-mps"};
        static const char *const root[] = {"/"};
        const struct gen_lookup socket = {.kind = GEN_KIND_OTHER};
        const struct gen_lookup dir = {.kind = GEN_KIND_DIR};

        if (locate_each(g, run_dirs, GEN_NITEMS(run_dirs), sockets, GEN_NITEMS(sockets), socket, GEN_GROUP_IPC) < 0 ||
            locate_each(g, root, 1, mps, 1, dir, GEN_GROUP_IPC) < 0)
                return -1;
        return 0;
}

/* The GSP firmware, where the kernel's firmware loader looks for it. */
static int firmware(struct gen *g)
{
        const struct gen_lookup gsp = {.kind = GEN_KIND_FILE, .all = true};
        cleanup_free char *updates_rel = NULL, *rel = NULL, *pattern = NULL;
        struct utsname u;

        if (uname(&u) < 0)
                return error_set(g->err, "uname");
        if (asprintf(&updates_rel, "/lib/firmware/updates/%s", u.release) < 0 ||
            asprintf(&rel, "/lib/firmware/%s", u.release) < 0 ||
            asprintf(&pattern, "nvidia/%s/gsp*.bin", g->driver->version) < 0)
                return gen_nomem(g);
        const char *const dirs[] = {updates_rel, "/lib/firmware/updates", rel, "/lib/firmware"};
        const char *const names[] = {pattern};

        return locate_each(g, dirs, GEN_NITEMS(dirs), names, 1, gsp, GEN_GROUP_FIRMWARE);
}

/* The utilities, mounted at /usr/bin wherever the driver keeps them. */
static int utilities(struct gen *g)
{
        struct gen_lookup exec = {.kind = GEN_KIND_EXEC};
        cleanup_strv char **dirs = NULL;
        size_t ndirs = 0;

        if (gen_dirs(g, bin_dirs, GEN_NITEMS(bin_dirs), true, &dirs, &ndirs) < 0)
                return -1;
        for (size_t i = 0; i < GEN_NITEMS(binaries); i++) {
                cleanup_free char *container = NULL;

                if (asprintf(&container, "/usr/bin/%s", binaries[i]) < 0)
                        return gen_nomem(g);
                exec.container = container;
                if (locate_name(g, dirs, ndirs, binaries[i], false, exec, GEN_GROUP_BINARY) < 0)
                        return -1;
        }
        return 0;
}

static int library_dirs(struct gen *g, char ***out, size_t *n)
{
        const struct cdi_gen_driver *d = g->driver;
        const struct cdi_gen_options *o = g->opts;

        if (gen_dirs(g, d->lib_dirs, d->nlib_dirs, false, out, n) < 0 ||
            gen_dirs(g, o->library_search_paths, o->nlibrary_search_paths, false, out, n) < 0 ||
            gen_dirs(g, std_lib_dirs, GEN_NITEMS(std_lib_dirs), true, out, n) < 0)
                return -1;
        return 0;
}

int gen_common_files(struct gen *g, struct cdi_edits *e)
{
        cleanup_strv char **libdirs = NULL;
        size_t nlibdirs = 0;

        gen_log(g, CDI_GEN_LOG_INFO, "Using driver version %s", g->driver->version);
        if (control_nodes(g, e) < 0 || library_dirs(g, &libdirs, &nlibdirs) < 0 ||
            graphics_libraries(g, libdirs, nlibdirs) < 0 || graphics_configs(g) < 0 ||
            driver_libraries(g, libdirs, nlibdirs) < 0 || ipc_sockets(g) < 0 || firmware(g) < 0 || utilities(g) < 0)
                return -1;
        for (size_t i = 0; i < g->nmounts; i++) {
                const struct gen_mount *m = &g->mounts[i];

                if (gen_add_mount(g, e, m->host, m->container, m->group == GEN_GROUP_IPC) < 0)
                        return -1;
        }
        return 0;
}
