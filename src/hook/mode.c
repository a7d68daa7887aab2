/* What the config decides before any argument is built: the image policy
 * and whether this hook serves the container's mode at all. */
#include <string.h>

#include "hook/hook.h"

void hook_policy(const struct config *cfg, struct image_policy *policy)
{
        image_policy_init(policy);
        policy->accept_envvar_unprivileged = cfg->accept_envvar_unprivileged;
        policy->accept_volume_mounts = cfg->accept_device_list_as_volumes;
        policy->disable_require = cfg->disable_require;
        policy->ignore_imex_channel_requests = cfg->features.ignore_imex_channel_requests;
        policy->supported_capabilities = cfg->supported_driver_capabilities;
        /* An empty swarm-resource names no variable (upstream tests for ""). */
        if (cfg->swarm_resource != NULL && cfg->swarm_resource[0] != '\0')
                policy->swarm_resource = cfg->swarm_resource;
}

/* Upstream's ResolveAutoMode for the hook: "cdi" when only fully qualified
 * CDI names are requested, else the platform's mode. NVML and WSL platforms
 * are "legacy"; Tegra ("csv") is not a platform this stack serves, so the
 * platform is always taken as NVML. */
static const char *resolve_mode(const char *mode, const struct image_request *req)
{
        if (mode == NULL || strcmp(mode, "auto") != 0)
                return mode != NULL ? mode : "";
        return req->cdi_only ? "cdi" : "legacy";
}

int hook_check_mode(struct error *err, const struct config *cfg, const struct image_request *req)
{
        if (cfg->hook.skip_mode_detection || strcmp(resolve_mode(cfg->runtime.mode, req), "legacy") == 0)
                return 0;
        return error_setx(err, "invoking the NVIDIA Container Runtime Hook directly (e.g. specifying the docker "
                               "--gpus flag) is not supported. Please use the NVIDIA Container Runtime (e.g. "
                               "specify the --runtime=nvidia flag) instead");
}
