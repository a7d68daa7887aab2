/* Writing CDI specs (cdi.h) the way NVIDIA's tools do: the CDI library
 * marshals a spec to JSON (encoding/json, Go struct order) and, for YAML,
 * turns that JSON into YAML through go-yaml v2 (sigs.k8s.io/yaml), which
 * sorts the keys of every mapping and quotes any string YAML 1.1 would read
 * as something else. Here the model becomes one json-c tree in struct
 * order; JSON is that tree printed, YAML is that tree walked through
 * libyaml's emitter (go-yaml's emitter is a port of it) with the keys in
 * go-yaml's order. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <yaml.h>

#include "common/atomic_file.h"
#include "common/cdi.h"
#include "common/utf8.h"
#include "common/cleanup.h"

#define SPEC_FILE_MODE 0644

/* --- sorting (NVIDIA's "sorter" transform) ----------------------------------- */

/* The number of '/' in path_clean(path), counted without allocating, so
 * that sorting cannot fail: a cleaned absolute path is "/" and its
 * elements joined by '/', a relative one its elements alone. */
static size_t path_depth(const char *path)
{
        bool rooted = path[0] == '/';
        size_t elems = 0, ups = 0;

        for (const char *p = path; *p != '\0';) {
                size_t len;

                p += strspn(p, "/");
                len = strcspn(p, "/");
                if (len == 2 && p[0] == '.' && p[1] == '.') {
                        if (elems > ups)
                                elems--;
                        else if (!rooted)
                                elems++, ups++;
                } else if (len > 0 && !(len == 1 && p[0] == '.')) {
                        elems++;
                }
                p += len;
        }
        if (rooted)
                return elems > 0 ? elems : 1;
        return elems > 0 ? elems - 1 : 0;
}

static int path_cmp(const char *a, const char *b)
{
        size_t da, db;

        a = a != NULL ? a : "";
        b = b != NULL ? b : "";
        da = path_depth(a);
        db = path_depth(b);
        if (da != db)
                return da < db ? -1 : 1;
        return strcmp(a, b);
}

static int node_cmp(const void *a, const void *b)
{
        return path_cmp(((const struct cdi_device_node *)a)->path, ((const struct cdi_device_node *)b)->path);
}

static int mount_cmp(const void *a, const void *b)
{
        return path_cmp(((const struct cdi_mount *)a)->container_path, ((const struct cdi_mount *)b)->container_path);
}

static int device_cmp(const void *a, const void *b)
{
        const char *x = ((const struct cdi_device *)a)->name, *y = ((const struct cdi_device *)b)->name;

        return strcmp(x != NULL ? x : "", y != NULL ? y : "");
}

/* A binary insertion sort: stable and in place (qsort is neither
 * guaranteed stable nor free of allocation), and spec lists are short. */
static void stable_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
        union {
                struct cdi_device_node node;
                struct cdi_mount mount;
                struct cdi_device device;
        } tmp;
        char *a = base;

        for (size_t i = 1; i < n; i++) {
                size_t lo = 0, hi = i;

                while (lo < hi) {
                        size_t mid = lo + (hi - lo) / 2;

                        if (cmp(a + mid * size, a + i * size) <= 0)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                if (lo == i)
                        continue;
                memcpy(&tmp, a + i * size, size);
                memmove(a + (lo + 1) * size, a + lo * size, (i - lo) * size);
                memcpy(a + lo * size, &tmp, size);
        }
}

static void sort_edits(struct cdi_edits *e)
{
        stable_sort(e->device_nodes, e->n_device_nodes, sizeof(*e->device_nodes), node_cmp);
        stable_sort(e->mounts, e->n_mounts, sizeof(*e->mounts), mount_cmp);
}

void cdi_spec_sort(struct cdi_spec *spec)
{
        sort_edits(&spec->edits);
        for (size_t i = 0; i < spec->n_devices; i++)
                sort_edits(&spec->devices[i].edits);
        stable_sort(spec->devices, spec->n_devices, sizeof(*spec->devices), device_cmp);
}

/* --- the model as a JSON tree, in the CDI Go structs' order ------------------- */

/* An object under construction: after the first failure every put only
 * frees its value, and the object comes out NULL with that failure's errno
 * (ENOMEM, or EILSEQ for a string that is not UTF-8, which Go would have
 * silently replaced, naming another file). */
struct builder {
        struct json_object *obj;
        int error;
};

