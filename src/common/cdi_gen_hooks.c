/* The hooks of a generated spec's common edits (cdi_gen_internal.h), in
 * NVIDIA's order: the graphics symlinks, the driver library symlinks,
 * enable-cuda-compat, update-ldcache and disable-device-node-modification.
 * Every path in their arguments is a container path. */
#include <stdio.h>
#include <string.h>

#include "common/cdi_gen_internal.h"
#include "common/cleanup.h"
#include "common/strv.h"

/* A symlink made next to a mounted library "<lib><version>": link (relative
 * to the library's directory) pointing to target (NULL: the library). */
struct gen_symlink {
        enum gen_group group;
        const char *lib;
        const char *target;
        const char *link;
};

static const struct gen_symlink symlinks[] = {
        /* GBM loads its backends by driver name from the gbm directory. */
        {GEN_GROUP_GRAPHICS, "libnvidia-allocator.so.", "../libnvidia-allocator.so.1", "gbm/nvidia-drm_gbm.so"},
        /* The X server loads its GLX module by this unversioned name. */
        {GEN_GROUP_GRAPHICS, "libglxserver_nvidia.so.", NULL, "libglxserver_nvidia.so"},
        /* glvnd's indirect rendering and the development links that
         * applications open without a version. */
        {GEN_GROUP_LIBRARY, "libGLX_nvidia.so.", NULL, "libGLX_indirect.so.0"},
        {GEN_GROUP_LIBRARY, "libcuda.so.", "libcuda.so.1", "libcuda.so"},
        {GEN_GROUP_LIBRARY, "libnvidia-opticalflow.so.", "libnvidia-opticalflow.so.1", "libnvidia-opticalflow.so"},
};

/* The directory part of a container path ("" for "/x"). */
static int dir_len(const char *path)
{
        return (int)(strrchr(path, '/') - path);
}

static bool is_versioned(const struct gen *g, const char *base, const char *lib)
{
        size_t len = strlen(lib);

        return strncmp(base, lib, len) == 0 && strcmp(base + len, g->driver->version) == 0;
}

/* The "TARGET::LINK" arguments for the mounts of one group, in mount order. */
static int links_of(struct gen *g, enum gen_group group, char ***links, size_t *n)
{
        for (size_t i = 0; i < g->nmounts; i++) {
                const struct gen_mount *m = &g->mounts[i];
                const char *base = m->container + dir_len(m->container) + 1;

                for (size_t j = 0; m->group == group && j < GEN_NITEMS(symlinks); j++) {
                        const struct gen_symlink *s = &symlinks[j];

                        if (s->group != group || !is_versioned(g, base, s->lib))
                                continue;
                        if (cdi_strv_append(links, n, "%s::%.*s/%s", s->target != NULL ? s->target : base,
                                            dir_len(m->container), m->container, s->link) < 0)
                                return gen_nomem(g);
                }
        }
        return 0;
}

static int symlinks_hook(struct gen *g, struct cdi_edits *e, enum gen_group group)
{
        cleanup_strv char **links = NULL;
        size_t n = 0;

        if (links_of(g, group, &links, &n) < 0)
                return -1;
        return gen_add_links_hook(g, e, links);
}

/* A hook with the arguments args after its name (NULL-terminated). */
static int simple_hook(struct gen *g, struct cdi_edits *e, const char *name, const char *const *args)
{
        char **v = NULL;
        size_t n = 0;

        if (gen_hook_args(g, name, &v, &n) < 0) {
                strv_free(v);
                return -1;
        }
        for (size_t i = 0; args[i] != NULL; i++) {
                if (cdi_strv_append(&v, &n, "%s", args[i]) < 0) {
                        strv_free(v);
                        return gen_nomem(g);
                }
        }
        return gen_add_hook(g, e, v);
}

static int cuda_compat_hook(struct gen *g, struct cdi_edits *e)
{
        cleanup_free char *arg = NULL;

        if (asprintf(&arg, "--host-driver-version=%s", g->driver->version) < 0)
                return gen_nomem(g);
        return simple_hook(g, e, "enable-cuda-compat", (const char *const[]){arg, NULL});
}

/* update-ldcache gets every directory of the driver libraries, so that the
 * container's linker cache finds them. */
static int ldcache_hook(struct gen *g, struct cdi_edits *e)
{
        cleanup_strv char **args = NULL, **dirs = NULL;
        size_t n = 0, ndirs = 0;

        if (g->opts->ldconfig_path != NULL && (cdi_strv_append(&args, &n, "--ldconfig-path") < 0 ||
                                               cdi_strv_append(&args, &n, "%s", g->opts->ldconfig_path) < 0))
                return gen_nomem(g);
        for (size_t i = 0; i < g->nmounts; i++) {
                const struct gen_mount *m = &g->mounts[i];
                size_t before = ndirs;
                char *dir;

                if (m->group != GEN_GROUP_LIBRARY)
                        continue;
                if ((dir = strndup(m->container, (size_t)dir_len(m->container))) == NULL ||
                    gen_strv_add_unique(g, &dirs, &ndirs, dir[0] != '\0' ? dir : "/") < 0) {
                        free(dir);
                        return gen_nomem(g);
                }
                free(dir);
                if (ndirs > before &&
                    (cdi_strv_append(&args, &n, "--folder") < 0 || cdi_strv_append(&args, &n, "%s", dirs[before]) < 0))
                        return gen_nomem(g);
        }
        if (ndirs == 0)
                return 0;
        return simple_hook(g, e, "update-ldcache", (const char *const *)args);
}

int gen_common_hooks(struct gen *g, struct cdi_edits *e)
{
        unsigned disabled = g->opts->disabled_hooks;
        static const char *const none[] = {NULL};

        if (symlinks_hook(g, e, GEN_GROUP_GRAPHICS) < 0 || symlinks_hook(g, e, GEN_GROUP_LIBRARY) < 0)
                return -1;
        /* Management containers run no CUDA application: NVIDIA leaves the
         * compat hook out of their spec. */
        if ((disabled & CDI_GEN_HOOK_ENABLE_CUDA_COMPAT) == 0 && g->opts->mode != CDI_GEN_MODE_MANAGEMENT &&
            cuda_compat_hook(g, e) < 0)
                return -1;
        if ((disabled & CDI_GEN_HOOK_UPDATE_LDCACHE) == 0 && ldcache_hook(g, e) < 0)
                return -1;
        if ((disabled & CDI_GEN_HOOK_DISABLE_DEVICE_NODE_MODIFICATION) == 0 &&
            simple_hook(g, e, "disable-device-node-modification", none) < 0)
                return -1;
        return 0;
}
