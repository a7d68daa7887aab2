/* The structure of a TOML document: lines, keys, [tables], [[arrays of
 * tables]], key/value pairs, arrays and inline tables, with TOML's rules
 * on what may be defined where (no key twice, no table reopened, inline
 * tables sealed). Strings and other scalars are read by toml_string.c and
 * toml_number.c. */
#include <stdlib.h>
#include <string.h>

#include "common/toml_internal.h"

/* A key as written: its dotted parts, unescaped. */
struct key_part {
        char *s;
        size_t len, off, end;
};

struct key {
        struct key_part part[TOML_MAX_DEPTH];
        size_t n, off;
};

static int parse_value(struct toml_parser *p, struct toml_value *v, unsigned depth, const char *path);

static void key_clear(struct key *k)
{
        for (size_t i = 0; i < k->n; i++)
                free(k->part[i].s);
        k->n = 0;
}

static void skip_ws(struct toml_parser *p)
{
        while (toml_peek(p, 0) == ' ' || toml_peek(p, 0) == '\t')
                p->pos++;
}

/* A comment runs to the end of its line; TOML allows no control
 * character in it but tab. */
static int skip_comment(struct toml_parser *p)
{
        int c;

        if (toml_peek(p, 0) != '#')
                return 0;
        for (p->pos++; (c = toml_peek(p, 0)) >= 0 && toml_newline(p, 0) == 0; p->pos++)
                if (toml_is_control(c) && c != '\t')
                        return toml_fail(p, p->pos, "control character U+%04X in comment", (unsigned)c);
        return 0;
}

/* Whitespace, then maybe a comment, then a newline or the end. */
static int expect_line_end(struct toml_parser *p, const char *after)
{
        size_t n;

        skip_ws(p);
        if (skip_comment(p) < 0)
                return -1;
        if (toml_peek(p, 0) < 0)
                return 0;
        if ((n = toml_newline(p, 0)) != 0) {
                p->pos += n;
                return 0;
        }
        if (toml_peek(p, 0) == '\r')
                return toml_fail(p, p->pos, "carriage return without line feed");
        return toml_fail(p, p->pos, "unexpected text after %s", after);
}

/* Whitespace, comments and newlines, as allowed between array elements. */
static int skip_blank(struct toml_parser *p)
{
        size_t n;

        for (;;) {
                skip_ws(p);
                if (skip_comment(p) < 0)
                        return -1;
                if ((n = toml_newline(p, 0)) == 0)
                        return 0;
                p->pos += n;
        }
}

static int parse_key_part(struct toml_parser *p, struct key_part *kp)
{
        size_t start = p->pos;
        int c = toml_peek(p, 0);

        kp->off = start;
        if (c == '"' || c == '\'') {
                if (toml_scan_string(p, false, &kp->s, &kp->len) < 0)
                        return -1;
        } else {
                while (toml_is_bare(toml_peek(p, 0)))
                        p->pos++;
                if (p->pos == start)
                        return toml_fail(p, start, "expected a key");
                kp->len = p->pos - start;
                if ((kp->s = strndup(p->buf + start, kp->len)) == NULL)
                        return error_set(p->err, "%s", p->name);
        }
        kp->end = p->pos;
        return 0;
}

/* A bare, quoted or dotted key, with whitespace around its dots. */
static int parse_key(struct toml_parser *p, struct key *k)
{
        skip_ws(p);
        k->off = p->pos;
        for (;;) {
                if (k->n == TOML_MAX_DEPTH)
                        return toml_fail(p, p->pos, "nesting deeper than %d levels", TOML_MAX_DEPTH);
                if (parse_key_part(p, &k->part[k->n]) < 0)
                        return -1;
                k->n++;
                skip_ws(p);
                if (toml_peek(p, 0) != '.')
                        return 0;
                p->pos++;
                skip_ws(p);
        }
}

/* prefix (NULL at the root) and the first n parts of k as TOML writes a
 * dotted key; malloc'd, or NULL when out of memory. */
