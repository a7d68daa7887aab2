/* cuInit and device enumeration.  The device set is fixed by the first
 * cuInit, like the real driver's: the GPUs whose /dev/nvidia<minor> this
 * process may open, in minor order, with MIG-mode GPUs replaced by the MIG
 * devices whose access capabilities it holds. */
#include "cuda/cuda_internal.h"

#include <pthread.h>
#include <stdlib.h>

static struct {
        pthread_once_t once;
        CUresult init_result;
        unsigned count;
        struct cuda_device devices[CUDA_MAX_DEVICES];
} cuda_state = { .once = PTHREAD_ONCE_INIT, .init_result = CUDA_ERROR_NOT_INITIALIZED };

/* What the real libcuda's cuInit returns in the same situation. */
static CUresult probe_error(enum fake_status status)
{
        switch (status) {
        case FAKE_OK:
                return CUDA_SUCCESS;
        case FAKE_NO_DRIVER:
                /* No kernel driver: "no CUDA-capable device is detected". */
                return CUDA_ERROR_NO_DEVICE;
        case FAKE_UNSTAMPED:
                /* Library not matched to the installed driver (see the NVML
                 * side): the user-space/kernel mismatch error. */
                return CUDA_ERROR_SYSTEM_DRIVER_MISMATCH;
        case FAKE_DENIED:
                /* Device cgroup refused a node: "unknown error", the CUDA
                 * face of NVML's "Unknown Error". */
                return CUDA_ERROR_UNKNOWN;
        }
        return CUDA_ERROR_UNKNOWN;
}

static unsigned flatten(const struct fake_view *view, struct cuda_device *out)
{
        unsigned n = 0;

        for (unsigned i = 0; i < view->count; i++) {
                const struct fake_visible_gpu *vis = &view->gpus[i];

                if (!vis->gpu->mig_enabled) {
                        out[n++] = (struct cuda_device){ .gpu = vis->gpu };
                        continue;
                }
                for (unsigned j = 0; j < vis->mig_count; j++)
                        out[n++] = (struct cuda_device){ .gpu = vis->gpu, .mig = vis->migs[j] };
        }
        return n;
}

static void cuda_init_once(void)
{
        static struct fake_view view;
        CUresult ret = probe_error(fake_probe(&view, FAKE_MIG_USE));

        if (ret == CUDA_SUCCESS) {
                unsigned n = flatten(&view, cuda_state.devices);
                const char *env = getenv("CUDA_VISIBLE_DEVICES");

                if (env != NULL)
                        n = cuda_apply_visible_devices(cuda_state.devices, n, env);
                cuda_state.count = n;
                if (n == 0)
                        ret = CUDA_ERROR_NO_DEVICE;
        }
        cuda_state.init_result = ret;
}

CUresult cuInit(unsigned int Flags)
{
        if (Flags != 0)
                return CUDA_ERROR_INVALID_VALUE;
        pthread_once(&cuda_state.once, cuda_init_once);
        return cuda_state.init_result;
}

/* The version lives in the library itself, so no cuInit is needed. */
CUresult cuDriverGetVersion(int *driverVersion)
{
        const struct fake_inventory *inv = fake_inventory_get();

        if (driverVersion == NULL)
                return CUDA_ERROR_INVALID_VALUE;
        if (inv == NULL)
                return CUDA_ERROR_SYSTEM_DRIVER_MISMATCH;
        *driverVersion = (int)inv->cuda_version;
        return CUDA_SUCCESS;
}

static CUresult initialized(void)
{
        /* init_result is written once inside pthread_once, before any
         * successful cuInit returns to a caller. */
        return cuda_state.init_result == CUDA_SUCCESS ? CUDA_SUCCESS : CUDA_ERROR_NOT_INITIALIZED;
}

CUresult cuDeviceGetCount(int *count)
{
        CUresult ret = initialized();

        if (ret != CUDA_SUCCESS)
                return ret;
        if (count == NULL)
                return CUDA_ERROR_INVALID_VALUE;
        *count = (int)cuda_state.count;
        return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal)
{
        CUresult ret = initialized();

        if (ret != CUDA_SUCCESS)
                return ret;
        if (device == NULL)
                return CUDA_ERROR_INVALID_VALUE;
        if (ordinal < 0 || (unsigned)ordinal >= cuda_state.count)
                return CUDA_ERROR_INVALID_DEVICE;
        *device = ordinal;
        return CUDA_SUCCESS;
}

CUresult cuda_device(CUdevice dev, const struct cuda_device **out)
{
        CUresult ret = initialized();

        if (ret != CUDA_SUCCESS)
                return ret;
        if (dev < 0 || (unsigned)dev >= cuda_state.count)
                return CUDA_ERROR_INVALID_DEVICE;
        *out = &cuda_state.devices[dev];
        return CUDA_SUCCESS;
}
