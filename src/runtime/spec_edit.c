/* The few edits the shim makes to config.json, on the json-c tree of
 * oci.h so that every field it does not know is written back as it was.
 * The spec was validated when loaded (hooks are objects with a string
 * path); what these edits add besides is checked here. */
#include <json-c/json.h>
#include <string.h>

#include "common/json_util.h"
#include "runtime/runtime.h"

/* Base names of the hook that nvidia-container-runtime (legacy) and docker
 * --gpus put into prestart (upstream's isNVIDIAContainerRuntimeHook). */
static const char *const nvidia_hooks[] = {"nvidia-container-runtime-hook", "nvidia-container-toolkit"};

static bool is_nvidia_hook(const char *path)
{
        const char *slash = strrchr(path, '/'), *base = slash != NULL ? slash + 1 : path;

        for (size_t i = 0; i < sizeof(nvidia_hooks) / sizeof(nvidia_hooks[0]); i++)
                if (strcmp(base, nvidia_hooks[i]) == 0)
                        return true;
        return false;
}

bool spec_has_nvidia_hook(const struct oci_spec *spec, const char **path)
{
        struct json_object *hooks = json_util_member(spec->json, "hooks"), *prestart, *p;

        if (hooks == NULL || (prestart = json_util_member(hooks, "prestart")) == NULL)
                return false;
        for (size_t i = 0; i < json_object_array_length(prestart); i++) {
                p = json_util_member(json_object_array_get_idx(prestart, i), "path");
                if (p != NULL && is_nvidia_hook(json_object_get_string(p))) {
                        if (path != NULL)
                                *path = json_object_get_string(p);
                        return true;
                }
        }
        return false;
}

size_t spec_remove_nvidia_hooks(struct oci_spec *spec)
{
        struct json_object *hooks = json_util_member(spec->json, "hooks"), *prestart, *p;
        size_t removed = 0;

        if (hooks == NULL || (prestart = json_util_member(hooks, "prestart")) == NULL)
                return 0;
        for (size_t i = json_object_array_length(prestart); i-- > 0;) {
                p = json_util_member(json_object_array_get_idx(prestart, i), "path");
                if (p == NULL || !is_nvidia_hook(json_object_get_string(p)))
                        continue;
                rtlog(RTLOG_DEBUG, "Removing hook %s", json_object_get_string(p));
                if (json_object_array_del_idx(prestart, i, 1) == 0)
                        removed++;
        }
        if (removed > 0 && json_object_array_length(prestart) == 0)
                json_object_object_del(hooks, "prestart");
        return removed;
}

/* obj[key], created empty when missing or null, else checked to be of the
 * type; where names it in errors. */
static struct json_object *member(struct error *err, struct json_object *obj, const char *key, enum json_type type,
                                  const char *where)
{
        struct json_object *m = json_util_member(obj, key);

        if (m != NULL)
                return json_util_expect(err, m, type, where) < 0 ? NULL : m;
        m = type == json_type_array ? json_object_new_array() : json_object_new_object();
        if (m == NULL || json_object_object_add(obj, key, m) < 0) {
                json_object_put(m);
                error_set(err, "%s", where);
                return NULL;
        }
        return m;
}

static struct json_object *string_array(const char *const *v)
{
        struct json_object *a = json_object_new_array(), *s;

        for (size_t i = 0; a != NULL && v[i] != NULL; i++) {
                if ((s = json_object_new_string(v[i])) == NULL || json_object_array_add(a, s) < 0) {
                        json_object_put(s);
                        json_object_put(a);
                        return NULL;
                }
        }
        return a;
}

/* Adds key: val to obj, taking val; false (and val freed) on failure. */
static bool put(struct json_object *obj, const char *key, struct json_object *val)
{
        if (val == NULL || json_object_object_add(obj, key, val) < 0) {
                json_object_put(val);
                return false;
        }
        return true;
}

