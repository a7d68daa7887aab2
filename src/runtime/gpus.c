/* The device nodes of a GPU container, through libnvidia-container.
 *
 * Why the shim lists them at all: in legacy mode nvidia-container-cli
 * writes the device cgroup rules for the GPUs behind the runtime's back, so
 * the next time runc (or systemd) re-applies the container's cgroup from
 * config.json - `runc update`, `docker update`, a systemd daemon-reload, the
 * kubelet's CPU manager - those rules are gone and the GPUs open with EPERM
 * ("Failed to initialize NVML: Unknown Error"). With the same nodes and
 * allow rules in config.json, runc owns them and every re-application keeps
 * them. The list is what the CLI will give the container: the same query,
 * the same device selection code (src/cli/devices.c) and the same rules for
 * control devices, so the two never disagree. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cli/args.h"
#include "cli/devices.h"
#include "cli/nvcaps.h"
#include "runtime/runtime.h"

/* The frontend's major and the modeset minor: part of the driver's ABI. */
#define NV_DEVICE_MAJOR 195
#define NV_MODESET_MINOR 254

static int session_init(struct gpu_session *s, const struct config *cfg)
{
        if ((s->nvc = nvc_context_new()) == NULL || (s->nvc_cfg = nvc_config_new()) == NULL)
                return error_set(&s->err, "memory allocation failed");
        /* The library copies what it keeps. */
        s->nvc_cfg->root = cfg->cli.root != NULL && cfg->cli.root[0] != '\0' ? cfg->cli.root : NULL;
        s->nvc_cfg->ldcache = cfg->cli.ldcache != NULL && cfg->cli.ldcache[0] != '\0' ? cfg->cli.ldcache : NULL;
        s->nvc_cfg->uid = (uid_t)-1;
        s->nvc_cfg->gid = (gid_t)-1;
        if (cfg->cli.user != NULL && cfg->cli.user[0] != '\0' &&
            args_parse_ugid(&s->err, cfg->cli.user, &s->nvc_cfg->uid, &s->nvc_cfg->gid) < 0)
                return error_prefix(&s->err, "initialization error");
        /* NVML, which opens (and so initialises) every GPU, only when asked. */
        if (nvc_init(s->nvc, s->nvc_cfg, "lazy-nvml") < 0)
                return error_setx(&s->err, "initialization error: %s", nvc_error(s->nvc));
        return 0;
}

int gpu_session_open(struct error *err, struct gpu_session *s, const struct config *cfg)
{
        if (!s->opened) {
                s->opened = true;
                s->status = session_init(s, cfg);
        }
        if (s->status < 0)
                return error_setx(err, "%s", error_msg(&s->err));
        return 0;
}

void gpu_session_close(struct gpu_session *s)
{
        if (s->nvc != NULL && s->status == 0)
                nvc_shutdown(s->nvc);
        nvc_config_free(s->nvc_cfg);
        nvc_context_free(s->nvc);
        error_reset(&s->err);
        memset(s, 0, sizeof(*s));
}

void gpu_nodes_free(struct gpu_node *nodes, size_t n)
{
        for (size_t i = 0; nodes != NULL && i < n; i++)
                free(nodes[i].path);
        free(nodes);
}

/* A growing list of nodes, each path once. */
struct node_list {
        const char *root; /* the driver root; NULL or "/" is the host's */
        struct gpu_node *v;
        size_t n, cap;
};

/* Adds the node at path (in the root), with what the host's node says. */
static int add_node(struct error *err, struct node_list *l, const char *path)
{
        size_t rlen = l->root != NULL ? strlen(l->root) : 0;
        char *host = NULL;
        struct stat st;

        for (size_t i = 0; i < l->n; i++)
                if (strcmp(l->v[i].path, path) == 0)
                        return 0;
        while (rlen > 0 && l->root[rlen - 1] == '/')
                rlen--;
        if (asprintf(&host, "%.*s%s", (int)rlen, rlen > 0 ? l->root : "", path) < 0)
                return error_set(err, "device node `%s`", path);
        if (stat(host, &st) < 0) {
                error_set(err, "stat `%s`", host);
                free(host);
                return -1;
        }
        free(host);
        if (!S_ISCHR(st.st_mode))
                return error_setx(err, "device node `%s`: not a character device", path);
        if (l->n == l->cap) {
                size_t cap = l->cap == 0 ? 16 : l->cap * 2;
                struct gpu_node *v = reallocarray(l->v, cap, sizeof(*v));

                if (v == NULL)
                        return error_set(err, "device node `%s`", path);
                l->v = v;
                l->cap = cap;
        }
        if ((l->v[l->n].path = strdup(path)) == NULL)
                return error_set(err, "device node `%s`", path);
        l->v[l->n].major = major(st.st_rdev);
        l->v[l->n].minor = minor(st.st_rdev);
        l->v[l->n].mode = st.st_mode & 07777;
        l->n++;
        return 0;
}

/* Whether the comma-separated capabilities hold cap. */
static bool has_cap(const char *caps, const char *cap)
{
        size_t len = strlen(cap);

        for (const char *p = caps; p != NULL && *p != '\0';) {
                size_t n = strcspn(p, ",");

                if (n == len && strncmp(p, cap, len) == 0)
                        return true;
                p += n + (p[n] == ',');
        }
        return false;
}

