/* Building the CDI model from a document tree (cdi_internal.h). The
 * decoder is strict as the CDI library's (sigs.k8s.io/yaml UnmarshalStrict
 * into the specs-go types): a field it does not know is an error, and so is
 * a value of the wrong type; null leaves a field unset. Each struct is
 * described by a table of its fields. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cdi_internal.h"

/* The schema nests six levels; the path stack has room to spare. */
#define PATH_MAX_DEPTH 16

/* The struct holding member m at ptr. */
#define container_of(ptr, type, m) ((type *)(void *)((char *)(ptr)-offsetof(type, m)))

struct decoder {
        struct error *err;
        const struct cdi_source *src;
        struct cdi_path_step path[PATH_MAX_DEPTH];
        size_t depth;
};

/* --- errors ------------------------------------------------------------- */

static void render_path(const struct decoder *d, size_t depth, char *buf, size_t size)
{
        size_t n = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < depth && i < PATH_MAX_DEPTH && n < size; i++) {
                int r;

                if (d->path[i].key != NULL)
                        r = snprintf(buf + n, size - n, "%s%s", i > 0 ? "." : "", d->path[i].key);
                else
                        r = snprintf(buf + n, size - n, "[%zu]", d->path[i].index);
                if (r < 0)
                        break;
                n += (size_t)r;
        }
}

/* Fails with "NAME:L:C: PATH: reason", the path rendered to render_depth
 * steps; JSON trees have no positions, so the text is searched for one. */
static int fail_at(struct decoder *d, struct cdi_pos pos, size_t render_depth, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int fail_at(struct decoder *d, struct cdi_pos pos, size_t render_depth, const char *fmt, ...)
{
        char path[512], *reason = NULL;
        const char *sep;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&reason, fmt, ap);
        va_end(ap);
        if (r < 0)
                return error_set(d->err, "decode CDI spec");
        render_path(d, render_depth, path, sizeof(path));
        sep = path[0] != '\0' ? ": " : "";
        if (pos.line == 0 && d->src->json != NULL)
                pos = cdi_json_locate(d->src->json, d->src->json_len, d->path,
                                      d->depth < PATH_MAX_DEPTH ? d->depth : PATH_MAX_DEPTH);
        if (pos.line != 0)
                error_setx(d->err, "%s:%u:%u: %s%s%s", d->src->name, pos.line, pos.col, path, sep, reason);
        else
                error_setx(d->err, "%s: %s%s%s", d->src->name, path, sep, reason);
        free(reason);
        return -1;
}

#define fail(d, node, ...) fail_at((d), (node)->pos, (d)->depth, __VA_ARGS__)

static int nomem(struct decoder *d)
{
        return error_set(d->err, "decode CDI spec `%s`", d->src->name);
}

static void push_key(struct decoder *d, const char *key)
{
        if (d->depth < PATH_MAX_DEPTH)
                d->path[d->depth] = (struct cdi_path_step){key, 0};
        d->depth++;
}

static void push_index(struct decoder *d, size_t index)
{
        if (d->depth < PATH_MAX_DEPTH)
                d->path[d->depth] = (struct cdi_path_step){NULL, index};
        d->depth++;
}

static void pop(struct decoder *d)
{
        d->depth--;
}

/* --- scalars -------------------------------------------------------------- */

/* YAML's null: the empty plain scalar, "~" and "null" in three cases. */
static bool is_null(const struct cdi_node *n)
{
        static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

        if (n->kind != CDI_NODE_SCALAR || n->quoted)
                return false;
        for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
                if (strcmp(n->text, nulls[i]) == 0)
                        return true;
        return false;
}

static const char *describe(const struct cdi_node *n)
{
        switch (n->kind) {
        case CDI_NODE_MAP:
                return "a mapping";
        case CDI_NODE_SEQ:
                return "a sequence";
        default:
                return is_null(n) ? "null" : n->quoted ? "a string" : "a scalar";
        }
}

/* Integers as the YAML decoder reads them (Go's strconv.ParseInt with base
 * 0 after removing '_'): decimal, 0x hex, 0o/0 octal, 0b binary, a sign. */
