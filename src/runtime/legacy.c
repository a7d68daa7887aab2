/* The legacy mode: the prestart hook that runs nvidia-container-cli
 * (upstream's stableRuntimeModifier), plus the GPUs' device nodes and
 * cgroup rules in config.json so that runc owns them (gpus.c says why). */
#include <string.h>

#include "runtime/runtime.h"

static int add_hook(struct error *err, struct modify_ctx *ctx)
{
        const char *existing = NULL, *slash = strrchr(ctx->hook_path, '/');
        const char *args[] = {slash != NULL ? slash + 1 : ctx->hook_path, "prestart", NULL};

        /* docker --gpus and an earlier shim put the same hook there. */
        if (spec_has_nvidia_hook(ctx->spec, &existing)) {
                rtlog(RTLOG_INFO, "Existing nvidia prestart hook (%s) found in OCI spec", existing);
                return 0;
        }
        rtlog(RTLOG_INFO, "Using prestart hook path: %s", ctx->hook_path);
        if (spec_add_hook(err, ctx->spec, "prestart", ctx->hook_path, args, ctx->hook_env) < 0)
                return -1;
        ctx->changed = true;
        return 0;
}

static int add_devices(struct error *err, struct modify_ctx *ctx)
{
        struct gpu_node *nodes = NULL;
        size_t n = 0;
        int rv = 0;

        if (gpu_nodes(err, ctx->gpus, ctx->cfg, ctx->req, &nodes, &n) < 0)
                return -1;
        for (size_t i = 0; i < n && rv == 0; i++) {
                rtlog(RTLOG_DEBUG, "Adding device node %s (c %u:%u) and its cgroup rule", nodes[i].path,
                      nodes[i].major, nodes[i].minor);
                rv = spec_add_device(err, ctx->spec, &nodes[i]);
        }
        if (rv == 0 && n > 0) {
                ctx->changed = true;
                rtlog(RTLOG_INFO, "Added %zu device nodes and their cgroup rules", n);
        }
        gpu_nodes_free(nodes, n);
        return rv;
}

int legacy_modify(struct error *err, struct modify_ctx *ctx)
{
        if (add_hook(err, ctx) < 0)
                return -1;
        /* Not a GPU container: the hook will find nothing to do either. */
        return ctx->req->gpu ? add_devices(err, ctx) : 0;
}
