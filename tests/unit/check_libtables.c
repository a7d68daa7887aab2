/* The capability tables (libtables.c): names and order are
 * libnvidia-container's, since they decide what every list prints. */
#include <string.h>

#include "libnvc/libtables.h"
#include "libnvc/options.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const common_libs[] = {
        "libnvidia-ml.so", "libnvidia-cfg.so", "libnvidia-nscq.so",
        /* compute */
        "libcuda.so", "libcudadebugger.so", "libnvidia-opencl.so", "libnvidia-gpucomp.so",
        "libnvidia-ptxjitcompiler.so", "libnvidia-fatbinaryloader.so", "libnvidia-allocator.so",
        "libnvidia-compiler.so", "libnvidia-pkcs11.so", "libnvidia-pkcs11-openssl3.so", "libnvidia-nvvm.so",
        "libnvidia-tileiras.so",
        /* ngx, video */
        "libnvidia-ngx.so", "libvdpau_nvidia.so", "libnvidia-encode.so", "libnvidia-opticalflow.so", "libnvcuvid.so",
        /* graphics */
        "libnvidia-eglcore.so", "libnvidia-glcore.so", "libnvidia-tls.so", "libnvidia-glsi.so", "libnvidia-fbc.so",
        "libnvidia-ifr.so", "libnvidia-rtcore.so", "libnvoptix.so",
};
static const char *const glvnd_libs[] = {
        "libGLX_nvidia.so", "libEGL_nvidia.so",       "libGLESv2_nvidia.so",
        "libGLESv1_CM_nvidia.so", "libnvidia-glvkspirv.so", "libnvidia-cbl.so",
};
static const char *const compat_libs[] = {"libGL.so", "libEGL.so", "libGLESv1_CM.so", "libGLESv2.so"};

static void assert_libs(int32_t flags, const char *const *tail, size_t ntail)
{
        const char *names[LIBTABLES_MAX_LIBS];
        size_t n = libtables_driver_libs(flags, names, N(names));

        ck_assert_uint_eq(n, N(common_libs) + ntail);
        for (size_t i = 0; i < N(common_libs); i++)
                ck_assert_str_eq(names[i], common_libs[i]);
        for (size_t i = 0; i < ntail; i++)
                ck_assert_str_eq(names[N(common_libs) + i], tail[i]);
}

START_TEST(driver_libs_in_upstream_order)
{
        assert_libs(0, glvnd_libs, N(glvnd_libs));
        assert_libs(OPT_NO_UVM | OPT_NO_MPS, glvnd_libs, N(glvnd_libs));
}
END_TEST

START_TEST(no_glvnd_takes_the_legacy_names)
{
        assert_libs(OPT_NO_GLVND, compat_libs, N(compat_libs));
}
END_TEST

START_TEST(lists_stop_at_the_buffer)
{
        const char *names[3] = {NULL, NULL, NULL};

        ck_assert_uint_eq(libtables_driver_libs(0, names, 2), 2);
        ck_assert_str_eq(names[1], "libnvidia-cfg.so");
        ck_assert_ptr_null(names[2]);
        ck_assert_uint_eq(libtables_driver_bins(0, names, 1), 1);
        ck_assert_str_eq(names[0], "nvidia-smi");
}
END_TEST

START_TEST(driver_bins)
{
        const char *names[LIBTABLES_MAX_BINS];
        static const char *const want[] = {
                "nvidia-smi", "nvidia-debugdump", "nvidia-persistenced", "nv-fabricmanager",
                "nvidia-cuda-mps-control", "nvidia-cuda-mps-server",
        };

        ck_assert_uint_eq(libtables_driver_bins(0, names, N(names)), N(want));
        for (size_t i = 0; i < N(want); i++)
                ck_assert_str_eq(names[i], want[i]);
        ck_assert_uint_eq(libtables_driver_bins(OPT_NO_MPS, names, N(names)), 4);
        ck_assert_str_eq(names[3], "nv-fabricmanager");
}
END_TEST

START_TEST(compat_gl_names)
{
        ck_assert(libtables_is_compat_gl("libGL.so.1"));
        ck_assert(libtables_is_compat_gl("libEGL.so.575.57.08"));
        ck_assert(libtables_is_compat_gl("libGLESv2.so.2"));
        ck_assert(!libtables_is_compat_gl("libGLX_nvidia.so.0"));
        ck_assert(!libtables_is_compat_gl("libEGL_nvidia.so.0"));
        ck_assert(!libtables_is_compat_gl("libGLdispatch.so.0"));
}
END_TEST

