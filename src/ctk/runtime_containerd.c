/* containerd's config.toml for `nvidia-ctk runtime configure
 * --runtime=containerd` (NVIDIA's pkg/config/engine/containerd), edited in
 * place so that comments and layout survive (upstream rewrites the file
 * from go-toml's tree, which keeps neither).
 *
 * The CRI plugin's name depends on the config's version: "cri" (version
 * 1, or no version key in a non-empty file), "io.containerd.grpc.v1.cri"
 * (2, and the version given to an empty or missing file), and
 * "io.containerd.cri.v1.runtime" (3, containerd 2.x).
 *
 * With a drop-in file (toolkit 1.18's default), the NVIDIA settings go to
 * it, a small config of the same version, and the config file only gains
 * the drop-in's directory in `imports`. Version 1 has no imports: its
 * config file is edited as without a drop-in. */
#include <fnmatch.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

#include "ctk/ctk.h"
#include "ctk/runtime_configure.h"

#define DEFAULT_VERSION 2
#define RUNTIME_TYPE "io.containerd.runc.v2"

static int config_version(struct error *err, const char *file, const struct toml_doc *doc, int64_t *version)
{
        const struct toml_value *v = toml_doc_get(doc, (const char *const[]){"version"}, 1);

        if (toml_doc_root(doc)->len == 0)
                *version = DEFAULT_VERSION;
        else if (v == NULL)
                *version = 1;
        else if (v->type != TOML_INTEGER)
                return error_setx(err, "%s:%u:%u: unsupported type for version field: %s", file, v->pos.line,
                                  v->pos.col, toml_type_name(v->type));
        else if (v->u.integer < 1)
                return error_setx(err, "%s:%u:%u: unsupported config version %" PRId64, file, v->pos.line,
                                  v->pos.col, v->u.integer);
        else
                *version = v->u.integer;
        return 0;
}

/* The settings of a runtime made from nothing, when there is no runc (or
 * other low-level runtime) to copy them from. */
static int set_defaults(struct error *err, struct toml_doc *doc, const char **rt, const char *default_runtime)
{
        const char *candidates[3];
        size_t n = ctk_low_level_runtimes(default_runtime, candidates), used = 0;
        char list[256] = "";

        /* Go's %v of a []string: "[runc crun]". */
        for (size_t i = 0; i < n && used < sizeof(list); i++)
                used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i > 0 ? " " : "", candidates[i]);
        ctk_log(CTK_WARN, "could not infer options from runtimes [%s]; using defaults", list);
        rt[5] = "privileged_without_host_devices";
        if (toml_doc_set_bool(err, doc, rt, 6, false) < 0)
                return -1;
        rt[5] = "runtime_engine";
        if (toml_doc_set_string(err, doc, rt, 6, "") < 0)
                return -1;
        rt[5] = "runtime_root";
        if (toml_doc_set_string(err, doc, rt, 6, "") < 0)
                return -1;
        rt[5] = "runtime_type";
        return toml_doc_set_string(err, doc, rt, 6, RUNTIME_TYPE);
}

/* Adds plugins.<cri>.containerd.runtimes.<name>: the settings of runc (or
 * the default runtime) or defaults, with options.BinaryName (and, for
 * version 1's shim v1, options.Runtime) the NVIDIA runtime. */
static int add_runtime(struct error *err, struct toml_doc *doc, const char *plugin, bool v1,
                       const struct ctk_runtime_opts *o)
{
        const char *rt[] = {"plugins", plugin, "containerd", "runtimes", o->name, "options", "BinaryName"};
        const char *dflt[] = {"plugins", plugin, "containerd", "default_runtime_name"};
        int copied = ctk_toml_copy_runtime(err, doc, rt, 4, dflt, 4, o->name);
        const struct toml_value *v = toml_doc_get(doc, dflt, 4);

        if (copied < 0)
                return -1;
        if (copied == 0 && set_defaults(err, doc, rt, v != NULL && v->type == TOML_STRING ? v->u.str.ptr : NULL) < 0)
                return -1;
        rt[5] = "options";
        if (toml_doc_set_string(err, doc, rt, 7, o->path) < 0)
                return -1;
        rt[6] = "Runtime";
        return v1 ? toml_doc_set_string(err, doc, rt, 7, o->path) : 0;
}

static int edit(struct error *err, const char *file, struct toml_doc *doc, const struct ctk_runtime_opts *o)
{
        int64_t version = DEFAULT_VERSION;
        const char *plugin;

        if (config_version(err, file, doc, &version) < 0)
                return -1;
        plugin = version == 1 ? "cri" : version == 2 ? "io.containerd.grpc.v1.cri" : "io.containerd.cri.v1.runtime";
        ctk_log(CTK_INFO, "Using config version %" PRId64, version);
        ctk_log(CTK_INFO, "Using CRI runtime plugin name \"%s\"", plugin);
        if (toml_doc_set_int(err, doc, (const char *const[]){"version"}, 1, version) < 0 ||
            add_runtime(err, doc, plugin, version == 1, o) < 0)
                return -1;
        if (o->set_as_default &&
            toml_doc_set_string(err, doc, (const char *const[]){"plugins", plugin, "containerd", "default_runtime_name"},
                                4, o->name) < 0)
                return -1;
        /* The CRI plugin's own key, where containerd reads it (upstream
         * puts it under containerd.* for version 1, where it is ignored). */
        if (o->cdi && toml_doc_set_bool(err, doc, (const char *const[]){"plugins", plugin, "enable_cdi"}, 3, true) < 0)
                return -1;
        return 0;
}

