/* The TOML engines: containerd ("containerd") and CRI-O ("crio"). Each
 * reads a main config file and more files beside it: containerd the files
 * its `imports` name (globs; `runtime configure` puts its drop-in there),
 * CRI-O every file of its drop-in directories, later ones overriding.
 * The NVIDIA runtime is looked up in all of them, the last definition
 * winning, as the engines merge them. */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/toml.h"
#include "ctk/system_check.h"

struct toml_file {
        char *path;
        struct toml_table *root;
};

struct toml_set {
        const char *check; /* "containerd" or "crio", for findings */
        const char *unit;  /* the service to restart after a fix */
        struct toml_file *v;
        size_t n;
};

static void set_free(struct toml_set *s)
{
        for (size_t i = 0; i < s->n; i++) {
                free(s->v[i].path);
                toml_free(s->v[i].root);
        }
        free(s->v);
        s->v = NULL;
        s->n = 0;
}

static bool set_has(const struct toml_set *s, const char *path)
{
        for (size_t i = 0; i < s->n; i++)
                if (strcmp(s->v[i].path, path) == 0)
                        return true;
        return false;
}

/* Parses path into s: 0 when added (or already there), 1 when it does not
 * exist, -1 when it is broken (a fail finding) or memory ran out. */
static int set_add(struct ctk_report *r, struct toml_set *s, const char *path)
{
        struct toml_table *root = NULL;
        struct toml_file *v;
        struct error err = {0};

        if (set_has(s, path))
                return 0;
        if (toml_parse_file(&err, path, &root) < 0) {
                if (err.code == ENOENT) {
                        error_reset(&err);
                        return 1;
                }
                ctk_report_add(r, s->check, CTK_CHECK_FAIL, "%s", error_msg(&err));
                ctk_report_why(r, "%s refuses to start with a config file it cannot read", s->check);
                ctk_report_fix(r, "correct the file at that place, then systemctl restart %s", s->unit);
                error_reset(&err);
                return -1;
        }
        if ((v = reallocarray(s->v, s->n + 1, sizeof(*v))) == NULL || (v[s->n].path = strdup(path)) == NULL) {
                if (v != NULL)
                        s->v = v;
                toml_free(root);
                r->nomem = true;
                return -1;
        }
        s->v = v;
        v[s->n++].root = root;
        return 0;
}

/* Adds the files matching pattern, in name order. */
static int set_add_glob(struct ctk_report *r, struct toml_set *s, const char *pattern)
{
        glob_t g;
        int rv = 0;

        if (glob(pattern, 0, NULL, &g) != 0)
                return 0;
        for (size_t i = 0; i < g.gl_pathc && rv >= 0; i++)
                rv = set_add(r, s, g.gl_pathv[i]);
        globfree(&g);
        return rv < 0 ? -1 : 0;
}

/* The value of key (a string) in table t, or NULL. */
static const char *string_at(const struct toml_table *t, const char *key)
{
        const struct toml_value *v = toml_table_get(t, key, strlen(key));

        return v != NULL && v->type == TOML_STRING ? v->u.str.ptr : NULL;
}

/* Where the runtime was found last, and the executable it names. */
struct found {
        const struct toml_file *file;
        const struct toml_table *runtime;
};

static void runtime_missing(struct ctk_report *r, const struct toml_set *s, const char *what, const char *why,
                            const char *fix_config)
{
        ctk_report_add(r, s->check, CTK_CHECK_WARN, "%s", what);
        ctk_report_why(r, "%s", why);
        ctk_report_fix(r, "nvidia-ctk runtime configure --runtime=%s%s && systemctl restart %s", s->check, fix_config,
                       s->unit);
}

/* The runtime's executable (key binary in table at, which may be NULL):
 * an ok or fail finding. */
static void check_binary(struct ctk_check_ctx *c, struct ctk_report *r, const struct toml_set *s,
                         const struct found *f, const char *key, const char *binary, const char *fix_config)
{
        cleanup_free char *exe = binary != NULL ? ctk_host_which(c->root, binary) : NULL;

        if (exe != NULL) {
                ctk_report_add(r, s->check, CTK_CHECK_OK, "runtime nvidia is %s (%s)", exe, f->file->path);
                return;
        }
        if (binary == NULL)
                ctk_report_add(r, s->check, CTK_CHECK_FAIL, "%s: runtime nvidia has no %s", f->file->path, key);
        else
                ctk_report_add(r, s->check, CTK_CHECK_FAIL, "%s: runtime nvidia's %s \"%s\" is not an executable "
                                                            "under %s", f->file->path, key, binary, c->root);
        ctk_report_why(r, "containers of the nvidia runtime %s",
                       binary == NULL ? "do not go through nvidia-container-runtime and get no GPU"
                                      : "fail to start: the engine cannot run it");
        ctk_report_fix(r, "nvidia-ctk runtime configure --runtime=%s%s (after installing nvidia-container-toolkit), "
                          "then systemctl restart %s", s->check, fix_config, s->unit);
}

