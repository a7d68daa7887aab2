/* Injecting CDI devices into an OCI spec (cdi.h), with the CDI library's
 * semantics (pkg/cdi/cache.go InjectDevices, container-edits.go Apply and
 * the runtime-tools generator calls behind it). The edits are applied to a
 * copy of the JSON tree that replaces the spec's only when every edit
 * succeeded, so a failure leaves the spec as it was.
 *
 * Where we differ: a device node whose fileMode is not given gets the
 * permission bits of the host node (the library leaves it unset, and runc
 * then creates 0666 nodes); a device requested twice is injected once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <json-c/json.h>

#include "common/cdi_internal.h"
#include "common/json_util.h"
#include "common/path_clean.h"

static int nomem(struct error *err)
{
        errno = ENOMEM;
        return error_set(err, "inject CDI devices");
}

/* --- JSON helpers --------------------------------------------------------- */

/* parent[key] as a json_type_object or json_type_array, created when absent
 * or null; where names it in messages. */
static int child(struct error *err, struct json_object *parent, const char *key, enum json_type type, const char *where,
                 struct json_object **out)
{
        struct json_object *obj = json_util_member(parent, key);

        if (obj != NULL) {
                if (json_util_expect(err, obj, type, where) < 0)
                        return error_prefix(err, "inject CDI devices");
                *out = obj;
                return 0;
        }
        obj = type == json_type_object ? json_object_new_object() : json_object_new_array();
        if (obj == NULL || json_object_object_add(parent, key, obj) < 0) {
                json_object_put(obj);
                return nomem(err);
        }
        *out = obj;
        return 0;
}

static int add(struct error *err, struct json_object *obj, const char *key, struct json_object *val)
{
        if (val == NULL || json_object_object_add(obj, key, val) < 0) {
                json_object_put(val);
                return nomem(err);
        }
        return 0;
}

static int add_string(struct error *err, struct json_object *obj, const char *key, const char *s)
{
        return add(err, obj, key, json_object_new_string(s));
}

static int append(struct error *err, struct json_object *arr, struct json_object *val)
{
        if (val == NULL || json_object_array_add(arr, val) < 0) {
                json_object_put(val);
                return nomem(err);
        }
        return 0;
}

static struct json_object *strings(char *const *v)
{
        struct json_object *arr = json_object_new_array();

        for (size_t i = 0; arr != NULL && v[i] != NULL; i++) {
                struct json_object *s = json_object_new_string(v[i]);

                if (s == NULL || json_object_array_add(arr, s) < 0) {
                        json_object_put(s);
                        json_object_put(arr);
                        return NULL;
                }
        }
        return arr;
}

