/* Reading config.toml over the defaults: every key of the document is
 * either one of NVIDIA's (its value must have the key's type), a table
 * holding such keys, or unknown (a warning, as upstream ignores it). */
#include "common/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "common/toml.h"

struct loader {
        struct error *err;
        const char *path;
        struct config *cfg;
        size_t nwarnings;
        size_t *offs; /* of each warning's key */
};

static int fail_at(struct loader *l, const struct toml_pos *pos, const char *name, const char *reason)
{
        return error_setx(l->err, "%s:%u:%u: %s: %s", l->path, pos->line, pos->col, name, reason);
}

/* Warnings are kept in file order (the walk goes table by table), so
 * each goes in before the first one found later in the file. */
static int warn_at(struct loader *l, const struct toml_pos *pos, const char *name)
{
        char **v = reallocarray(l->cfg->warnings, l->nwarnings + 2, sizeof(*v));
        size_t *offs, at = l->nwarnings;
        char *msg;

        if (v == NULL)
                return error_set(l->err, "%s", l->path);
        l->cfg->warnings = v;
        v[l->nwarnings] = NULL; /* still a list if what follows fails */
        if ((offs = reallocarray(l->offs, l->nwarnings + 1, sizeof(*offs))) == NULL)
                return error_set(l->err, "%s", l->path);
        l->offs = offs;
        if (asprintf(&msg, "%s:%u:%u: unknown key '%s' ignored", l->path, pos->line, pos->col, name) < 0)
                return error_set(l->err, "%s", l->path);
        while (at > 0 && offs[at - 1] > pos->off)
                at--;
        memmove(v + at + 1, v + at, (l->nwarnings - at) * sizeof(*v));
        memmove(offs + at + 1, offs + at, (l->nwarnings - at) * sizeof(*offs));
        v[at] = msg;
        offs[at] = pos->off;
        v[++l->nwarnings] = NULL;
        return 0;
}

/* A string for a C field: TOML strings may hold NULs (\u0000), which
 * would silently cut a path short. */
static int take_string(struct loader *l, const char *name, const struct toml_value *v, char **out)
{
        if (v->type != TOML_STRING)
                return fail_at(l, &v->pos, name, "expected a string");
        if (memchr(v->u.str.ptr, '\0', v->u.str.len) != NULL)
                return fail_at(l, &v->pos, name, "string contains a NUL character");
        if ((*out = strdup(v->u.str.ptr)) == NULL)
                return error_set(l->err, "%s", l->path);
        return 0;
}

static int take_list(struct loader *l, const char *name, const struct toml_value *v, char ***out)
{
        const struct toml_array *a;
        char **list = NULL;

        if (v->type != TOML_ARRAY)
                return fail_at(l, &v->pos, name, "expected an array of strings");
        a = v->u.array;
        if ((list = calloc(a->len + 1, sizeof(*list))) == NULL)
                return error_set(l->err, "%s", l->path);
        for (size_t i = 0; i < a->len; i++) {
                if (a->items[i].type != TOML_STRING) {
                        fail_at(l, &a->items[i].pos, name, "expected an array of strings");
                        goto fail;
                }
                if (take_string(l, name, &a->items[i], &list[i]) < 0)
                        goto fail;
        }
        *out = list;
        return 0;
fail:
        strv_free(list);
        return -1;
}

/* Replaces the default of a key with the document's value. */
static int set_value(struct loader *l, const struct config_key *key, const struct toml_value *v)
{
        void *field = (char *)l->cfg + key->offset;
        char *s;
        char **list = NULL;

        switch (key->type) {
        case CONFIG_BOOL:
                if (v->type != TOML_BOOL)
                        return fail_at(l, &v->pos, key->name, "expected a boolean");
                *(bool *)field = v->u.boolean;
                return 0;
        case CONFIG_STRING:
                if (take_string(l, key->name, v, &s) < 0)
                        return -1;
                free(*(char **)field);
                *(char **)field = s;
                return 0;
        case CONFIG_STRING_LIST:
                if (take_list(l, key->name, v, &list) < 0)
                        return -1;
                strv_free(*(char ***)field);
                *(char ***)field = list;
                return 0;
        }
        return 0;
}

