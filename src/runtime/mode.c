/* The runtime's mode: NVIDIA's RuntimeModeResolver as the runtime uses it
 * (internal/info/auto.go, internal/runtime/runtime_factory.go). Upstream's
 * default for "auto" is jit-cdi on every platform; here jit-cdi needs a
 * driver to generate the spec from, so without one "auto" is legacy (where
 * a container that asks for a GPU then fails with libnvidia-container's
 * reason, as the hook's nvidia-container-cli would). */
#include "common/toolkit.h"
#include "runtime/runtime.h"

const char *runtime_mode(const char *configured, bool cdi_only, bool driver_present)
{
        return toolkit_resolve_mode(configured, cdi_only, driver_present ? "jit-cdi" : "legacy");
}