static const char *member_string(struct json_object *obj, const char *key)
{
        struct json_object *v;

        if (!json_object_is_type(obj, json_type_object) || (v = json_util_member(obj, key)) == NULL ||
            !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

/* --- env -------------------------------------------------------------------
 */

static size_t name_len(const char *kv)
{
        const char *eq = strchr(kv, '=');

        return eq != NULL ? (size_t)(eq - kv) : strlen(kv);
}

/* Replaces the last variable of the same name (runtime-tools keeps the
 * index of the last one), or appends. */
static int apply_env(struct error *err, struct json_object *env, const char *kv)
{
        size_t n = json_object_array_length(env), len = name_len(kv);
        struct json_object *s;

        for (size_t i = n; i-- > 0;) {
                const char *cur = json_object_get_string(json_object_array_get_idx(env, i));

                if (cur != NULL && name_len(cur) == len && strncmp(cur, kv, len) == 0) {
                        if ((s = json_object_new_string(kv)) == NULL || json_object_array_put_idx(env, i, s) < 0) {
                                json_object_put(s);
                                return nomem(err);
                        }
                        return 0;
                }
        }
        return append(err, env, json_object_new_string(kv));
}

/* --- device nodes
 * -------------------------------------------------------------- */

struct node_info {
        const char *type;
        int64_t major, minor;
        bool has_mode;
        uint32_t mode;
};

static const char *type_of(mode_t mode)
{
        if (S_ISBLK(mode))
                return "b";
        if (S_ISCHR(mode))
                return "c";
        if (S_ISFIFO(mode))
                return "p";
        return NULL;
}

/* fillMissingInfo: type and numbers from the host node (not following a
 * symbolic link) unless both are given; the mode from it when it is not. */
static int fill_node(struct error *err, const struct cdi_device_node *d, struct node_info *info)
{
        const char *host = d->host_path != NULL && d->host_path[0] != '\0' ? d->host_path : d->path;
        bool given = d->type != NULL && d->type[0] != '\0' && (d->major != 0 || strcmp(d->type, "p") == 0);
        const char *host_type;
        struct stat st;

        *info = (struct node_info){d->type != NULL && d->type[0] != '\0' ? d->type : NULL, d->major, d->minor,
                                   d->has_file_mode, d->file_mode};
        if (lstat(host, &st) < 0) {
                if (given)
                        return 0;
                return error_set(err, "failed to stat CDI host device \"%s\"", host);
        }
        host_type = type_of(st.st_mode);
        if (!info->has_mode && host_type != NULL) {
                info->has_mode = true;
                info->mode = st.st_mode & 07777;
        }
        if (given)
                return 0;
        if (host_type == NULL)
                return error_setx(err, "failed to stat CDI host device \"%s\": not a device node", host);
        if (info->type == NULL)
                info->type = host_type;
        else if (strcmp(info->type, host_type) != 0)
                return error_setx(err, "CDI device (\"%s\", \"%s\"), host type mismatch (%s, %s)", d->path, host,
                                  info->type, host_type);
        if (info->major == 0 && strcmp(info->type, "p") != 0) {
                info->major = major(st.st_rdev);
                info->minor = minor(st.st_rdev);
        }
        return 0;
}

/* process.user.uid or gid when greater than 0. */
static bool user_id(struct json_object *root, const char *key, int64_t *id)
{
        struct json_object *process = json_util_member(root, "process"), *user, *v;

        if (process == NULL || !json_object_is_type(process, json_type_object) ||
            (user = json_util_member(process, "user")) == NULL || !json_object_is_type(user, json_type_object) ||
            (v = json_util_member(user, key)) == NULL || !json_object_is_type(v, json_type_int))
                return false;
        *id = json_object_get_int64(v);
        return *id > 0;
}

static struct json_object *device_json(struct json_object *root, const struct cdi_device_node *d,
                                       const struct node_info *info)
{
        struct json_object *dev = json_object_new_object();
        int64_t id;
        int rv = 0;

        if (dev == NULL)
                return NULL;
        rv |= json_object_object_add(dev, "path", json_object_new_string(d->path));
        rv |= json_object_object_add(dev, "type", json_object_new_string(info->type != NULL ? info->type : ""));
        rv |= json_object_object_add(dev, "major", json_object_new_int64(info->major));
        rv |= json_object_object_add(dev, "minor", json_object_new_int64(info->minor));
        if (info->has_mode)
                rv |= json_object_object_add(dev, "fileMode", json_object_new_int64(info->mode));
        if (d->has_uid || user_id(root, "uid", &id))
                rv |= json_object_object_add(dev, "uid", json_object_new_int64(d->has_uid ? d->uid : id));
        if (d->has_gid || user_id(root, "gid", &id))
                rv |= json_object_object_add(dev, "gid", json_object_new_int64(d->has_gid ? d->gid : id));
        if (rv != 0) {
                json_object_put(dev);
                return NULL;
        }
        return dev;
}

/* RemoveDevice then AddDevice: the first node of the path goes, a second
 * one is replaced in place, else the node is appended. */
static int put_device(struct error *err, struct json_object *devices, const char *path, struct json_object *dev)
{
        bool removed = false;

        for (size_t i = 0; i < json_object_array_length(devices); i++) {
                const char *p = member_string(json_object_array_get_idx(devices, i), "path");

                if (p == NULL || strcmp(p, path) != 0)
                        continue;
                if (!removed) {
                        json_object_array_del_idx(devices, i--, 1);
                        removed = true;
                        continue;
                }
                if (json_object_array_put_idx(devices, i, dev) < 0) {
                        json_object_put(dev);
                        return nomem(err);
                }
                return 0;
        }
        return append(err, devices, dev);
}

static int cgroup_rule(struct error *err, struct json_object *rules, const struct cdi_device_node *d,
                       const struct node_info *info)
{
        const char *access = d->permissions == NULL || d->permissions[0] == '\0' ? "rwm" : d->permissions;
        struct json_object *rule = json_object_new_object();
        int rv = 0;

        if (strcmp(access, "none") == 0)
                access = "";
        if (rule == NULL)
                return nomem(err);
        rv |= json_object_object_add(rule, "allow", json_object_new_boolean(1));
        rv |= json_object_object_add(rule, "type", json_object_new_string(info->type));
        rv |= json_object_object_add(rule, "major", json_object_new_int64(info->major));
        rv |= json_object_object_add(rule, "minor", json_object_new_int64(info->minor));
        if (access[0] != '\0')
                rv |= json_object_object_add(rule, "access", json_object_new_string(access));
        if (rv != 0) {
                json_object_put(rule);
                return nomem(err);
        }
        return append(err, rules, rule);
}

static int apply_device_node(struct error *err, struct json_object *root, struct json_object *lnx,
                             const struct cdi_device_node *d)
{
        struct json_object *devices, *resources, *rules, *dev;
        struct node_info info;

        if (fill_node(err, d, &info) < 0)
                return error_prefix(err, "failed to inject devices");
        if (child(err, lnx, "devices", json_type_array, "linux.devices", &devices) < 0)
                return -1;
        if ((dev = device_json(root, d, &info)) == NULL)
                return nomem(err);
        if (put_device(err, devices, d->path, dev) < 0)
                return -1;
        if (info.type == NULL || (strcmp(info.type, "b") != 0 && strcmp(info.type, "c") != 0))
                return 0;
        if (child(err, lnx, "resources", json_type_object, "linux.resources", &resources) < 0 ||
            child(err, resources, "devices", json_type_array, "linux.resources.devices", &rules) < 0)
                return -1;
        return cgroup_rule(err, rules, d, &info);
}

/* --- mounts
 * -------------------------------------------------------------------------- */

static int apply_mount(struct error *err, struct json_object *mounts, const struct cdi_mount *m)
{
        struct json_object *mnt;

        for (size_t i = 0; i < json_object_array_length(mounts); i++) {
                const char *dest = member_string(json_object_array_get_idx(mounts, i), "destination");

                if (dest != NULL && strcmp(dest, m->container_path) == 0) {
                        json_object_array_del_idx(mounts, i, 1);
                        break;
                }
        }
        if ((mnt = json_object_new_object()) == NULL)
                return nomem(err);
        if (add_string(err, mnt, "destination", m->container_path) < 0 ||
            (m->type != NULL && m->type[0] != '\0' && add_string(err, mnt, "type", m->type) < 0) ||
            add_string(err, mnt, "source", m->host_path) < 0 ||
            (m->options != NULL && m->options[0] != NULL && add(err, mnt, "options", strings(m->options)) < 0)) {
                json_object_put(mnt);
                return -1;
        }
        return append(err, mounts, mnt);
}

struct ranked {
        struct json_object *mount;
        size_t depth, index;
};

/* The number of separators in the cleaned destination (Go's
 * strings.Count(filepath.Clean(dest), "/")). */
static int mount_depth(struct json_object *mount, size_t *depth)
{
        const char *dest = member_string(mount, "destination");
        char *clean = path_clean(dest != NULL ? dest : "");

        if (clean == NULL)
                return -1;
        *depth = 0;
        for (const char *p = clean; *p != '\0'; p++)
                *depth += *p == '/';
        free(clean);
        return 0;
}

static int by_depth(const void *a, const void *b)
{
        const struct ranked *x = a, *y = b;

        if (x->depth != y->depth)
                return x->depth < y->depth ? -1 : 1;
        return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorts every mount of the spec by depth, stably (sortMounts). */
static int sort_mounts(struct error *err, struct json_object *root, struct json_object *mounts)
{
        size_t n = json_object_array_length(mounts);
        struct ranked *r = calloc(n + 1, sizeof(*r));
        struct json_object *sorted = json_object_new_array_ext((int)n);
        int rv = 0;

        for (size_t i = 0; r != NULL && sorted != NULL && i < n && rv == 0; i++) {
                r[i] = (struct ranked){json_object_array_get_idx(mounts, i), 0, i};
                rv = mount_depth(r[i].mount, &r[i].depth);
        }
        if (r == NULL || sorted == NULL || rv < 0) {
                free(r);
                json_object_put(sorted);
                return nomem(err);
        }
        qsort(r, n, sizeof(*r), by_depth);
        for (size_t i = 0; i < n && rv == 0; i++)
                rv = json_object_array_add(sorted, json_object_get(r[i].mount));
        free(r);
        if (rv < 0 || json_object_object_add(root, "mounts", sorted) < 0) {
                json_object_put(sorted);
                return nomem(err);
        }
        return 0;
}

/* --- hooks, resctrl, groups, net devices
 * ---------------------------------------------------- */

static int apply_hook(struct error *err, struct json_object *root, const struct cdi_hook *h)
{
        struct json_object *hooks, *stage, *hook;
        char where[64];

        snprintf(where, sizeof(where), "hooks.%s", h->hook_name);
        if (child(err, root, "hooks", json_type_object, "hooks", &hooks) < 0 ||
            child(err, hooks, h->hook_name, json_type_array, where, &stage) < 0)
                return -1;
        if ((hook = json_object_new_object()) == NULL)
                return nomem(err);
        if (add_string(err, hook, "path", h->path) < 0 ||
            (h->args != NULL && h->args[0] != NULL && add(err, hook, "args", strings(h->args)) < 0) ||
            (h->env != NULL && h->env[0] != NULL && add(err, hook, "env", strings(h->env)) < 0) ||
            (h->has_timeout && add(err, hook, "timeout", json_object_new_int64(h->timeout)) < 0)) {
                json_object_put(hook);
                return -1;
        }
        return append(err, stage, hook);
}

static int apply_intel_rdt(struct error *err, struct json_object *lnx, const struct cdi_intel_rdt *r)
{
        struct json_object *obj = json_object_new_object();

        if (obj == NULL)
                return nomem(err);
        if ((r->clos_id != NULL && r->clos_id[0] != '\0' && add_string(err, obj, "closID", r->clos_id) < 0) ||
            (r->l3_cache_schema != NULL && r->l3_cache_schema[0] != '\0' &&
             add_string(err, obj, "l3CacheSchema", r->l3_cache_schema) < 0) ||
            (r->mem_bw_schema != NULL && r->mem_bw_schema[0] != '\0' &&
             add_string(err, obj, "memBwSchema", r->mem_bw_schema) < 0) ||
            (r->schemata != NULL && r->schemata[0] != NULL && add(err, obj, "schemata", strings(r->schemata)) < 0) ||
            (r->enable_monitoring && add(err, obj, "enableMonitoring", json_object_new_boolean(1)) < 0) ||
            (r->enable_cmt && add(err, obj, "enableCMT", json_object_new_boolean(1)) < 0) ||
            (r->enable_mbm && add(err, obj, "enableMBM", json_object_new_boolean(1)) < 0)) {
                json_object_put(obj);
                return -1;
        }
        return add(err, lnx, "intelRdt", obj);
}

/* AddProcessAdditionalGID: once each; 0 is ignored. */
static int apply_gid(struct error *err, struct json_object *gids, uint32_t gid)
{
        if (gid == 0)
                return 0;
        for (size_t i = 0; i < json_object_array_length(gids); i++)
                if (json_object_get_int64(json_object_array_get_idx(gids, i)) == (int64_t)gid)
                        return 0;
        return append(err, gids, json_object_new_int64(gid));
}

static int apply_net_device(struct error *err, struct json_object *lnx, const struct cdi_net_device *d)
{
        struct json_object *netdevs, *obj;

        if (child(err, lnx, "netDevices", json_type_object, "linux.netDevices", &netdevs) < 0)
                return -1;
        if ((obj = json_object_new_object()) == NULL)
                return nomem(err);
        if (add_string(err, obj, "name", d->name) < 0) {
                json_object_put(obj);
                return -1;
        }
        return add(err, netdevs, d->host_interface_name, obj);
}

/* --- applying
 * ------------------------------------------------------------------------------
 */

/* The sections in Apply's order, each over all the edits, as the library
 * merges the edits of every device before applying them. */
static int apply_env_all(struct error *err, struct json_object *root, const struct cdi_edits *const *e, size_t n)
{
        struct json_object *process, *env;

        for (size_t i = 0; i < n; i++) {
                if (e[i]->env == NULL || e[i]->env[0] == NULL)
                        continue;
                if (child(err, root, "process", json_type_object, "process", &process) < 0 ||
                    child(err, process, "env", json_type_array, "process.env", &env) < 0)
                        return -1;
                for (size_t j = 0; e[i]->env[j] != NULL; j++)
                        if (apply_env(err, env, e[i]->env[j]) < 0)
                                return -1;
        }
        return 0;
}

static int apply_linux_all(struct error *err, struct json_object *root, const struct cdi_edits *const *e, size_t n)
{
        struct json_object *lnx;

        for (size_t i = 0; i < n; i++) {
                if (e[i]->n_device_nodes == 0 && e[i]->n_net_devices == 0)
                        continue;
                if (child(err, root, "linux", json_type_object, "linux", &lnx) < 0)
                        return -1;
                for (size_t j = 0; j < e[i]->n_device_nodes; j++)
                        if (apply_device_node(err, root, lnx, &e[i]->device_nodes[j]) < 0)
                                return -1;
        }
        for (size_t i = 0; i < n; i++) {
                for (size_t j = 0; j < e[i]->n_net_devices; j++)
                        if (child(err, root, "linux", json_type_object, "linux", &lnx) < 0 ||
                            apply_net_device(err, lnx, &e[i]->net_devices[j]) < 0)
                                return -1;
        }
        return 0;
}

static int apply_mounts_all(struct error *err, struct json_object *root, const struct cdi_edits *const *e, size_t n)
{
        struct json_object *mounts = NULL;

        for (size_t i = 0; i < n; i++) {
                if (e[i]->n_mounts > 0 && mounts == NULL &&
                    child(err, root, "mounts", json_type_array, "mounts", &mounts) < 0)
                        return -1;
                for (size_t j = 0; j < e[i]->n_mounts; j++)
                        if (apply_mount(err, mounts, &e[i]->mounts[j]) < 0)
                                return -1;
        }
        return mounts != NULL ? sort_mounts(err, root, mounts) : 0;
}

static int apply_rest_all(struct error *err, struct json_object *root, const struct cdi_edits *const *e, size_t n)
{
        const struct cdi_intel_rdt *rdt = NULL;
        struct json_object *lnx, *process, *user, *gids;

        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < e[i]->n_hooks; j++)
                        if (apply_hook(err, root, &e[i]->hooks[j]) < 0)
                                return -1;
        for (size_t i = 0; i < n; i++)
                if (e[i]->intel_rdt != NULL)
                        rdt = e[i]->intel_rdt;
        if (rdt != NULL &&
            (child(err, root, "linux", json_type_object, "linux", &lnx) < 0 || apply_intel_rdt(err, lnx, rdt) < 0))
                return -1;
        for (size_t i = 0; i < n; i++) {
                if (e[i]->n_additional_gids == 0)
                        continue;
                if (child(err, root, "process", json_type_object, "process", &process) < 0 ||
                    child(err, process, "user", json_type_object, "process.user", &user) < 0 ||
                    child(err, user, "additionalGids", json_type_array, "process.user.additionalGids", &gids) < 0)
                        return -1;
                for (size_t j = 0; j < e[i]->n_additional_gids; j++)
                        if (apply_gid(err, gids, e[i]->additional_gids[j]) < 0)
                                return -1;
        }
        return 0;
}

static int apply(struct error *err, struct json_object *root, const struct cdi_edits *const *e, size_t n)
{
        if (!json_object_is_type(root, json_type_object))
                return error_setx(err, "inject CDI devices: the OCI spec is not an object");
        if (apply_env_all(err, root, e, n) < 0 || apply_linux_all(err, root, e, n) < 0 ||
            apply_mounts_all(err, root, e, n) < 0 || apply_rest_all(err, root, e, n) < 0)
                return -1;
        return 0;
}

/* Applies the requests' edits to a copy of the tree; validated specs. */
static int inject(struct error *err, struct oci_spec *spec, const struct cdi_request *requests, size_t n)
{
        const struct cdi_edits **edits = calloc(2 * n + 1, sizeof(*edits));
        struct json_object *copy = NULL;
        size_t m = 0;

        if (edits == NULL)
                return nomem(err);
        for (size_t i = 0; i < n; i++) {
                bool seen = false;

                for (size_t j = 0; j < i && !seen; j++)
                        seen = requests[j].spec == requests[i].spec;
                if (!seen)
                        edits[m++] = &requests[i].spec->edits;
                if (requests[i].device != NULL)
                        edits[m++] = &requests[i].device->edits;
        }
        if (json_object_deep_copy(spec->json, &copy, NULL) < 0) {
                free(edits);
                return nomem(err);
        }
        if (apply(err, copy, edits, m) < 0) {
                json_object_put(copy);
                free(edits);
                return -1;
        }
        free(edits);
        json_object_put(spec->json);
        spec->json = copy;
        return 0;
}

int cdi_inject_resolved(struct error *err, struct oci_spec *spec, const struct cdi_request *requests, size_t n)
{
        /* Specs built in memory are checked as loaded ones are, once each. */
        for (size_t i = 0; i < n; i++) {
                bool seen = false;

                for (size_t j = 0; j < i && !seen; j++)
                        seen = requests[j].spec == requests[i].spec;
                if (!seen && cdi_spec_validate(err, requests[i].spec) < 0)
                        return error_prefix(err, "inject CDI devices");
        }
        return inject(err, spec, requests, n);
}

/* Appends ", name" (or name) to *list. */
static int list_add(char **list, const char *name)
{
        char *next = NULL;

        if (asprintf(&next, "%s%s%s", *list != NULL ? *list : "", *list != NULL ? ", " : "", name) < 0)
                return -1;
        free(*list);
        *list = next;
        return 0;
}

int cdi_inject(struct error *err, const struct cdi_cache *cache, struct oci_spec *spec, const char *const *devices,
               size_t ndevices)
{
        struct cdi_request *requests = calloc(ndevices + 1, sizeof(*requests));
        char *missing = NULL;
        size_t n = 0;
        int rv = 0;

        if (requests == NULL)
                return nomem(err);
        for (size_t i = 0; i < ndevices && rv == 0; i++) {
                bool dup = false;

                for (size_t j = 0; j < i && !dup; j++)
                        dup = strcmp(devices[j], devices[i]) == 0;
                if (dup)
                        continue;
                requests[n].device = cdi_cache_lookup(cache, devices[i], &requests[n].spec);
                if (requests[n].device != NULL)
                        n++;
                else if (list_add(&missing, devices[i]) < 0)
                        rv = nomem(err);
        }
        if (rv == 0 && missing != NULL)
                rv = error_setx(err, "unresolvable CDI devices %s", missing);
        if (rv == 0)
                rv = inject(err, spec, requests, n);
        free(missing);
        free(requests);
        return rv;
}