static bool parse_int(const char *text, int64_t *out)
{
        char buf[80], *end;
        size_t n = 0;
        int base = 10;
        bool neg = false;
        const char *p = text;
        unsigned long long v;

        for (const char *s = text; *s != '\0'; s++) {
                if (*s == '_')
                        continue;
                if (n + 1 >= sizeof(buf))
                        return false;
                buf[n++] = *s;
        }
        buf[n] = '\0';
        p = buf;
        if (*p == '+' || *p == '-')
                neg = *p++ == '-';
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                base = 16, p += 2;
        else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
                base = 8, p += 2;
        else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
                base = 2, p += 2;
        else if (p[0] == '0' && p[1] != '\0')
                base = 8, p += 1;
        if (*p == '\0' || *p == '+' || *p == '-' || *p == ' ')
                return false;
        errno = 0;
        v = strtoull(p, &end, base);
        if (errno != 0 || *end != '\0')
                return false;
        if (neg ? v > (unsigned long long)INT64_MAX + 1 : v > (unsigned long long)INT64_MAX)
                return false;
        *out = neg ? (int64_t)(0 - v) : (int64_t)v;
        return true;
}

/* YAML 1.1 booleans, as the YAML decoder resolves them. */
static bool parse_bool(const char *text, bool *out)
{
        static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
        static const char *const no[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};

        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
                if (strcmp(text, yes[i]) == 0)
                        return *out = true, true;
                if (strcmp(text, no[i]) == 0)
                        return *out = false, true;
        }
        return false;
}

static int dec_string(struct decoder *d, const struct cdi_node *n, char **out)
{
        if (is_null(n))
                return 0;
        if (n->kind != CDI_NODE_SCALAR)
                return fail(d, n, "expected a string, got %s", describe(n));
        if ((*out = strdup(n->text)) == NULL)
                return nomem(d);
        return 0;
}

static int dec_int(struct decoder *d, const struct cdi_node *n, int64_t min, int64_t max, int64_t *out, bool *set)
{
        int64_t v;

        if (is_null(n))
                return 0;
        if (n->kind != CDI_NODE_SCALAR || n->quoted)
                return fail(d, n, "expected an integer, got %s", describe(n));
        if (!parse_int(n->text, &v))
                return fail(d, n, "expected an integer, got \"%s\"", n->text);
        if (v < min || v > max)
                return fail(d, n, "%s is out of range [%" PRId64 ", %" PRId64 "]", n->text, min, max);
        *out = v;
        if (set != NULL)
                *set = true;
        return 0;
}

static int dec_bool(struct decoder *d, const struct cdi_node *n, bool *out)
{
        if (is_null(n))
                return 0;
        if (n->kind != CDI_NODE_SCALAR || n->quoted || !parse_bool(n->text, out))
                return fail(d, n, "expected a boolean, got %s",
                            n->kind == CDI_NODE_SCALAR && !n->quoted ? n->text : describe(n));
        return 0;
}

/* A list of strings; a null item is "" (as Go decodes it). */
static int dec_strings(struct decoder *d, const struct cdi_node *n, char ***out)
{
        char **v;

        if (is_null(n))
                return 0;
        if (n->kind != CDI_NODE_SEQ)
                return fail(d, n, "expected a sequence, got %s", describe(n));
        if ((v = calloc(n->n + 1, sizeof(*v))) == NULL)
                return nomem(d);
        *out = v;
        for (size_t i = 0; i < n->n; i++) {
                const struct cdi_node *item = n->items[i].value;
                int r = 0;

                push_index(d, i);
                if (is_null(item))
                        v[i] = strdup("");
                else if (item->kind == CDI_NODE_SCALAR)
                        v[i] = strdup(item->text);
                else
                        r = fail(d, item, "expected a string, got %s", describe(item));
                pop(d);
                if (r < 0)
                        return -1;
                if (v[i] == NULL)
                        return nomem(d);
        }
        return 0;
}

/* --- structs ----------------------------------------------------------------
 */

enum field_type { F_STRING, F_STRINGS, F_INT64, F_UINT32, F_BOOL, F_CUSTOM };

#define NO_FLAG SIZE_MAX

struct field {
        const char *key;
        enum field_type type;
        size_t offset;
        size_t flag; /* a bool set when the key is present, or NO_FLAG */
        int (*custom)(struct decoder *d, const struct cdi_node *n, void *field);
};

#define FIELD(k, t, s, m)                                                                                              \
        {                                                                                                              \
                k, t, offsetof(s, m), NO_FLAG, NULL                                                                    \
        }
#define FIELD_FLAG(k, t, s, m, f)                                                                                      \
        {                                                                                                              \
                k, t, offsetof(s, m), offsetof(s, f), NULL                                                             \
        }
#define FIELD_CUSTOM(k, s, m, fn)                                                                                      \
        {                                                                                                              \
                k, F_CUSTOM, offsetof(s, m), NO_FLAG, fn                                                               \
        }

