/* Validating CDI specs (cdi.h). The rules and their texts are the CDI
 * library's (specs-go/version.go, pkg/cdi/spec.go, container-edits.go, the
 * default producer validator, pkg/parser and the Kubernetes annotation
 * rules it embeds), except that every problem is reported instead of the
 * first, and four rules of SPEC.md the library leaves out are checked:
 * device node paths and host paths, hook paths and mount container paths
 * must be absolute, and a hook timeout must be greater than zero.
 *
 * Spec versions and what first needs them (version.go):
 *   0.3.0  the earliest a spec can declare for its content
 *   0.4.0  mounts[].type
 *   0.5.0  deviceNodes[].hostPath; device names starting with a digit
 *   0.6.0  spec and device annotations; a '.' in the class of kind
 *   0.7.0  intelRdt; additionalGids
 *   0.8.0, 1.0.0  nothing (changes of the Go API only)
 *   1.1.0  netDevices; intelRdt.schemata and intelRdt.enableMonitoring
 *          (and intelRdt.enableCMT / enableMBM are no longer valid) */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cdi_internal.h"
#include "common/cdi_name.h"
#include "common/strv.h"

static const char *const versions[] = {"0.1.0", "0.2.0", "0.3.0", "0.4.0", "0.5.0",
                                       "0.6.0", "0.7.0", "0.8.0", "1.0.0", "1.1.0"};

enum { V030 = 2, V040, V050, V060, V070, V080, V100, V110 };

/* The index of a known version; the library accepts one leading 'v'. */
static int version_index(const char *v)
{
        if (v == NULL)
                return -1;
        if (v[0] == 'v')
                v++;
        for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
                if (strcmp(v, versions[i]) == 0)
                        return (int)i;
        return -1;
}

bool cdi_version_known(const char *version)
{
        return version_index(version) >= 0;
}

/* --- required version
 * ---------------------------------------------------------- */

struct requirement {
        int index;
        const char *why;
};

static void require(struct requirement *r, int index, const char *why)
{
        if (index > r->index) {
                r->index = index;
                r->why = why;
        }
}

static void edits_require(struct requirement *r, const struct cdi_edits *e)
{
        for (size_t i = 0; i < e->n_mounts; i++)
                if (e->mounts[i].type != NULL && e->mounts[i].type[0] != '\0')
                        require(r, V040, "mounts[].type");
        for (size_t i = 0; i < e->n_device_nodes; i++)
                if (e->device_nodes[i].host_path != NULL && e->device_nodes[i].host_path[0] != '\0')
                        require(r, V050, "deviceNodes[].hostPath");
        if (e->intel_rdt != NULL)
                require(r, V070, "intelRdt");
        if (e->n_additional_gids > 0)
                require(r, V070, "additionalGids");
        if (e->has_net_devices)
                require(r, V110, "netDevices");
        if (e->intel_rdt != NULL && e->intel_rdt->has_schemata)
                require(r, V110, "intelRdt.schemata");
        if (e->intel_rdt != NULL && e->intel_rdt->has_enable_monitoring)
                require(r, V110, "intelRdt.enableMonitoring");
}

static struct requirement required(const struct cdi_spec *spec)
{
        struct requirement r = {V030, NULL};
        const char *slash = spec->kind != NULL ? strchr(spec->kind, '/') : NULL;

        if (spec->n_annotations > 0)
                require(&r, V060, "spec annotations");
        if (slash != NULL && slash != spec->kind && strchr(slash + 1, '.') != NULL)
                require(&r, V060, "a '.' in the class of kind");
        for (size_t i = 0; i < spec->n_devices; i++) {
                const struct cdi_device *d = &spec->devices[i];

                if (d->name != NULL && d->name[0] >= '0' && d->name[0] <= '9')
                        require(&r, V050, "device names starting with a digit");
                if (d->n_annotations > 0)
                        require(&r, V060, "device annotations");
                edits_require(&r, &d->edits);
        }
        edits_require(&r, &spec->edits);
        return r;
}

const char *cdi_spec_required_version(const struct cdi_spec *spec)
{
        return versions[required(spec).index];
}

/* --- where problems go
 * ----------------------------------------------------------- */

struct sink {
        const struct cdi_spec *spec;
        struct error *err;  /* the first problem, when list is NULL */
        struct error check; /* reasons from the name checks */
        char ***list;       /* NULL: stop at the first problem, into *err */
        size_t len;         /* of *list */
        int count;
        bool failed; /* out of memory */
};

