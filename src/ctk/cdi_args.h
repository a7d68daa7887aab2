/* What the `nvidia-ctk cdi` subcommands share: their flags, help text and
 * usage errors, as urfave/cli gives them upstream. */
#ifndef CTK_CDI_ARGS_H
#define CTK_CDI_ARGS_H

#include "ctk/ctk.h"

struct ctk_cdi_usage {
        const char *name;    /* "generate" */
        const char *summary; /* the line of `nvidia-ctk cdi --help` */
        const char *args;    /* positional arguments in the usage line ("[FILE...]"); NULL: none allowed */
};

/* Parses argv (argv[0] is the subcommand) against flags. Returns -1 when
 * the command is to run, its positional arguments in *pos (free the array);
 * else the exit status, with *pos NULL: 0 after printing the help, 1 after
 * logging a usage error. */
int ctk_cdi_args(const struct ctk_cdi_usage *usage, const struct ctk_flag *flags, int argc, char **argv, char ***pos)
        __attribute__((nonnull(1, 2, 5)));

#endif