static int dec_field(struct decoder *d, const struct field *f, const struct cdi_node *n, char *obj)
{
        bool *flag = f->flag != NO_FLAG ? (bool *)(void *)(obj + f->flag) : NULL;
        void *p = obj + f->offset;
        int64_t v = 0;
        bool set = false;

        switch (f->type) {
        case F_STRING:
                return dec_string(d, n, p);
        case F_INT64:
                /* The flag of a number says it was given (Go's pointer). */
                return dec_int(d, n, INT64_MIN, INT64_MAX, p, flag);
        case F_UINT32:
                if (dec_int(d, n, 0, UINT32_MAX, &v, &set) < 0)
                        return -1;
                if (set)
                        *(uint32_t *)p = (uint32_t)v;
                if (flag != NULL)
                        *flag = set;
                return 0;
        case F_STRINGS:
        case F_BOOL:
                /* The flag of these says the key was written, null or not:
     * some keys are valid only in some spec versions. */
                if (flag != NULL)
                        *flag = true;
                return f->type == F_BOOL ? dec_bool(d, n, p) : dec_strings(d, n, p);
        default:
                return f->custom(d, n, p);
        }
}

/* Decodes a mapping into obj by the field table; *pos gets its position. */
static int dec_object(struct decoder *d, const struct cdi_node *n, const struct field *fields, size_t nfields,
                      void *obj, struct cdi_pos *pos)
{
        if (n->kind != CDI_NODE_MAP)
                return fail(d, n, "expected a mapping, got %s", describe(n));
        if (pos != NULL)
                *pos = n->pos;
        for (size_t i = 0; i < n->n; i++) {
                const struct cdi_node_item *item = &n->items[i];
                const struct field *f = NULL;
                int r;

                for (size_t j = 0; j < nfields && f == NULL; j++)
                        if (strcmp(fields[j].key, item->key) == 0)
                                f = &fields[j];
                push_key(d, item->key);
                if (f == NULL)
                        r = fail_at(d, item->pos, d->depth - 1, "unknown field \"%s\"", item->key);
                else
                        r = dec_field(d, f, item->value, obj);
                pop(d);
                if (r < 0)
                        return -1;
        }
        return 0;
}

/* A sequence of objects of size elem into a new array. */
static int dec_array(struct decoder *d, const struct cdi_node *n, size_t elem, void **arr, size_t *count,
                     int (*one)(struct decoder *d, const struct cdi_node *n, void *obj))
{
        char *v;

        if (is_null(n))
                return 0;
        if (n->kind != CDI_NODE_SEQ)
                return fail(d, n, "expected a sequence, got %s", describe(n));
        if (n->n == 0)
                return 0;
        if ((v = calloc(n->n, elem)) == NULL)
                return nomem(d);
        *arr = v;
        *count = n->n;
        for (size_t i = 0; i < n->n; i++) {
                int r;

                push_index(d, i);
                r = one(d, n->items[i].value, v + i * elem);
                pop(d);
                if (r < 0)
                        return -1;
        }
        return 0;
}

static int dec_annotations(struct decoder *d, const struct cdi_node *n, struct cdi_annotation **out, size_t *count)
{
        if (is_null(n))
                return 0;
        if (n->kind != CDI_NODE_MAP)
                return fail(d, n, "expected a mapping, got %s", describe(n));
        if (n->n == 0)
                return 0;
        if ((*out = calloc(n->n, sizeof(**out))) == NULL)
                return nomem(d);
        *count = n->n;
        for (size_t i = 0; i < n->n; i++) {
                const struct cdi_node *v = n->items[i].value;
                int r = 0;

                push_key(d, n->items[i].key);
                if ((*out)[i].key = strdup(n->items[i].key), (*out)[i].key == NULL)
                        r = nomem(d);
                else if (is_null(v))
                        r = ((*out)[i].value = strdup("")) == NULL ? nomem(d) : 0;
                else if (v->kind != CDI_NODE_SCALAR)
                        r = fail(d, v, "expected a string, got %s", describe(v));
                else
                        r = ((*out)[i].value = strdup(v->text)) == NULL ? nomem(d) : 0;
                pop(d);
                if (r < 0)
                        return -1;
        }
        return 0;
}