/* json-c's constructors fail only for memory. */
static struct json_object *nomem(struct json_object *obj)
{
        if (obj == NULL)
                errno = ENOMEM;
        return obj;
}

static struct json_object *str_new(const char *s)
{
        s = s != NULL ? s : "";
        if (!utf8_valid(s)) {
                errno = EILSEQ;
                return NULL;
        }
        return nomem(json_object_new_string(s));
}

static struct builder builder_new(void)
{
        struct json_object *obj = json_object_new_object();

        return (struct builder){obj, obj == NULL ? ENOMEM : 0};
}

static struct json_object *builder_done(struct builder *b)
{
        if (b->error == 0)
                return b->obj;
        json_object_put(b->obj);
        errno = b->error;
        return NULL;
}

/* Adds value (taken) under key; a NULL value is a failed builder's. */
static void put(struct builder *b, const char *key, struct json_object *value)
{
        int error = b->error;

        if (error == 0 && value == NULL)
                error = errno != 0 ? errno : ENOMEM;
        if (error == 0 && !utf8_valid(key))
                error = EILSEQ;
        if (error == 0 && json_object_object_add(b->obj, key, value) == 0)
                return;
        b->error = error != 0 ? error : ENOMEM;
        json_object_put(value);
}

static void put_str(struct builder *b, const char *key, const char *s)
{
        put(b, key, str_new(s));
}

/* "omitempty": nothing for NULL or "". */
static void put_opt_str(struct builder *b, const char *key, const char *s)
{
        if (s != NULL && *s != '\0')
                put(b, key, str_new(s));
}

static void put_opt_int(struct builder *b, const char *key, bool has, int64_t v)
{
        if (has)
                put(b, key, nomem(json_object_new_int64(v)));
}

static void put_opt_bool(struct builder *b, const char *key, bool has, bool v)
{
        if (has)
                put(b, key, nomem(json_object_new_boolean(v)));
}

/* Appends item (taken) to arr, which becomes NULL (errno kept) when item
 * is NULL or the append fails. */
static struct json_object *append(struct json_object *arr, struct json_object *item)
{
        if (item != NULL && json_object_array_add(arr, item) == 0)
                return arr;
        json_object_put(item);
        json_object_put(arr);
        if (item != NULL)
                errno = ENOMEM;
        return NULL;
}

static struct json_object *strv_new(char *const *v)
{
        struct json_object *arr = nomem(json_object_new_array());

        for (size_t i = 0; arr != NULL && v != NULL && v[i] != NULL; i++)
                arr = append(arr, str_new(v[i]));
        return arr;
}

/* A list of strings, omitted when empty unless force (a key whose
 * presence the model records). */
static void put_strv(struct builder *b, const char *key, char *const *v, bool force)
{
        if ((v != NULL && v[0] != NULL) || force)
                put(b, key, strv_new(v));
}

/* A list of n structs of the given size, each built by one; omitted when
 * empty unless force. */
static void put_list(struct builder *b, const char *key, const void *items, size_t n, size_t size,
                     struct json_object *(*one)(const void *), bool force)
{
        struct json_object *arr;

        if (n == 0 && !force)
                return;
        arr = nomem(json_object_new_array());
        for (size_t i = 0; arr != NULL && i < n; i++)
                arr = append(arr, one((const char *)items + i * size));
        put(b, key, arr);
}

static struct json_object *device_node_new(const void *item)
{
        const struct cdi_device_node *n = item;
        struct builder b = builder_new();

        put_str(&b, "path", n->path);
        put_opt_str(&b, "hostPath", n->host_path);
        put_opt_str(&b, "type", n->type);
        put_opt_int(&b, "major", n->major != 0, n->major);
        put_opt_int(&b, "minor", n->minor != 0, n->minor);
        put_opt_int(&b, "fileMode", n->has_file_mode, n->file_mode);
        put_opt_str(&b, "permissions", n->permissions);
        put_opt_int(&b, "uid", n->has_uid, n->uid);
        put_opt_int(&b, "gid", n->has_gid, n->gid);
        return builder_done(&b);
}

static struct json_object *mount_new(const void *item)
{
        const struct cdi_mount *m = item;
        struct builder b = builder_new();

        put_str(&b, "hostPath", m->host_path);
        put_str(&b, "containerPath", m->container_path);
        put_strv(&b, "options", m->options, false);
        put_opt_str(&b, "type", m->type);
        return builder_done(&b);
}