int spec_add_hook(struct error *err, struct oci_spec *spec, const char *stage, const char *path,
                  const char *const *args, const char *const *env)
{
        struct json_object *hooks, *list, *hook;

        if ((hooks = member(err, spec->json, "hooks", json_type_object, "hooks")) == NULL ||
            (list = member(err, hooks, stage, json_type_array, stage)) == NULL)
                return -1;
        if ((hook = json_object_new_object()) == NULL || !put(hook, "path", json_object_new_string(path)) ||
            !put(hook, "args", string_array(args)) || (env != NULL && !put(hook, "env", string_array(env))) ||
            json_object_array_add(list, hook) < 0) {
                json_object_put(hook);
                return error_set(err, "add %s hook `%s`", stage, path);
        }
        return 0;
}

static bool int_member_is(struct json_object *obj, const char *key, int64_t want)
{
        struct json_object *m = json_util_member(obj, key);

        return m != NULL && json_object_is_type(m, json_type_int) && json_object_get_int64(m) == want;
}

static bool string_member_is(struct json_object *obj, const char *key, const char *want)
{
        struct json_object *m = json_util_member(obj, key);

        return m != NULL && json_object_is_type(m, json_type_string) && strcmp(json_object_get_string(m), want) == 0;
}

/* linux.devices: the entry of the same path is replaced, as CDI does. */
static int put_device(struct error *err, struct json_object *devices, const struct gpu_node *node)
{
        struct json_object *d = json_object_new_object(), *e;

        if (d == NULL || !put(d, "path", json_object_new_string(node->path)) ||
            !put(d, "type", json_object_new_string("c")) || !put(d, "major", json_object_new_int64(node->major)) ||
            !put(d, "minor", json_object_new_int64(node->minor)) ||
            !put(d, "fileMode", json_object_new_int64((int64_t)node->mode)) ||
            !put(d, "uid", json_object_new_int64(0)) || !put(d, "gid", json_object_new_int64(0))) {
                json_object_put(d);
                return error_set(err, "add device `%s`", node->path);
        }
        for (size_t i = 0; i < json_object_array_length(devices); i++) {
                e = json_object_array_get_idx(devices, i);
                if (json_object_is_type(e, json_type_object) && string_member_is(e, "path", node->path)) {
                        if (json_object_array_put_idx(devices, i, d) == 0)
                                return 0;
                        json_object_put(d);
                        return error_set(err, "add device `%s`", node->path);
                }
        }
        if (json_object_array_add(devices, d) < 0) {
                json_object_put(d);
                return error_set(err, "add device `%s`", node->path);
        }
        return 0;
}

/* linux.resources.devices: an allow rule, unless the same one is there. */
static int put_rule(struct error *err, struct json_object *rules, const struct gpu_node *node)
{
        struct json_object *r, *allow;

        for (size_t i = 0; i < json_object_array_length(rules); i++) {
                r = json_object_array_get_idx(rules, i);
                if (!json_object_is_type(r, json_type_object))
                        continue;
                allow = json_util_member(r, "allow");
                if (allow != NULL && json_object_get_boolean(allow) && string_member_is(r, "type", "c") &&
                    int_member_is(r, "major", node->major) && int_member_is(r, "minor", node->minor) &&
                    string_member_is(r, "access", "rwm"))
                        return 0;
        }
        if ((r = json_object_new_object()) == NULL || !put(r, "allow", json_object_new_boolean(1)) ||
            !put(r, "type", json_object_new_string("c")) || !put(r, "major", json_object_new_int64(node->major)) ||
            !put(r, "minor", json_object_new_int64(node->minor)) || !put(r, "access", json_object_new_string("rwm")) ||
            json_object_array_add(rules, r) < 0) {
                json_object_put(r);
                return error_set(err, "allow device `%s`", node->path);
        }
        return 0;
}

int spec_add_device(struct error *err, struct oci_spec *spec, const struct gpu_node *node)
{
        struct json_object *lx, *devices, *res, *rules;

        if ((lx = member(err, spec->json, "linux", json_type_object, "linux")) == NULL ||
            (devices = member(err, lx, "devices", json_type_array, "linux.devices")) == NULL ||
            (res = member(err, lx, "resources", json_type_object, "linux.resources")) == NULL ||
            (rules = member(err, res, "devices", json_type_array, "linux.resources.devices")) == NULL)
                return -1;
        return put_device(err, devices, node) < 0 || put_rule(err, rules, node) < 0 ? -1 : 0;
}
