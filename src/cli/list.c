/* `list`: the driver files a container with the selected GPUs needs, one
 * path per line, in libnvidia-container's order: device nodes (control
 * nodes, then the GPUs, then MIG capabilities), binaries, libraries (64-bit
 * then 32-bit), IPC sockets, firmware. Paths are the library's: inside the
 * driver root, as upstream prints them.
 *
 * Without any selection flag, everything is listed. Upstream takes that
 * from "no argument at all", so `list --no-persistenced` lists nothing
 * there; here the two --no-* options only narrow the full listing. */
#include <stdio.h>
#include <sys/sysmacros.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/devices.h"
#include "cli/nvcaps.h"
#include "cli/session.h"
#include "common/cleanup.h"

enum {
        OPTION_COMPAT32 = 1000,
        OPTION_MIG_CONFIG,
        OPTION_MIG_MONITOR,
        OPTION_NO_PERSISTENCED,
        OPTION_NO_FABRICMANAGER,
};

static error_t list_parser(int key, char *arg, struct argp_state *state);

static const struct argp_option list_options[] = {
        {NULL, 0, NULL, 0, "Options:", -1},
        {"device", 'd', "ID", 0, "Device UUID(s) or index(es) to list", -1},
        {"libraries", 'l', NULL, 0, "List driver libraries", -1},
        {"binaries", 'b', NULL, 0, "List driver binaries", -1},
        {"ipcs", 'i', NULL, 0, "List driver ipcs", -1},
        {"firmwares", 'f', NULL, 0, "List driver firmwares", -1},
        {"compat32", OPTION_COMPAT32, NULL, 0, "Enable 32bits compatibility", -1},
        {"mig-config", OPTION_MIG_CONFIG, "ID", 0, "MIG devices to list config capabilities files for", -1},
        {"mig-monitor", OPTION_MIG_MONITOR, "ID", 0, "MIG devices to list monitor capabilities files for", -1},
        {"no-persistenced", OPTION_NO_PERSISTENCED, NULL, 0, "Don't include the NVIDIA persistenced socket", -1},
        {"no-fabricmanager", OPTION_NO_FABRICMANAGER, NULL, 0, "Don't include the NVIDIA fabricmanager socket", -1},
        {0},
};

const struct argp list_usage = {
        list_options,
        list_parser,
        NULL,
        "Query the driver and list the components required in order to configure a container with GPU support.",
        NULL,
        NULL,
        NULL,
};

static bool nothing_selected(const struct context *ctx)
{
        return ctx->devices == NULL && ctx->mig_config == NULL && ctx->mig_monitor == NULL && !ctx->compat32 &&
               !ctx->list_libs && !ctx->list_bins && !ctx->list_ipcs && !ctx->list_firmwares;
}

static void select_everything(struct context *ctx)
{
        struct error err = {0};

        if (args_join(&err, &ctx->devices, "all", ",") < 0)
                input_error(&err);
        ctx->compat32 = ctx->list_libs = ctx->list_bins = ctx->list_ipcs = ctx->list_firmwares = true;
}

/* Options that carry a value accumulate (`-d 0 -d 1` is "0,1"). */
static void join_or_exit(char **list, const char *add, const char *sep)
{
        struct error err = {0};

        if (args_join(&err, list, add, sep) < 0)
                input_error(&err);
}

static error_t list_parser(int key, char *arg, struct argp_state *state)
{
        struct context *ctx = state->input;

        switch (key) {
        case 'd':
                join_or_exit(&ctx->devices, arg, ",");
                break;
        case 'l':
                ctx->list_libs = true;
                break;
        case 'b':
                ctx->list_bins = true;
                break;
        case 'i':
                ctx->list_ipcs = true;
                break;
        case 'f':
                ctx->list_firmwares = true;
                break;
        case OPTION_COMPAT32:
                ctx->compat32 = true;
                break;
        case OPTION_MIG_CONFIG:
                join_or_exit(&ctx->mig_config, arg, ",");
                break;
        case OPTION_MIG_MONITOR:
                join_or_exit(&ctx->mig_monitor, arg, ",");
                break;
        case OPTION_NO_PERSISTENCED:
                join_or_exit(&ctx->driver_opts, "no-persistenced", " ");
                break;
        case OPTION_NO_FABRICMANAGER:
                join_or_exit(&ctx->driver_opts, "no-fabricmanager", " ");
                break;
        case ARGP_KEY_END:
                if (nothing_selected(ctx))
                        select_everything(ctx);
                break;
        default:
                return ARGP_ERR_UNKNOWN;
        }
        return 0;
}

