/* MIG capabilities: access to a MIG device, or to the global MIG config and
 * monitor rights, is granted by an nvidia-caps device node whose minor the
 * driver publishes in a /proc/driver/nvidia/capabilities/... file. Each is
 * mounted with its proc file, and allowed in the device cgroup. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "log.h"
#include "nvc_internal.h"
#include "nvc_mount.h"
#include "procfs.h"

#define NV_CAPS_MIG_CONFIG "/proc/driver/nvidia/capabilities/mig/config"
#define NV_CAPS_MIG_MONITOR "/proc/driver/nvidia/capabilities/mig/monitor"

/* Reads "DeviceFileMinor: N" from the driver's cap file and finds the node. */
static int cap_node(struct error *err, const struct nvc_context *ctx, const char *cap, char *path, size_t len,
                    struct nvc_device_node *node)
{
        char src[PATH_MAX], buf[512], *p;
        cleanup_close int fd = -1;
        unsigned minor;
        struct stat st;
        ssize_t n;

        if (host_path(err, ctx, cap, src, sizeof(src)) < 0)
                return -1;
        if ((fd = open(src, O_RDONLY | O_CLOEXEC)) < 0 || (n = read(fd, buf, sizeof(buf) - 1)) < 0)
                return error_set(err, "read `%s`", src);
        buf[n] = '\0';
        if ((p = strstr(buf, "DeviceFileMinor:")) == NULL || sscanf(p, "DeviceFileMinor: %u", &minor) != 1)
                return error_setx(err, "invalid capability file: %s", src);
        snprintf(path, len, "/dev/nvidia-caps/nvidia-cap%u", minor);
        if (host_path(err, ctx, path, src, sizeof(src)) < 0)
                return -1;
        if (stat(src, &st) < 0)
                return error_set(err, "stat `%s`", src);
        *node = (struct nvc_device_node){path, st.st_rdev};
        return 0;
}

static int caps_mount(struct nvc_context *ctx, const struct nvc_container *cnt, const char *const *caps, size_t n)
{
        char paths[2][64];
        struct nvc_device_node nodes[2];
        struct plan p = {0};

        for (size_t i = 0; i < n; i++) {
                if (cap_node(&ctx->err, ctx, caps[i], paths[i], sizeof(paths[i]), &nodes[i]) < 0 ||
                    plan_device(&ctx->err, ctx, &p, &nodes[i]) < 0 ||
                    procfs_plan_entry(&ctx->err, ctx, caps[i], &p) < 0) {
                        plan_free(&p);
                        return -1;
                }
        }
        return mount_planned(ctx, cnt, &p, nodes, n, "rw");
}

static int check(struct nvc_context *ctx, const void *cnt, const void *arg)
{
        if (ctx == NULL || ctx_check_init(ctx) < 0)
                return -1;
        if (cnt == NULL || arg == NULL)
                return error_setx(&ctx->err, "invalid argument");
        return 0;
}

int nvc_mig_config_global_caps_mount(struct nvc_context *ctx, const struct nvc_container *cnt)
{
        const char *caps[] = {NV_CAPS_MIG_CONFIG};

        return check(ctx, cnt, caps) < 0 ? -1 : caps_mount(ctx, cnt, caps, 1);
}

int nvc_mig_monitor_global_caps_mount(struct nvc_context *ctx, const struct nvc_container *cnt)
{
        const char *caps[] = {NV_CAPS_MIG_MONITOR};

        return check(ctx, cnt, caps) < 0 ? -1 : caps_mount(ctx, cnt, caps, 1);
}

int nvc_mig_device_access_caps_mount(struct nvc_context *ctx, const struct nvc_container *cnt,
                                     const struct nvc_mig_device *dev)
{
        char gi[PATH_MAX], ci[PATH_MAX];

        if (check(ctx, cnt, dev) < 0)
                return -1;
        /* The caps paths name directories; the minor is in their access file. */
        snprintf(gi, sizeof(gi), "%s/access", dev->gi_caps_path);
        snprintf(ci, sizeof(ci), "%s/access", dev->ci_caps_path);
        const char *caps[] = {gi, ci};
        return caps_mount(ctx, cnt, caps, 2);
}

/* The GPU's MIG capability directory, so tools in the container see MIG. */
int nvc_device_mig_caps_mount(struct nvc_context *ctx, const struct nvc_container *cnt, const struct nvc_device *dev)
{
        struct plan p = {0};

        char src[PATH_MAX];

        if (check(ctx, cnt, dev) < 0 || host_path(&ctx->err, ctx, dev->mig_caps_path, src, sizeof(src)) < 0)
                return -1;
        if (access(src, F_OK) < 0) {
                log_warn("skipping %s: the driver publishes no MIG capabilities for %s", dev->mig_caps_path,
                         dev->uuid);
                return 0;
        }
        if (procfs_plan_entry(&ctx->err, ctx, dev->mig_caps_path, &p) < 0) {
                plan_free(&p);
                return -1;
        }
        return mount_planned(ctx, cnt, &p, NULL, 0, "rw");
}
