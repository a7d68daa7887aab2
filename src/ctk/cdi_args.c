#include "ctk/cdi_args.h"

#include <stdlib.h>

static void help(const struct ctk_cdi_usage *u, const struct ctk_flag *flags)
{
        printf("NAME:\n   nvidia-ctk cdi %s - %s\n\nUSAGE:\n   nvidia-ctk cdi %s [command options]%s%s\n\n", u->name,
               u->summary, u->name, u->args != NULL ? " " : "", u->args != NULL ? u->args : "");
        ctk_flags_usage(stdout, flags);
}

int ctk_cdi_args(const struct ctk_cdi_usage *usage, const struct ctk_flag *flags, int argc, char **argv, char ***pos)
{
        struct error err = {0};
        bool want_help;

        *pos = NULL;
        if (ctk_flags_parse(&err, flags, argc - 1, argv + 1, pos, &want_help) < 0)
                return ctk_fail(&err, "incorrect usage");
        if (want_help) {
                help(usage, flags);
        } else if (usage->args == NULL && (*pos)[0] != NULL) {
                ctk_log(CTK_ERROR, "incorrect usage: unexpected argument \"%s\"", (*pos)[0]);
        } else {
                return -1;
        }
        free(*pos);
        *pos = NULL;
        return want_help ? 0 : 1;
}
