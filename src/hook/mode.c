/* Whether this hook serves the container's mode at all. */
#include <string.h>

#include "hook/hook.h"

/* Upstream's assertModeIsLegacy resolves "auto" with "legacy" as the
 * platform's default (the runtime's default differs): NVML and WSL
 * platforms are "legacy"; Tegra ("csv") is not a platform this stack
 * serves. */
int hook_check_mode(struct error *err, const struct config *cfg, const struct image_request *req)
{
        if (cfg->hook.skip_mode_detection ||
            strcmp(toolkit_resolve_mode(cfg->runtime.mode, req->cdi_only, "legacy"), "legacy") == 0)
                return 0;
        return error_setx(err, "invoking the NVIDIA Container Runtime Hook directly (e.g. specifying the docker "
                               "--gpus flag) is not supported. Please use the NVIDIA Container Runtime (e.g. "
                               "specify the --runtime=nvidia flag) instead");
}
