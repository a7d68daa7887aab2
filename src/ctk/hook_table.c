/* The CDI hooks nvidia-cdi-hook and `nvidia-ctk hook` know, in NVIDIA's
 * order. */
#include "ctk/hook_internal.h"

const struct ctk_command ctk_hooks[] = {
        {"update-ldcache", "Update ldcache in a container by running ldconfig", ctk_hook_update_ldcache, NULL},
        {"create-symlinks", "A hook to create symlinks in the container.", ctk_hook_create_symlinks, NULL},
        {"chmod", "Set the permissions of folders in the container by running chmod.", ctk_hook_chmod, NULL},
        {"enable-cuda-compat", "Add the CUDA compat libraries folder to the ldconfig search path if required.",
         ctk_hook_enable_cuda_compat, NULL},
        {"disable-device-node-modification",
         "Ensure that the /proc/driver/nvidia/params file in the container does not allow device node changes.",
         ctk_hook_disable_device_node_modification, NULL},
        {"update-application-profile", "Restrict the GPUs EGL/Vulkan see to the container's through a driver "
         "application profile.", ctk_hook_update_application_profile, NULL},
        {NULL, NULL, NULL, NULL},
};