static const struct {
        const char *lib;
        int32_t yes, no;
} lib_cases[] = {
        {"libnvidia-ml.so.575.57.08", OPT_UTILITY_LIBS, OPT_COMPUTE_LIBS | OPT_GRAPHICS_LIBS | OPT_VIDEO_LIBS},
        {"libcuda.so.575.57.08", OPT_COMPUTE_LIBS, OPT_UTILITY_LIBS | OPT_NGX_LIBS},
        {"libnvidia-ptxjitcompiler.so.1", OPT_COMPUTE_LIBS, OPT_GRAPHICS_LIBS},
        {"libnvcuvid.so.575.57.08", OPT_VIDEO_LIBS, OPT_COMPUTE_LIBS},
        {"libvdpau_nvidia.so.575.57.08", OPT_VIDEO_LIBS, OPT_GRAPHICS_LIBS},
        {"libnvidia-ngx.so.575.57.08", OPT_NGX_LIBS, OPT_GRAPHICS_LIBS},
        {"libnvidia-tls.so.575.57.08", OPT_GRAPHICS_LIBS, OPT_COMPUTE_LIBS},
        {"libGLX_nvidia.so.575.57.08", OPT_GRAPHICS_LIBS, OPT_DISPLAY | OPT_COMPAT32},
        {"libGL.so.575.57.08", OPT_GRAPHICS_LIBS, OPT_UTILITY_LIBS},
        {"libEGL.so.1", OPT_GRAPHICS_LIBS, OPT_VIDEO_LIBS},
        {"libnvidia-gtk3.so.575.57.08", 0, -1},
        {"libnvidia-egl-wayland.so.1.1.19", 0, -1},
        {"libc.so.6", 0, -1},
};

START_TEST(libraries_by_capability)
{
        if (lib_cases[_i].yes != 0)
                ck_assert(match_library_flags(lib_cases[_i].lib, lib_cases[_i].yes));
        ck_assert(!match_library_flags(lib_cases[_i].lib, lib_cases[_i].no));
        ck_assert(!match_library_flags(lib_cases[_i].lib, 0));
}
END_TEST

START_TEST(binaries_by_capability)
{
        ck_assert(match_binary_flags("nvidia-smi", OPT_UTILITY_BINS));
        ck_assert(match_binary_flags("nv-fabricmanager", OPT_UTILITY_BINS));
        ck_assert(!match_binary_flags("nvidia-smi", OPT_COMPUTE_BINS | OPT_UTILITY_LIBS));
        ck_assert(match_binary_flags("nvidia-cuda-mps-server", OPT_COMPUTE_BINS));
        ck_assert(!match_binary_flags("nvidia-cuda-mps-server", OPT_UTILITY_BINS | OPT_COMPUTE_LIBS));
        ck_assert(!match_binary_flags("nvidia-settings", -1));
        ck_assert(!match_binary_flags("nvidia-modprobe", -1));
}
END_TEST

/* Everything driver discovery looks up is in some capability, so nothing
 * found is unreachable for a container. */
START_TEST(every_lookup_name_has_a_capability)
{
        const char *names[LIBTABLES_MAX_LIBS];
        const int32_t libs = OPT_UTILITY_LIBS | OPT_COMPUTE_LIBS | OPT_VIDEO_LIBS | OPT_GRAPHICS_LIBS | OPT_NGX_LIBS;
        size_t n;

        for (int32_t flags = 0; flags <= OPT_NO_GLVND; flags += OPT_NO_GLVND) {
                n = libtables_driver_libs(flags, names, N(names));
                ck_assert_uint_lt(n, LIBTABLES_MAX_LIBS);
                for (size_t i = 0; i < n; i++)
                        ck_assert_msg(match_library_flags(names[i], libs), "%s", names[i]);
        }
        n = libtables_driver_bins(0, names, LIBTABLES_MAX_BINS);
        for (size_t i = 0; i < n; i++)
                ck_assert(match_binary_flags(names[i], OPT_UTILITY_BINS | OPT_COMPUTE_BINS));
}
END_TEST

Suite *libtables_suite(void)
{
        Suite *s = suite_create("libtables");
        TCase *tc = tcase_create("tables");

        tcase_add_test(tc, driver_libs_in_upstream_order);
        tcase_add_test(tc, no_glvnd_takes_the_legacy_names);
        tcase_add_test(tc, lists_stop_at_the_buffer);
        tcase_add_test(tc, driver_bins);
        tcase_add_test(tc, compat_gl_names);
        tcase_add_loop_test(tc, libraries_by_capability, 0, (int)N(lib_cases));
        tcase_add_test(tc, binaries_by_capability);
        tcase_add_test(tc, every_lookup_name_has_a_capability);
        suite_add_tcase(s, tc);
        return s;
}