/* --- selection ----------------------------------------------------------- */


/* --- printing ------------------------------------------------------------ */

/* The nvidia-caps node behind the capability file dir/file, when the driver
 * makes such nodes; upstream skips one it cannot read, and so do we. */
static void print_cap_node(const char *root, const char *dir, const char *file)
{
        cleanup_free char *path = NULL;
        cleanup_free char *node = NULL;

        if (asprintf(&path, "%s/%s", dir, file) < 0 || nvcaps_node_of(root, path, &node) < 0)
                return;
        printf("%s\n", node);
}

static void print_mig_access(const char *root, const struct nvc_mig_device *mig, bool dev_style)
{
        printf("%s/access\n%s/access\n", mig->gi_caps_path, mig->ci_caps_path);
        if (dev_style) {
                print_cap_node(root, mig->gi_caps_path, "access");
                print_cap_node(root, mig->ci_caps_path, "access");
        }
}

static void print_device_nodes(const struct context *ctx, const struct nvc_driver_info *drv,
                               const struct selection *sel, bool dev_style)
{
        if (ctx->devices == NULL)
                return;
        for (size_t i = 0; i < drv->ndevs; i++)
                if (drv->devs[i].path != NULL)
                        printf("%s\n", drv->devs[i].path);
        for (size_t i = 0; i < sel->visible.ngpus; i++)
                if (sel->visible.gpus[i]->node.path != NULL)
                        printf("%s\n", sel->visible.gpus[i]->node.path);
        /* The config and monitor capabilities cover every MIG device of a
         * GPU; with either, single access files would be redundant. */
        if (sel->mig_config.all || sel->mig_monitor.all)
                return;
        for (size_t i = 0; i < sel->visible.nmigs; i++)
                print_mig_access(ctx->root, sel->visible.migs[i], dev_style);
}

/* The global config or monitor capability (`file`), then each selected
 * GPU's capability directory and, in the dev style, all its cap nodes. */
static void print_mig_caps(const char *root, const struct devices *sel, const char *file, bool dev_style)
{
        if (!sel->all || sel->ngpus == 0)
                return;
        printf("%s/%s\n", NVCAPS_MIG_CAPS_DIR, file);
        if (dev_style)
                print_cap_node(root, NVCAPS_MIG_CAPS_DIR, file);
        for (size_t i = 0; i < sel->ngpus; i++) {
                printf("%s\n", sel->gpus[i]->mig_caps_path);
                if (dev_style) {
                        printf("%s\n", NVCAPS_DEVICE_DIR);
                        nvcaps_print_gpu_nodes(stdout, root, minor(sel->gpus[i]->node.id));
                }
        }
}

static void print_paths(char *const *paths, size_t n)
{
        for (size_t i = 0; i < n; i++)
                printf("%s\n", paths[i]);
}

static void print_listing(const struct context *ctx, const struct nvc_driver_info *drv, const struct selection *sel)
{
        bool dev_style = nvcaps_dev_style(ctx->root);

        print_device_nodes(ctx, drv, sel, dev_style);
        print_mig_caps(ctx->root, &sel->mig_config, "config", dev_style);
        print_mig_caps(ctx->root, &sel->mig_monitor, "monitor", dev_style);
        if (ctx->list_bins)
                print_paths(drv->bins, drv->nbins);
        if (ctx->list_libs) {
                print_paths(drv->libs, drv->nlibs);
                if (ctx->compat32)
                        print_paths(drv->libs32, drv->nlibs32);
        }
        if (ctx->list_ipcs)
                print_paths(drv->ipcs, drv->nipcs);
        if (ctx->list_firmwares)
                print_paths(drv->firmwares, drv->nfirmwares);
}

int list_command(const struct context *ctx, struct error *err)
{
        struct session s;
        struct selection sel = {0};
        int rv = -1;

        if (session_open(&s, ctx, false, err) == 0 && session_query(&s, ctx->driver_opts, NULL, err) == 0 &&
            selection_make(err, &sel, ctx->devices, ctx->mig_config, ctx->mig_monitor, s.dev) == 0) {
                print_listing(ctx, s.drv, &sel);
                rv = session_enter(&s, PERM_SHUTDOWN, err);
        }
        selection_free(&sel);
        session_close(&s);
        return rv;
}
