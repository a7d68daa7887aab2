/* The NVML service of the driver process: loads libnvidia-ml.so.1 from the
 * driver root and answers nvml_rpc.x. Which NVML functions are called, and
 * how their failures read ("load library failed: ...", "nvml error: ..."),
 * follows libnvidia-container's driver.c. */
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "dl_table.h"
#include "driver_child.h"
#include "nvml_api.h"
#include "nvml_rpc.h"

#define SONAME_LIBNVML "libnvidia-ml.so.1"

/* Every entry point is looked up once; a missing one reads as
 * NVML_ERROR_FUNCTION_NOT_FOUND when called, as upstream's per-call dlsym. */
struct nvml {
        nvmlInit_v2_fn init;
        nvmlShutdown_fn shutdown;
        nvmlErrorString_fn error_string;
        nvmlSystemGetDriverVersion_fn driver_version;
        nvmlSystemGetCudaDriverVersion_fn cuda_version;
        nvmlDeviceGetCount_v2_fn count;
        nvmlDeviceGetHandleByIndex_v2_fn handle;
        nvmlDeviceGetMinorNumber_fn minor;
        nvmlDeviceGetUUID_fn uuid;
        nvmlDeviceGetName_fn name;
        nvmlDeviceGetPciInfo_v3_fn pci;
        nvmlDeviceGetBrand_fn brand;
        nvmlDeviceGetCudaComputeCapability_fn cc;
        nvmlDeviceGetMigMode_fn mig_mode;
        nvmlDeviceGetMaxMigDeviceCount_fn mig_count;
        nvmlDeviceGetMigDeviceHandleByIndex_fn mig_handle;
        nvmlDeviceGetGpuInstanceId_fn gi;
        nvmlDeviceGetComputeInstanceId_fn ci;
};

static const struct dl_symbol symbols[] = {
        DL_SYMBOL(struct nvml, init, "nvmlInit_v2"),
        DL_SYMBOL(struct nvml, shutdown, "nvmlShutdown"),
        DL_SYMBOL(struct nvml, error_string, "nvmlErrorString"),
        DL_SYMBOL(struct nvml, driver_version, "nvmlSystemGetDriverVersion"),
        DL_SYMBOL(struct nvml, cuda_version, "nvmlSystemGetCudaDriverVersion"),
        DL_SYMBOL(struct nvml, count, "nvmlDeviceGetCount_v2"),
        DL_SYMBOL(struct nvml, handle, "nvmlDeviceGetHandleByIndex_v2"),
        DL_SYMBOL(struct nvml, minor, "nvmlDeviceGetMinorNumber"),
        DL_SYMBOL(struct nvml, uuid, "nvmlDeviceGetUUID"),
        DL_SYMBOL(struct nvml, name, "nvmlDeviceGetName"),
        DL_SYMBOL(struct nvml, pci, "nvmlDeviceGetPciInfo_v3"),
        DL_SYMBOL(struct nvml, brand, "nvmlDeviceGetBrand"),
        DL_SYMBOL(struct nvml, cc, "nvmlDeviceGetCudaComputeCapability"),
        DL_SYMBOL(struct nvml, mig_mode, "nvmlDeviceGetMigMode"),
        DL_SYMBOL(struct nvml, mig_count, "nvmlDeviceGetMaxMigDeviceCount"),
        DL_SYMBOL(struct nvml, mig_handle, "nvmlDeviceGetMigDeviceHandleByIndex"),
        DL_SYMBOL(struct nvml, gi, "nvmlDeviceGetGpuInstanceId"),
        DL_SYMBOL(struct nvml, ci, "nvmlDeviceGetComputeInstanceId"),
};

/* NVML_CALL(fn, args...): the entry point, or FUNCTION_NOT_FOUND. */
#define NVML_CALL(fn, ...) (nvml.fn != NULL ? nvml.fn(__VA_ARGS__) : NVML_ERROR_FUNCTION_NOT_FOUND)

/* The state of this (single-threaded) process. */
static struct nvml nvml;
static void *nvml_dl;
static bool initialized;
static bool done;
static struct error sandbox_err;

void service_set_sandbox_error(const struct error *err)
{
        error_setx(&sandbox_err, "%s", error_msg(err));
        sandbox_err.code = err->code;
}

bool service_done(void)
{
        return done;
}

/* libnvidia-container lowercases the cause, the text after the last ':'
 * ("nvml error: driver not loaded"). */
static void lower_cause(char *msg)
{
        for (char *p = msg != NULL ? strrchr(msg, ':') : NULL; p != NULL && *p != '\0'; p++)
                *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
}

static int nvml_error(struct error *err, nvmlReturn_t ret)
{
        const char *msg = nvml.error_string != NULL ? nvml.error_string(ret) : NULL;

        error_setx(err, "nvml error: %s", msg != NULL ? msg : "unknown error");
        lower_cause(err->msg);
        return -1;
}

