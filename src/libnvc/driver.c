/* The library's side of the driver process: starting it, calling it over
 * ONC RPC, and always reaping it. The child side is driver_child.c and
 * driver_service.c; the protocol is nvml_rpc.x. Follows libnvidia-container's
 * driver.c and rpc.c (one child per context, a 10 s timeout per call, the
 * formats of its info output). */
#include "driver.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "driver_child.h"
#include "log.h"
#include "nvml_api.h"
#include "nvml_rpc.h"
#include "tirpc.h"

#define RPC_TIMEOUT_SEC 10       /* per call, as libnvidia-container */
#define REAP_TIMEOUT_NSEC 500000000L  /* after EOF or shutdown, before SIGKILL */

struct driver {
        pid_t pid;       /* the child, -1 once reaped */
        int fd;          /* our end of the socketpair */
        CLIENT *clt;
        bool started;    /* the child was started (or its start was tried) */
        bool broken;     /* a call failed at the transport: the child is hung or gone */
        bool nvml_ready; /* nvmlInit succeeded in the child */
        char *root;      /* what the child is started with */
        uid_t uid;
        gid_t gid;
        dev_t ns_dev;    /* the mount namespace of driver_new */
        ino_t ns_ino;
};

static int start(struct driver *drv, struct error *err);
static void driver_free_quietly(struct driver *drv);

/* --- formats ----------------------------------------------------------- */

const char *driver_brand_name(int brand)
{
        /* libnvidia-container's names (1.9+): the CUDA images' requirements
         * match them lowercased ("brand=nvidiartx"). */
        switch (brand) {
        case NVML_BRAND_QUADRO: return "Quadro";
        case NVML_BRAND_TESLA: return "Tesla";
        case NVML_BRAND_NVS: return "NVS";
        case NVML_BRAND_GRID: return "GRID";
        case NVML_BRAND_GEFORCE: return "GeForce";
        case NVML_BRAND_TITAN: return "TITAN";
        case NVML_BRAND_NVIDIA_VAPPS: return "NVIDIAVApps";
        case NVML_BRAND_NVIDIA_VPC: return "NVIDIAVPC";
        case NVML_BRAND_NVIDIA_VCS: return "NVIDIAVCS";
        case NVML_BRAND_NVIDIA_VWS: return "NVIDIAVWS";
        case NVML_BRAND_NVIDIA_CLOUD_GAMING: return "NVIDIACloudGaming";
        case NVML_BRAND_QUADRO_RTX: return "QuadroRTX";
        case NVML_BRAND_NVIDIA_RTX: return "NVIDIARTX";
        case NVML_BRAND_NVIDIA: return "NVIDIA";
        case NVML_BRAND_GEFORCE_RTX: return "GeForceRTX";
        case NVML_BRAND_TITAN_RTX: return "TITANRTX";
        default: return "Unknown";
        }
}

static int format(struct error *err, char **str, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int format(struct error *err, char **str, const char *fmt, ...)
{
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(str, fmt, ap);
        va_end(ap);
        if (n < 0) {
                *str = NULL;
                return error_set(err, "memory allocation failed");
        }
        return 0;
}

int driver_format_cuda_version(struct error *err, int version, char **str)
{
        /* NVML encodes 1000 * major + 10 * minor. */
        return format(err, str, "%u.%u", (unsigned)version / 1000, (unsigned)version % 100 / 10);
}

int driver_format_arch(struct error *err, int major, int minor, char **str)
{
        return format(err, str, "%u.%u", (unsigned)major, (unsigned)minor);
}

int driver_format_busid(struct error *err, unsigned int domain, unsigned int bus, unsigned int device, char **str)
{
        return format(err, str, "%08x:%02x:%02x.0", domain, bus, device);
}

/* --- calls ------------------------------------------------------------- */

/* A write to a dead child raises SIGPIPE; it must become an error, not end
 * the caller. Blocking it for this thread (not ignoring it process-wide)
 * keeps other threads' SIGPIPE semantics; one raised here is consumed. */
static void sigpipe_block(sigset_t *old, bool *was_pending)
{
        sigset_t set, pending;

        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        sigpending(&pending);
        *was_pending = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &set, old);
}

