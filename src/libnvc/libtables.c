/* The capability tables. Names and order are libnvidia-container's
 * (src/nvc_info.c); its comments say what each file is, kept here because
 * they explain why a name is in a table.
 *
 * Left out on purpose, as upstream does: the display stack of the X server
 * (nvidia_drv.so, libglxserver_nvidia.so, libnvidia-wfb.so), the GTK
 * plugins of nvidia-settings, the GLVND loaders themselves (libGLX.so,
 * libOpenGL.so, libGLdispatch.so: the image brings its own), the WSL
 * libdxcore.so (no WSL support here), and nvidia-modprobe, nvidia-settings,
 * nvidia-xconfig among the binaries. */
#include "libtables.h"

#include <string.h>

#include "nvc_internal.h"
#include "options.h"

struct table {
        const char *const *names;
        size_t count;
};

#define TABLE(a) {(a), nitems(a)}

static const char *const utility_bins[] = {
        "nvidia-smi",          /* System management interface */
        "nvidia-debugdump",    /* GPU coredump utility */
        "nvidia-persistenced", /* Persistence mode utility */
        "nv-fabricmanager",    /* NVSwitch fabric manager utility */
};

static const char *const compute_bins[] = {
        "nvidia-cuda-mps-control", /* Multi process service CLI */
        "nvidia-cuda-mps-server",  /* Multi process service server */
};

static const char *const utility_libs[] = {
        "libnvidia-ml.so",   /* Management library */
        "libnvidia-cfg.so",  /* GPU configuration */
        "libnvidia-nscq.so", /* Topology info for NVSwitches and GPUs */
};

/* Upstream lists libnvidia-gpucomp.so twice; a second slot can never be
 * filled (a cache entry counts for its first match), so it is listed once. */
static const char *const compute_libs[] = {
        "libcuda.so",                   /* CUDA driver library */
        "libcudadebugger.so",           /* CUDA debugger library */
        "libnvidia-opencl.so",          /* NVIDIA OpenCL ICD */
        "libnvidia-gpucomp.so",         /* Shared compiler library */
        "libnvidia-ptxjitcompiler.so",  /* PTX-SASS JIT compiler (used by libcuda) */
        "libnvidia-fatbinaryloader.so", /* fatbin loader (used by libcuda) */
        "libnvidia-allocator.so",       /* NVIDIA allocator runtime library */
        "libnvidia-compiler.so",        /* NVVM-PTX compiler for OpenCL (used by libnvidia-opencl) */
        "libnvidia-pkcs11.so",          /* Encrypt/decrypt library */
        "libnvidia-pkcs11-openssl3.so", /* Encrypt/decrypt library (OpenSSL 3 support) */
        "libnvidia-nvvm.so",            /* The NVVM compiler library */
        "libnvidia-tileiras.so",        /* JIT library for Tile IR compilation (580 drivers) */
};

static const char *const ngx_libs[] = {
        "libnvidia-ngx.so", /* NGX library */
};

static const char *const video_libs[] = {
        "libvdpau_nvidia.so",       /* NVIDIA VDPAU ICD */
        "libnvidia-encode.so",      /* Video encoder */
        "libnvidia-opticalflow.so", /* NVIDIA optical flow library */
        "libnvcuvid.so",            /* Video decoder */
};

static const char *const graphics_libs[] = {
        "libnvidia-eglcore.so", /* EGL core (used by libGLES*[_nvidia] and libEGL_nvidia) */
        "libnvidia-glcore.so",  /* OpenGL core (used by libGL or libGLX_nvidia) */
        "libnvidia-tls.so",     /* Thread local storage (used by libGL or libGLX_nvidia) */
        "libnvidia-glsi.so",    /* OpenGL system interaction (used by libEGL_nvidia) */
        "libnvidia-fbc.so",     /* Framebuffer capture */
        "libnvidia-ifr.so",     /* OpenGL framebuffer capture */
        "libnvidia-rtcore.so",  /* Optix */
        "libnvoptix.so",        /* Optix */
};