static int load_nvml(struct error *err)
{
        if ((nvml_dl = dlopen(SONAME_LIBNVML, RTLD_NOW)) == NULL) {
                error_setx(err, "load library failed: %s", dlerror());
                lower_cause(err->msg);
                return -1;
        }
        /* A missing entry point fails when called, not here. */
        (void)dl_table_fill(nvml_dl, symbols, sizeof(symbols) / sizeof(symbols[0]), &nvml);
        return 0;
}

/* The sandbox's verdict and the loaded library, without nvmlInit: what the
 * calls that need no GPU (the CUDA version) wait for. */
static int service_load(struct error *err)
{
        if (sandbox_err.msg != NULL) {
                error_setx(err, "%s", sandbox_err.msg);
                err->code = sandbox_err.code;
                return -1;
        }
        return nvml_dl != NULL ? 0 : load_nvml(err);
}

static int service_init(struct error *err)
{
        nvmlReturn_t ret;

        if (service_load(err) < 0)
                return -1;
        if (initialized)
                return 0;
        if ((ret = NVML_CALL(init)) != NVML_SUCCESS)
                return nvml_error(err, ret);
        initialized = true;
        return 0;
}

static int ready(struct error *err)
{
        return initialized ? 0 : error_setx(err, "driver error: nvml is not initialized");
}

/* Fills a result union's error arm; the message is freed by xdr_free. */
static void fail(int *status, char **errmsg, struct error *err)
{
        *status = err->code > 0 ? err->code : NVML_RPC_EOTHER;
        *errmsg = strdup(error_msg(err));
        error_reset(err);
}

bool_t nvml_rpc_init_1_svc(void *arg, nvml_rpc_status *res, struct svc_req *req)
{
        struct error err = {0};

        (void)arg;
        (void)req;
        memset(res, 0, sizeof(*res));
        if (service_init(&err) < 0)
                fail(&res->status, &res->nvml_rpc_status_u.errmsg, &err);
        return TRUE;
}

/* The process exits after this reply, whatever nvmlShutdown said. */
bool_t nvml_rpc_shutdown_1_svc(void *arg, nvml_rpc_status *res, struct svc_req *req)
{
        struct error err = {0};
        nvmlReturn_t ret;

        (void)arg;
        (void)req;
        memset(res, 0, sizeof(*res));
        done = true;
        if (initialized && (ret = NVML_CALL(shutdown)) != NVML_SUCCESS) {
                nvml_error(&err, ret);
                fail(&res->status, &res->nvml_rpc_status_u.errmsg, &err);
        }
        initialized = false;
        return TRUE;
}