static char *key_path(const char *prefix, const struct key *k, size_t n)
{
        char *path = prefix != NULL ? strdup(prefix) : NULL, *next;

        if (prefix != NULL && path == NULL)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                next = toml_path_append(path, k->part[i].s, k->part[i].len);
                free(path);
                if ((path = next) == NULL)
                        return NULL;
        }
        return path;
}

/* An error naming the key made of prefix and the first n parts of k. */
static int fail_key(struct toml_parser *p, size_t at, const char *before, const char *prefix, const struct key *k,
                    size_t n, const char *after)
{
        char *path = key_path(prefix, k, n);

        toml_fail(p, at, "%s'%s'%s", before, path != NULL ? path : "?", after);
        free(path);
        return -1;
}

/* A new entry for kp in t, with a copy of its string: the key's parts
 * still name it in later messages. */
static struct toml_entry *add_entry(struct toml_parser *p, struct toml_table *t, const struct key_part *kp)
{
        char *key = malloc(kp->len + 1);
        struct toml_entry *e = NULL;

        if (key != NULL) {
                memcpy(key, kp->s, kp->len + 1);
                e = toml_table_add(t, key, kp->len);
        }
        if (key == NULL || e == NULL) {
                free(key);
                error_set(p->err, "%s", p->name);
                return NULL;
        }
        toml_locate(p, kp->off, kp->end, &e->key_pos);
        return e;
}

static bool too_deep(struct toml_parser *p, unsigned depth, size_t at)
{
        if (depth <= TOML_MAX_DEPTH)
                return false;
        toml_fail(p, at, "nesting deeper than %d levels", TOML_MAX_DEPTH);
        return true;
}

/* A new table under kp in t; returns the value holding it. */
static struct toml_value *child_table(struct toml_parser *p, struct toml_table *t, const struct key_part *kp,
                                      enum toml_table_kind kind)
{
        struct toml_table *child;
        struct toml_entry *e;

        if (too_deep(p, t->depth + 1, kp->off))
                return NULL;
        if ((child = toml_table_new(kind, t->depth + 1)) == NULL) {
                error_set(p->err, "%s", p->name);
                return NULL;
        }
        if ((e = add_entry(p, t, kp)) == NULL) {
                toml_free(child);
                return NULL;
        }
        e->value.type = TOML_TABLE;
        e->value.u.table = child;
        child->pos = e->key_pos;
        e->value.pos = e->key_pos;
        return &e->value;
}

static struct toml_table *child_table_of(struct toml_value *v)
{
        return v != NULL ? v->u.table : NULL;
}

/* One step down a [header] path: an existing table (for an array of
 * tables, its last one) or a new implicit table. */
static struct toml_table *header_step(struct toml_parser *p, struct toml_table *t, struct key *k, size_t i)
{
        struct toml_entry *e = toml_table_find(t, k->part[i].s, k->part[i].len);
        const struct toml_value *v = e != NULL ? &e->value : NULL;

        if (e == NULL)
                return child_table_of(child_table(p, t, &k->part[i], TOML_TABLE_IMPLICIT));
        if (v->type == TOML_ARRAY && v->u.array->of_tables)
                return v->u.array->items[v->u.array->len - 1].u.table;
        if (v->type == TOML_ARRAY)
                fail_key(p, k->part[i].off, "cannot extend static array ", NULL, k, i + 1, "");
        else if (v->type != TOML_TABLE)
                fail_key(p, k->part[i].off, "key ", NULL, k, i + 1, " is not a table");
        else if (v->u.table->kind == TOML_TABLE_INLINE)
                fail_key(p, k->part[i].off, "cannot extend inline table ", NULL, k, i + 1, "");
        else
                return v->u.table;
        return NULL;
}

/* [a.b.c]: a table defined once; a table only named so far as a parent
 * of another may still be defined. Returns the value holding it. */
static struct toml_value *open_table(struct toml_parser *p, struct toml_table *t, struct key *k, size_t start)
{
        const struct key_part *last = &k->part[k->n - 1];
        struct toml_entry *e = toml_table_find(t, last->s, last->len);

