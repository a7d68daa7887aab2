/* nvidia-ctk: the toolkit's command line (NVIDIA's cmd/nvidia-ctk). */
#include <string.h>

#include "ctk/ctk.h"

#ifndef BUILD_REVISION
#define BUILD_REVISION "unknown"
#endif

#define BANNER "NVIDIA Container Toolkit CLI version " CTK_VERSION "\ncommit: " BUILD_REVISION "\n"

static const struct ctk_command cdi_commands[] = {
        {"generate", "Generate CDI specifications for use with CDI-enabled runtimes", ctk_cdi_generate, NULL},
        {"list", "List the available CDI devices", ctk_cdi_list, NULL},
        {"validate", "Check CDI specifications against every rule of the CDI specification", ctk_cdi_validate, NULL},
        {NULL, NULL, NULL, NULL},
};

static const struct ctk_command runtime_commands[] = {
        {"configure", "Add a runtime to the specified container engine", ctk_runtime_configure, NULL},
        {NULL, NULL, NULL, NULL},
};

static const struct ctk_command system_commands[] = {
        {"create-device-nodes", "A utility to create NVIDIA device nodes", ctk_system_create_device_nodes, NULL},
        {"create-dev-char-symlinks", "A utility to create symlinks to possible /dev/nvidia* devices in /dev/char",
         ctk_system_create_dev_char_symlinks, NULL},
        {"check", "Check the host for what GPU containers need and say how to fix what is wrong", ctk_system_check,
         NULL},
        {NULL, NULL, NULL, NULL},
};

static const struct ctk_command commands[] = {
        {"hook", "A collection of hooks that may be injected into an OCI spec", ctk_hook_command, NULL},
        {"runtime", "A collection of runtime-related utilities for the NVIDIA Container Toolkit", NULL,
         runtime_commands},
        {"cdi", "Provide tools for interacting with Container Device Interface specifications", NULL, cdi_commands},
        {"system", "A collection of system-related utilities for the NVIDIA Container Toolkit", NULL, system_commands},
        {"config", "Interact with the NVIDIA Container Toolkit configuration", ctk_config, NULL},
        {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
        int status = 0, i = ctk_global_flags(argc, argv, BANNER, &status);

        if (i < 0)
                return status;
        status = ctk_dispatch("nvidia-ctk", commands, argc - i, argv + i);
        return i < argc && strcmp(argv[i], "hook") == 0 ? ctk_hook_exit(status) : status;
}