static struct json_object *hook_new(const void *item)
{
        const struct cdi_hook *h = item;
        struct builder b = builder_new();

        put_str(&b, "hookName", h->hook_name);
        put_str(&b, "path", h->path);
        put_strv(&b, "args", h->args, false);
        put_strv(&b, "env", h->env, false);
        put_opt_int(&b, "timeout", h->has_timeout, h->timeout);
        return builder_done(&b);
}

static struct json_object *net_device_new(const void *item)
{
        const struct cdi_net_device *d = item;
        struct builder b = builder_new();

        put_str(&b, "hostInterfaceName", d->host_interface_name);
        put_str(&b, "name", d->name);
        return builder_done(&b);
}

/* The has_* flags decide rather than omitempty: they record which keys the
 * spec had, and so which spec version it needs. */
static struct json_object *intel_rdt_new(const struct cdi_intel_rdt *r)
{
        struct builder b = builder_new();

        put_opt_str(&b, "closID", r->clos_id);
        put_opt_str(&b, "l3CacheSchema", r->l3_cache_schema);
        put_opt_str(&b, "memBwSchema", r->mem_bw_schema);
        put_strv(&b, "schemata", r->schemata, r->has_schemata);
        put_opt_bool(&b, "enableMonitoring", r->has_enable_monitoring, r->enable_monitoring);
        put_opt_bool(&b, "enableCMT", r->has_enable_cmt, r->enable_cmt);
        put_opt_bool(&b, "enableMBM", r->has_enable_mbm, r->enable_mbm);
        return builder_done(&b);
}

static void put_gids(struct builder *b, const uint32_t *gids, size_t n)
{
        struct json_object *arr;

        if (n == 0)
                return;
        arr = nomem(json_object_new_array());
        for (size_t i = 0; arr != NULL && i < n; i++)
                arr = append(arr, nomem(json_object_new_int64(gids[i])));
        put(b, "additionalGids", arr);
}

static bool edits_empty(const struct cdi_edits *e)
{
        return (e->env == NULL || e->env[0] == NULL) && e->n_device_nodes == 0 && !e->has_net_devices &&
               e->n_net_devices == 0 && e->n_hooks == 0 && e->n_mounts == 0 && e->intel_rdt == NULL &&
               e->n_additional_gids == 0;
}

static struct json_object *edits_new(const struct cdi_edits *e)
{
        struct builder b = builder_new();

        put_strv(&b, "env", e->env, false);
        put_list(&b, "deviceNodes", e->device_nodes, e->n_device_nodes, sizeof(*e->device_nodes), device_node_new,
                 false);
        put_list(&b, "hooks", e->hooks, e->n_hooks, sizeof(*e->hooks), hook_new, false);
        put_list(&b, "mounts", e->mounts, e->n_mounts, sizeof(*e->mounts), mount_new, false);
        if (e->intel_rdt != NULL)
                put(&b, "intelRdt", intel_rdt_new(e->intel_rdt));
        put_gids(&b, e->additional_gids, e->n_additional_gids);
        put_list(&b, "netDevices", e->net_devices, e->n_net_devices, sizeof(*e->net_devices), net_device_new,
                 e->has_net_devices);
        return builder_done(&b);
}

static int annotation_cmp(const void *a, const void *b)
{
        const struct cdi_annotation *x = *(const struct cdi_annotation *const *)a;
        const struct cdi_annotation *y = *(const struct cdi_annotation *const *)b;

        return strcmp(x->key != NULL ? x->key : "", y->key != NULL ? y->key : "");
}

/* Go's encoding/json writes a map with its keys in byte order. */
static void put_annotations(struct builder *b, const struct cdi_annotation *a, size_t n)
{
        cleanup_free const struct cdi_annotation **sorted = NULL;
        struct builder map;

        if (n == 0)
                return;
        if ((sorted = calloc(n, sizeof(*sorted))) == NULL) {
                put(b, "annotations", NULL);
                return;
        }
        for (size_t i = 0; i < n; i++)
                sorted[i] = &a[i];
        qsort(sorted, n, sizeof(*sorted), annotation_cmp);
        map = builder_new();
        for (size_t i = 0; i < n; i++)
                put_str(&map, sorted[i]->key != NULL ? sorted[i]->key : "", sorted[i]->value);
        put(b, "annotations", builder_done(&map));
}

