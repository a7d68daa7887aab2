/* The files of the driver release the fake stands in for (575.57.08 with its
 * userspace components, as seed 001 lists them), kept in one table. */
#include "setup.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* name, subdir, soname suffix, soname kind, kind, file version, compat32, dev link */
const struct driver_lib driver_libs[] = {
        {"libnvidia-ml.so", "", ".1", SONAME_FIXED, LIB_NVML, NULL, true, true},
        {"libnvidia-cfg.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, false, false},
        {"libcuda.so", "", ".1", SONAME_FIXED, LIB_CUDA, NULL, true, true},
        {"libcudadebugger.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, false, false},
        {"libnvidia-opencl.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libnvidia-gpucomp.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, true, false},
        {"libnvidia-ptxjitcompiler.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libnvidia-allocator.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libnvidia-pkcs11.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, false, false},
        {"libnvidia-pkcs11-openssl3.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, false, false},
        {"libnvidia-nvvm.so", "", ".4", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libnvidia-sandboxutils.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, false, false},
        {"libvdpau_nvidia.so", "vdpau/", ".1", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libnvidia-encode.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libnvidia-opticalflow.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libnvcuvid.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libnvidia-eglcore.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, true, false},
        {"libnvidia-glcore.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, true, false},
        {"libnvidia-tls.so", "", NULL, SONAME_VERSIONED, LIB_TLS, NULL, true, false},
        {"libnvidia-glsi.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, true, false},
        {"libnvidia-fbc.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libnvidia-rtcore.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, false, false},
        {"libnvoptix.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, false, false},
        {"libGLX_nvidia.so", "", ".0", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libEGL_nvidia.so", "", ".0", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libGLESv2_nvidia.so", "", ".2", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libGLESv1_CM_nvidia.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, true, false},
        {"libnvidia-glvkspirv.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, true, false},
        {"libnvidia-present.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, false, false},
        {"libnvidia-vksc-core.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, false, false},
        {"libnvidia-wayland-client.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, false, false},
        {"libnvidia-gtk2.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, false, false},
        {"libnvidia-gtk3.so", "", NULL, SONAME_VERSIONED, LIB_STUB, NULL, false, false},
        {"libnvidia-ngx.so", "", ".1", SONAME_FIXED, LIB_STUB, NULL, false, false},
        {"libnvidia-egl-gbm.so", "", ".1", SONAME_FIXED, LIB_STUB, "1.1.2", false, false},
        {"libnvidia-egl-wayland.so", "", ".1", SONAME_FIXED, LIB_STUB, "1.1.19", false, false},
};
const size_t driver_libs_count = ARRAY_SIZE(driver_libs);

const char *const driver_bins[] = {
        "nvidia-smi",
        "nvidia-debugdump",
        "nvidia-persistenced",
        "nvidia-cuda-mps-control",
        "nvidia-cuda-mps-server",
};
const size_t driver_bins_count = ARRAY_SIZE(driver_bins);

const char *const driver_firmware[] = {"gsp_ga10x.bin", "gsp_tu10x.bin"};
const size_t driver_firmware_count = ARRAY_SIZE(driver_firmware);

/* Configuration and data files the graphics stack reads; the xorg modules
 * live under /usr/lib64 as in the seed's driver. */
const struct driver_file driver_files[] = {
        {"usr/share/glvnd/egl_vendor.d/10_nvidia.json",
         "{\n    \"file_format_version\" : \"1.0.0\",\n    \"ICD\" : {\n"
         "        \"library_path\" : \"libEGL_nvidia.so.0\"\n    }\n}\n"},
        {"usr/share/egl/egl_external_platform.d/15_nvidia_gbm.json",
         "{\n    \"file_format_version\" : \"1.0.0\",\n    \"ICD\" : {\n"
         "        \"library_path\" : \"libnvidia-egl-gbm.so.1\"\n    }\n}\n"},
        {"usr/share/egl/egl_external_platform.d/10_nvidia_wayland.json",
         "{\n    \"file_format_version\" : \"1.0.0\",\n    \"ICD\" : {\n"
         "        \"library_path\" : \"libnvidia-egl-wayland.so.1\"\n    }\n}\n"},
        {"usr/share/nvidia/nvoptix.bin", "fake optix data\n"},
        {"etc/vulkan/icd.d/nvidia_icd.json",
         "{\n    \"file_format_version\" : \"1.0.1\",\n    \"ICD\": {\n"
         "        \"library_path\": \"libGLX_nvidia.so.0\",\n        \"api_version\" : \"1.4.303\"\n    }\n}\n"},
        {"etc/vulkan/implicit_layer.d/nvidia_layers.json",
         "{\n    \"file_format_version\" : \"1.0.1\",\n    \"layer\": {\n"
         "        \"name\": \"VK_LAYER_NV_optimus\",\n        \"type\": \"INSTANCE\",\n"
         "        \"library_path\": \"libGLX_nvidia.so.0\"\n    }\n}\n"},
};
const size_t driver_files_count = ARRAY_SIZE(driver_files);

/* X server modules: loaded by path, not through ld.so.cache. */
const struct driver_module driver_modules[] = {
        {"usr/lib64/xorg/modules/drivers", "nvidia_drv.so", false},
        {"usr/lib64/xorg/modules/extensions", "libglxserver_nvidia.so", true},
};
const size_t driver_modules_count = ARRAY_SIZE(driver_modules);
