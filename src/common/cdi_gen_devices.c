/* The devices of a generated spec (cdi_gen_internal.h). In nvml mode each
 * GPU, or each MIG device of a GPU in MIG mode, is a device under every
 * naming strategy, and "all" unites them; in management mode "all" is the
 * only device and holds every node. A device holds its device nodes and,
 * for a GPU with DRM nodes, the hook recreating their by-path links. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cdi_gen_internal.h"
#include "common/cleanup.h"
#include "common/path_clean.h"
#include "common/strv.h"

#define DRI "/dev/dri"

/* What a GPU or MIG device contributes to the devices naming it. */
struct entity {
        char **nodes; /* in-root paths */
        size_t nnodes;
        char **links; /* create-symlinks "TARGET::LINK" */
        size_t nlinks;
};

static void entity_reset(struct entity *e)
{
        strv_free(e->nodes);
        strv_free(e->links);
        *e = (struct entity){0};
}

static int entity_node(struct gen *g, struct entity *e, const char *path, bool required)
{
        int r = gen_node_exists(g, path, required);

        return r <= 0 ? r : gen_strv_add_unique(g, &e->nodes, &e->nnodes, path);
}

/* The PCI name udev gives a GPU in /dev/dri/by-path: lowercase, with NVML's
 * 8-digit domain cut to 4 digits ("00000000:3B:00.0" is "0000:3b:00.0"). */
static void pci_name(const char *busid, char *out, size_t size)
{
        const char *s = busid != NULL ? busid : "";
        const char *colon = strchr(s, ':');

        if (colon != NULL && colon - s == 8)
                s += 4;
        snprintf(out, size, "%s", s);
        for (char *p = out; *p != '\0'; p++)
                *p = (char)tolower((unsigned char)*p);
}

/* The DRM node a by-path link leads to (one level, inside /dev/dri of the
 * device root), or NULL (errno 0 unless out of memory). */
static char *drm_target(struct gen *g, const char *link)
{
        cleanup_free char *host = gen_join(g->dev_root, link), *joined = NULL, *node_host = NULL;
        char target[256], *node = NULL;
        struct stat st;
        ssize_t len;

        if (host == NULL) {
                errno = ENOMEM;
                return NULL;
        }
        if ((len = readlink(host, target, sizeof(target) - 1)) < 0) {
                errno = 0;
                return NULL;
        }
        target[len] = '\0';
        if (asprintf(&joined, "%s%s", target[0] == '/' ? "" : DRI "/by-path/", target) < 0 ||
            (node = path_clean(joined)) == NULL || (node_host = gen_join(g->dev_root, node)) == NULL) {
                free(node);
                errno = ENOMEM;
                return NULL;
        }
        if (strncmp(node, DRI "/", sizeof(DRI)) != 0 || strchr(node + sizeof(DRI), '/') != NULL ||
            stat(node_host, &st) < 0) {
                free(node);
                errno = 0;
                return NULL;
        }
        gen_log(g, CDI_GEN_LOG_INFO, "Selecting %s as %s", node_host, node);
        return node;
}

/* The card and render nodes of a GPU, with the by-path links that name them
 * (what Xorg and Vulkan loaders look up). */
static int drm_nodes(struct gen *g, const struct cdi_gen_gpu *gpu, struct entity *e)
{
        static const char *const kinds[] = {"card", "render"};
        char pci[64];

        pci_name(gpu->busid, pci, sizeof(pci));
        for (size_t i = 0; i < 2; i++) {
                cleanup_free char *link = NULL, *node = NULL, *link_arg = NULL;

                if (asprintf(&link, DRI "/by-path/pci-%s-%s", pci, kinds[i]) < 0)
                        return gen_nomem(g);
                if ((node = drm_target(g, link)) == NULL) {
                        if (errno != 0)
                                return gen_nomem(g);
                        gen_log(g, CDI_GEN_LOG_WARN, "Failed to evaluate symlink %s%s; ignoring", g->dev_root, link);
                        continue;
                }
                if (asprintf(&link_arg, "../%s::%s", node + sizeof(DRI), link) < 0)
                        return gen_nomem(g);
                if (gen_strv_add_unique(g, &e->nodes, &e->nnodes, node) < 0 ||
                    gen_strv_add_unique(g, &e->links, &e->nlinks, link_arg) < 0)
                        return -1;
        }
        return 0;
}