static const struct field device_node_fields[] = {
        FIELD("path", F_STRING, struct cdi_device_node, path),
        FIELD("hostPath", F_STRING, struct cdi_device_node, host_path),
        FIELD("type", F_STRING, struct cdi_device_node, type),
        FIELD("major", F_INT64, struct cdi_device_node, major),
        FIELD("minor", F_INT64, struct cdi_device_node, minor),
        FIELD_FLAG("fileMode", F_UINT32, struct cdi_device_node, file_mode, has_file_mode),
        FIELD("permissions", F_STRING, struct cdi_device_node, permissions),
        FIELD_FLAG("uid", F_UINT32, struct cdi_device_node, uid, has_uid),
        FIELD_FLAG("gid", F_UINT32, struct cdi_device_node, gid, has_gid),
};

static const struct field mount_fields[] = {
        FIELD("hostPath", F_STRING, struct cdi_mount, host_path),
        FIELD("containerPath", F_STRING, struct cdi_mount, container_path),
        FIELD("options", F_STRINGS, struct cdi_mount, options),
        FIELD("type", F_STRING, struct cdi_mount, type),
};

static const struct field hook_fields[] = {
        FIELD("hookName", F_STRING, struct cdi_hook, hook_name),
        FIELD("path", F_STRING, struct cdi_hook, path),
        FIELD("args", F_STRINGS, struct cdi_hook, args),
        FIELD("env", F_STRINGS, struct cdi_hook, env),
        FIELD_FLAG("timeout", F_INT64, struct cdi_hook, timeout, has_timeout),
};

static const struct field net_device_fields[] = {
        FIELD("hostInterfaceName", F_STRING, struct cdi_net_device, host_interface_name),
        FIELD("name", F_STRING, struct cdi_net_device, name),
};

