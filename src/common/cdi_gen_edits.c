/* Building container edits for the CDI spec generator
 * (cdi_gen_internal.h), with the ownership cdi_spec_free expects: every
 * string and array malloc'd, string lists NULL-terminated. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cdi_gen_internal.h"
#include "common/cleanup.h"
#include "common/strv.h"

#define DEFAULT_HOOK_PATH "/usr/bin/nvidia-cdi-hook"

int gen_add_node(struct gen *g, struct cdi_edits *e, const char *path)
{
        struct cdi_device_node *v, *node;

        for (size_t i = 0; i < e->n_device_nodes; i++)
                if (strcmp(e->device_nodes[i].path, path) == 0)
                        return 0;
        if ((v = realloc(e->device_nodes, (e->n_device_nodes + 1) * sizeof(*v))) == NULL)
                return gen_nomem(g);
        e->device_nodes = v;
        node = &v[e->n_device_nodes];
        *node = (struct cdi_device_node){.path = strdup(path)};
        if (g->dev_root[0] != '\0')
                node->host_path = gen_join(g->dev_root, path);
        /* Counted even when incomplete, so that cdi_spec_free frees it. */
        e->n_device_nodes++;
        if (node->path == NULL || (g->dev_root[0] != '\0' && node->host_path == NULL))
                return gen_nomem(g);
        return 0;
}

int gen_node_exists(struct gen *g, const char *path, bool required)
{
        cleanup_free char *host = gen_join(g->dev_root, path);
        struct stat st;

        if (host == NULL)
                return gen_nomem(g);
        if (stat(host, &st) < 0) {
                if (required)
                        return error_set(g->err, "locate device node `%s`", host);
                gen_log(g, CDI_GEN_LOG_WARN, "Could not locate %s: pattern %s not found", path, path);
                return 0;
        }
        gen_log(g, CDI_GEN_LOG_INFO, "Selecting %s as %s", host, path);
        return 1;
}

int gen_select_node(struct gen *g, struct cdi_edits *e, const char *path, bool required)
{
        int r = gen_node_exists(g, path, required);

        if (r <= 0)
                return r;
        return gen_add_node(g, e, path) < 0 ? -1 : 1;
}

int gen_add_mount(struct gen *g, struct cdi_edits *e, const char *host, const char *container, bool noexec)
{
        static const char *const options[] = {"ro", "nosuid", "nodev", "bind", "noexec", NULL};
        struct cdi_mount *v, *m;

        for (size_t i = 0; i < e->n_mounts; i++)
                if (strcmp(e->mounts[i].host_path, host) == 0)
                        return 0;
        if ((v = realloc(e->mounts, (e->n_mounts + 1) * sizeof(*v))) == NULL)
                return gen_nomem(g);
        e->mounts = v;
        m = &v[e->n_mounts++];
        *m = (struct cdi_mount){.host_path = strdup(host), .container_path = strdup(container)};
        if ((m->options = strv_dup(options)) != NULL && !noexec) {
                free(m->options[4]);
                m->options[4] = NULL;
        }
        if (m->host_path == NULL || m->container_path == NULL || m->options == NULL)
                return gen_nomem(g);
        return 0;
}

int gen_hook_args(struct gen *g, const char *name, char ***args, size_t *n)
{
        const char *path = g->opts->hook_path != NULL ? g->opts->hook_path : DEFAULT_HOOK_PATH;
        const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
        bool ctk = strcmp(base, "nvidia-ctk") == 0;

        /* nvidia-ctk carries the hooks as its "hook" subcommand. */
        if (cdi_strv_append(args, n, "%s", base) < 0 || (ctk && cdi_strv_append(args, n, "hook") < 0) ||
            cdi_strv_append(args, n, "%s", name) < 0)
                return gen_nomem(g);
        return 0;
}

int gen_add_hook(struct gen *g, struct cdi_edits *e, char **args)
{
        static const char *const env[] = {"NVIDIA_CTK_DEBUG=false", NULL};
        const char *path = g->opts->hook_path != NULL ? g->opts->hook_path : DEFAULT_HOOK_PATH;
        struct cdi_hook *v, *h;

        if ((v = realloc(e->hooks, (e->n_hooks + 1) * sizeof(*v))) == NULL) {
                strv_free(args);
                return gen_nomem(g);
        }
        e->hooks = v;
        h = &v[e->n_hooks++];
        *h = (struct cdi_hook){
                .hook_name = strdup("createContainer"), .path = strdup(path), .args = args, .env = strv_dup(env)};
        if (h->hook_name == NULL || h->path == NULL || h->env == NULL)
                return gen_nomem(g);
        return 0;
}

int gen_add_links_hook(struct gen *g, struct cdi_edits *e, char *const *links)
{
        char **args = NULL;
        size_t n = 0;

        if (links == NULL || links[0] == NULL || (g->opts->disabled_hooks & CDI_GEN_HOOK_CREATE_SYMLINKS) != 0)
                return 0;
        if (gen_hook_args(g, "create-symlinks", &args, &n) < 0) {
                strv_free(args);
                return -1;
        }
        for (size_t i = 0; links[i] != NULL; i++) {
                if (cdi_strv_append(&args, &n, "--link") < 0 || cdi_strv_append(&args, &n, "%s", links[i]) < 0) {
                        strv_free(args);
                        return gen_nomem(g);
                }
        }
        return gen_add_hook(g, e, args);
}

int gen_strv_add_unique(struct gen *g, char ***list, size_t *n, const char *s)
{
        for (size_t i = 0; i < *n; i++)
                if (strcmp((*list)[i], s) == 0)
                        return 0;
        return cdi_strv_append(list, n, "%s", s) < 0 ? gen_nomem(g) : 0;
}
