/* The TOML document model: tables with entries in file order, a hash
 * index once a table grows (so a large table does not make parsing
 * quadratic), arrays, freeing, and lookup by key or dotted path. */
#include "common/toml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/toml_internal.h"

/* Small tables are searched in order; an index pays off above this. */
#define INDEX_FROM 8

struct toml_table *toml_table_new(enum toml_table_kind kind, unsigned depth)
{
        struct toml_table *t = calloc(1, sizeof(*t));

        if (t != NULL) {
                t->kind = kind;
                t->depth = depth;
        }
        return t;
}

struct toml_array *toml_array_new(unsigned depth)
{
        struct toml_array *a = calloc(1, sizeof(*a));

        if (a != NULL)
                a->depth = depth;
        return a;
}

/* FNV-1a: keys are short, and config files are not hostile input that
 * could aim at collisions (they are root's files). */
static size_t hash_key(const char *key, size_t len)
{
        uint64_t h = 14695981039346656037u;

        for (size_t i = 0; i < len; i++) {
                h ^= (unsigned char)key[i];
                h *= 1099511628211u;
        }
        return (size_t)h;
}

static bool key_eq(const struct toml_entry *e, const char *key, size_t len)
{
        return e->key_len == len && memcmp(e->key, key, len) == 0;
}

static void index_put(size_t *index, size_t cap, const struct toml_entry *e, size_t i)
{
        size_t slot = hash_key(e->key, e->key_len) & (cap - 1);

        while (index[slot] != 0)
                slot = (slot + 1) & (cap - 1);
        index[slot] = i + 1;
}

/* Keeps the index at most half full. */
static int index_grow(struct toml_table *t)
{
        size_t cap = t->index_cap != 0 ? t->index_cap : 4 * INDEX_FROM;
        size_t *index;

        while (cap < 2 * (t->len + 1))
                cap *= 2;
        if (cap == t->index_cap)
                return 0;
        if ((index = calloc(cap, sizeof(*index))) == NULL)
                return -1;
        for (size_t i = 0; i < t->len; i++)
                index_put(index, cap, &t->entries[i], i);
        free(t->index);
        t->index = index;
        t->index_cap = cap;
        return 0;
}

struct toml_entry *toml_table_find(const struct toml_table *t, const char *key, size_t len)
{
        size_t slot;

        if (t->index == NULL) {
                for (size_t i = 0; i < t->len; i++)
                        if (key_eq(&t->entries[i], key, len))
                                return &t->entries[i];
                return NULL;
        }
        slot = hash_key(key, len) & (t->index_cap - 1);
        for (; t->index[slot] != 0; slot = (slot + 1) & (t->index_cap - 1))
                if (key_eq(&t->entries[t->index[slot] - 1], key, len))
                        return &t->entries[t->index[slot] - 1];
        return NULL;
}

struct toml_entry *toml_table_add(struct toml_table *t, char *key, size_t len)
{
        struct toml_entry *e;

        if (t->len == t->cap) {
                size_t cap = t->cap != 0 ? 2 * t->cap : 4;
                struct toml_entry *entries = reallocarray(t->entries, cap, sizeof(*entries));

                if (entries == NULL)
                        return NULL;
                t->entries = entries;
                t->cap = cap;
        }
        if (t->len + 1 >= INDEX_FROM && index_grow(t) < 0)
                return NULL;
        e = &t->entries[t->len];
        memset(e, 0, sizeof(*e));
        e->key = key;
        e->key_len = len;
        if (t->index != NULL)
                index_put(t->index, t->index_cap, e, t->len);
        t->len++;
        return e;
}

struct toml_value *toml_array_push(struct toml_array *a)
{
        if (a->len == a->cap) {
                size_t cap = a->cap != 0 ? 2 * a->cap : 4;
                struct toml_value *items = reallocarray(a->items, cap, sizeof(*items));

                if (items == NULL)
                        return NULL;
                a->items = items;
                a->cap = cap;
        }
        memset(&a->items[a->len], 0, sizeof(a->items[0]));
        return &a->items[a->len++];
}

void toml_array_free(struct toml_array *a)
{
        if (a == NULL)
                return;
        for (size_t i = 0; i < a->len; i++)
                toml_value_clear(&a->items[i]);
        free(a->items);
        free(a);
}

void toml_value_clear(struct toml_value *v)
{
        switch (v->type) {
        case TOML_STRING:
        case TOML_DATETIME:
                free(v->u.str.ptr);
                break;
        case TOML_ARRAY:
                toml_array_free(v->u.array);
                break;
        case TOML_TABLE:
                toml_free(v->u.table);
                break;
        default:
                break;
        }
        memset(v, 0, sizeof(*v));
}

void toml_free(struct toml_table *t)
{
        if (t == NULL)
                return;
        for (size_t i = 0; i < t->len; i++) {
                free(t->entries[i].key);
                toml_value_clear(&t->entries[i].value);
        }
        free(t->entries);
        free(t->index);
        free(t);
}

const struct toml_value *toml_table_get(const struct toml_table *t, const char *key, size_t len)
{
        const struct toml_entry *e = toml_table_find(t, key, len);

        return e != NULL ? &e->value : NULL;
}

/* The next part of a dotted lookup path: bare up to a dot, or quoted. Sets
 * *part and *len, returns where the rest starts, or NULL when malformed. */
static const char *path_part(const char *s, const char **part, size_t *len)
{
        const char *end;

        if (*s == '"') {
                if ((end = strchr(s + 1, '"')) == NULL)
                        return NULL;
                *part = s + 1;
                *len = (size_t)(end - s - 1);
                end++;
        } else {
                end = s + strcspn(s, ".");
                *part = s;
                *len = (size_t)(end - s);
        }
        if (*end == '.')
                return end[1] != '\0' ? end + 1 : NULL;
        return *end == '\0' ? end : NULL;
}

const struct toml_value *toml_get(const struct toml_table *t, const char *path)
{
        const struct toml_value *v = NULL;
        const char *part;
        size_t len;

        while (*path != '\0') {
                if (v != NULL) {
                        if (v->type != TOML_TABLE)
                                return NULL;
                        t = v->u.table;
                }
                if ((path = path_part(path, &part, &len)) == NULL)
                        return NULL;
                if ((v = toml_table_get(t, part, len)) == NULL)
                        return NULL;
        }
        return v;
}
