/* nvidia-cdi-hook: the createContainer hooks NVIDIA's CDI specs name
 * (NVIDIA's cmd/nvidia-cdi-hook). */
#include "ctk/ctk.h"

#ifndef BUILD_REVISION
#define BUILD_REVISION "unknown"
#endif

#define BANNER "NVIDIA CDI Hook version " CTK_VERSION "\ncommit: " BUILD_REVISION "\n"

int main(int argc, char **argv)
{
        int status = 0, i = ctk_global_flags(argc, argv, BANNER, &status);

        if (i < 0)
                return status;
        return ctk_hook_exit(ctk_hook_run("nvidia-cdi-hook", argc - i, argv + i));
}
