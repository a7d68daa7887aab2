/* The TOML editor: a document is its text and the reader's model of it;
 * every edit splices the text and parses it again, so what the reader
 * refuses never gets written, and everything an edit does not touch stays
 * byte for byte. Placement rules are in toml_edit.h. */
#include "common/toml_edit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/toml_edit_internal.h"
#include "common/toml_internal.h"

int toml_doc_parse(struct error *err, const char *name, const char *text, size_t len, struct toml_doc **out)
{
        struct toml_doc *doc = calloc(1, sizeof(*doc));

        if (doc == NULL || (doc->name = strdup(name)) == NULL || (doc->text = malloc(len + 1)) == NULL) {
                toml_doc_free(doc);
                return error_set(err, "%s", name);
        }
        if (len > 0)
                memcpy(doc->text, text, len);
        doc->text[len] = '\0';
        doc->len = len;
        if (toml_parse(err, name, doc->text, len, &doc->root) < 0) {
                toml_doc_free(doc);
                return -1;
        }
        *out = doc;
        return 0;
}

/* Reads up to one byte past the reader's limit, so that an oversized file
 * is refused as one. */
static int slurp(struct error *err, const char *path, FILE *f, char **out, size_t *len)
{
        size_t cap = 0, n = 0, r;
        char *buf = NULL, *tmp;

        do {
                if (n == cap) {
                        cap = cap != 0 ? 2 * cap : 4096;
                        if ((tmp = realloc(buf, cap)) == NULL) {
                                free(buf);
                                return error_set(err, "read `%s`", path);
                        }
                        buf = tmp;
                }
                n += r = fread(buf + n, 1, cap - n, f);
        } while (r > 0 && n <= TOML_MAX_INPUT);
        if (ferror(f)) {
                free(buf);
                return error_set(err, "read `%s`", path);
        }
        *out = buf;
        *len = n;
        return 0;
}

int toml_doc_load(struct error *err, const char *path, bool missing_ok, struct toml_doc **out)
{
        cleanup_file FILE *f = fopen(path, "re");
        cleanup_free char *buf = NULL;
        size_t len = 0;

        if (f == NULL && errno == ENOENT && missing_ok)
                return toml_doc_parse(err, path, "", 0, out);
        if (f == NULL)
                return error_set(err, "open `%s`", path);
        if (slurp(err, path, f, &buf, &len) < 0)
                return -1;
        return toml_doc_parse(err, path, buf, len, out);
}

void toml_doc_free(struct toml_doc *doc)
{
        if (doc == NULL)
                return;
        toml_free(doc->root);
        free(doc->text);
        free(doc->name);
        free(doc);
}

const char *toml_doc_text(const struct toml_doc *doc, size_t *len)
{
        if (len != NULL)
                *len = doc->len;
        return doc->text;
}

const struct toml_table *toml_doc_root(const struct toml_doc *doc)
{
        return doc->root;
}

const struct toml_value *toml_doc_get(const struct toml_doc *doc, const char *const *path, size_t n)
{
        const struct toml_table *t = doc->root;
        const struct toml_value *v = NULL;

        for (size_t i = 0; i < n; i++) {
                if (v != NULL && v->type != TOML_TABLE)
                        return NULL;
                if (v != NULL)
                        t = v->u.table;
                if ((v = toml_table_get(t, path[i], strlen(path[i]))) == NULL)
                        return NULL;
        }
        return v;
}

int toml_edit_splice(struct error *err, struct toml_doc *doc, const struct toml_splice *s, size_t n)
{
        size_t len = doc->len, at = 0;
        struct toml_table *root;
        char *text, *o;

        for (size_t i = 0; i < n; i++)
                len = len - (s[i].end - s[i].off) + (s[i].text != NULL ? strlen(s[i].text) : 0);
        if ((o = text = malloc(len + 1)) == NULL)
                return error_set(err, "edit `%s`", doc->name);
        for (size_t i = 0; i < n; i++) {
                memcpy(o, doc->text + at, s[i].off - at);
                o += s[i].off - at;
                if (s[i].text != NULL)
                        o = stpcpy(o, s[i].text);
                at = s[i].end;
        }
        memcpy(o, doc->text + at, doc->len - at);
        text[len] = '\0';
        /* Only a bug of the editor (or an edit TOML forbids) ends here. */
        if (toml_parse(err, doc->name, text, len, &root) < 0) {
                free(text);
                return error_prefix(err, "edit would leave invalid TOML");
        }
        toml_free(doc->root);
        free(doc->text);
        doc->root = root;
        doc->text = text;
        doc->len = len;
        return 0;
}