static const struct field intel_rdt_fields[] = {
        FIELD("closID", F_STRING, struct cdi_intel_rdt, clos_id),
        FIELD("l3CacheSchema", F_STRING, struct cdi_intel_rdt, l3_cache_schema),
        FIELD("memBwSchema", F_STRING, struct cdi_intel_rdt, mem_bw_schema),
        FIELD_FLAG("schemata", F_STRINGS, struct cdi_intel_rdt, schemata, has_schemata),
        FIELD_FLAG("enableMonitoring", F_BOOL, struct cdi_intel_rdt, enable_monitoring, has_enable_monitoring),
        FIELD_FLAG("enableCMT", F_BOOL, struct cdi_intel_rdt, enable_cmt, has_enable_cmt),
        FIELD_FLAG("enableMBM", F_BOOL, struct cdi_intel_rdt, enable_mbm, has_enable_mbm),
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static int one_device_node(struct decoder *d, const struct cdi_node *n, void *obj)
{
        struct cdi_device_node *dn = obj;

        return dec_object(d, n, device_node_fields, NITEMS(device_node_fields), dn, &dn->pos);
}

static int one_mount(struct decoder *d, const struct cdi_node *n, void *obj)
{
        struct cdi_mount *m = obj;

        return dec_object(d, n, mount_fields, NITEMS(mount_fields), m, &m->pos);
}

static int one_hook(struct decoder *d, const struct cdi_node *n, void *obj)
{
        struct cdi_hook *h = obj;

        return dec_object(d, n, hook_fields, NITEMS(hook_fields), h, &h->pos);
}

static int one_net_device(struct decoder *d, const struct cdi_node *n, void *obj)
{
        struct cdi_net_device *nd = obj;

        return dec_object(d, n, net_device_fields, NITEMS(net_device_fields), nd, &nd->pos);
}

static int dec_device_nodes(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_edits *e = container_of(field, struct cdi_edits, device_nodes);

        return dec_array(d, n, sizeof(*e->device_nodes), (void **)&e->device_nodes, &e->n_device_nodes,
                         one_device_node);
}

static int dec_mounts(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_edits *e = container_of(field, struct cdi_edits, mounts);

        return dec_array(d, n, sizeof(*e->mounts), (void **)&e->mounts, &e->n_mounts, one_mount);
}

static int dec_hooks(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_edits *e = container_of(field, struct cdi_edits, hooks);

        return dec_array(d, n, sizeof(*e->hooks), (void **)&e->hooks, &e->n_hooks, one_hook);
}

static int dec_net_devices(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_edits *e = container_of(field, struct cdi_edits, net_devices);

        e->has_net_devices = true;
        return dec_array(d, n, sizeof(*e->net_devices), (void **)&e->net_devices, &e->n_net_devices, one_net_device);
}

static int dec_intel_rdt(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_intel_rdt **out = field;

        if (is_null(n))
                return 0;
        if ((*out = calloc(1, sizeof(**out))) == NULL)
                return nomem(d);
        return dec_object(d, n, intel_rdt_fields, NITEMS(intel_rdt_fields), *out, &(*out)->pos);
}

static int dec_gids(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_edits *e = container_of(field, struct cdi_edits, additional_gids);

        if (is_null(n))
                return 0;
        if (n->kind != CDI_NODE_SEQ)
                return fail(d, n, "expected a sequence, got %s", describe(n));
        if (n->n == 0)
                return 0;
        if ((e->additional_gids = calloc(n->n, sizeof(*e->additional_gids))) == NULL)
                return nomem(d);
        e->n_additional_gids = n->n;
        for (size_t i = 0; i < n->n; i++) {
                int64_t v = 0;
                int r;

                push_index(d, i);
                r = dec_int(d, n->items[i].value, 0, UINT32_MAX, &v, NULL);
                pop(d);
                if (r < 0)
                        return -1;
                e->additional_gids[i] = (uint32_t)v;
        }
        return 0;
}

static const struct field edits_fields[] = {
        FIELD("env", F_STRINGS, struct cdi_edits, env),
        FIELD_CUSTOM("deviceNodes", struct cdi_edits, device_nodes, dec_device_nodes),
        FIELD_CUSTOM("netDevices", struct cdi_edits, net_devices, dec_net_devices),
        FIELD_CUSTOM("hooks", struct cdi_edits, hooks, dec_hooks),
        FIELD_CUSTOM("mounts", struct cdi_edits, mounts, dec_mounts),
        FIELD_CUSTOM("intelRdt", struct cdi_edits, intel_rdt, dec_intel_rdt),
        FIELD_CUSTOM("additionalGids", struct cdi_edits, additional_gids, dec_gids),
};

static int dec_edits(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_edits *e = field;

        e->pos = n->pos;
        if (is_null(n))
                return 0;
        return dec_object(d, n, edits_fields, NITEMS(edits_fields), e, &e->pos);
}

static int dec_device_annotations(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_device *dev = container_of(field, struct cdi_device, annotations);

        return dec_annotations(d, n, &dev->annotations, &dev->n_annotations);
}

static const struct field device_fields[] = {
        FIELD("name", F_STRING, struct cdi_device, name),
        FIELD_CUSTOM("annotations", struct cdi_device, annotations, dec_device_annotations),
        FIELD_CUSTOM("containerEdits", struct cdi_device, edits, dec_edits),
};

static int one_device(struct decoder *d, const struct cdi_node *n, void *obj)
{
        struct cdi_device *dev = obj;

        return dec_object(d, n, device_fields, NITEMS(device_fields), dev, &dev->pos);
}

static int dec_devices(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_spec *s = container_of(field, struct cdi_spec, devices);

        return dec_array(d, n, sizeof(*s->devices), (void **)&s->devices, &s->n_devices, one_device);
}

static int dec_spec_annotations(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_spec *s = container_of(field, struct cdi_spec, annotations);

        return dec_annotations(d, n, &s->annotations, &s->n_annotations);
}

static int dec_version(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_spec *s = container_of(field, struct cdi_spec, version);

        s->version_pos = n->pos;
        return dec_string(d, n, &s->version);
}

static int dec_kind(struct decoder *d, const struct cdi_node *n, void *field)
{
        struct cdi_spec *s = container_of(field, struct cdi_spec, kind);

        s->kind_pos = n->pos;
        return dec_string(d, n, &s->kind);
}

static const struct field spec_fields[] = {
        FIELD_CUSTOM("cdiVersion", struct cdi_spec, version, dec_version),
        FIELD_CUSTOM("kind", struct cdi_spec, kind, dec_kind),
        FIELD_CUSTOM("annotations", struct cdi_spec, annotations, dec_spec_annotations),
        FIELD_CUSTOM("devices", struct cdi_spec, devices, dec_devices),
        FIELD_CUSTOM("containerEdits", struct cdi_spec, edits, dec_edits),
};

int cdi_spec_decode(struct error *err, const struct cdi_source *src, const struct cdi_node *root, struct cdi_spec **out)
{
        struct decoder d = {.err = err, .src = src};
        struct cdi_spec *spec;
        struct cdi_pos pos;

        *out = NULL;
        if (is_null(root))
                return error_setx(err, "%s: no spec data", src->name);
        if ((spec = calloc(1, sizeof(*spec))) == NULL || (spec->path = strdup(src->name)) == NULL) {
                cdi_spec_free(spec);
                return nomem(&d);
        }
        if (dec_object(&d, root, spec_fields, NITEMS(spec_fields), spec, &pos) < 0) {
                cdi_spec_free(spec);
                return -1;
        }
        *out = spec;
        return 0;
}
