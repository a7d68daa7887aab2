/* Running a CDI hook by name, for nvidia-cdi-hook and `nvidia-ctk hook`. */
#include <unistd.h>
#include <string.h>

#include "ctk/ctk.h"

int ctk_hook_run(const char *prog, int argc, char **argv)
{
        const struct ctk_command *c = ctk_hooks;

        if (argc < 1 || argv[0][0] == '-' || strcmp(argv[0], "help") == 0)
                return ctk_dispatch(prog, ctk_hooks, argc, argv);
        while (c->name != NULL && strcmp(c->name, argv[0]) != 0)
                c++;
        if (c->name == NULL) {
                /* A spec from a newer generator may name hooks this version
                 * lacks; failing would stop every container of that spec. */
                ctk_log(CTK_WARN, "Unsupported hook \"%s\"; ignoring", argv[0]);
                return 0;
        }
        return c->run(argc, argv);
}

int ctk_hook_command(int argc, char **argv)
{
        return ctk_hook_run("nvidia-ctk hook", argc - 1, argv + 1);
}

int ctk_hook_exit(int status)
{
#ifdef __SANITIZE_ADDRESS__
        fflush(NULL);
        _exit(status);
#endif
        return status;
}