/* libnvidia-container's rule for the control devices (nvc_mount.c): the UVM
 * nodes (not the frontend's major) serve compute, modeset serves display. */
static bool wants_control(const char *caps, const struct nvc_device_node *dev)
{
        if (major(dev->id) != NV_DEVICE_MAJOR)
                return has_cap(caps, "compute");
        if (minor(dev->id) == NV_MODESET_MINOR)
                return has_cap(caps, "display");
        return true;
}

/* The nvidia-caps node behind a capability file (in-root paths). */
static int add_cap_node(struct error *err, struct node_list *l, const char *cap_file)
{
        char *node = NULL;
        int rv;

        if (nvcaps_node_of(l->root, cap_file, &node) < 0)
                return error_setx(err, "invalid capability file: %s", cap_file);
        rv = add_node(err, l, node);
        free(node);
        return rv;
}

static int add_mig_access(struct error *err, struct node_list *l, const struct nvc_mig_device *mig)
{
        char *gi = NULL, *ci = NULL;
        int rv = -1;

        /* The caps paths name directories; the minor is in their access file. */
        if (asprintf(&gi, "%s/access", mig->gi_caps_path) < 0 || asprintf(&ci, "%s/access", mig->ci_caps_path) < 0)
                error_set(err, "MIG device %s", mig->uuid);
        else
                rv = add_cap_node(err, l, gi) < 0 || add_cap_node(err, l, ci) < 0 ? -1 : 0;
        free(gi);
        free(ci);
        return rv;
}

/* What configure mounts for a selection (cli/configure.c, mount_all). */
static int add_selection(struct error *err, struct node_list *l, const struct selection *sel)
{
        for (size_t i = 0; i < sel->visible.ngpus; i++)
                if (add_node(err, l, sel->visible.gpus[i]->node.path) < 0)
                        return -1;
        /* Global MIG rights already give access to every MIG device. */
        if (!sel->mig_config.all && !sel->mig_monitor.all)
                for (size_t i = 0; i < sel->visible.nmigs; i++)
                        if (add_mig_access(err, l, sel->visible.migs[i]) < 0)
                                return -1;
        if (sel->mig_config.all && sel->mig_config.ngpus > 0 &&
            add_cap_node(err, l, NVCAPS_MIG_CAPS_DIR "/config") < 0)
                return -1;
        if (sel->mig_monitor.all && sel->mig_monitor.ngpus > 0 &&
            add_cap_node(err, l, NVCAPS_MIG_CAPS_DIR "/monitor") < 0)
                return -1;
        return 0;
}

static const char *nonempty(const char *s)
{
        return s != NULL && s[0] != '\0' ? s : NULL;
}

/* GPU identity from the driver's proc tree unless MIG is involved (a MIG
 * option, a selection it cannot make, a MIG-capable GPU): then from NVML, as
 * the CLI decides (src/cli/configure.c). */
static int select_devices(struct error *err, struct gpu_session *s, const struct image_request *req,
                          struct selection *sel, struct nvc_device_info **dev)
{
        const char *devices = nonempty(req->device_list), *config = nonempty(req->mig_config),
                   *monitor = nonempty(req->mig_monitor);
        bool proc = config == NULL && monitor == NULL;

        if ((*dev = nvc_device_info_new(s->nvc, proc ? "no-nvml" : NULL)) == NULL)
                return error_setx(err, "detection error: %s", nvc_error(s->nvc));
        if (selection_make(err, sel, devices, config, monitor, *dev) == 0 && !(proc && selection_has_mig_capable(sel)))
                return 0;
        if (!proc)
                return -1;
        error_reset(err);
        selection_free(sel);
        nvc_device_info_free(*dev);
        if ((*dev = nvc_device_info_new(s->nvc, NULL)) == NULL)
                return error_setx(err, "detection error: %s", nvc_error(s->nvc));
        return selection_make(err, sel, devices, config, monitor, *dev);
}

int gpu_nodes(struct error *err, struct gpu_session *s, const struct config *cfg, const struct image_request *req,
              struct gpu_node **nodes, size_t *n)
{
        struct nvc_driver_info *drv = NULL;
        struct nvc_device_info *dev = NULL;
        struct selection sel = {0};
        struct node_list l = {.root = nonempty(cfg->cli.root)};
        int rv = -1;

        *nodes = NULL;
        *n = 0;
        if (gpu_session_open(err, s, cfg) < 0)
                return -1;
        /* Only the control nodes: the driver's files are the hook's business. */
        if ((drv = nvc_driver_info_new(s->nvc, "devices-only")) == NULL) {
                error_setx(err, "detection error: %s", nvc_error(s->nvc));
                goto out;
        }
        for (size_t i = 0; i < drv->ndevs; i++)
                if (wants_control(req->capabilities, &drv->devs[i]) && add_node(err, &l, drv->devs[i].path) < 0)
                        goto out;
        /* The hook passes exactly these to nvidia-container-cli configure. */
        if (select_devices(err, s, req, &sel, &dev) < 0 || add_selection(err, &l, &sel) < 0)
                goto out;
        *nodes = l.v;
        *n = l.n;
        l.v = NULL;
        rv = 0;
out:
        gpu_nodes_free(l.v, l.n);
        selection_free(&sel);
        nvc_device_info_free(dev);
        nvc_driver_info_free(drv);
        return rv;
}