static int gpu_entity(struct gen *g, const struct cdi_gen_gpu *gpu, struct entity *e)
{
        char path[64];

        snprintf(path, sizeof(path), "/dev/nvidia%u", gpu->minor);
        if (entity_node(g, e, path, true) < 0)
                return -1;
        return drm_nodes(g, gpu, e);
}

/* A MIG device is reached through its parent's node and the nvidia-caps
 * nodes of its GPU and compute instances. */
static int mig_entity(struct gen *g, const struct cdi_gen_gpu *gpu, const struct cdi_gen_mig *mig, struct entity *e)
{
        const int caps[] = {mig->gi_cap_minor, mig->ci_cap_minor};
        char path[64];

        snprintf(path, sizeof(path), "/dev/nvidia%u", gpu->minor);
        if (entity_node(g, e, path, true) < 0)
                return -1;
        for (size_t i = 0; i < 2; i++) {
                if (caps[i] < 0)
                        continue;
                snprintf(path, sizeof(path), "/dev/nvidia-caps/nvidia-cap%d", caps[i]);
                if (entity_node(g, e, path, true) < 0)
                        return -1;
        }
        return 0;
}

static int add_device(struct gen *g, struct cdi_spec *spec, const char *name, const struct entity *e)
{
        struct cdi_device *v, *d;

        if ((v = realloc(spec->devices, (spec->n_devices + 1) * sizeof(*v))) == NULL)
                return gen_nomem(g);
        spec->devices = v;
        d = &v[spec->n_devices++];
        *d = (struct cdi_device){.name = strdup(name)};
        if (d->name == NULL)
                return gen_nomem(g);
        for (size_t i = 0; i < e->nnodes; i++)
                if (gen_add_node(g, &d->edits, e->nodes[i]) < 0)
                        return -1;
        return gen_add_links_hook(g, &d->edits, e->links);
}

/* The device's name under a strategy; *out stays NULL for a UUID the
 * driver did not give. Returns -1 when out of memory. */
static int device_name(enum cdi_gen_naming naming, const struct cdi_gen_gpu *gpu, const struct cdi_gen_mig *mig,
                       char **out)
{
        const char *uuid = mig != NULL ? mig->uuid : gpu->uuid;

        switch (naming) {
        case CDI_GEN_NAME_INDEX:
                return mig != NULL ? asprintf(out, "%u:%u", gpu->index, mig->index) : asprintf(out, "%u", gpu->index);
        case CDI_GEN_NAME_UUID:
                return uuid == NULL || (*out = strdup(uuid)) != NULL ? 0 : -1;
        case CDI_GEN_NAME_TYPE_INDEX:
                return mig != NULL ? asprintf(out, "mig%u:%u", gpu->index, mig->index)
                                   : asprintf(out, "gpu%u", gpu->index);
        }
        return 0;
}

static int add_named(struct gen *g, struct cdi_spec *spec, const struct cdi_gen_gpu *gpu,
                     const struct cdi_gen_mig *mig, const struct entity *e)
{
        static const enum cdi_gen_naming index_then_uuid[] = {CDI_GEN_NAME_INDEX, CDI_GEN_NAME_UUID};
        const enum cdi_gen_naming *naming = g->opts->nnaming > 0 ? g->opts->naming : index_then_uuid;
        size_t n = g->opts->nnaming > 0 ? g->opts->nnaming : 2;

        for (size_t i = 0; i < n; i++) {
                cleanup_free char *name = NULL;
                bool repeated = false;

                for (size_t j = 0; j < i; j++)
                        repeated |= naming[j] == naming[i];
                if (repeated)
                        continue;
                if (device_name(naming[i], gpu, mig, &name) < 0)
                        return gen_nomem(g);
                if (name != NULL && add_device(g, spec, name, e) < 0)
                        return -1;
        }
        return 0;
}

static int merge(struct gen *g, struct entity *all, const struct entity *e)
{
        for (size_t i = 0; i < e->nnodes; i++)
                if (gen_strv_add_unique(g, &all->nodes, &all->nnodes, e->nodes[i]) < 0)
                        return -1;
        for (size_t i = 0; i < e->nlinks; i++)
                if (gen_strv_add_unique(g, &all->links, &all->nlinks, e->links[i]) < 0)
                        return -1;
        return 0;
}

/* --- device selection ------------------------------------------------------ */

static bool is_gpu(const char *id, const struct cdi_gen_gpu *gpu)
{
        char index[16];

        snprintf(index, sizeof(index), "%u", gpu->index);
        return strcmp(id, index) == 0 || (gpu->uuid != NULL && strcmp(id, gpu->uuid) == 0);
}