static void problem(struct sink *s, struct cdi_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void problem(struct sink *s, struct cdi_pos pos, const char *fmt, ...)
{
        const char *name = s->spec->path != NULL ? s->spec->path : "CDI spec";
        char *msg = NULL;
        va_list ap;
        int r;

        if (s->failed || (s->list == NULL && s->count > 0))
                return;
        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0) {
                s->failed = true;
                return;
        }
        s->count++;
        if (s->list == NULL) {
                if (pos.line != 0)
                        error_setx(s->err, "%s:%u:%u: %s", name, pos.line, pos.col, msg);
                else
                        error_setx(s->err, "%s: %s", name, msg);
        } else if ((pos.line != 0 ? cdi_strv_append(s->list, &s->len, "%s:%u:%u: %s", name, pos.line, pos.col, msg)
                                  : cdi_strv_append(s->list, &s->len, "%s: %s", name, msg)) < 0) {
                s->failed = true;
        }
        free(msg);
}

/* --- annotations (Kubernetes' ValidateAnnotations)
 * ------------------------------------ */

#define ANNOTATIONS_MAX_SIZE (256 * 1024)
#define QUALIFIED_NAME_MAX 63
#define DNS_SUBDOMAIN_MAX 253
#define QUALIFIED_NAME_RULE                                                                                            \
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "                    \
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation "              \
        "is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define DNS_SUBDOMAIN_RULE                                                                                             \
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "          \
        "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "         \
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

static bool is_lower_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
        return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static bool qualified_name_ok(const char *s, size_t n)
{
        if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
                return false;
        for (size_t i = 1; i + 1 < n; i++)
                if (!is_alnum(s[i]) && strchr("-_.", s[i]) == NULL)
                        return false;
        return true;
}

/* Dot-separated labels of [a-z0-9-], each alphanumeric at both ends. */
static bool dns_subdomain_ok(const char *s, size_t n)
{
        size_t start = 0;

        for (size_t i = 0; i <= n; i++) {
                if (i < n && s[i] != '.') {
                        if (!is_lower_alnum(s[i]) && s[i] != '-')
                                return false;
                        continue;
                }
                if (i == start || !is_lower_alnum(s[start]) || !is_lower_alnum(s[i - 1]))
                        return false;
                start = i + 1;
        }
        return true;
}

/* One key, lowercased first as Kubernetes does; messages name the key as
 * written. */