        if (e == NULL)
                return child_table(p, t, last, TOML_TABLE_HEADER);
        if (e->value.type == TOML_TABLE && e->value.u.table->kind == TOML_TABLE_IMPLICIT) {
                e->value.u.table->kind = TOML_TABLE_HEADER;
                return &e->value;
        }
        if (e->value.type == TOML_TABLE)
                fail_key(p, start, "table ", NULL, k, k->n, " already defined");
        else
                fail_key(p, start, "key ", NULL, k, k->n, " already defined");
        return NULL;
}

static struct toml_array *tables_array(struct toml_parser *p, struct toml_table *t, struct key *k, size_t start)
{
        const struct key_part *last = &k->part[k->n - 1];
        struct toml_entry *e = toml_table_find(t, last->s, last->len);
        struct toml_array *a;

        if (e != NULL && e->value.type == TOML_ARRAY && e->value.u.array->of_tables)
                return e->value.u.array;
        if (e != NULL && e->value.type == TOML_ARRAY) {
                fail_key(p, start, "cannot append to static array ", NULL, k, k->n, "");
                return NULL;
        }
        if (e != NULL) {
                fail_key(p, start, "key ", NULL, k, k->n, " is not an array of tables");
                return NULL;
        }
        if (too_deep(p, t->depth + 1, k->off))
                return NULL;
        if ((a = toml_array_new(t->depth + 1)) == NULL || (e = add_entry(p, t, last)) == NULL) {
                if (a == NULL)
                        error_set(p->err, "%s", p->name);
                toml_array_free(a);
                return NULL;
        }
        a->of_tables = true;
        e->value.type = TOML_ARRAY;
        e->value.u.array = a;
        e->value.pos = e->key_pos;
        return a;
}

/* [[a.b.c]]: a new table at the end of an array of tables. Returns the
 * array's new item. */
static struct toml_value *open_array_table(struct toml_parser *p, struct toml_table *t, struct key *k, size_t start)
{
        struct toml_array *a = tables_array(p, t, k, start);
        struct toml_value *v;
        struct toml_table *child;

        if (a == NULL || too_deep(p, a->depth + 1, k->off))
                return NULL;
        if ((child = toml_table_new(TOML_TABLE_HEADER, a->depth + 1)) == NULL ||
            (v = toml_array_push(a)) == NULL) {
                toml_free(child);
                error_set(p->err, "%s", p->name);
                return NULL;
        }
        v->type = TOML_TABLE;
        v->u.table = child;
        return v;
}

static int open_header(struct toml_parser *p, struct key *k, bool array, size_t start)
{
        struct toml_table *t = p->root;
        struct toml_value *v;
        char *path;

        for (size_t i = 0; i + 1 < k->n; i++)
                if ((t = header_step(p, t, k, i)) == NULL)
                        return -1;
        if ((v = array ? open_array_table(p, t, k, start) : open_table(p, t, k, start)) == NULL)
                return -1;
        /* The table's value is where its header is. */
        t = v->u.table;
        toml_locate(p, start, p->pos, &v->pos);
        t->pos = v->pos;
        if ((path = key_path(NULL, k, k->n)) == NULL)
                return error_set(p->err, "%s", p->name);
        free(p->current_path);
        p->current_path = path;
        p->current = t;
        return 0;
}

static int parse_header(struct toml_parser *p)
{
        size_t start = p->pos;
        bool array = toml_peek(p, 1) == '[';
        struct key k = {0};
        int rv;

        p->pos += array ? 2 : 1;
        if ((rv = parse_key(p, &k)) == 0) {
                if (toml_peek(p, 0) != ']' || (array && toml_peek(p, 1) != ']'))
                        rv = toml_fail(p, p->pos, array ? "expected ']]' after table name"
                                                         : "expected ']' after table name");
                else
                        p->pos += array ? 2 : 1;
        }
        if (rv == 0)
                rv = open_header(p, &k, array, start);
        key_clear(&k);
        return rv < 0 ? -1 : expect_line_end(p, "table header");
}

/* One step down a dotted key: tables made by dotted keys may be
 * extended, tables defined by a header or inline may not. */
