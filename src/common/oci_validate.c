/* Type checks of an OCI spec (oci_spec_validate): every field that an
 * accessor of oci.h reads has the type the runtime spec gives it, so bad
 * input is reported once, at load, naming the field. Fields no accessor
 * reads are left to the low-level runtime. */
#include <stdio.h>
#include <string.h>

#include "common/json_util.h"
#include "common/oci.h"
#include "common/oci_internal.h"

static const char *const hook_stages[] = {
        "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static const char *const capability_sets[] = {
        "bounding", "effective", "inheritable", "permitted", "ambient",
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

bool oci_hook_stage_known(const char *stage)
{
        for (size_t i = 0; i < NITEMS(hook_stages); i++)
                if (strcmp(stage, hook_stages[i]) == 0)
                        return true;
        return false;
}

/* A member that must be present and a string. */
static int required_string(struct error *err, struct json_object *obj, const char *key, const char *where)
{
        struct json_object *val = json_util_member(obj, key);
        char label[128];

        snprintf(label, sizeof(label), "%s.%s", where, key);
        if (val == NULL)
                return error_setx(err, "%s: missing", label);
        return json_util_expect(err, val, json_type_string, label);
}

/* A member that may be absent but otherwise has a type. */
static int optional(struct error *err, struct json_object *obj, const char *key, enum json_type type,
                    const char *where)
{
        struct json_object *val = json_util_member(obj, key);
        char label[128];

        if (val == NULL)
                return 0;
        snprintf(label, sizeof(label), "%s%s%s", where, *where != '\0' ? "." : "", key);
        if (type == json_type_array)
                return json_util_expect_strings(err, val, label);
        return json_util_expect(err, val, type, label);
}

static int check_capabilities(struct error *err, struct json_object *process, const char *version)
{
        struct json_object *caps = json_util_member(process, "capabilities");

        if (caps == NULL)
                return 0;
        if (oci_version_has_flat_caps(version))
                return json_util_expect_strings(err, caps, "process.capabilities");
        if (json_util_expect(err, caps, json_type_object, "process.capabilities") < 0)
                return -1;
        for (size_t i = 0; i < NITEMS(capability_sets); i++)
                if (optional(err, caps, capability_sets[i], json_type_array, "process.capabilities") < 0)
                        return -1;
        return 0;
}

static int check_process(struct error *err, struct json_object *json, const char *version)
{
        struct json_object *process = json_util_member(json, "process");

        if (process == NULL)
                return 0;
        if (json_util_expect(err, process, json_type_object, "process") < 0 ||
            optional(err, process, "env", json_type_array, "process") < 0)
                return -1;
        return check_capabilities(err, process, version);
}

static int check_root(struct error *err, struct json_object *json)
{
        struct json_object *root = json_util_member(json, "root");

        if (root == NULL)
                return 0;
        if (json_util_expect(err, root, json_type_object, "root") < 0)
                return -1;
        return required_string(err, root, "path", "root");
}

static int check_mounts(struct error *err, struct json_object *json)
{
        struct json_object *mounts = json_util_member(json, "mounts");
        char where[64];

        if (mounts == NULL)
                return 0;
        if (json_util_expect(err, mounts, json_type_array, "mounts") < 0)
                return -1;
        for (size_t i = 0; i < json_object_array_length(mounts); i++) {
                struct json_object *m = json_object_array_get_idx(mounts, i);

                snprintf(where, sizeof(where), "mounts[%zu]", i);
                if (json_util_expect(err, m, json_type_object, where) < 0 ||
                    required_string(err, m, "destination", where) < 0 ||
                    optional(err, m, "source", json_type_string, where) < 0 ||
                    optional(err, m, "type", json_type_string, where) < 0 ||
                    optional(err, m, "options", json_type_array, where) < 0)
                        return -1;
        }
        return 0;
}

static int check_hook(struct error *err, struct json_object *hook, const char *where)
{
        struct json_object *timeout = json_util_member(hook, "timeout");
        char label[128];

        if (json_util_expect(err, hook, json_type_object, where) < 0 || required_string(err, hook, "path", where) < 0 ||
            optional(err, hook, "args", json_type_array, where) < 0 ||
            optional(err, hook, "env", json_type_array, where) < 0)
                return -1;
        snprintf(label, sizeof(label), "%s.timeout", where);
        if (timeout != NULL && !json_object_is_type(timeout, json_type_int))
                return error_setx(err, "%s: expected an integer, got %s", label, json_util_type_name(timeout));
        return 0;
}

static int check_hooks(struct error *err, struct json_object *json)
{
        struct json_object *hooks = json_util_member(json, "hooks");
        char where[64];

        if (hooks == NULL)
                return 0;
        if (json_util_expect(err, hooks, json_type_object, "hooks") < 0)
                return -1;
        for (size_t s = 0; s < NITEMS(hook_stages); s++) {
                struct json_object *list = json_util_member(hooks, hook_stages[s]);

                snprintf(where, sizeof(where), "hooks.%s", hook_stages[s]);
                if (list != NULL && json_util_expect(err, list, json_type_array, where) < 0)
                        return -1;
                for (size_t i = 0; list != NULL && i < json_object_array_length(list); i++) {
                        snprintf(where, sizeof(where), "hooks.%s[%zu]", hook_stages[s], i);
                        if (check_hook(err, json_object_array_get_idx(list, i), where) < 0)
                                return -1;
                }
        }
        return 0;
}

/* The checks without a prefix: load and validate name the file each way. */
int oci_spec_check_types(struct error *err, const struct oci_spec *spec)
{
        struct json_object *json = spec->json, *annotations;
        int rv = 0;

        if (json_util_expect(err, json, json_type_object, "document") < 0 ||
            optional(err, json, "ociVersion", json_type_string, "") < 0 ||
            check_process(err, json, oci_spec_version(spec)) < 0 || check_root(err, json) < 0 ||
            check_mounts(err, json) < 0 || check_hooks(err, json) < 0)
                rv = -1;
        annotations = rv == 0 ? json_util_member(json, "annotations") : NULL;
        if (annotations != NULL && json_util_expect_string_map(err, annotations, "annotations") < 0)
                rv = -1;
        return rv;
}

int oci_spec_validate(struct error *err, const struct oci_spec *spec)
{
        if (oci_spec_check_types(err, spec) < 0)
                return error_prefix(err, "invalid OCI spec `%s`", spec->path);
        return 0;
}