static const char *const graphics_libs_glvnd[] = {
        "libGLX_nvidia.so",       /* OpenGL/GLX ICD */
        "libEGL_nvidia.so",       /* EGL ICD */
        "libGLESv2_nvidia.so",    /* OpenGL ES v2 ICD */
        "libGLESv1_CM_nvidia.so", /* OpenGL ES v1 common profile ICD */
        "libnvidia-glvkspirv.so", /* SPIR-V lib for Vulkan */
        "libnvidia-cbl.so",       /* VK_NV_ray_tracing */
};

static const char *const graphics_libs_compat[] = {
        "libGL.so",        /* OpenGL/GLX legacy _or_ compatibility wrapper (GLVND) */
        "libEGL.so",       /* EGL legacy _or_ ICD loader (GLVND) */
        "libGLESv1_CM.so", /* OpenGL ES v1 common profile legacy _or_ ICD loader (GLVND) */
        "libGLESv2.so",    /* OpenGL ES v2 legacy _or_ ICD loader (GLVND) */
};

static bool match_prefix(const char *name, const struct table *t)
{
        for (size_t i = 0; i < t->count; i++)
                if (strncmp(name, t->names[i], strlen(t->names[i])) == 0)
                        return true;
        return false;
}

/* Appends the tables to names, as far as size allows. */
static size_t append(const char *names[], size_t size, const struct table *tables, size_t ntables)
{
        size_t n = 0;

        for (size_t t = 0; t < ntables; t++)
                for (size_t i = 0; i < tables[t].count && n < size; i++)
                        names[n++] = tables[t].names[i];
        return n;
}

size_t libtables_driver_libs(int32_t driver_flags, const char *names[], size_t size)
{
        const struct table tables[] = {
                TABLE(utility_libs),
                TABLE(compute_libs),
                TABLE(ngx_libs),
                TABLE(video_libs),
                TABLE(graphics_libs),
                (driver_flags & OPT_NO_GLVND) ? (struct table)TABLE(graphics_libs_compat)
                                              : (struct table)TABLE(graphics_libs_glvnd),
        };

        return append(names, size, tables, nitems(tables));
}

size_t libtables_driver_bins(int32_t driver_flags, const char *names[], size_t size)
{
        const struct table tables[] = {
                TABLE(utility_bins),
                TABLE(compute_bins),
        };

        return append(names, size, tables, (driver_flags & OPT_NO_MPS) ? 1 : 2);
}

bool libtables_is_compat_gl(const char *lib)
{
        return match_prefix(lib, &(struct table)TABLE(graphics_libs_compat));
}

bool match_library_flags(const char *lib, int32_t container_flags)
{
        static const struct {
                int32_t flag;
                struct table table;
        } caps[] = {
                {OPT_UTILITY_LIBS, TABLE(utility_libs)},
                {OPT_COMPUTE_LIBS, TABLE(compute_libs)},
                {OPT_VIDEO_LIBS, TABLE(video_libs)},
                {OPT_GRAPHICS_LIBS, TABLE(graphics_libs)},
                {OPT_GRAPHICS_LIBS, TABLE(graphics_libs_glvnd)},
                {OPT_GRAPHICS_LIBS, TABLE(graphics_libs_compat)},
                {OPT_NGX_LIBS, TABLE(ngx_libs)},
        };

        for (size_t i = 0; i < nitems(caps); i++)
                if ((container_flags & caps[i].flag) && match_prefix(lib, &caps[i].table))
                        return true;
        return false;
}

bool match_binary_flags(const char *bin, int32_t container_flags)
{
        return ((container_flags & OPT_UTILITY_BINS) && match_prefix(bin, &(struct table)TABLE(utility_bins))) ||
               ((container_flags & OPT_COMPUTE_BINS) && match_prefix(bin, &(struct table)TABLE(compute_bins)));
}