static struct toml_table *dotted_step(struct toml_parser *p, struct toml_table *t, const char *prefix,
                                      struct key *k, size_t i)
{
        struct toml_entry *e = toml_table_find(t, k->part[i].s, k->part[i].len);
        struct toml_table *child;

        if (e == NULL)
                return child_table_of(child_table(p, t, &k->part[i], TOML_TABLE_DOTTED));
        if (e->value.type != TOML_TABLE) {
                fail_key(p, k->part[i].off, "key ", prefix, k, i + 1, " is not a table");
                return NULL;
        }
        child = e->value.u.table;
        if (child->kind == TOML_TABLE_INLINE)
                fail_key(p, k->part[i].off, "cannot extend inline table ", prefix, k, i + 1, "");
        else if (child->kind == TOML_TABLE_HEADER)
                fail_key(p, k->part[i].off, "table ", prefix, k, i + 1, " already defined");
        else
                child->kind = TOML_TABLE_DOTTED;
        return child->kind == TOML_TABLE_DOTTED ? child : NULL;
}

/* The path of the value being defined, for errors inside an inline table
 * or an array; only built for those. */
static char *value_path(struct toml_parser *p, const char *prefix, const struct key *k)
{
        if (toml_peek(p, 0) != '{' && toml_peek(p, 0) != '[')
                return NULL;
        return key_path(prefix, k, k->n);
}

static int define_key(struct toml_parser *p, struct toml_table *t, const char *prefix, struct key *k)
{
        struct toml_value v = {0};
        struct toml_entry *e;
        const struct key_part *last;
        char *path;
        int rv;

        if (parse_key(p, k) < 0)
                return -1;
        if (toml_peek(p, 0) != '=')
                return toml_fail(p, p->pos, "expected '=' after key");
        p->pos++;
        skip_ws(p);
        for (size_t i = 0; i + 1 < k->n; i++)
                if ((t = dotted_step(p, t, prefix, k, i)) == NULL)
                        return -1;
        last = &k->part[k->n - 1];
        if (toml_table_find(t, last->s, last->len) != NULL)
                return fail_key(p, k->off, "duplicate key ", prefix, k, k->n, "");
        path = value_path(p, prefix, k);
        rv = parse_value(p, &v, t->depth, path);
        free(path);
        if (rv < 0)
                return -1;
        if ((e = add_entry(p, t, last)) == NULL) {
                toml_value_clear(&v);
                return -1;
        }
        e->value = v;
        return 0;
}

static int parse_keyval(struct toml_parser *p, struct toml_table *t, const char *prefix)
{
        struct key k = {0};
        int rv = define_key(p, t, prefix, &k);

        key_clear(&k);
        return rv;
}

static int parse_array(struct toml_parser *p, struct toml_value *v, unsigned depth, const char *path)
{
        size_t start = p->pos;
        struct toml_array *a;
        struct toml_value *item;

        if (too_deep(p, depth + 1, start))
                return -1;
        if ((a = toml_array_new(depth + 1)) == NULL)
                return error_set(p->err, "%s", p->name);
        for (p->pos++;;) {
                if (skip_blank(p) < 0)
                        break;
                if (toml_peek(p, 0) == ']') {
                        p->pos++;
                        v->type = TOML_ARRAY;
                        v->u.array = a;
                        return 0;
                }
                if (toml_peek(p, 0) < 0) {
                        toml_fail(p, start, "unterminated array");
                        break;
                }
                if ((item = toml_array_push(a)) == NULL) {
                        error_set(p->err, "%s", p->name);
                        break;
                }
                if (parse_value(p, item, a->depth, path) < 0 || skip_blank(p) < 0)
                        break;
                if (toml_peek(p, 0) == ',')
                        p->pos++;
                else if (toml_peek(p, 0) != ']' && toml_peek(p, 0) >= 0) {
                        toml_fail(p, p->pos, "expected ',' or ']' after array element");
                        break;
                }
        }
        toml_array_free(a);
        return -1;
}

/* After its closing brace an inline table and the tables its dotted keys
 * made are complete: nothing may add to them. */