/* Whether name is one of the tables that hold NVIDIA's keys. */
static bool is_table_name(const char *name)
{
        size_t n, len = strlen(name);
        const struct config_key *keys = config_keys(&n);

        for (size_t i = 0; i < n; i++)
                if (strncmp(keys[i].name, name, len) == 0 && keys[i].name[len] == '.')
                        return true;
        return false;
}

static int apply_table(struct loader *l, const struct toml_table *t, const char *prefix);

static int apply_entry(struct loader *l, const struct toml_entry *e, const char *name)
{
        const struct config_key *key = config_key_lookup(name);

        if (key != NULL)
                return set_value(l, key, &e->value);
        if (!is_table_name(name))
                return warn_at(l, &e->key_pos, name);
        if (e->value.type != TOML_TABLE)
                return fail_at(l, &e->value.pos, name, "expected a table");
        return apply_table(l, e->value.u.table, name);
}

static int apply_table(struct loader *l, const struct toml_table *t, const char *prefix)
{
        char *name;
        int rv;

        for (size_t i = 0; i < t->len; i++) {
                if ((name = toml_path_append(prefix, t->entries[i].key, t->entries[i].key_len)) == NULL)
                        return error_set(l->err, "%s", l->path);
                rv = apply_entry(l, &t->entries[i], name);
                free(name);
                if (rv < 0)
                        return -1;
        }
        return 0;
}

/* Upstream's assertValid: the image must not choose the ldconfig that
 * runs as root, unless the host's admin allowed it. */
static int check_ldconfig(struct loader *l, const struct toml_table *root)
{
        static const char name[] = "nvidia-container-cli.ldconfig";
        const struct toml_value *v = toml_get(root, name);
        const char *ldconfig = l->cfg->cli.ldconfig;
        char *quoted;

        if (ldconfig[0] == '@' || l->cfg->features.allow_ldconfig_from_container || v == NULL)
                return 0;
        if ((quoted = toml_quote(ldconfig, strlen(ldconfig))) == NULL)
                return error_set(l->err, "%s", l->path);
        error_setx(l->err, "%s:%u:%u: %s: value %s is not host-relative (does not start with a '@')", l->path,
                   v->pos.line, v->pos.col, name, quoted);
        free(quoted);
        return -1;
}

/* Applies a parsed document over the defaults in cfg; takes root. */
static int apply_document(struct error *err, const char *path, struct toml_table *root, struct config *cfg)
{
        struct loader l = {.err = err, .path = path, .cfg = cfg};
        int rv;

        rv = apply_table(&l, root, NULL);
        if (rv == 0)
                rv = check_ldconfig(&l, root);
        toml_free(root);
        free(l.offs);
        if (rv < 0)
                config_free(cfg);
        return rv;
}

int config_load_file(struct error *err, const char *path, bool required, struct config *cfg)
{
        struct toml_table *root = NULL;

        if (config_defaults(cfg) < 0)
                return error_set(err, "%s", path);
        if (toml_parse_file(err, path, &root) < 0) {
                if (err->code == ENOENT && !required) {
                        error_reset(err);
                        return 0;
                }
                config_free(cfg);
                return -1;
        }
        return apply_document(err, path, root, cfg);
}

int config_load_text(struct error *err, const char *name, const char *text, size_t len, struct config *cfg)
{
        struct toml_table *root = NULL;

        if (config_defaults(cfg) < 0)
                return error_set(err, "%s", name);
        if (toml_parse(err, name, text, len, &root) < 0) {
                config_free(cfg);
                return -1;
        }
        return apply_document(err, name, root, cfg);
}

int config_load(struct error *err, const char *path, struct config *cfg)
{
        char *found = NULL;
        int rv;

        if (path == NULL && (path = found = config_file_path(NULL)) == NULL) {
                memset(cfg, 0, sizeof(*cfg));
                return error_set(err, "config file path");
        }
        rv = config_load_file(err, path, false, cfg);
        free(found);
        return rv;
}
