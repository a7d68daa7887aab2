/* What the toolkit's programs (the hook, the runtime shim, nvidia-ctk)
 * derive from config.toml in the same way: the release they are faithful
 * to, the image policy, and the resolution of nvidia-container-runtime.mode
 * (NVIDIA's internal/info RuntimeModeResolver). */
#ifndef COMMON_TOOLKIT_H
#define COMMON_TOOLKIT_H

#include <stdbool.h>

#include "common/config.h"
#include "common/image.h"

/* The toolkit release these programs are faithful to (-version). */
#ifndef TOOLKIT_VERSION
#define TOOLKIT_VERSION "1.17.8"
#endif

/* The image policy config.toml sets: envvar and volume-mount acceptance,
 * disable-require, IMEX requests, supported capabilities, swarm resource.
 * No CDI annotation prefixes: the caller that reads annotations (the
 * runtime in cdi mode) sets them. Strings point into cfg. */
void toolkit_image_policy(const struct config *cfg, struct image_policy *policy) __attribute__((nonnull));

/* Upstream's ResolveRuntimeMode: a configured mode other than "auto" is the
 * mode (returned as given, even when unknown); "auto" is "cdi" when only
 * fully qualified CDI names are requested, else default_mode (the hook's
 * default is "legacy", the runtime's depends on the driver). NULL counts as
 * "". */
const char *toolkit_resolve_mode(const char *configured, bool cdi_only, const char *default_mode)
        __attribute__((nonnull(3)));

#endif
