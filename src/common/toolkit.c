/* config.toml decisions shared by the toolkit's programs (toolkit.h). */
#include "common/toolkit.h"

#include <string.h>

void toolkit_image_policy(const struct config *cfg, struct image_policy *policy)
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

const char *toolkit_resolve_mode(const char *configured, bool cdi_only, const char *default_mode)
{
        if (configured == NULL)
                return "";
        if (strcmp(configured, "auto") != 0)
                return configured;
        return cdi_only ? "cdi" : default_mode;
}