bool_t nvml_rpc_get_rm_version_1_svc(void *arg, nvml_rpc_string *res, struct svc_req *req)
{
        char buf[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = "";
        struct error err = {0};
        nvmlReturn_t ret;

        (void)arg;
        (void)req;
        memset(res, 0, sizeof(*res));
        if (ready(&err) < 0 || ((ret = NVML_CALL(driver_version, buf, sizeof(buf))) != NVML_SUCCESS &&
                                nvml_error(&err, ret) < 0)) {
                fail(&res->status, &res->nvml_rpc_string_u.errmsg, &err);
                return TRUE;
        }
        buf[sizeof(buf) - 1] = '\0';
        res->nvml_rpc_string_u.value = strdup(buf);
        return TRUE;
}

bool_t nvml_rpc_get_cuda_version_1_svc(void *arg, nvml_rpc_int *res, struct svc_req *req)
{
        struct error err = {0};
        nvmlReturn_t ret;
        int version = 0;

        (void)arg;
        (void)req;
        memset(res, 0, sizeof(*res));
        /* NVML answers this one without nvmlInit, so without opening a GPU. */
        if (service_load(&err) < 0 ||
            ((ret = NVML_CALL(cuda_version, &version)) != NVML_SUCCESS && nvml_error(&err, ret) < 0)) {
                fail(&res->status, &res->nvml_rpc_int_u.errmsg, &err);
                return TRUE;
        }
        res->nvml_rpc_int_u.value = version;
        return TRUE;
}

bool_t nvml_rpc_get_device_count_1_svc(void *arg, nvml_rpc_uint *res, struct svc_req *req)
{
        struct error err = {0};
        unsigned int count = 0;
        nvmlReturn_t ret;

        (void)arg;
        (void)req;
        memset(res, 0, sizeof(*res));
        if (ready(&err) < 0 || ((ret = NVML_CALL(count, &count)) != NVML_SUCCESS && nvml_error(&err, ret) < 0)) {
                fail(&res->status, &res->nvml_rpc_uint_u.errmsg, &err);
                return TRUE;
        }
        res->nvml_rpc_uint_u.value = count;
        return TRUE;
}

/* NVML fills fixed buffers; a string it did not terminate is cut. */
static int nvml_string(struct error *err, char **out, char *buf, size_t len)
{
        buf[len - 1] = '\0';
        if ((*out = strdup(buf)) == NULL)
                return error_set(err, "memory allocation failed");
        return 0;
}

static int query_identity(struct error *err, nvmlDevice_t h, nvml_rpc_device *dev)
{
        char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = "", uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = "";
        nvmlBrandType_t brand = NVML_BRAND_UNKNOWN;
        nvmlPciInfo_t pci = {0};
        nvmlReturn_t ret;

        if ((ret = NVML_CALL(name, h, name, sizeof(name))) != NVML_SUCCESS ||
            (ret = NVML_CALL(uuid, h, uuid, sizeof(uuid))) != NVML_SUCCESS ||
            (ret = NVML_CALL(pci, h, &pci)) != NVML_SUCCESS ||
            (ret = NVML_CALL(cc, h, &dev->cc_major, &dev->cc_minor)) != NVML_SUCCESS ||
            (ret = NVML_CALL(brand, h, &brand)) != NVML_SUCCESS ||
            (ret = NVML_CALL(minor, h, &dev->minor)) != NVML_SUCCESS)
                return nvml_error(err, ret);
        dev->pci_domain = pci.domain;
        dev->pci_bus = pci.bus;
        dev->pci_device = pci.device;
        dev->brand = (int)brand;
        if (nvml_string(err, &dev->model, name, sizeof(name)) < 0 || nvml_string(err, &dev->uuid, uuid, sizeof(uuid)) < 0)
                return -1;
        return 0;
}

static int query_mig(struct error *err, nvmlDevice_t h, nvml_rpc_mig *mig)
{
        char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = "";
        nvmlReturn_t ret;

        if ((ret = NVML_CALL(gi, h, &mig->gi)) != NVML_SUCCESS || (ret = NVML_CALL(ci, h, &mig->ci)) != NVML_SUCCESS ||
            (ret = NVML_CALL(uuid, h, uuid, sizeof(uuid))) != NVML_SUCCESS)
                return nvml_error(err, ret);
        return nvml_string(err, &mig->uuid, uuid, sizeof(uuid));
}

/* MIG devices by index up to the maximum; the first index without one ends
 * the list (they may come and go while we look, as upstream notes). */
static int query_migs(struct error *err, nvmlDevice_t h, nvml_rpc_device *dev)
{
        unsigned int max = 0;
        nvmlDevice_t mig;
        nvmlReturn_t ret;

        if ((ret = NVML_CALL(mig_count, h, &max)) != NVML_SUCCESS)
                return nvml_error(err, ret);
        if (max > NVML_RPC_MAX_MIG_DEVICES)
                return error_setx(err, "too many MIG devices");
        if (max > 0 && (dev->migs.migs_val = calloc(max, sizeof(*dev->migs.migs_val))) == NULL)
                return error_set(err, "memory allocation failed");
        for (unsigned int i = 0; i < max; i++) {
                if ((ret = NVML_CALL(mig_handle, h, i, &mig)) == NVML_ERROR_NOT_FOUND)
                        break;
                if (ret != NVML_SUCCESS)
                        return nvml_error(err, ret);
                if (query_mig(err, mig, &dev->migs.migs_val[dev->migs.migs_len++]) < 0)
                        return -1;
        }
        return 0;
}

static int query_device(struct error *err, unsigned int idx, nvml_rpc_device *dev)
{
        unsigned int current = 0, pending = 0;
        bool capable, enabled;
        nvmlDevice_t h;
        nvmlReturn_t ret;

        if ((ret = NVML_CALL(handle, idx, &h)) != NVML_SUCCESS)
                return nvml_error(err, ret);
        if (query_identity(err, h, dev) < 0)
                return -1;
        ret = NVML_CALL(mig_mode, h, &current, &pending);
        if (driver_mig_mode(ret, current, pending, &capable, &enabled) < 0)
                return nvml_error(err, ret);
        dev->mig_capable = capable;
        dev->mig_enabled = enabled;
        return enabled ? query_migs(err, h, dev) : 0;
}

bool_t nvml_rpc_get_device_1_svc(u_int *idx, nvml_rpc_device_res *res, struct svc_req *req)
{
        nvml_rpc_device dev = {0};
        struct error err = {0};

        (void)req;
        memset(res, 0, sizeof(*res));
        if (ready(&err) < 0 || query_device(&err, *idx, &dev) < 0) {
                /* The union's arms overlap: free what was filled first. */
                xdr_free((xdrproc_t)xdr_nvml_rpc_device, (char *)&dev);
                fail(&res->status, &res->nvml_rpc_device_res_u.errmsg, &err);
                return TRUE;
        }
        res->nvml_rpc_device_res_u.dev = dev;
        return TRUE;
}

int nvml_rpc_prog_1_freeresult(SVCXPRT *xprt, xdrproc_t xdr_result, caddr_t result)
{
        (void)xprt;
        xdr_free(xdr_result, result);
        return 1;
}