/* path[from..to) as a dotted TOML key; "" when empty. malloc'd. */
static char *path_join(const char *const *path, size_t from, size_t to)
{
        char *s = NULL, *next;

        if (from == to)
                return strdup("");
        for (size_t i = from; i < to; i++) {
                next = toml_path_append(s, path[i], strlen(path[i]));
                free(s);
                if ((s = next) == NULL)
                        return NULL;
        }
        return s;
}

/* Where a path's parents lead: the deepest table reached (path[0..depth)),
 * and how many parts lead to the table whose section holds its keys (the
 * table itself unless dotted keys made it). */
struct walk {
        struct toml_table *t;
        size_t depth, owner;
};

static int not_a_table(struct error *err, const char *const *path, size_t n, const char *what)
{
        cleanup_free char *name = path_join(path, 0, n);

        return error_setx(err, "`%s` is %s", name != NULL ? name : "?", what);
}

static int walk_parents(struct error *err, const struct toml_doc *doc, const char *const *path, size_t n,
                        struct walk *w)
{
        const struct toml_value *v;

        *w = (struct walk){.t = doc->root};
        for (; w->depth + 1 < n; w->depth++) {
                if ((v = toml_table_get(w->t, path[w->depth], strlen(path[w->depth]))) == NULL)
                        return 0;
                if (v->type == TOML_ARRAY && v->u.array->of_tables)
                        return not_a_table(err, path, w->depth + 1, "an array of tables");
                if (v->type != TOML_TABLE)
                        return not_a_table(err, path, w->depth + 1, "not a table");
                if (v->u.table->kind == TOML_TABLE_INLINE)
                        return not_a_table(err, path, w->depth + 1, "an inline table");
                w->t = v->u.table;
                if (w->t->kind != TOML_TABLE_DOTTED)
                        w->owner = w->depth + 1;
        }
        return 0;
}

/* One value and nothing else: no second key, no comment, no blanks. */
static int check_value(struct error *err, const char *value)
{
        cleanup_free char *buf = NULL;
        struct error perr = {0};
        struct toml_table *root = NULL;
        bool one;

        if (asprintf(&buf, "v = %s\n", value) < 0)
                return error_set(err, "value");
        if (toml_parse(&perr, "value", buf, strlen(buf), &root) < 0) {
                error_reset(&perr);
                return error_setx(err, "invalid TOML value `%s`", value);
        }
        one = root->len == 1 && root->entries[0].value.pos.off == 4 &&
              root->entries[0].value.pos.end == 4 + strlen(value);
        toml_free(root);
        return one ? 0 : error_setx(err, "invalid TOML value `%s`: not one value", value);
}

/* Inserts text (taken over) at `at`, ending the last line first when the
 * text has no final newline. */
static int insert(struct error *err, struct toml_doc *doc, size_t at, char *text)
{
        struct toml_splice s = {at, at, text};
        char *full = NULL;
        int rv;

        if (text == NULL)
                return error_set(err, "edit `%s`", doc->name);
        if (at == doc->len && at > 0 && doc->text[at - 1] != '\n') {
                if (asprintf(&full, "%s%s", toml_edit_eol(doc), text) < 0) {
                        free(text);
                        return error_set(err, "edit `%s`", doc->name);
                }
                free(text);
                s.text = full;
        }
        rv = toml_edit_splice(err, doc, &s, 1);
        free(s.text);
        return rv;
}

/* asprintf's result, or NULL. */
static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
        char *s = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        return s;
}

/* Keys under an indented header are indented one step more (containerd
 * writes its config so). */
static const char *key_step(const char *header_indent)
{
        return *header_indent != '\0' ? "  " : "";
}

/* A table named only by its sub-tables' headers gets a header of its own,
 * right before the first of them (TOML allows defining it there). */
static int add_header_before(struct error *err, struct toml_doc *doc, const struct toml_table *t,
                             const char *const *path, size_t n, const char *value)
{
        size_t line = toml_edit_line_start(doc, t->pos.off);
        size_t at = toml_edit_back_over(doc, line, TOML_LINE_COMMENT);
        cleanup_free char *hdr = path_join(path, 0, n - 1);
        cleanup_free char *key = path_join(path, n - 1, n);
        cleanup_free char *ind = toml_edit_indent(doc, line);
        const char *eol = toml_edit_eol(doc);

        if (hdr == NULL || key == NULL || ind == NULL)
                return error_set(err, "edit `%s`", doc->name);
        return insert(err, doc, at,
                      format("%s[%s]%s%s%s%s = %s%s%s", ind, hdr, eol, ind, key_step(ind), key, value, eol, eol));
}