static int containerd_update(struct error *err, const char *file, const char *text, size_t len,
                             const struct ctk_runtime_opts *o, char **out, size_t *out_len)
{
        return ctk_toml_update(err, file, text, len, o, out, out_len, edit);
}

/* Whether an entry of imports (a path or a glob, as containerd reads it)
 * already brings in the drop-in file. */
static bool imported(const struct toml_value *imports, const char *pattern, const char *drop_in)
{
        for (size_t i = 0; imports != NULL && i < imports->u.array->len; i++) {
                const char *entry = imports->u.array->items[i].u.str.ptr;

                if (strcmp(entry, pattern) == 0 || fnmatch(entry, drop_in, FNM_PATHNAME) == 0)
                        return true;
        }
        return false;
}

/* The entries of imports (an array of strings, or NULL), then extra. */
static int import_list(struct error *err, const char *file, const struct toml_value *imports, const char *extra,
                       const char ***list)
{
        size_t n = imports != NULL ? imports->u.array->len : 0;

        for (size_t i = 0; i < n; i++) {
                const struct toml_value *v = &imports->u.array->items[i];

                if (v->type != TOML_STRING)
                        return error_setx(err, "%s:%u:%u: imports: not a string", file, v->pos.line, v->pos.col);
        }
        if ((*list = calloc(n + 2, sizeof(**list))) == NULL)
                return error_set(err, "update `%s`", file);
        for (size_t i = 0; i < n; i++)
                (*list)[i] = imports->u.array->items[i].u.str.ptr;
        (*list)[n] = extra;
        return 0;
}

/* Adds a glob of the .toml files of the drop-in's directory to imports unless
 * an entry brings the drop-in in already (*out NULL then). An empty
 * config gets the version too, as containerd needs it for imports. */
static int add_import(struct error *err, struct toml_doc *doc, const char *file, const char *drop_in, char **out,
                      size_t *out_len)
{
        const struct toml_value *v = toml_doc_get(doc, (const char *const[]){"imports"}, 1);
        cleanup_free char *copy = strdup(drop_in), *pattern = NULL;
        cleanup_free const char **list = NULL;
        const char *text;

        if (copy == NULL || asprintf(&pattern, "%s/*.toml", dirname(copy)) < 0)
                return error_set(err, "update `%s`", file);
        if (v != NULL && v->type != TOML_ARRAY)
                return error_setx(err, "%s:%u:%u: imports: not an array", file, v->pos.line, v->pos.col);
        if (import_list(err, file, v, pattern, &list) < 0)
                return -1;
        if (imported(v, pattern, drop_in))
                return 0;
        if (toml_doc_root(doc)->len == 0 &&
            toml_doc_set_int(err, doc, (const char *const[]){"version"}, 1, DEFAULT_VERSION) < 0)
                return -1;
        if (toml_doc_set_strings(err, doc, (const char *const[]){"imports"}, 1, list) < 0)
                return -1;
        text = toml_doc_text(doc, out_len);
        if ((*out = strdup(text)) == NULL)
                return error_set(err, "update `%s`", file);
        return 0;
}

/* What the drop-in holds: the version, the CRI plugin's settings that
 * were asked for, and the runtime. */
static size_t drop_in_paths(const char *plugin, const struct ctk_runtime_opts *o, struct ctk_toml_path p[4])
{
        size_t n = 0;

        p[n++] = (struct ctk_toml_path){{"version"}, 1};
        if (o->cdi)
                p[n++] = (struct ctk_toml_path){{"plugins", plugin, "enable_cdi"}, 3};
        if (o->set_as_default)
                p[n++] = (struct ctk_toml_path){{"plugins", plugin, "containerd", "default_runtime_name"}, 4};
        p[n++] = (struct ctk_toml_path){{"plugins", plugin, "containerd", "runtimes", o->name}, 5};
        return n;
}

static int containerd_drop_in(struct error *err, const char *file, const char *text, size_t len,
                              const struct ctk_runtime_opts *o, const char *drop_in, struct ctk_texts *out)
{
        struct toml_doc *doc = NULL;
        struct ctk_toml_path paths[4];
        int64_t version = DEFAULT_VERSION;
        const char *plugin;
        int rv;

        if (toml_doc_parse(err, file, text != NULL ? text : "", text != NULL ? len : 0, &doc) < 0)
                return -1;
        rv = config_version(err, file, doc, &version);
        if (rv == 0 && version == 1) {
                toml_doc_free(doc);
                return containerd_update(err, file, text, len, o, &out->main, &out->main_len);
        }
        plugin = version == 2 ? "io.containerd.grpc.v1.cri" : "io.containerd.cri.v1.runtime";
        if (rv == 0)
                rv = ctk_toml_extract(err, file, text, len, o, edit, paths, drop_in_paths(plugin, o, paths),
                                      &out->drop, &out->drop_len);
        if (rv == 0)
                rv = add_import(err, doc, file, drop_in, &out->main, &out->main_len);
        toml_doc_free(doc);
        if (rv < 0) {
                free(out->drop);
                out->drop = NULL;
        }
        return rv;
}

const struct ctk_engine ctk_engine_containerd = {
        .name = "containerd",
        .config = "/etc/containerd/config.toml",
        .absolute_path = true,
        .cdi = true,
        .update = containerd_update,
        .drop_in = "/etc/containerd/conf.d/99-nvidia.toml",
        .drop_in_update = containerd_drop_in,
};
