/* The modifier of each mode, in one table (upstream's newModeModifier):
 * legacy.c, cdi_mode.c (cdi and jit-cdi). */
#include <string.h>

#include "runtime/runtime.h"

/* A mode this build cannot serve: fine for a container without GPUs (the
 * CDI modes change nothing then), an error for one with. */
static int unsupported(struct error *err, const struct modify_ctx *ctx, const char *mode, const char *why)
{
        if (!ctx->req->gpu)
                return 0;
        return error_setx(err, "nvidia-container-runtime.mode \"%s\" is not supported yet (%s); set it to \"legacy\"",
                          mode, why);
}

static int csv_modify(struct error *err, struct modify_ctx *ctx)
{
        return unsupported(err, ctx, "csv", "Tegra CSV files are not supported");
}

static const struct mode_ops modes[] = {
        {"legacy", legacy_modify},
        {"cdi", cdi_modify},
        {"jit-cdi", jit_cdi_modify},
        {"csv", csv_modify},
};

const struct mode_ops *mode_lookup(const char *mode)
{
        for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
                if (strcmp(modes[i].name, mode) == 0)
                        return &modes[i];
        return NULL;
}