static struct json_object *device_new(const void *item)
{
        const struct cdi_device *d = item;
        struct builder b = builder_new();

        put_str(&b, "name", d->name);
        put_annotations(&b, d->annotations, d->n_annotations);
        put(&b, "containerEdits", edits_new(&d->edits));
        return builder_done(&b);
}

/* The spec's devices and a device's containerEdits are required by the
 * schema, so they are written even empty; the spec's own edits are not. */
static struct json_object *spec_new(const struct cdi_spec *s)
{
        struct builder b = builder_new();

        put_str(&b, "cdiVersion", s->version);
        put_str(&b, "kind", s->kind);
        put_annotations(&b, s->annotations, s->n_annotations);
        put_list(&b, "devices", s->devices, s->n_devices, sizeof(*s->devices), device_new, true);
        if (!edits_empty(&s->edits))
                put(&b, "containerEdits", edits_new(&s->edits));
        return builder_done(&b);
}

/* --- which strings go-yaml v2 quotes --------------------------------------------- */

/* go-yaml writes a string in plain style only when its resolver would read
 * it back, unquoted, as a string (YAML 1.1: booleans, nulls, ints, floats,
 * timestamps) and it is not a base 60 float; these functions follow that
 * resolver (resolve.go) and the Go parsers it calls. */

#define DIGITS "0123456789"

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static int digit_value(char c)
{
        if (is_digit(c))
                return c - '0';
        c = (char)(c | 0x20);
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
}

/* Digits of base (possibly none) whose value is at most max. */
static bool digits_ok(const char *s, int base, unsigned long long max)
{
        unsigned long long v;

        for (const char *p = s; *p != '\0'; p++)
                if (digit_value(*p) >= base)
                        return false;
        errno = 0;
        v = strtoull(s, NULL, base);
        return errno != ERANGE && v <= max;
}

/* strconv.ParseInt(s, base, 64) or, unsigned, ParseUint succeeds. Base 0
 * takes Go's prefixes: 0b, 0o, 0x (with something after them), else a
 * leading 0 for octal. */
static bool go_int(const char *s, int base)
{
        unsigned long long max = ULLONG_MAX;

        if (*s == '+' || *s == '-')
                max = (unsigned long long)INT64_MAX + (*s++ == '-');
        if (*s == '\0')
                return false;
        if (base == 0 && s[0] == '0') {
                char c = (char)(s[1] | 0x20);
                bool prefixed = strlen(s) >= 3 && (c == 'b' || c == 'o' || c == 'x');

                base = !prefixed ? 8 : c == 'b' ? 2 : c == 'o' ? 8 : 16;
                s += prefixed ? 2 : 1;
        }
        return digits_ok(s, base != 0 ? base : 10, max);
}

/* strconv.ParseFloat fails only by overflowing (underflow is 0). */
static bool float_in_range(const char *s)
{
        double v;

        errno = 0;
        v = strtod(s, NULL);
        return !(errno == ERANGE && (v > 1 || v < -1));
}

/* go-yaml's yamlStyleFloat, [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?,
 * that ParseFloat accepts. */
static bool yaml_float(const char *s)
{
        const char *p = s + (*s == '+' || *s == '-');
        size_t n = strspn(p, DIGITS);

        if (n == 0 && (p[0] != '.' || !is_digit(p[1])))
                return false;
        p += n;
        if (*p == '.')
                p += 1 + strspn(p + 1, DIGITS);
        if (*p == 'e' || *p == 'E') {
                p += 1 + (p[1] == '+' || p[1] == '-');
                if (!is_digit(*p))
                        return false;
                p += strspn(p, DIGITS);
        }
        return *p == '\0' && float_in_range(s);
}

/* YAML 1.1's base 60 floats, [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?,
 * which go-yaml does not read but still quotes. */
static bool base60_float(const char *s)
{
        const char *p = s + (*s == '+' || *s == '-');

        if (!is_digit(*p))
                return false;
        p += strspn(p, DIGITS "_");
        if (*p != ':')
                return false;
        while (*p == ':') {
                size_t n = strspn(p + 1, DIGITS);

                if (n == 0 || n > 2 || (n == 2 && p[1] > '5'))
                        return false;
                p += 1 + n;
        }
        if (*p == '.')
                p += 1 + strspn(p + 1, DIGITS "_");
        return *p == '\0';
}