/* The flags `runtime configure` needs to write where this check read:
 * the config file unless it is the default, and the drop-in file inside a
 * root other than "/". */
static void fix_flags(const struct ctk_check_ctx *c, bool is_default, const char *config, const char *drop_in,
                      char *buf, size_t size)
{
        cleanup_free char *in_root = strcmp(c->root, "/") != 0 ? ctk_host_path(c->root, drop_in) : NULL;

        snprintf(buf, size, "%s%s%s%s", is_default ? "" : " --config=", is_default ? "" : config,
                 in_root != NULL ? " --drop-in-config=" : "", in_root != NULL ? in_root : "");
}

/* --- containerd ------------------------------------------------------------------------ */

/* The CRI plugin's names for a config version, as containerd reads them. */
static const char *const *cri_plugins(const struct toml_table *root)
{
        static const char *const v1[] = {"cri", "\"io.containerd.grpc.v1.cri\"", NULL};
        static const char *const v2[] = {"\"io.containerd.grpc.v1.cri\"", NULL};
        static const char *const v3[] = {"\"io.containerd.cri.v1.runtime\"", NULL};
        const struct toml_value *v = toml_table_get(root, "version", 7);

        if (v == NULL || v->type != TOML_INTEGER || v->u.integer <= 1)
                return v1;
        return v->u.integer == 2 ? v2 : v3;
}

/* Finds the runtime and (cdi not NULL) enable_cdi in one file. */
static void containerd_scan(const struct toml_file *file, struct found *f, bool *cdi)
{
        for (const char *const *p = cri_plugins(file->root); *p != NULL; p++) {
                char path[128];
                const struct toml_value *v;

                snprintf(path, sizeof(path), "plugins.%s.containerd.runtimes.nvidia", *p);
                if ((v = toml_get(file->root, path)) != NULL && v->type == TOML_TABLE)
                        *f = (struct found){file, v->u.table};
                snprintf(path, sizeof(path), "plugins.%s.enable_cdi", *p);
                if (cdi != NULL && (v = toml_get(file->root, path)) != NULL && v->type == TOML_BOOL)
                        *cdi = v->u.boolean;
        }
}

/* The files the main config imports (relative patterns are relative to
 * its directory). */
static int containerd_imports(struct ctk_check_ctx *c, struct ctk_report *r, struct toml_set *s)
{
        const struct toml_value *imports = toml_table_get(s->v[0].root, "imports", 7);
        cleanup_free char *copy = strdup(s->v[0].path);
        const char *dir = copy != NULL ? dirname(copy) : "/";

        for (size_t i = 0; imports != NULL && imports->type == TOML_ARRAY && i < imports->u.array->len; i++) {
                const struct toml_value *v = &imports->u.array->items[i];
                cleanup_free char *pattern = NULL;

                if (v->type != TOML_STRING)
                        continue;
                if (v->u.str.ptr[0] == '/')
                        pattern = ctk_host_path(c->root, v->u.str.ptr);
                else if (asprintf(&pattern, "%s/%s", dir, v->u.str.ptr) < 0)
                        pattern = NULL;
                if (pattern == NULL) {
                        r->nomem = true;
                        return -1;
                }
                if (set_add_glob(r, s, pattern) < 0)
                        return -1;
        }
        return 0;
}

/* A drop-in of conf.d that defines the runtime but is not imported. */
static void containerd_orphan(struct ctk_check_ctx *c, struct ctk_report *r, struct toml_set *s,
                              const char *fix_config)
{
        cleanup_free char *pattern = ctk_host_path(c->root, "/etc/containerd/conf.d/*.toml"), *what = NULL;
        size_t imported = s->n;
        struct found f = {NULL, NULL};

        if (pattern == NULL || set_add_glob(r, s, pattern) < 0)
                return;
        for (size_t i = imported; i < s->n; i++)
                containerd_scan(&s->v[i], &f, NULL);
        if (f.file != NULL && asprintf(&what, "%s defines runtime nvidia, but %s does not import it", f.file->path,
                                       s->v[0].path) >= 0)
                runtime_missing(r, s, what, "containerd never reads that file: the nvidia runtime is unknown to it",
                                fix_config);
        else if (f.file == NULL && asprintf(&what, "no runtime nvidia in %s or the files it imports",
                                            s->v[0].path) >= 0)
                runtime_missing(r, s, what, "a RuntimeClass with handler nvidia (or ctr run --runtime nvidia) fails: "
                                            "containerd has no such runtime", fix_config);
        else
                r->nomem = true;
}

