/* OCI runtime specs: loading and read accessors (oci.h). The type checks
 * live in oci_validate.c, the atomic write in oci_write.c, the container
 * state in oci_state.c. */
#include "common/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json_util.h"
#include "common/oci_internal.h"
#include "common/path_clean.h"
#include "common/semver.h"

/* Far above any real config.json, low enough that a hostile file cannot
 * make a root process allocate without bound. */
#define SPEC_MAX (64u << 20)

int oci_spec_parse(struct error *err, const char *name, const char *text, size_t len, const char *bundle,
                   struct oci_spec *spec)
{
        memset(spec, 0, sizeof(*spec));
        spec->path = strdup(name);
        spec->bundle = strdup(bundle);
        if (spec->path == NULL || spec->bundle == NULL) {
                oci_spec_free(spec);
                return error_set(err, "load OCI spec `%s`", name);
        }
        if (json_util_parse(err, text, len, &spec->json) < 0 || oci_spec_check_types(err, spec) < 0) {
                oci_spec_free(spec);
                return error_prefix(err, "load OCI spec `%s`", name);
        }
        return 0;
}

/* An absolute form of path (against the working directory), so that a
 * relative root.path resolves the same wherever the caller later runs. */
static char *absolute(const char *path)
{
        char cwd[PATH_MAX], *joined = NULL, *clean;

        if (path[0] == '/')
                return path_clean(path);
        if (getcwd(cwd, sizeof(cwd)) == NULL || asprintf(&joined, "%s/%s", cwd, path) < 0)
                return NULL;
        clean = path_clean(joined);
        free(joined);
        return clean;
}

