/* nvidia-container-cli: the command table, the options every command shares,
 * and the helpers the commands have in common. One file per command
 * (info.c, list.c; configure.c next), each exporting its argp and handler. */
#ifndef CLI_H
#define CLI_H

#include <argp.h>
#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "nvc.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

struct context;

/* A command: its options and the handler main calls once they are parsed.
 * A handler returns 0, or -1 with *err holding the one line to report,
 * already prefixed with its stage ("detection error: ..."). */
struct command {
        const char *name;
        const struct argp *argp;
        int (*handler)(const struct context *ctx, struct error *err);
};

/* Everything the command line says. Strings are either argv's (not owned)
 * or built by the parsers (owned, freed by context_free). */
struct context {
        /* global options */
        uid_t uid;               /* (uid_t)-1: not given */
        gid_t gid;
        const char *root;        /* NULL: the library's default, "/" */
        const char *ldcache;
        bool load_kmods;
        bool no_pivot;           /* for configure */
        char *init_flags;        /* library options for nvc_init, owned */
        const struct command *command;
        char *command_name;      /* "nvidia-container-cli info", owned */

        /* info */
        bool csv_output;

        /* list, and configure's device selection */
        char *devices;           /* comma-separated device ids, owned */
        char *mig_config;        /* owned */
        char *mig_monitor;       /* owned */
        char *driver_opts;       /* "no-persistenced no-fabricmanager", owned */
        bool compat32;
        bool list_bins;
        bool list_libs;
        bool list_ipcs;
        bool list_firmwares;

        /* configure */
        pid_t pid;               /* 0: standalone */
        const char *rootfs;
        const char *ldconfig;
        char *container_flags;   /* container options for nvc_container_new, owned */
        const char *reqs[32];    /* --require expressions, upstream's limit */
        size_t nreqs;
};

void context_free(struct context *ctx);

extern const struct argp info_usage;
extern const struct argp list_usage;
extern const struct argp configure_usage;

int info_command(const struct context *ctx, struct error *err);
int list_command(const struct context *ctx, struct error *err);
int configure_command(const struct context *ctx, struct error *err);

/* Reports an input error the way every parser does ("input error: ...")
 * and exits 1: argp gives parsers no other way out. */
void input_error(const struct error *err) __attribute__((noreturn));

#endif
