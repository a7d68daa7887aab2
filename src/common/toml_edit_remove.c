/* Removing a key or a table from a document's text: a key's lines, or a
 * [header]'s section (from the comments right above it to those right
 * above the next header) and the sections of everything below it, which
 * TOML lets lie anywhere in the file. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/toml_edit_internal.h"

struct ranges {
        const struct toml_doc *doc;
        struct toml_splice *v;
        size_t n, cap;
};

static int add_range(struct ranges *r, size_t off, size_t end)
{
        if (r->n == r->cap) {
                size_t cap = r->cap != 0 ? 2 * r->cap : 8;
                struct toml_splice *v = reallocarray(r->v, cap, sizeof(*v));

                if (v == NULL)
                        return -1;
                r->v = v;
                r->cap = cap;
        }
        r->v[r->n++] = (struct toml_splice){off, end, NULL};
        return 0;
}

static int add_value(struct ranges *r, const struct toml_entry *e, bool covered);

/* v is a [header] table (or an item of an array of tables). */
static int add_section(struct ranges *r, const struct toml_value *v)
{
        const struct toml_doc *doc = r->doc;
        size_t off = toml_edit_back_over(doc, toml_edit_line_start(doc, v->pos.off), TOML_LINE_COMMENT);
        size_t next = toml_edit_header_after(doc, v->pos.off + 1), end = doc->len;

        if (next != SIZE_MAX)
                end = toml_edit_back_over(doc, toml_edit_line_start(doc, next), TOML_LINE_COMMENT);
        if (add_range(r, off, end) < 0)
                return -1;
        for (size_t i = 0; i < v->u.table->len; i++)
                if (add_value(r, &v->u.table->entries[i], true) < 0)
                        return -1;
        return 0;
}

/* The text of e: its own lines, unless covered (inside a section already
 * going), and the sections below it. */
static int add_value(struct ranges *r, const struct toml_entry *e, bool covered)
{
        const struct toml_value *v = &e->value;

        if (v->type == TOML_ARRAY && v->u.array->of_tables) {
                for (size_t i = 0; i < v->u.array->len; i++)
                        if (add_section(r, &v->u.array->items[i]) < 0)
                                return -1;
                return 0;
        }
        if (v->type == TOML_TABLE && v->u.table->kind == TOML_TABLE_HEADER)
                return add_section(r, v);
        if (v->type == TOML_TABLE && v->u.table->kind != TOML_TABLE_INLINE) {
                for (size_t i = 0; i < v->u.table->len; i++)
                        if (add_value(r, &v->u.table->entries[i], covered) < 0)
                                return -1;
                return 0;
        }
        if (covered)
                return 0;
        return add_range(r, toml_edit_line_start(r->doc, e->key_pos.off), toml_edit_line_next(r->doc, v->pos.end));
}

static int by_offset(const void *a, const void *b)
{
        const struct toml_splice *x = a, *y = b;

        return x->off < y->off ? -1 : x->off > y->off;
}

/* Sorts and merges the ranges; one that ends the text also takes the
 * blank lines before it, so that the file does not end in them. */
static void merge(struct ranges *r)
{
        size_t n = 0;

        qsort(r->v, r->n, sizeof(*r->v), by_offset);
        for (size_t i = 0; i < r->n; i++) {
                if (n > 0 && r->v[i].off <= r->v[n - 1].end) {
                        if (r->v[i].end > r->v[n - 1].end)
                                r->v[n - 1].end = r->v[i].end;
                        continue;
                }
                r->v[n++] = r->v[i];
        }
        r->n = n;
        if (n > 0 && r->v[n - 1].end == r->doc->len)
                r->v[n - 1].off = toml_edit_back_over(r->doc, r->v[n - 1].off, TOML_LINE_BLANK);
}

int toml_edit_remove_entry(struct error *err, struct toml_doc *doc, const struct toml_table *t,
                           const struct toml_entry *e, const char *name)
{
        struct ranges r = {.doc = doc};
        int rv;

        if (t->kind == TOML_TABLE_INLINE)
                return error_setx(err, "remove `%s`: inside an inline table", name);
        if (add_value(&r, e, false) < 0) {
                free(r.v);
                return error_set(err, "remove `%s`", name);
        }
        merge(&r);
        rv = toml_edit_splice(err, doc, r.v, r.n);
        free(r.v);
        return rv < 0 ? error_prefix(err, "remove `%s`", name) : 0;
}