/* One or two digits at *p (Go's getnum for a non-padded field), or -1. */
static int take_num(const char **p)
{
        const char *s = *p;
        int v;

        if (!is_digit(s[0]))
                return -1;
        v = s[0] - '0';
        if (is_digit(s[1]))
                v = v * 10 + (*++s - '0');
        *p = s + 1;
        return v;
}

static int days_in(int month, int year)
{
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

        return days[month - 1] + (month == 2 && leap);
}

/* A separator and then one or two digits, or -1. */
static int take_after(const char **p, char sep)
{
        if (**p != sep)
                return -1;
        ++*p;
        return take_num(p);
}

/* "15:4:5" with an optional fraction of a second (".999999999"). */
static bool clock_ok(const char **p)
{
        int h = take_num(p), m = take_after(p, ':'), s = take_after(p, ':');

        if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59)
                return false;
        if ((**p == '.' || **p == ',') && is_digit((*p)[1]))
                *p += 1 + strspn(*p + 1, DIGITS);
        return true;
}

/* "Z07:00": Z, or a sign and hh:mm. */
static bool zone_ok(const char *p)
{
        if (strcmp(p, "Z") == 0)
                return true;
        return strlen(p) == 6 && (p[0] == '+' || p[0] == '-') && strspn(p + 1, DIGITS) == 2 && p[3] == ':' &&
               strspn(p + 4, DIGITS) == 2 && (p[1] - '0') * 10 + (p[2] - '0') <= 24 &&
               (p[4] - '0') * 10 + (p[5] - '0') <= 60;
}

/* go-yaml's timestamps: Go's time.Parse with "2006-1-2", "2006-1-2 15:4:5.999999999",
 * "2006-1-2T15:4:5.999999999Z07:00" (or with "t"). */
static bool yaml_timestamp(const char *s)
{
        const char *p = s + 5;
        int month, day;
        char sep;

        if (strspn(s, DIGITS) != 4 || s[4] != '-')
                return false;
        month = take_num(&p);
        day = take_after(&p, '-');
        if (month < 1 || month > 12 || day < 1 || day > days_in(month, atoi(s)))
                return false;
        if (*p == '\0')
                return true;
        sep = *p++;
        if ((sep != ' ' && sep != 'T' && sep != 't') || !clock_ok(&p))
                return false;
        return sep == ' ' ? *p == '\0' : zone_ok(p);
}

/* ParseFloat of a string starting with '.': an underscore only between
 * digits. */
static bool dot_float(const char *s, char *plain)
{
        for (size_t i = 0; s[i] != '\0'; i++)
                if (s[i] == '_' && (i == 0 || !is_digit(s[i - 1]) || !is_digit(s[i + 1])))
                        return false;
        return yaml_float(plain);
}

static bool yaml_needs_quotes(const char *s)
{
        static const char *const words[] = {
                "y",     "Y",     "yes",   "Yes",   "YES",  "true", "True", "TRUE", "on",    "On",    "ON",
                "n",     "N",     "no",    "No",    "NO",   "false", "False", "FALSE", "off",  "Off",  "OFF",
                "",      "~",     "null",  "Null",  "NULL", ".nan", ".NaN", ".NAN", ".inf",  ".Inf",  ".INF",
                "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        };
        cleanup_free char *plain = NULL;
        size_t n = 0;

        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strcmp(s, words[i]) == 0)
                        return true;
        if (s[0] != '.' && s[0] != '+' && s[0] != '-' && !is_digit(s[0]))
                return false;
        /* Quoting is the safe answer when memory runs out. */
        if ((plain = strdup(s)) == NULL)
                return true;
        for (const char *p = s; *p != '\0'; p++)
                if (*p != '_')
                        plain[n++] = *p;
        plain[n] = '\0';
        if (s[0] == '.')
                return dot_float(s, plain);
        return yaml_timestamp(s) || go_int(plain, 0) || yaml_float(plain) ||
               (strncmp(plain, "0b", 2) == 0 && go_int(plain + 2, 2)) || base60_float(s);
}

/* --- YAML ---------------------------------------------------------------------- */

/* go-yaml v2's order of string keys (its keyList.Less): at the first
 * difference, two letters compare as characters, a non-letter comes before
 * a letter, and runs of digits compare as numbers. Bytes of multi-byte
 * characters count as letters (spec keys are ASCII). */
static bool is_letter(char c)
{
        return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (unsigned char)c >= 0x80;
}