static void check_annotation_key(struct sink *s, struct cdi_pos pos, const char *prefix, const char *path,
                                 const char *key)
{
        char *lower = strdup(key), *slash;
        const char *name;

        if (lower == NULL) {
                s->failed = true;
                return;
        }
        for (char *p = lower; *p != '\0'; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p = (char)(*p - 'A' + 'a');
        name = lower;
        if ((slash = strchr(lower, '/')) != NULL) {
                if (strchr(slash + 1, '/') != NULL) {
                        problem(s, pos,
                                "%s%s.%s is invalid: a qualified name " QUALIFIED_NAME_RULE
                                " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                                prefix, path, key);
                        free(lower);
                        return;
                }
                *slash = '\0';
                name = slash + 1;
                if (lower[0] == '\0')
                        problem(s, pos, "%s%s.%s is invalid: prefix part must be non-empty", prefix, path, key);
                else if (strlen(lower) > DNS_SUBDOMAIN_MAX)
                        problem(s, pos, "%s%s.%s is invalid: prefix part must be no more than %d characters", prefix,
                                path, key, DNS_SUBDOMAIN_MAX);
                else if (!dns_subdomain_ok(lower, strlen(lower)))
                        problem(s, pos, "%s%s.%s is invalid: prefix part " DNS_SUBDOMAIN_RULE, prefix, path, key);
        }
        if (name[0] == '\0')
                problem(s, pos, "%s%s.%s is invalid: name part must be non-empty", prefix, path, key);
        else if (strlen(name) > QUALIFIED_NAME_MAX)
                problem(s, pos, "%s%s.%s is invalid: name part must be no more than %d characters", prefix, path, key,
                        QUALIFIED_NAME_MAX);
        if (!qualified_name_ok(name, strlen(name)))
                problem(s, pos, "%s%s.%s is invalid: name part " QUALIFIED_NAME_RULE, prefix, path, key);
        free(lower);
}

/* path is what the library names the map: "KIND.annotations" for the
 * spec's, "QUALIFIED-NAME.annotations" for a device's. */
static void check_annotations(struct sink *s, struct cdi_pos pos, const char *prefix, const char *owner,
                              const struct cdi_annotation *a, size_t n)
{
        char *path = NULL;
        size_t size = 0;

        if (n == 0)
                return;
        if (asprintf(&path, "%s.annotations", owner) < 0) {
                s->failed = true;
                return;
        }
        for (size_t i = 0; i < n; i++) {
                check_annotation_key(s, pos, prefix, path, a[i].key);
                size += strlen(a[i].key) + strlen(a[i].value);
        }
        if (size > ANNOTATIONS_MAX_SIZE)
                problem(s, pos, "%s%s is too long: annotations size %zu is larger than limit %d", prefix, path, size,
                        ANNOTATIONS_MAX_SIZE);
        free(path);
}

/* --- container edits
 * ------------------------------------------------------------------- */

static bool is_empty(const char *s)
{
        return s == NULL || s[0] == '\0';
}

static const char *str(const char *s)
{
        return s != NULL ? s : "";
}

/* ValidateEnv: "K=V" with a non-empty K. */
static bool env_ok(const char *v)
{
        const char *eq = strchr(v, '=');

        return eq != NULL && eq != v;
}

static void check_device_node(struct sink *s, const char *prefix, const struct cdi_device_node *d)
{
        static const char *const types[] = {"b", "c", "u", "p"};
        const char *path = str(d->path);
        bool type_ok = is_empty(d->type);

        if (is_empty(d->path))
                problem(s, d->pos, "%sinvalid (empty) device path", prefix);
        else if (path[0] != '/')
                problem(s, d->pos, "%sdevice \"%s\": invalid (relative) device path", prefix, path);
        if (!is_empty(d->host_path) && d->host_path[0] != '/')
                problem(s, d->pos, "%sdevice \"%s\": invalid (relative) host path \"%s\"", prefix, path, d->host_path);
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                type_ok = type_ok || strcmp(d->type, types[i]) == 0;
        if (!type_ok)
                problem(s, d->pos, "%sdevice \"%s\": invalid type \"%s\"", prefix, path, d->type);
        if (d->major < 0 || d->minor < 0)
                problem(s, d->pos, "%sdevice \"%s\": invalid (negative) device number %lld:%lld", prefix, path,
                        (long long)d->major, (long long)d->minor);
        if (!is_empty(d->permissions) && strcmp(d->permissions, "none") != 0 &&
            d->permissions[strspn(d->permissions, "rwm")] != '\0')
                problem(s, d->pos, "%sdevice \"%s\": invalid permissions \"%s\"", prefix, path, d->permissions);
}

static const char *const hook_names[] = {"prestart",       "createRuntime", "createContainer",
                                         "startContainer", "poststart",     "poststop"};

static void check_hook(struct sink *s, const char *prefix, const struct cdi_hook *h)
{
        const char *name = str(h->hook_name);
        bool known = false;

        for (size_t i = 0; i < sizeof(hook_names) / sizeof(hook_names[0]); i++)
                known = known || strcmp(name, hook_names[i]) == 0;
        if (!known)
                problem(s, h->pos, "%sinvalid hook name \"%s\"", prefix, name);
        if (is_empty(h->path))
                problem(s, h->pos, "%sinvalid hook \"%s\" with empty path", prefix, name);
        else if (h->path[0] != '/')
                problem(s, h->pos, "%sinvalid hook \"%s\" with relative path \"%s\"", prefix, name, h->path);
        for (size_t i = 0; h->env != NULL && h->env[i] != NULL; i++)
                if (!env_ok(h->env[i]))
                        problem(s, h->pos, "%sinvalid hook \"%s\": invalid environment variable \"%s\"", prefix, name,
                                h->env[i]);
        if (h->has_timeout && h->timeout <= 0)
                problem(s, h->pos, "%sinvalid hook \"%s\" with timeout %lld, must be greater than zero", prefix, name,
                        (long long)h->timeout);
}

static void check_mount(struct sink *s, const char *prefix, const struct cdi_mount *m)
{
        if (is_empty(m->host_path))
                problem(s, m->pos, "%sinvalid mount, empty host path", prefix);
        if (is_empty(m->container_path))
                problem(s, m->pos, "%sinvalid mount, empty container path", prefix);
        else if (m->container_path[0] != '/')
                problem(s, m->pos, "%sinvalid mount, relative container path \"%s\"", prefix, m->container_path);
}

/* where: "containerEdits" or "devices[i].containerEdits", as the library
 * names the versioned keys. */
static void check_intel_rdt(struct sink *s, const char *prefix, const char *where, const struct cdi_intel_rdt *r)
{
        const char *c = r->clos_id;
        int v = version_index(s->spec->version);

        /* A valid Linux file name; "/" is the root CLOS. */
        if (c != NULL && strcmp(c, "/") != 0 &&
            (strlen(c) >= 4096 || strcmp(c, ".") == 0 || strcmp(c, "..") == 0 || strpbrk(c, "/\n") != NULL))
                problem(s, r->pos, "%sinvalid ClosID \"%s\"", prefix, c);
        if (v >= V110 && r->has_enable_cmt)
                problem(s, r->pos, "%s%s.intelRdt.enableCMT is not valid for CDI spec version v%s", prefix, where,
                        versions[v]);
        if (v >= V110 && r->has_enable_mbm)
                problem(s, r->pos, "%s%s.intelRdt.enableMBM is not valid for CDI spec version v%s", prefix, where,
                        versions[v]);
}

static void check_net_devices(struct sink *s, const char *prefix, const struct cdi_edits *e)
{
        for (size_t i = 0; i < e->n_net_devices; i++) {
                const struct cdi_net_device *d = &e->net_devices[i];

                if (is_empty(d->host_interface_name)) {
                        problem(s, d->pos, "%sinvalid linux net device, empty HostInterfaceName", prefix);
                        continue;
                }
                if (is_empty(d->name)) {
                        problem(s, d->pos, "%sinvalid linux net device, empty Name", prefix);
                        continue;
                }
                for (size_t j = 0; j < i; j++) {
                        const struct cdi_net_device *o = &e->net_devices[j];

                        if (strcmp(str(o->host_interface_name), d->host_interface_name) == 0)
                                problem(s, d->pos,
                                        "%sinvalid linux net device, duplicate HostInterfaceName \"%s\" with names "
                                        "\"%s\" and \"%s\"",
                                        prefix, d->host_interface_name, d->name, str(o->name));
                        if (strcmp(str(o->name), d->name) == 0)
                                problem(s, d->pos,
                                        "%sinvalid linux net device, duplicate Name \"%s\" with HostInterfaceName "
                                        "\"%s\" and \"%s\"",
                                        prefix, d->name, d->host_interface_name, str(o->host_interface_name));
                }
        }
}

static void check_edits(struct sink *s, const char *prefix, const char *where, const struct cdi_edits *e)
{
        for (size_t i = 0; e->env != NULL && e->env[i] != NULL; i++)
                if (!env_ok(e->env[i]))
                        problem(s, e->pos, "%sinvalid container edits: invalid environment variable \"%s\"", prefix,
                                e->env[i]);
        for (size_t i = 0; i < e->n_device_nodes; i++)
                check_device_node(s, prefix, &e->device_nodes[i]);
        for (size_t i = 0; i < e->n_hooks; i++)
                check_hook(s, prefix, &e->hooks[i]);
        for (size_t i = 0; i < e->n_mounts; i++)
                check_mount(s, prefix, &e->mounts[i]);
        if (e->intel_rdt != NULL)
                check_intel_rdt(s, prefix, where, e->intel_rdt);
        check_net_devices(s, prefix, e);
}

static bool edits_empty(const struct cdi_edits *e)
{
        return (e->env == NULL || e->env[0] == NULL) && e->n_device_nodes == 0 && e->n_hooks == 0 && e->n_mounts == 0 &&
               e->n_additional_gids == 0 && e->intel_rdt == NULL && e->n_net_devices == 0;
}

/* --- the spec
 * ---------------------------------------------------------------------------
 */

static void check_version(struct sink *s)
{
        const struct cdi_spec *spec = s->spec;
        int v = version_index(spec->version);
        struct requirement r;

        if (v < 0) {
                problem(s, spec->version_pos, "invalid version \"%s\"", str(spec->version));
                return;
        }
        r = required(spec);
        if (r.index > v)
                problem(s, spec->version_pos, "the spec version must be at least v%s (for %s)", versions[r.index],
                        r.why);
}

static void check_kind(struct sink *s)
{
        const struct cdi_spec *spec = s->spec;
        const char *kind = str(spec->kind);
        const char *slash = strchr(kind, '/');
        char *vendor;

        if (slash == NULL || slash == kind || slash[1] == '\0') {
                problem(s, spec->kind_pos, "invalid vendor. empty name");
                return;
        }
        if ((vendor = strndup(kind, (size_t)(slash - kind))) == NULL) {
                s->failed = true;
                return;
        }
        if (cdi_name_check_vendor(&s->check, vendor) < 0)
                problem(s, spec->kind_pos, "%s", error_msg(&s->check));
        if (cdi_name_check_class(&s->check, slash + 1) < 0)
                problem(s, spec->kind_pos, "%s", error_msg(&s->check));
        free(vendor);
}

static int by_name(const void *a, const void *b)
{
        const struct cdi_device *x = *(const struct cdi_device *const *)a;
        const struct cdi_device *y = *(const struct cdi_device *const *)b;
        int c = strcmp(str(x->name), str(y->name));

        return c != 0 ? c : (x < y ? -1 : x > y);
}

/* Marks the devices whose name an earlier device has (sorted, so a spec of
 * many devices costs n log n). */
static bool *find_duplicates(const struct cdi_spec *spec)
{
        const struct cdi_device **sorted = calloc(spec->n_devices + 1, sizeof(*sorted));
        bool *dup = calloc(spec->n_devices + 1, sizeof(*dup));

        if (sorted == NULL || dup == NULL) {
                free(sorted);
                free(dup);
                return NULL;
        }
        for (size_t i = 0; i < spec->n_devices; i++)
                sorted[i] = &spec->devices[i];
        qsort(sorted, spec->n_devices, sizeof(*sorted), by_name);
        for (size_t i = 1; i < spec->n_devices; i++)
                if (strcmp(str(sorted[i - 1]->name), str(sorted[i]->name)) == 0)
                        dup[sorted[i] - spec->devices] = true;
        free(sorted);
        return dup;
}

static void check_device(struct sink *s, size_t index, bool duplicate)
{
        const struct cdi_device *d = &s->spec->devices[index];
        const char *name = str(d->name);
        char *prefix = NULL, *qualified = NULL, *where = NULL;

        if (asprintf(&prefix, "invalid device \"%s\": ", name) < 0 ||
            asprintf(&qualified, "%s=%s", str(s->spec->kind), name) < 0 ||
            asprintf(&where, "devices[%zu].containerEdits", index) < 0) {
                s->failed = true;
                free(prefix);
                free(qualified);
                return;
        }
        if (duplicate)
                problem(s, d->pos, "invalid spec, multiple device \"%s\"", name);
        if (cdi_name_check_device(&s->check, name) < 0)
                problem(s, d->pos, "%s%s", prefix, error_msg(&s->check));
        check_annotations(s, d->pos, prefix, qualified, d->annotations, d->n_annotations);
        if (edits_empty(&d->edits))
                problem(s, d->pos, "%sempty container edits", prefix);
        check_edits(s, prefix, where, &d->edits);
        free(prefix);
        free(qualified);
        free(where);
}

static void check_spec(struct sink *s)
{
        const struct cdi_spec *spec = s->spec;
        bool *dup;

        check_version(s);
        check_kind(s);
        check_annotations(s, spec->kind_pos, "", str(spec->kind), spec->annotations, spec->n_annotations);
        check_edits(s, "", "containerEdits", &spec->edits);
        if ((dup = find_duplicates(spec)) == NULL) {
                s->failed = true;
                return;
        }
        for (size_t i = 0; i < spec->n_devices; i++)
                check_device(s, i, dup[i]);
        free(dup);
        if (spec->n_devices == 0)
                problem(s, (struct cdi_pos){0, 0}, "invalid spec, no devices");
}

int cdi_spec_problems(struct error *err, const struct cdi_spec *spec, char ***problems)
{
        struct sink s = {.spec = spec, .err = err, .list = problems};

        s.len = strv_len((const char *const *)*problems);
        check_spec(&s);
        error_reset(&s.check);
        if (s.failed) {
                errno = ENOMEM;
                return error_set(err, "validate CDI spec `%s`", str(spec->path));
        }
        return s.count;
}

int cdi_spec_validate(struct error *err, const struct cdi_spec *spec)
{
        struct sink s = {.spec = spec, .err = err};

        check_spec(&s);
        error_reset(&s.check);
        if (s.failed) {
                errno = ENOMEM;
                return error_set(err, "validate CDI spec `%s`", str(spec->path));
        }
        return s.count == 0 ? 0 : -1;
}

bool cdi_spec_is_valid(const struct cdi_spec *spec)
{
        struct error err = {0};
        bool ok = cdi_spec_validate(&err, spec) == 0;

        error_reset(&err);
        return ok;
}