static bool is_mig(const char *id, const struct cdi_gen_gpu *gpu, const struct cdi_gen_mig *mig)
{
        char index[32];

        snprintf(index, sizeof(index), "%u:%u", gpu->index, mig->index);
        return strcmp(id, index) == 0 || (mig->uuid != NULL && strcmp(id, mig->uuid) == 0);
}

/* Without ids, every GPU not in MIG mode and every MIG device of the
 * others; with ids, what they name (a GPU in MIG mode too). */
static bool wanted(const struct gen *g, const struct cdi_gen_gpu *gpu, const struct cdi_gen_mig *mig)
{
        if (g->opts->ndevice_ids == 0)
                return mig != NULL ? gpu->mig_enabled : !gpu->mig_enabled;
        for (size_t i = 0; i < g->opts->ndevice_ids; i++)
                if (mig != NULL ? is_mig(g->opts->device_ids[i], gpu, mig) : is_gpu(g->opts->device_ids[i], gpu))
                        return true;
        return false;
}

static bool matches_any(const struct gen *g, const char *id)
{
        for (size_t i = 0; i < g->driver->ngpus; i++) {
                const struct cdi_gen_gpu *gpu = &g->driver->gpus[i];

                if (is_gpu(id, gpu))
                        return true;
                for (size_t j = 0; j < gpu->nmigs; j++)
                        if (is_mig(id, gpu, &gpu->migs[j]))
                                return true;
        }
        return false;
}

/* --- the modes --------------------------------------------------------------- */

static int one_device(struct gen *g, struct cdi_spec *spec, const struct cdi_gen_gpu *gpu,
                      const struct cdi_gen_mig *mig, struct entity *all)
{
        struct entity e __attribute__((cleanup(entity_reset))) = {0};

        if ((mig != NULL ? mig_entity(g, gpu, mig, &e) : gpu_entity(g, gpu, &e)) < 0 ||
            add_named(g, spec, gpu, mig, &e) < 0)
                return -1;
        return merge(g, all, &e);
}

static int nvml_devices(struct gen *g, struct cdi_spec *spec)
{
        struct entity all __attribute__((cleanup(entity_reset))) = {0};

        for (size_t i = 0; i < g->opts->ndevice_ids; i++)
                if (!matches_any(g, g->opts->device_ids[i]))
                        return error_setx(g->err, "no device matches \"%s\"", g->opts->device_ids[i]);
        for (size_t i = 0; i < g->driver->ngpus; i++) {
                const struct cdi_gen_gpu *gpu = &g->driver->gpus[i];

                if (wanted(g, gpu, NULL) && one_device(g, spec, gpu, NULL, &all) < 0)
                        return -1;
                for (size_t j = 0; j < gpu->nmigs; j++)
                        if (wanted(g, gpu, &gpu->migs[j]) && one_device(g, spec, gpu, &gpu->migs[j], &all) < 0)
                                return -1;
        }
        if (g->opts->no_all_device || all.nnodes == 0)
                return 0;
        return add_device(g, spec, "all", &all);
}

/* Management containers (monitoring, MIG management) see every GPU, MIG
 * mode or not, and every capability node. */
static int management_devices(struct gen *g, struct cdi_spec *spec)
{
        struct entity all __attribute__((cleanup(entity_reset))) = {0};
        cleanup_free char *caps_dir = gen_join(g->dev_root, "/dev/nvidia-caps");
        cleanup_strv char **caps = NULL;
        size_t ncaps = 0;

        for (size_t i = 0; i < g->driver->ngpus; i++)
                if (gpu_entity(g, &g->driver->gpus[i], &all) < 0)
                        return -1;
        if (caps_dir == NULL)
                return gen_nomem(g);
        if (gen_list(g, caps_dir, "nvidia-cap*", &caps, &ncaps) < 0)
                return -1;
        for (size_t i = 0; i < ncaps; i++) {
                cleanup_free char *path = NULL;

                if (asprintf(&path, "/dev/nvidia-caps/%s", caps[i]) < 0)
                        return gen_nomem(g);
                if (entity_node(g, &all, path, false) < 0)
                        return -1;
        }
        return add_device(g, spec, "all", &all);
}

int gen_devices(struct gen *g, struct cdi_spec *spec)
{
        if (g->opts->mode == CDI_GEN_MODE_MANAGEMENT)
                return management_devices(g, spec);
        return nvml_devices(g, spec);
}