static void sigpipe_restore(const sigset_t *old, bool was_pending)
{
        const struct timespec zero = {0, 0};
        sigset_t set;

        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        while (!was_pending && sigtimedwait(&set, NULL, &zero) == SIGPIPE)
                ;
        pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* libnvidia-container's wording of transport failures. */
static int rpc_error(struct error *err, enum clnt_stat stat)
{
        const char *msg = clnt_sperrno(stat);
        char buf[128];

        switch (stat) {
        case RPC_CANTSEND: case RPC_CANTRECV: case RPC_CANTENCODEARGS:
        case RPC_CANTDECODERES: case RPC_CANTDECODEARGS:
                msg = "failed to process request";
                break;
        case RPC_VERSMISMATCH: case RPC_PROGUNAVAIL: case RPC_PROGVERSMISMATCH: case RPC_PROCUNAVAIL:
        case RPC_UNKNOWNHOST: case RPC_UNKNOWNPROTO: case RPC_PMAPFAILURE: case RPC_PROGNOTREGISTERED:
                msg = "failed to perform handshake";
                break;
        default:
                if (strncmp(msg, "RPC: ", 5) == 0)
                        msg += 5;
                snprintf(buf, sizeof(buf), "%s", msg);
                for (char *p = buf; *p != '\0'; p++)
                        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
                msg = buf;
        }
        return error_setx(err, "driver rpc error: %s", msg);
}

/* The procedures without arguments (libtirpc's xdr_void takes none, which
 * does not fit xdrproc_t). */
static bool_t xdr_noargs(XDR *xdrs, void *args)
{
        (void)xdrs;
        (void)args;
        return TRUE;
}

/* One round trip; transport failures mark the driver broken. */
static int call(struct driver *drv, struct error *err, rpcproc_t proc, xdrproc_t xargs, void *args, xdrproc_t xres,
                void *res)
{
        const struct timeval timeout = {RPC_TIMEOUT_SEC, 0};
        enum clnt_stat stat;
        bool was_pending;
        sigset_t old;

        if (!drv->started && start(drv, err) < 0)
                return -1;
        if (drv->broken)
                return error_setx(err, "driver rpc error: the driver process is gone");
        sigpipe_block(&old, &was_pending);
        stat = clnt_call(drv->clt, proc, xargs, args, xres, res, timeout);
        sigpipe_restore(&old, was_pending);
        if (stat == RPC_SUCCESS)
                return 0;
        drv->broken = true;
        return rpc_error(err, stat);
}

/* The child's own failure, carried in every result union. */
static int result(struct error *err, int status, const char *msg)
{
        if (status == 0)
                return 0;
        error_setx(err, "%s", msg != NULL ? msg : "driver error");
        err->code = status > 0 ? status : 0;
        return -1;
}

static int call_status(struct driver *drv, struct error *err, rpcproc_t proc)
{
        nvml_rpc_status res = {0};
        int rv;

        if (call(drv, err, proc, (xdrproc_t)xdr_noargs, NULL, (xdrproc_t)xdr_nvml_rpc_status, &res) < 0)
                return -1;
        rv = result(err, res.status, res.nvml_rpc_status_u.errmsg);
        xdr_free((xdrproc_t)xdr_nvml_rpc_status, (char *)&res);
        return rv;
}

/* --- lifetime ---------------------------------------------------------- */

static int start_child(struct driver *drv, struct error *err)
{
        const struct driver_child_config cfg = {drv->root, drv->uid, drv->gid, getpid()};
        int sv[2];

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return error_set(err, "driver rpc service process creation failed");
        if ((drv->pid = fork()) < 0) {
                error_set(err, "driver rpc service process creation failed");
                close(sv[0]);
                close(sv[1]);
                return -1;
        }
        if (drv->pid == 0) {
                close(sv[0]);
                driver_child_run(sv[1], &cfg);
        }
        close(sv[1]);
        drv->fd = sv[0];
        log_info("starting driver rpc service (pid %d)", (int)drv->pid);
        return 0;
}

static int connect_client(struct driver *drv, struct error *err)
{
        const struct timeval timeout = {RPC_TIMEOUT_SEC, 0};
        struct sockaddr_un addr;
        socklen_t len = sizeof(addr);
        struct netbuf peer;
        char *msg;

        if (getpeername(drv->fd, (struct sockaddr *)&addr, &len) < 0)
                return error_set(err, "driver rpc address resolution failed");
        peer = (struct netbuf){.maxlen = sizeof(addr), .len = len, .buf = &addr};
        drv->clt = clnt_vc_create(drv->fd, &peer, NVML_RPC_PROG, NVML_RPC_VERS, 0, 0);
        if (drv->clt == NULL) {
                msg = clnt_spcreateerror("client creation failed");
                msg[strcspn(msg, "\n")] = '\0';
                return error_setx(err, "driver rpc %s", msg);
        }
        clnt_control(drv->clt, CLSET_TIMEOUT, (char *)&timeout);
        return 0;
}

static void log_exit(int status)
{
        if (WIFSIGNALED(status))
                log_warn("driver rpc service terminated with signal %d", WTERMSIG(status));
        else if (WEXITSTATUS(status) != 0)
                log_warn("driver rpc service terminated with status %d", WEXITSTATUS(status));
        else
                log_info("driver rpc service terminated successfully");
}

/* Waits a bounded time for the child, then kills it; it is always reaped.
 * ECHILD means the caller reaped it (SIGCHLD ignored or a reaping handler). */
static int reap(struct driver *drv, struct error *err, bool force)
{
        struct timespec nap = {0, 50000};
        long waited = 0;
        int status = 0;
        pid_t r;

        if (force)
                kill(drv->pid, SIGKILL);
        while ((r = waitpid(drv->pid, &status, WNOHANG)) == 0 || (r < 0 && errno == EINTR)) {
                if (waited >= REAP_TIMEOUT_NSEC && !force) {
                        log_warn("terminating driver rpc service (forced)");
                        kill(drv->pid, SIGKILL);
                        force = true;
                }
                nanosleep(&nap, NULL);
                waited += nap.tv_nsec;
                if (nap.tv_nsec < 10000000L)
                        nap.tv_nsec *= 2;
        }
        if (r < 0 && errno != ECHILD)
                return error_set(err, "reaping driver rpc service process failed (pid %d)", (int)drv->pid);
        if (r > 0)
                log_exit(status);
        drv->pid = -1;
        return 0;
}

/* Closing our end makes a serving child see EOF and exit on its own. */
static int teardown(struct driver *drv, struct error *err, bool force)
{
        if (drv->clt != NULL)
                clnt_destroy(drv->clt);
        drv->clt = NULL;
        if (drv->fd >= 0)
                close(drv->fd);
        drv->fd = -1;
        return drv->pid > 0 ? reap(drv, err, force) : 0;
}

/* nvmlInit opens every GPU, which waits for GPUs without persistence mode
 * to initialise: the calls that need it run it on first use. */
static int need_nvml(struct driver *drv, struct error *err)
{
        if (drv->nvml_ready)
                return 0;
        if (call_status(drv, err, NVML_RPC_INIT) < 0)
                return -1;
        drv->nvml_ready = true;
        return 0;
}

static int mount_ns(struct error *err, dev_t *dev, ino_t *ino)
{
        struct stat st;

        if (stat("/proc/self/ns/mnt", &st) < 0)
                return error_set(err, "driver rpc service process creation failed");
        *dev = st.st_dev;
        *ino = st.st_ino;
        return 0;
}

/* A lazy start loads libtirpc and chroots the child by host paths: from a
 * container's mount namespace (which a session enters to mount) both would
 * resolve in the image, so it is refused there, whoever calls. */
static int in_own_mount_ns(const struct driver *drv, struct error *err)
{
        dev_t dev;
        ino_t ino;

        if (mount_ns(err, &dev, &ino) < 0)
                return -1;
        if (dev != drv->ns_dev || ino != drv->ns_ino)
                return error_setx(err, "driver rpc service process creation failed: not in the library's mount "
                                       "namespace");
        return 0;
}

/* Once: a child that failed to start is not tried again (the error
 * stands for every later call). */
static int start(struct driver *drv, struct error *err)
{
        drv->started = true;
        if (in_own_mount_ns(drv, err) < 0 || tirpc_load(err) < 0 || start_child(drv, err) < 0 ||
            connect_client(drv, err) < 0) {
                struct error ignored = {0};

                teardown(drv, &ignored, true);
                error_reset(&ignored);
                drv->broken = true;
                return -1;
        }
        return 0;
}

/* Lazy: the child starts with the first call that needs the driver's code,
 * which a container start through the proc tree never makes (no process,
 * no NVML loaded). Eager: started and NVML initialised here, as upstream. */
int driver_new(struct driver **out, struct error *err, const char *root, uid_t uid, gid_t gid, bool lazy)
{
        struct driver *drv = calloc(1, sizeof(*drv));

        if (drv == NULL)
                return error_set(err, "memory allocation failed");
        *drv = (struct driver){.pid = -1, .fd = -1, .root = strdup(root), .uid = uid, .gid = gid};
        if (drv->root == NULL) {
                error_set(err, "memory allocation failed");
                goto fail;
        }
        if (mount_ns(err, &drv->ns_dev, &drv->ns_ino) < 0)
                goto fail;
        if (!lazy && (start(drv, err) < 0 || need_nvml(drv, err) < 0))
                goto fail;
        *out = drv;
        return 0;
fail:
        driver_free_quietly(drv);
        return -1;
}

int driver_free(struct driver *drv, struct error *err)
{
        int rv = 0;

        if (drv == NULL)
                return 0;
        if (drv->started && !drv->broken && call_status(drv, err, NVML_RPC_SHUTDOWN) < 0)
                rv = -1;
        if (teardown(drv, err, drv->broken) < 0)
                rv = -1;
        free(drv->root);
        free(drv);
        return rv;
}

static void driver_free_quietly(struct driver *drv)
{
        struct error ignored = {0};

        drv->broken = true;
        driver_free(drv, &ignored);
        error_reset(&ignored);
}

/* --- queries ----------------------------------------------------------- */

int driver_get_rm_version(struct driver *drv, struct error *err, char **version)
{
        nvml_rpc_string res = {0};
        int rv = -1;

        if (need_nvml(drv, err) < 0)
                return -1;
        if (call(drv, err, NVML_RPC_GET_RM_VERSION, (xdrproc_t)xdr_noargs, NULL, (xdrproc_t)xdr_nvml_rpc_string,
                 &res) < 0)
                return -1;
        if (result(err, res.status, res.nvml_rpc_string_u.errmsg) == 0) {
                if ((*version = strdup(res.nvml_rpc_string_u.value)) != NULL)
                        rv = 0;
                else
                        error_set(err, "memory allocation failed");
        }
        xdr_free((xdrproc_t)xdr_nvml_rpc_string, (char *)&res);
        return rv;
}

int driver_get_cuda_version(struct driver *drv, struct error *err, char **version)
{
        nvml_rpc_int res = {0};
        int rv = -1;

        if (call(drv, err, NVML_RPC_GET_CUDA_VERSION, (xdrproc_t)xdr_noargs, NULL, (xdrproc_t)xdr_nvml_rpc_int,
                 &res) < 0)
                return -1;
        if (result(err, res.status, res.nvml_rpc_int_u.errmsg) == 0)
                rv = driver_format_cuda_version(err, res.nvml_rpc_int_u.value, version);
        xdr_free((xdrproc_t)xdr_nvml_rpc_int, (char *)&res);
        return rv;
}

int driver_get_device_count(struct driver *drv, struct error *err, unsigned int *count)
{
        nvml_rpc_uint res = {0};
        int rv;

        if (need_nvml(drv, err) < 0)
                return -1;
        if (call(drv, err, NVML_RPC_GET_DEVICE_COUNT, (xdrproc_t)xdr_noargs, NULL, (xdrproc_t)xdr_nvml_rpc_uint,
                 &res) < 0)
                return -1;
        if ((rv = result(err, res.status, res.nvml_rpc_uint_u.errmsg)) == 0)
                *count = res.nvml_rpc_uint_u.value;
        xdr_free((xdrproc_t)xdr_nvml_rpc_uint, (char *)&res);
        return rv;
}

static int copy_migs(struct error *err, const nvml_rpc_device *src, struct driver_device *dev)
{
        if (src->migs.migs_len == 0)
                return 0;
        if ((dev->migs = calloc(src->migs.migs_len, sizeof(*dev->migs))) == NULL)
                return error_set(err, "memory allocation failed");
        for (u_int i = 0; i < src->migs.migs_len; i++, dev->nmigs++) {
                const nvml_rpc_mig *mig = &src->migs.migs_val[i];

                if ((dev->migs[i].uuid = strdup(mig->uuid)) == NULL)
                        return error_set(err, "memory allocation failed");
                dev->migs[i].gi = mig->gi;
                dev->migs[i].ci = mig->ci;
        }
        return 0;
}

static int copy_device(struct error *err, const nvml_rpc_device *src, struct driver_device *dev)
{
        *dev = (struct driver_device){.minor = src->minor, .mig_capable = src->mig_capable,
                                      .mig_enabled = src->mig_enabled};
        if ((dev->model = strdup(src->model)) == NULL || (dev->uuid = strdup(src->uuid)) == NULL ||
            (dev->brand = strdup(driver_brand_name(src->brand))) == NULL)
                return error_set(err, "memory allocation failed");
        if (driver_format_busid(err, src->pci_domain, src->pci_bus, src->pci_device, &dev->busid) < 0 ||
            driver_format_arch(err, src->cc_major, src->cc_minor, &dev->arch) < 0)
                return -1;
        return copy_migs(err, src, dev);
}

int driver_get_device(struct driver *drv, struct error *err, unsigned int idx, struct driver_device *dev)
{
        nvml_rpc_device_res res = {0};
        int rv = -1;

        memset(dev, 0, sizeof(*dev));
        if (need_nvml(drv, err) < 0)
                return -1;
        if (call(drv, err, NVML_RPC_GET_DEVICE, (xdrproc_t)xdr_u_int, &idx, (xdrproc_t)xdr_nvml_rpc_device_res,
                 &res) < 0)
                return -1;
        if (result(err, res.status, res.nvml_rpc_device_res_u.errmsg) == 0 &&
            (rv = copy_device(err, &res.nvml_rpc_device_res_u.dev, dev)) < 0)
                driver_device_clear(dev);
        xdr_free((xdrproc_t)xdr_nvml_rpc_device_res, (char *)&res);
        return rv;
}

void driver_device_clear(struct driver_device *dev)
{
        free(dev->model);
        free(dev->uuid);
        free(dev->busid);
        free(dev->arch);
        free(dev->brand);
        for (size_t i = 0; i < dev->nmigs; i++)
                free(dev->migs[i].uuid);
        free(dev->migs);
        memset(dev, 0, sizeof(*dev));
}

int driver_mig_mode(int nvml_ret, unsigned int current, unsigned int pending, bool *capable, bool *enabled)
{
        *capable = false;
        *enabled = false;
        switch (nvml_ret) {
        case NVML_SUCCESS:
                *capable = true;
                *enabled = current == NVML_DEVICE_MIG_ENABLE && current == pending;
                return 0;
        case NVML_ERROR_NOT_SUPPORTED:
        case NVML_ERROR_FUNCTION_NOT_FOUND:
                /* A GPU (or an NVML) without MIG. */
                return 0;
        default:
                return -1;
        }
}
