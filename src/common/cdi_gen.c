/* The CDI spec generator (cdi_gen.h): the run's state, the spec's frame
 * (kind, env, version) and the checks that every spec leaves here sorted
 * and valid. The devices, common files and hooks are built by the
 * cdi_gen_*.c files (cdi_gen_internal.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cdi_gen_internal.h"

unsigned cdi_gen_hook_from_name(const char *name)
{
        static const struct {
                const char *name;
                unsigned flag;
        } hooks[] = {
                {"create-symlinks", CDI_GEN_HOOK_CREATE_SYMLINKS},
                {"enable-cuda-compat", CDI_GEN_HOOK_ENABLE_CUDA_COMPAT},
                {"update-ldcache", CDI_GEN_HOOK_UPDATE_LDCACHE},
                {"disable-device-node-modification", CDI_GEN_HOOK_DISABLE_DEVICE_NODE_MODIFICATION},
                {"all", CDI_GEN_HOOK_ALL},
        };

        for (size_t i = 0; i < GEN_NITEMS(hooks); i++)
                if (strcmp(name, hooks[i].name) == 0)
                        return hooks[i].flag;
        return 0;
}

static void gen_fini(struct gen *g)
{
        for (size_t i = 0; i < g->nmounts; i++) {
                free(g->mounts[i].host);
                free(g->mounts[i].container);
        }
        free(g->mounts);
        free(g->root);
        free(g->dev_root);
}

static void spec_freep(struct cdi_spec **spec)
{
        cdi_spec_free(*spec);
}

/* The real path of a root (NULL: "/"), "" for the host's "/". */
static int real_root(struct gen *g, const char *root, const char *what, char **out)
{
        if ((*out = realpath(root != NULL ? root : "/", NULL)) == NULL)
                return error_set(g->err, "resolve %s `%s`", what, root != NULL ? root : "/");
        if (strcmp(*out, "/") == 0)
                (*out)[0] = '\0';
        return 0;
}

static int common_edits(struct gen *g, struct cdi_edits *e)
{
        /* Keeps the NVIDIA runtime of a container started with this spec
         * from injecting GPUs a second time. */
        if (cdi_strv_append(&e->env, NULL, "NVIDIA_VISIBLE_DEVICES=void") < 0)
                return gen_nomem(g);
        if (gen_common_files(g, e) < 0 || gen_common_hooks(g, e) < 0)
                return -1;
        return 0;
}

static int new_spec(struct gen *g, struct cdi_spec **out)
{
        const char *vendor = g->opts->vendor != NULL ? g->opts->vendor : "nvidia.com";
        const char *class = g->opts->class != NULL ? g->opts->class : "gpu";
        char *kind = NULL;

        if (asprintf(&kind, "%s/%s", vendor, class) < 0 || (*out = calloc(1, sizeof(**out))) == NULL) {
                free(kind);
                return gen_nomem(g);
        }
        (*out)->kind = kind;
        return 0;
}

int cdi_generate(struct error *err, const struct cdi_gen_options *opts, const struct cdi_gen_driver *driver,
                 struct cdi_spec **out)
{
        struct gen g __attribute__((cleanup(gen_fini))) = {.opts = opts, .driver = driver, .err = err};
        struct cdi_spec *spec __attribute__((cleanup(spec_freep))) = NULL;
        const char *dev_root = opts->dev_root != NULL ? opts->dev_root : opts->driver_root;

        if (driver->version == NULL || driver->version[0] == '\0')
                return error_setx(err, "failed to determine driver version");
        if (real_root(&g, opts->driver_root, "driver root", &g.root) < 0 ||
            real_root(&g, dev_root, "device root", &g.dev_root) < 0 || new_spec(&g, &spec) < 0)
                return -1;
        /* Devices first: NVIDIA logs their nodes before the common files. */
        if (gen_devices(&g, spec) < 0 || common_edits(&g, &spec->edits) < 0)
                return -1;
        if ((spec->version = strdup(cdi_spec_required_version(spec))) == NULL)
                return gen_nomem(&g);
        cdi_spec_sort(spec);
        if (cdi_spec_validate(err, spec) < 0)
                return error_prefix(err, "generated CDI spec is invalid");
        *out = spec;
        spec = NULL;
        return 0;
}
