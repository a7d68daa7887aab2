/* CRI-O's crio.conf for `nvidia-ctk runtime configure --runtime=crio`
 * (NVIDIA's pkg/config/engine/crio), edited in place so that comments and
 * layout survive; or, as toolkit 1.18 does by default, a drop-in file
 * holding only the NVIDIA runtime (and default_runtime), the config file
 * left alone (CRI-O reads its drop-in directory on its own). CRI-O enables
 * CDI on its own, so --cdi.enabled means nothing here. */
#include "ctk/ctk.h"
#include "ctk/runtime_configure.h"

/* [crio.runtime.runtimes.<name>]: the settings of the default runtime,
 * runc or crun (monitor_path and the like) when one exists, then
 * runtime_path and runtime_type = "oci"; default_runtime on request. */
static int edit(struct error *err, const char *file, struct toml_doc *doc, const struct ctk_runtime_opts *o)
{
        const char *rt[] = {"crio", "runtime", "runtimes", o->name, "runtime_path"};
        const char *dflt[] = {"crio", "runtime", "default_runtime"};

        (void)file;
        if (ctk_toml_copy_runtime(err, doc, rt, 3, dflt, 3, o->name) < 0 ||
            toml_doc_set_string(err, doc, rt, 5, o->path) < 0)
                return -1;
        rt[4] = "runtime_type";
        if (toml_doc_set_string(err, doc, rt, 5, "oci") < 0)
                return -1;
        return o->set_as_default ? toml_doc_set_string(err, doc, dflt, 3, o->name) : 0;
}

static int crio_update(struct error *err, const char *file, const char *text, size_t len,
                       const struct ctk_runtime_opts *o, char **out, size_t *out_len)
{
        return ctk_toml_update(err, file, text, len, o, out, out_len, edit);
}

static int crio_drop_in(struct error *err, const char *file, const char *text, size_t len,
                        const struct ctk_runtime_opts *o, const char *drop_in, struct ctk_texts *out)
{
        const struct ctk_toml_path paths[] = {
                {{"crio", "runtime", "default_runtime"}, 3},
                {{"crio", "runtime", "runtimes", o->name}, 4},
        };

        (void)drop_in;
        return ctk_toml_extract(err, file, text, len, o, edit, paths + !o->set_as_default,
                                o->set_as_default ? 2 : 1, &out->drop, &out->drop_len);
}

const struct ctk_engine ctk_engine_crio = {
        .name = "crio",
        .config = "/etc/crio/crio.conf",
        .absolute_path = true,
        .cdi = false,
        .update = crio_update,
        .drop_in = "/etc/crio/conf.d/99-nvidia.toml",
        .drop_in_update = crio_drop_in,
};