/* The run of digits at s[*i], read after the digits already in v (Go's
 * int64 arithmetic, which wraps). */
static uint64_t number_at(const char *s, size_t *i, uint64_t v)
{
        for (; is_digit(s[*i]); ++*i)
                v = v * 10 + (uint64_t)(s[*i] - '0');
        return v;
}

static int key_cmp(const char *a, const char *b)
{
        size_t i = 0, ai, bi;
        uint64_t an, bn, lead = 0;

        while (a[i] != '\0' && a[i] == b[i])
                i++;
        if (a[i] == '\0' || b[i] == '\0')
                return a[i] == b[i] ? 0 : a[i] == '\0' ? -1 : 1;
        if (is_letter(a[i]) || is_letter(b[i]))
                return is_letter(a[i]) && is_letter(b[i]) ? (unsigned char)a[i] - (unsigned char)b[i]
                                                          : is_letter(a[i]) ? 1 : -1;
        /* After shared digits that are not all 0, a leading 0 counts. */
        if (a[i] == '0' || b[i] == '0')
                for (size_t j = i; j > 0 && is_digit(a[j - 1]) && lead == 0; j--)
                        lead = a[j - 1] != '0';
        ai = bi = i;
        an = number_at(a, &ai, lead);
        bn = number_at(b, &bi, lead);
        if (an != bn)
                return (int64_t)an < (int64_t)bn ? -1 : 1;
        if (ai != bi)
                return ai < bi ? -1 : 1;
        return (unsigned char)a[i] - (unsigned char)b[i];
}

static yaml_scalar_style_t string_style(const char *s)
{
        if (strchr(s, '\n') != NULL)
                return YAML_LITERAL_SCALAR_STYLE;
        return yaml_needs_quotes(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE;
}

struct yaml_writer {
        yaml_emitter_t emitter;
        char *buf;
        size_t len, cap;
};

static int writer_output(void *data, unsigned char *bytes, size_t size)
{
        struct yaml_writer *w = data;

        if (w->len + size >= w->cap) {
                size_t cap = (w->len + size + 1) * 2;
                char *buf = realloc(w->buf, cap);

                if (buf == NULL)
                        return 0;
                w->buf = buf;
                w->cap = cap;
        }
        memcpy(w->buf + w->len, bytes, size);
        w->len += size;
        w->buf[w->len] = '\0';
        return 1;
}

/* Emits ev, which initialized says was set up (else memory ran out); the
 * emitter owns the event from then on, even when it fails. */
static int emit(struct yaml_writer *w, yaml_event_t *ev, int initialized)
{
        if (!initialized) {
                w->emitter.error = YAML_MEMORY_ERROR;
                return -1;
        }
        return yaml_emitter_emit(&w->emitter, ev) ? 0 : -1;
}

static int emit_scalar(struct yaml_writer *w, const char *text, yaml_scalar_style_t style)
{
        size_t len = strlen(text);
        yaml_event_t ev;

        if (len > INT32_MAX) {
                w->emitter.error = YAML_MEMORY_ERROR;
                return -1;
        }
        return emit(w, &ev,
                    yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)text, (int)len, 1, 1, style));
}

static int emit_value(struct yaml_writer *w, struct json_object *obj);

struct member {
        const char *key;
        struct json_object *value;
};

static int member_cmp(const void *a, const void *b)
{
        return key_cmp(((const struct member *)a)->key, ((const struct member *)b)->key);
}

static int emit_mapping(struct yaml_writer *w, struct json_object *obj)
{
        size_t n = (size_t)json_object_object_length(obj), i = 0;
        cleanup_free struct member *members = calloc(n + 1, sizeof(*members));
        yaml_event_t ev;

        if (members == NULL)
                return emit(w, &ev, 0);
        json_object_object_foreach(obj, key, value) members[i++] = (struct member){key, value};
        qsort(members, n, sizeof(*members), member_cmp);
        if (emit(w, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE)) < 0)
                return -1;
        for (i = 0; i < n; i++)
                if (emit_scalar(w, members[i].key, string_style(members[i].key)) < 0 ||
                    emit_value(w, members[i].value) < 0)
                        return -1;
        return emit(w, &ev, yaml_mapping_end_event_initialize(&ev));
}

