/* Library lifetime (nvmlInit, nvmlInit_v2, nvmlInitWithFlags, nvmlShutdown
 * with a reference count), handle validation and the system-wide queries. */
#include "nvml/nvml_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct nvml_state nvml_state;
static pthread_mutex_t nvml_lock = PTHREAD_MUTEX_INITIALIZER;

/* Maps a failed probe onto what the real library reports for the same
 * situation. */
static nvmlReturn_t probe_error(enum fake_status status)
{
        switch (status) {
        case FAKE_OK:
                return NVML_SUCCESS;
        case FAKE_NO_DRIVER:
                /* No /dev/nvidiactl: the kernel module is not loaded. */
                return NVML_ERROR_DRIVER_NOT_LOADED;
        case FAKE_UNSTAMPED:
                /* The library was never matched to an installed driver by the
                 * setup tool; a user-space library that does not match the
                 * running kernel driver is exactly what the real NVML calls a
                 * version mismatch, and it keeps this case distinguishable
                 * from a missing /dev/nvidiactl. */
                return NVML_ERROR_LIB_RM_VERSION_MISMATCH;
        case FAKE_DENIED:
                /* The device cgroup refused a node: the real library fails
                 * with "Unknown Error", the symptom users know. */
                return NVML_ERROR_UNKNOWN;
        }
        return NVML_ERROR_UNKNOWN;
}

static void build_handles(const struct fake_view *view)
{
        memset(&nvml_state, 0, sizeof(nvml_state));
        nvml_state.inv = view->inv;
        nvml_state.gpu_count = view->count;
        for (unsigned i = 0; i < view->count; i++) {
                struct nvmlDevice_st *gpu = &nvml_state.gpus[i];

                gpu->gpu = view->gpus[i].gpu;
                gpu->index = i;
                nvml_state.mig_count[i] = view->gpus[i].mig_count;
                for (unsigned j = 0; j < view->gpus[i].mig_count; j++) {
                        struct nvmlDevice_st *mig = &nvml_state.migs[i][j];

                        *mig = (struct nvmlDevice_st){ .gpu = gpu->gpu, .mig = view->gpus[i].migs[j],
                                                       .parent = gpu, .index = i, .mig_index = j };
                        nvml_state.gis[i][j].mig_dev = mig;
                        nvml_state.cis[i][j].mig_dev = mig;
                }
        }
}

nvmlReturn_t nvmlInitWithFlags(unsigned int flags)
{
        nvmlReturn_t ret = NVML_SUCCESS;

        (void)flags; /* NO_GPUS/NO_ATTACH change nothing: init never needs a GPU */
        pthread_mutex_lock(&nvml_lock);
        if (nvml_state.refcount == 0) {
                struct fake_view view;

                ret = probe_error(fake_probe(&view, FAKE_MIG_MONITOR));
                if (ret == NVML_SUCCESS)
                        build_handles(&view);
        }
        if (ret == NVML_SUCCESS)
                __atomic_add_fetch(&nvml_state.refcount, 1, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&nvml_lock);
        return ret;
}

nvmlReturn_t nvmlInit_v2(void)
{
        return nvmlInitWithFlags(0);
}

nvmlReturn_t nvmlInit(void)
{
        return nvmlInitWithFlags(0);
}

nvmlReturn_t nvmlShutdown(void)
{
        nvmlReturn_t ret = NVML_SUCCESS;

        pthread_mutex_lock(&nvml_lock);
        if (nvml_state.refcount == 0)
                ret = NVML_ERROR_UNINITIALIZED;
        else
                __atomic_sub_fetch(&nvml_state.refcount, 1, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&nvml_lock);
        return ret;
}

nvmlReturn_t nvml_initialized(void)
{
        if (__atomic_load_n(&nvml_state.refcount, __ATOMIC_ACQUIRE) == 0)
                return NVML_ERROR_UNINITIALIZED;
        return NVML_SUCCESS;
}

int nvml_points_into(const void *p, const void *base, size_t size, size_t elem)
{
        uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;

        return a >= b && a < b + size && (a - b) % elem == 0;
}

static int is_gpu_handle(const struct nvmlDevice_st *h)
{
        return nvml_points_into(h, nvml_state.gpus, nvml_state.gpu_count * sizeof(nvml_state.gpus[0]),
                           sizeof(nvml_state.gpus[0]));
}

static int is_mig_handle(const struct nvmlDevice_st *h)
{
        if (!nvml_points_into(h, nvml_state.migs, sizeof(nvml_state.migs), sizeof(nvml_state.migs[0][0])))
                return 0;
        return h->mig != NULL; /* unused slots stay zeroed */
}

nvmlReturn_t nvml_device(nvmlDevice_t handle, struct nvmlDevice_st **dev)
{
        nvmlReturn_t ret = nvml_initialized();

        if (ret != NVML_SUCCESS)
                return ret;
        if (handle == NULL || (!is_gpu_handle(handle) && !is_mig_handle(handle)))
                return NVML_ERROR_INVALID_ARGUMENT;
        *dev = handle;
        return NVML_SUCCESS;
}

nvmlReturn_t nvml_gpu(nvmlDevice_t handle, struct nvmlDevice_st **dev)
{
        nvmlReturn_t ret = nvml_device(handle, dev);

        if (ret == NVML_SUCCESS && (*dev)->mig != NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        return ret;
}

nvmlReturn_t nvml_copy_string(char *dst, unsigned int length, const char *src, size_t src_max)
{
        size_t len = strnlen(src, src_max);

        if (dst == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        if ((size_t)length < len + 1)
                return NVML_ERROR_INSUFFICIENT_SIZE;
        memcpy(dst, src, len);
        dst[len] = '\0';
        return NVML_SUCCESS;
}

/* --- system queries ------------------------------------------------------ */

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length)
{
        nvmlReturn_t ret = nvml_initialized();

        if (ret != NVML_SUCCESS)
                return ret;
        return nvml_copy_string(version, length, nvml_state.inv->driver_version,
                                sizeof(nvml_state.inv->driver_version));
}

/* The version is part of the library itself (here: its stamped inventory),
 * so, as with the real one, no nvmlInit is needed. */
nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length)
{
        const struct fake_inventory *inv = fake_inventory_get();
        char buf[NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE];

        if (inv == NULL)
                return NVML_ERROR_UNINITIALIZED;
        snprintf(buf, sizeof(buf), "%u.%.*s", inv->nvml_major,
                 (int)strnlen(inv->driver_version, sizeof(inv->driver_version)), inv->driver_version);
        return nvml_copy_string(version, length, buf, sizeof(buf));
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *cudaDriverVersion)
{
        const struct fake_inventory *inv = fake_inventory_get();

        if (cudaDriverVersion == NULL)
                return NVML_ERROR_INVALID_ARGUMENT;
        if (inv == NULL)
                return NVML_ERROR_UNINITIALIZED;
        *cudaDriverVersion = (int)inv->cuda_version;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *cudaDriverVersion)
{
        return nvmlSystemGetCudaDriverVersion(cudaDriverVersion);
}