static void containerd_runtime(struct ctk_check_ctx *c, struct ctk_report *r, struct toml_set *s,
                               const char *fix_config)
{
        struct found f = {NULL, NULL};
        const struct toml_value *opts;
        const char *binary = NULL;

        for (size_t i = 0; i < s->n; i++)
                containerd_scan(&s->v[i], &f, &c->containerd_cdi);
        if (f.file == NULL) {
                containerd_orphan(c, r, s, fix_config);
                return;
        }
        opts = toml_table_get(f.runtime, "options", 7);
        if (opts != NULL && opts->type == TOML_TABLE)
                binary = string_at(opts->u.table, "BinaryName") != NULL ? string_at(opts->u.table, "BinaryName")
                                                                        : string_at(opts->u.table, "Runtime");
        check_binary(c, r, s, &f, "options.BinaryName", binary, fix_config);
}

void ctk_check_containerd(struct ctk_check_ctx *c, struct ctk_report *r)
{
        cleanup_free char *bin = ctk_host_which(c->root, "containerd"), *what = NULL;
        struct toml_set s = {"containerd", "containerd", NULL, 0};
        char fix_config[8192];
        int rv;

        fix_flags(c, c->containerd_default, c->containerd_config, "/etc/containerd/conf.d/99-nvidia.toml", fix_config,
                  sizeof(fix_config));
        rv = set_add(r, &s, c->containerd_config);
        if (rv == 1 && bin == NULL) {
                ctk_report_add(r, "containerd", CTK_CHECK_OK, "not installed");
                return;
        }
        if (rv == 1 &&
            asprintf(&what, "%s does not exist: containerd has no nvidia runtime", c->containerd_config) >= 0)
                runtime_missing(r, &s, what, "a RuntimeClass with handler nvidia (or ctr run --runtime nvidia) fails: "
                                             "containerd has no such runtime", fix_config);
        else if (rv == 0 && containerd_imports(c, r, &s) == 0)
                containerd_runtime(c, r, &s, fix_config);
        set_free(&s);
}

/* --- CRI-O --------------------------------------------------------------------------------- */

static int crio_files(struct ctk_check_ctx *c, struct ctk_report *r, struct toml_set *s)
{
        static const char *const dirs[] = {"/etc/crio/crio.conf.d/*", "/etc/crio/conf.d/*"};

        if (set_add(r, s, c->crio_config) < 0)
                return -1;
        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
                cleanup_free char *pattern = ctk_host_path(c->root, dirs[i]);

                if (pattern == NULL || set_add_glob(r, s, pattern) < 0)
                        return -1;
        }
        return 0;
}

/* The last [crio.runtime.runtimes.nvidia] of the files, and its runtime_path. */
static void crio_runtime(struct ctk_check_ctx *c, struct ctk_report *r, const struct toml_set *s,
                         const char *fix_config)
{
        cleanup_free char *what = NULL;
        struct found f = {NULL, NULL};

        for (size_t i = 0; i < s->n; i++) {
                const struct toml_value *v = toml_get(s->v[i].root, "crio.runtime.runtimes.nvidia");

                if (v != NULL && v->type == TOML_TABLE)
                        f = (struct found){&s->v[i], v->u.table};
        }
        if (f.file != NULL)
                check_binary(c, r, s, &f, "runtime_path", string_at(f.runtime, "runtime_path"), fix_config);
        else if (asprintf(&what, "no [crio.runtime.runtimes.nvidia] in %s or its drop-in directories",
                          c->crio_config) >= 0)
                runtime_missing(r, s, what, "a RuntimeClass with handler nvidia fails: CRI-O has no such runtime "
                                            "handler", fix_config);
        else
                r->nomem = true;
}

void ctk_check_crio(struct ctk_check_ctx *c, struct ctk_report *r)
{
        cleanup_free char *bin = ctk_host_which(c->root, "crio");
        struct toml_set s = {"crio", "crio", NULL, 0};
        char fix_config[8192];
        int rv;

        fix_flags(c, c->crio_default, c->crio_config, "/etc/crio/conf.d/99-nvidia.toml", fix_config,
                  sizeof(fix_config));
        /* A broken file is reported as it is read. */
        rv = crio_files(c, r, &s);
        if (rv == 0 && s.n == 0 && bin == NULL)
                ctk_report_add(r, "crio", CTK_CHECK_OK, "not installed");
        else if (rv == 0)
                crio_runtime(c, r, &s, fix_config);
        set_free(&s);
}
