/* The CDI model (cdi.h): freeing a spec, finding a device, and the list
 * helper the module's files share. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cdi_internal.h"
#include "common/strv.h"

static void free_annotations(struct cdi_annotation *a, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(a[i].key);
                free(a[i].value);
        }
        free(a);
}

static void free_intel_rdt(struct cdi_intel_rdt *rdt)
{
        if (rdt == NULL)
                return;
        free(rdt->clos_id);
        free(rdt->l3_cache_schema);
        free(rdt->mem_bw_schema);
        strv_free(rdt->schemata);
        free(rdt);
}

static void free_edits(struct cdi_edits *e)
{
        strv_free(e->env);
        for (size_t i = 0; i < e->n_device_nodes; i++) {
                free(e->device_nodes[i].path);
                free(e->device_nodes[i].host_path);
                free(e->device_nodes[i].type);
                free(e->device_nodes[i].permissions);
        }
        free(e->device_nodes);
        for (size_t i = 0; i < e->n_net_devices; i++) {
                free(e->net_devices[i].host_interface_name);
                free(e->net_devices[i].name);
        }
        free(e->net_devices);
        for (size_t i = 0; i < e->n_hooks; i++) {
                free(e->hooks[i].hook_name);
                free(e->hooks[i].path);
                strv_free(e->hooks[i].args);
                strv_free(e->hooks[i].env);
        }
        free(e->hooks);
        for (size_t i = 0; i < e->n_mounts; i++) {
                free(e->mounts[i].host_path);
                free(e->mounts[i].container_path);
                free(e->mounts[i].type);
                strv_free(e->mounts[i].options);
        }
        free(e->mounts);
        free_intel_rdt(e->intel_rdt);
        free(e->additional_gids);
}

void cdi_spec_free(struct cdi_spec *spec)
{
        if (spec == NULL)
                return;
        free(spec->version);
        free(spec->kind);
        free_annotations(spec->annotations, spec->n_annotations);
        for (size_t i = 0; i < spec->n_devices; i++) {
                free(spec->devices[i].name);
                free_annotations(spec->devices[i].annotations, spec->devices[i].n_annotations);
                free_edits(&spec->devices[i].edits);
        }
        free(spec->devices);
        free_edits(&spec->edits);
        free(spec->path);
        free(spec);
}

const struct cdi_device *cdi_spec_device(const struct cdi_spec *spec, const char *name)
{
        for (size_t i = 0; i < spec->n_devices; i++)
                if (spec->devices[i].name != NULL && strcmp(spec->devices[i].name, name) == 0)
                        return &spec->devices[i];
        return NULL;
}

int cdi_strv_append(char ***list, size_t *n, const char *fmt, ...)
{
        size_t len = n != NULL ? *n : strv_len((const char *const *)*list);
        char **v, *line = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&line, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -1;
        if ((v = realloc(*list, (len + 2) * sizeof(*v))) == NULL) {
                free(line);
                return -1;
        }
        v[len] = line;
        v[len + 1] = NULL;
        *list = v;
        if (n != NULL)
                *n = len + 1;
        return 0;
}