static void seal(struct toml_table *t)
{
        t->kind = TOML_TABLE_INLINE;
        for (size_t i = 0; i < t->len; i++)
                if (t->entries[i].value.type == TOML_TABLE)
                        seal(t->entries[i].value.u.table);
}

/* The next thing in an inline table after an entry: 1 at its end, 0 when
 * another entry follows, -1 on error. TOML 1.0 allows neither newlines
 * nor a trailing comma here. */
static int inline_next(struct toml_parser *p, size_t start)
{
        skip_ws(p);
        if (toml_peek(p, 0) == '}') {
                p->pos++;
                return 1;
        }
        if (toml_peek(p, 0) < 0)
                return toml_fail(p, start, "unterminated inline table");
        if (toml_newline(p, 0) != 0)
                return toml_fail(p, p->pos, "newline in inline table");
        if (toml_peek(p, 0) != ',')
                return toml_fail(p, p->pos, "expected ',' or '}' in inline table");
        p->pos++;
        skip_ws(p);
        if (toml_peek(p, 0) == '}')
                return toml_fail(p, p->pos, "trailing comma in inline table");
        if (toml_newline(p, 0) != 0)
                return toml_fail(p, p->pos, "newline in inline table");
        return 0;
}

static int parse_inline(struct toml_parser *p, struct toml_value *v, unsigned depth, const char *path)
{
        size_t start = p->pos;
        struct toml_table *t;
        int rv = 0;

        if (too_deep(p, depth + 1, start))
                return -1;
        if ((t = toml_table_new(TOML_TABLE_INLINE, depth + 1)) == NULL)
                return error_set(p->err, "%s", p->name);
        p->pos++;
        skip_ws(p);
        if (toml_peek(p, 0) == '}') {
                p->pos++;
                rv = 1; /* {} */
        } else if (toml_peek(p, 0) < 0) {
                rv = toml_fail(p, start, "unterminated inline table");
        } else if (toml_newline(p, 0) != 0) {
                rv = toml_fail(p, p->pos, "newline in inline table");
        }
        while (rv == 0 && (rv = parse_keyval(p, t, path)) == 0)
                rv = inline_next(p, start);
        if (rv < 0) {
                toml_free(t);
                return -1;
        }
        seal(t);
        v->type = TOML_TABLE;
        v->u.table = t;
        return 0;
}

static int parse_value(struct toml_parser *p, struct toml_value *v, unsigned depth, const char *path)
{
        size_t start = p->pos;
        int c = toml_peek(p, 0), rv;

        if (c == '"' || c == '\'') {
                v->type = TOML_STRING;
                rv = toml_scan_string(p, true, &v->u.str.ptr, &v->u.str.len);
        } else if (c == '[') {
                rv = parse_array(p, v, depth, path);
        } else if (c == '{') {
                rv = parse_inline(p, v, depth, path);
        } else {
                rv = toml_scan_scalar(p, v);
        }
        if (rv == 0)
                toml_locate(p, start, p->pos, &v->pos);
        return rv;
}

static int parse_line(struct toml_parser *p)
{
        int c;

        skip_ws(p);
        c = toml_peek(p, 0);
        if (c == '[')
                return parse_header(p);
        if (c < 0 || c == '#' || c == '\r' || c == '\n')
                return expect_line_end(p, "whitespace");
        if (parse_keyval(p, p->current, p->current_path) < 0)
                return -1;
        return expect_line_end(p, "value");
}

int toml_parse(struct error *err, const char *name, const char *buf, size_t len, struct toml_table **root)
{
        struct toml_parser p = {.name = name, .buf = buf, .len = len, .err = err, .cache_col = 1};
        int rv = toml_input_check(&p);

        if (rv == 0 && (p.root = toml_table_new(TOML_TABLE_HEADER, 0)) == NULL)
                rv = error_set(err, "%s", name);
        if (rv == 0) {
                toml_locate(&p, 0, 0, &p.root->pos);
                p.current = p.root;
        }
        while (rv == 0 && p.pos < p.len)
                rv = parse_line(&p);
        free(p.lines);
        free(p.current_path);
        if (rv < 0) {
                toml_free(p.root);
                return -1;
        }
        *root = p.root;
        return 0;
}