/* Missing tables: one new [a.b.c] section at the end, after a blank line. */
static int add_section(struct error *err, struct toml_doc *doc, const char *const *path, size_t n, const char *value)
{
        cleanup_free char *hdr = path_join(path, 0, n - 1);
        cleanup_free char *key = path_join(path, n - 1, n);
        const char *eol = toml_edit_eol(doc);
        bool blank = doc->len > 0 &&
                     !toml_edit_line_is(doc, toml_edit_line_start(doc, doc->len - 1), TOML_LINE_BLANK);

        if (hdr == NULL || key == NULL)
                return error_set(err, "edit `%s`", doc->name);
        return insert(err, doc, doc->len, format("%s[%s]%s%s = %s%s", blank ? eol : "", hdr, eol, key, value, eol));
}

/* A root without keys: the key goes before the first header and the
 * comments leading to it, a blank line apart. */
static int add_root_key(struct error *err, struct toml_doc *doc, const char *key, const char *value)
{
        size_t h = toml_edit_header_after(doc, 0), at;
        const char *eol = toml_edit_eol(doc);

        if (h == SIZE_MAX)
                return insert(err, doc, doc->len, format("%s = %s%s", key, value, eol));
        at = toml_edit_back_over(doc, toml_edit_line_start(doc, h), TOML_LINE_COMMENT);
        return insert(err, doc, at, format("%s = %s%s%s", key, value, eol, eol));
}

static int add_key(struct error *err, struct toml_doc *doc, const struct walk *w, const char *const *path, size_t n,
                   const char *value)
{
        cleanup_free char *key = NULL, *ind = NULL;
        size_t end, key_off, at;

        if (w->t->kind == TOML_TABLE_IMPLICIT)
                return add_header_before(err, doc, w->t, path, n, value);
        /* A table made by dotted keys takes one more of them, next to its
         * others in the section that holds them. */
        if ((key = path_join(path, w->owner, n)) == NULL)
                return error_set(err, "edit `%s`", doc->name);
        if (toml_edit_section_last(w->t, &end, &key_off)) {
                at = toml_edit_line_next(doc, end);
                ind = toml_edit_indent(doc, key_off);
        } else if (w->t == doc->root) {
                return add_root_key(err, doc, key, value);
        } else {
                cleanup_free char *hind = toml_edit_indent(doc, w->t->pos.off);

                at = toml_edit_line_next(doc, w->t->pos.end);
                ind = hind != NULL ? format("%s%s", hind, key_step(hind)) : NULL;
        }
        if (ind == NULL)
                return error_set(err, "edit `%s`", doc->name);
        return insert(err, doc, at, format("%s%s = %s%s", ind, key, value, toml_edit_eol(doc)));
}

static int replace(struct error *err, struct toml_doc *doc, const struct toml_value *v, const char *name,
                   const char *value)
{
        struct toml_splice s = {v->pos.off, v->pos.end, (char *)value};

        if (v->type == TOML_ARRAY && v->u.array->of_tables)
                return error_setx(err, "`%s` is an array of tables", name);
        if (v->type == TOML_TABLE && v->u.table->kind != TOML_TABLE_INLINE)
                return error_setx(err, "`%s` is a table", name);
        return toml_edit_splice(err, doc, &s, 1);
}

static int set_at(struct error *err, struct toml_doc *doc, const char *const *path, size_t n, const char *name,
                  const char *value)
{
        const struct toml_value *v;
        struct walk w;

        if (n == 0)
                return error_setx(err, "empty path");
        if (check_value(err, value) < 0 || walk_parents(err, doc, path, n, &w) < 0)
                return -1;
        if (w.depth + 1 < n)
                return add_section(err, doc, path, n, value);
        if ((v = toml_table_get(w.t, path[n - 1], strlen(path[n - 1]))) != NULL)
                return replace(err, doc, v, name, value);
        return add_key(err, doc, &w, path, n, value);
}

int toml_doc_set(struct error *err, struct toml_doc *doc, const char *const *path, size_t n, const char *value)
{
        cleanup_free char *name = path_join(path, 0, n);

        if (name == NULL)
                return error_set(err, "set");
        if (set_at(err, doc, path, n, name, value) < 0)
                return error_prefix(err, "set `%s`", name);
        if (toml_doc_get(doc, path, n) == NULL)
                return error_setx(err, "set `%s`: the value is not at its path after the edit", name);
        return 0;
}

int toml_doc_remove(struct error *err, struct toml_doc *doc, const char *const *path, size_t n)
{
        cleanup_free char *name = path_join(path, 0, n);
        const struct toml_entry *e;
        struct walk w;

        if (name == NULL)
                return error_set(err, "remove");
        if (n == 0)
                return error_setx(err, "remove: empty path");
        if (walk_parents(err, doc, path, n, &w) < 0)
                return error_prefix(err, "remove `%s`", name);
        if (w.depth + 1 < n || (e = toml_table_find(w.t, path[n - 1], strlen(path[n - 1]))) == NULL)
                return 0;
        return toml_edit_remove_entry(err, doc, w.t, e, name);
}