static int emit_sequence(struct yaml_writer *w, struct json_object *arr)
{
        yaml_event_t ev;

        if (emit(w, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE)) < 0)
                return -1;
        for (size_t i = 0; i < json_object_array_length(arr); i++)
                if (emit_value(w, json_object_array_get_idx(arr, i)) < 0)
                        return -1;
        return emit(w, &ev, yaml_sequence_end_event_initialize(&ev));
}

/* Numbers and booleans are written as JSON has them, in plain style. */
static int emit_value(struct yaml_writer *w, struct json_object *obj)
{
        const char *text;

        switch (json_object_get_type(obj)) {
        case json_type_object:
                return emit_mapping(w, obj);
        case json_type_array:
                return emit_sequence(w, obj);
        case json_type_string:
                text = json_object_get_string(obj);
                return emit_scalar(w, text, string_style(text));
        default:
                return emit_scalar(w, json_object_get_string(obj), YAML_PLAIN_SCALAR_STYLE);
        }
}

static int emit_document(struct yaml_writer *w, struct json_object *tree)
{
        yaml_event_t ev;

        if (emit(w, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING)) < 0 ||
            emit(w, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1)) < 0 ||
            emit_value(w, tree) < 0 || emit(w, &ev, yaml_document_end_event_initialize(&ev, 1)) < 0 ||
            emit(w, &ev, yaml_stream_end_event_initialize(&ev)) < 0)
                return -1;
        return yaml_emitter_flush(&w->emitter) ? 0 : -1;
}

static int format_yaml(struct error *err, struct json_object *tree, char **out, size_t *len)
{
        struct yaml_writer w = {0};
        int rv = 0;

        if (!yaml_emitter_initialize(&w.emitter)) {
                errno = ENOMEM;
                return error_set(err, "format CDI spec");
        }
        yaml_emitter_set_output(&w.emitter, writer_output, &w);
        /* go-yaml's settings: UTF-8 text as it is, the default width (80). */
        yaml_emitter_set_unicode(&w.emitter, 1);
        /* NVIDIA writes "---" before go-yaml's document, which has no marker. */
        if (!writer_output(&w, (unsigned char *)"---\n", 4))
                w.emitter.error = YAML_MEMORY_ERROR;
        if (w.emitter.error != YAML_NO_ERROR || emit_document(&w, tree) < 0) {
                errno = ENOMEM;
                if (w.emitter.error == YAML_EMITTER_ERROR && w.emitter.problem != NULL)
                        rv = error_setx(err, "format CDI spec: %s", w.emitter.problem);
                else
                        rv = error_set(err, "format CDI spec");
        } else {
                *out = w.buf;
                *len = w.len;
                w.buf = NULL;
        }
        yaml_emitter_delete(&w.emitter);
        free(w.buf);
        return rv;
}

static int format_json(struct error *err, struct json_object *tree, char **out, size_t *len)
{
        size_t n = 0;
        const char *text =
                json_object_to_json_string_length(tree, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

        if (text == NULL || (*out = strndup(text, n)) == NULL) {
                errno = ENOMEM;
                return error_set(err, "format CDI spec");
        }
        *len = n;
        return 0;
}

int cdi_spec_format(struct error *err, const struct cdi_spec *spec, enum cdi_format format, char **out, size_t *len)
{
        struct json_object *tree;
        int rv;

        *out = NULL;
        *len = 0;
        errno = 0;
        if ((tree = spec_new(spec)) == NULL && errno == EILSEQ)
                return error_setx(err, "format CDI spec: a string is not valid UTF-8");
        if (tree == NULL)
                return error_set(err, "format CDI spec");
        rv = format == CDI_FORMAT_JSON ? format_json(err, tree, out, len) : format_yaml(err, tree, out, len);
        json_object_put(tree);
        return rv;
}

/* --- files ------------------------------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && strcmp(s + n - m, suffix) == 0;
}

int cdi_spec_write_file(struct error *err, const struct cdi_spec *spec, const char *path, enum cdi_format format)
{
        cleanup_free char *text = NULL;
        size_t len = 0;

        if (format == CDI_FORMAT_AUTO)
                format = has_suffix(path, ".json") ? CDI_FORMAT_JSON : CDI_FORMAT_YAML;
        if (cdi_spec_format(err, spec, format, &text, &len) < 0)
                return -1;
        /* NVIDIA's generator makes its specs 0644 whatever the umask. */
        if (atomic_write_file_mode(err, path, text, len, SPEC_FILE_MODE) < 0)
                return error_prefix(err, "write CDI spec `%s`", path);
        return 0;
}