/* The directory part of an absolute, clean path ("/" for "/x"). */
static char *parent_of(const char *path)
{
        const char *slash = strrchr(path, '/');

        return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* Opens the spec file, path itself or config.json inside a bundle, through
 * the descriptor of what was opened (no second lookup by name). Sets *file
 * and *bundle, both absolute and allocated. */
static int open_spec(struct error *err, const char *path, char **file, char **bundle)
{
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
        cleanup_free char *abs = NULL;
        struct stat st;
        int spec_fd;

        if (fd < 0 || fstat(fd, &st) < 0 || (abs = absolute(path)) == NULL)
                return error_set(err, "load OCI spec `%s`", path);
        if (S_ISDIR(st.st_mode)) {
                if (asprintf(file, "%s/config.json", abs) < 0) {
                        *file = NULL;
                        return error_set(err, "load OCI spec `%s`", path);
                }
                if ((spec_fd = openat(fd, "config.json", O_RDONLY | O_CLOEXEC)) < 0) {
                        error_set(err, "load OCI spec `%s`", *file);
                        free(*file);
                        *file = NULL;
                        return -1;
                }
                *bundle = abs;
                abs = NULL;
                return spec_fd;
        }
        if ((*bundle = parent_of(abs)) == NULL)
                return error_set(err, "load OCI spec `%s`", path);
        *file = abs;
        abs = NULL;
        spec_fd = fd;
        fd = -1;
        return spec_fd;
}

int oci_spec_load(struct error *err, const char *path, struct oci_spec *spec)
{
        cleanup_free char *file = NULL, *bundle = NULL, *text = NULL;
        cleanup_close int fd = -1;
        size_t len;

        memset(spec, 0, sizeof(*spec));
        if ((fd = open_spec(err, path, &file, &bundle)) < 0)
                return -1;
        if (json_util_read_fd(err, fd, SPEC_MAX, &text, &len) < 0)
                return error_prefix(err, "load OCI spec `%s`", file);
        return oci_spec_parse(err, file, text, len, bundle, spec);
}

void oci_spec_free(struct oci_spec *spec)
{
        json_object_put(spec->json);
        free(spec->path);
        free(spec->bundle);
        memset(spec, 0, sizeof(*spec));
}

const char *oci_spec_version(const struct oci_spec *spec)
{
        struct json_object *v = json_util_member(spec->json, "ociVersion");

        return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool oci_spec_has_process(const struct oci_spec *spec)
{
        return json_util_member(spec->json, "process") != NULL;
}

bool oci_spec_has_root(const struct oci_spec *spec)
{
        return json_util_member(spec->json, "root") != NULL;
}

int oci_spec_rootfs(struct error *err, const struct oci_spec *spec, char **out)
{
        struct json_object *root = json_util_member(spec->json, "root");
        const char *path = root != NULL ? json_object_get_string(json_util_member(root, "path")) : NULL;
        char *joined = NULL;

        *out = NULL;
        if (path == NULL)
                return error_setx(err, "OCI spec `%s`: root.path: missing", spec->path);
        if (path[0] == '/')
                *out = path_clean(path);
        else if (asprintf(&joined, "%s/%s", spec->bundle, path) >= 0)
                *out = path_clean(joined);
        free(joined);
        if (*out == NULL)
                return error_set(err, "resolve root.path of `%s`", spec->path);
        return 0;
}

/* The strings of an array member as a NULL-terminated array of pointers
 * into the tree; an absent member gives an empty array. */
static int string_list(struct error *err, struct json_object *arr, const char ***out, size_t *n)
{
        size_t len = arr != NULL ? json_object_array_length(arr) : 0;
        const char **list = calloc(len + 1, sizeof(*list));

        if (list == NULL)
                return error_set(err, "read OCI spec");
        for (size_t i = 0; i < len; i++)
                list[i] = json_object_get_string(json_object_array_get_idx(arr, i));
        *out = list;
        *n = len;
        return 0;
}

int oci_spec_env(struct error *err, const struct oci_spec *spec, const char ***env, size_t *n)
{
        struct json_object *process = json_util_member(spec->json, "process");

        return string_list(err, process != NULL ? json_util_member(process, "env") : NULL, env, n);
}

bool oci_version_has_flat_caps(const char *version)
{
        char v[128];

        if (version == NULL || snprintf(v, sizeof(v), "v%s", version) >= (int)sizeof(v))
                return false;
        return semver_compare(v, "v1.0.0-rc1") >= 0 && semver_compare(v, "v1.0.0-rc5") < 0;
}

int oci_spec_bounding_caps(struct error *err, const struct oci_spec *spec, const char ***caps, size_t *n)
{
        struct json_object *process = json_util_member(spec->json, "process");
        struct json_object *c = process != NULL ? json_util_member(process, "capabilities") : NULL;

        if (c != NULL && !oci_version_has_flat_caps(oci_spec_version(spec)))
                c = json_util_member(c, "bounding");
        return string_list(err, c, caps, n);
}

int oci_spec_mounts(struct error *err, const struct oci_spec *spec, struct oci_mount **mounts, size_t *n)
{
        struct json_object *arr = json_util_member(spec->json, "mounts");
        size_t len = arr != NULL ? json_object_array_length(arr) : 0;
        struct oci_mount *list = calloc(len + 1, sizeof(*list));

        if (list == NULL)
                return error_set(err, "read mounts of `%s`", spec->path);
        for (size_t i = 0; i < len; i++) {
                struct json_object *m = json_object_array_get_idx(arr, i);

                list[i].destination = json_object_get_string(json_util_member(m, "destination"));
                list[i].source = json_object_get_string(json_util_member(m, "source"));
        }
        *mounts = list;
        *n = len;
        return 0;
}

int oci_spec_annotations(struct error *err, const struct oci_spec *spec, struct oci_annotation **annotations,
                         size_t *n)
{
        struct json_object *obj = json_util_member(spec->json, "annotations");
        size_t len = obj != NULL ? (size_t)json_object_object_length(obj) : 0, i = 0;
        struct oci_annotation *list = calloc(len + 1, sizeof(*list));

        if (list == NULL)
                return error_set(err, "read annotations of `%s`", spec->path);
        if (obj != NULL) {
                json_object_object_foreach(obj, key, val) {
                        list[i].key = key;
                        list[i++].value = json_object_get_string(val);
                }
        }
        *annotations = list;
        *n = len;
        return 0;
}

const char *oci_spec_annotation(const struct oci_spec *spec, const char *key)
{
        struct json_object *obj = json_util_member(spec->json, "annotations");

        return obj != NULL ? json_object_get_string(json_util_member(obj, key)) : NULL;
}

int oci_spec_hooks(struct error *err, const struct oci_spec *spec, const char *stage, struct oci_hook **hooks,
                   size_t *n)
{
        struct json_object *obj = json_util_member(spec->json, "hooks");
        struct json_object *arr = obj != NULL ? json_util_member(obj, stage) : NULL;
        size_t len = arr != NULL ? json_object_array_length(arr) : 0;
        struct oci_hook *list;

        /* Only the stages the spec defines were type-checked at load. */
        if (!oci_hook_stage_known(stage))
                return error_setx(err, "read hooks of `%s`: unknown stage %s", spec->path, stage);
        if ((list = calloc(len + 1, sizeof(*list))) == NULL)
                return error_set(err, "read hooks of `%s`", spec->path);
        for (size_t i = 0; i < len; i++) {
                struct json_object *h = json_object_array_get_idx(arr, i);

                list[i].path = json_object_get_string(json_util_member(h, "path"));
                if (string_list(err, json_util_member(h, "args"), &list[i].args, &list[i].nargs) < 0) {
                        oci_hooks_free(list, i);
                        return error_prefix(err, "read hooks of `%s`", spec->path);
                }
        }
        *hooks = list;
        *n = len;
        return 0;
}

void oci_hooks_free(struct oci_hook *hooks, size_t n)
{
        for (size_t i = 0; hooks != NULL && i < n; i++)
                free(hooks[i].args);
        free(hooks);
}
