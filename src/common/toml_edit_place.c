/* Where things are in a document's text, for the editor: lines, the
 * comments and blank lines around headers, the headers themselves and
 * the end of a table's section. Lines are only trusted where the model
 * says no multi-line value covers them: a line of a multi-line string may
 * well start with '#' or '['. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/toml_edit_internal.h"

size_t toml_edit_line_start(const struct toml_doc *doc, size_t off)
{
        while (off > 0 && doc->text[off - 1] != '\n')
                off--;
        return off;
}

size_t toml_edit_line_next(const struct toml_doc *doc, size_t off)
{
        const char *nl = memchr(doc->text + off, '\n', doc->len - off);

        return nl != NULL ? (size_t)(nl - doc->text) + 1 : doc->len;
}

/* Whether off lies strictly inside a value of v (a line starting there
 * is part of that value, not a line of the document). */
static bool inside(const struct toml_value *v, size_t off)
{
        if (v->type == TOML_ARRAY && v->u.array->of_tables) {
                for (size_t i = 0; i < v->u.array->len; i++)
                        if (inside(&v->u.array->items[i], off))
                                return true;
                return false;
        }
        if (v->type == TOML_TABLE && v->u.table->kind != TOML_TABLE_INLINE) {
                for (size_t i = 0; i < v->u.table->len; i++)
                        if (inside(&v->u.table->entries[i].value, off))
                                return true;
                return false;
        }
        return v->pos.off < off && off < v->pos.end;
}

bool toml_edit_line_is(const struct toml_doc *doc, size_t line, enum toml_line_kind kind)
{
        const char *s = doc->text + line;
        const struct toml_value root = {.type = TOML_TABLE, .u.table = doc->root};

        s += strspn(s, " \t");
        if (inside(&root, line))
                return false;
        if (kind == TOML_LINE_COMMENT)
                return *s == '#';
        return *s == '\0' || *s == '\n' || (s[0] == '\r' && s[1] == '\n');
}

size_t toml_edit_back_over(const struct toml_doc *doc, size_t line, enum toml_line_kind kind)
{
        while (line > 0) {
                size_t prev = toml_edit_line_start(doc, line - 1);

                if (!toml_edit_line_is(doc, prev, kind))
                        break;
                line = prev;
        }
        return line;
}

/* The least header offset in v and below it that is >= from, or best. */
static size_t header_min(const struct toml_value *v, size_t from, size_t best)
{
        const struct toml_table *t;

        if (v->type == TOML_ARRAY && v->u.array->of_tables) {
                for (size_t i = 0; i < v->u.array->len; i++)
                        best = header_min(&v->u.array->items[i], from, best);
                return best;
        }
        if (v->type != TOML_TABLE || v->u.table->kind == TOML_TABLE_INLINE)
                return best;
        t = v->u.table;
        /* A header table's value is placed at its header; an implicit
         * table's at its name inside another's header. */
        if (t->kind == TOML_TABLE_HEADER && v->pos.off >= from && v->pos.off < best)
                best = v->pos.off;
        for (size_t i = 0; i < t->len; i++)
                best = header_min(&t->entries[i].value, from, best);
        return best;
}

size_t toml_edit_header_after(const struct toml_doc *doc, size_t from)
{
        size_t best = SIZE_MAX;

        for (size_t i = 0; i < doc->root->len; i++)
                best = header_min(&doc->root->entries[i].value, from, best);
        return best;
}

bool toml_edit_section_last(const struct toml_table *t, size_t *end, size_t *key)
{
        bool found = false;

        for (size_t i = 0; i < t->len; i++) {
                const struct toml_entry *e = &t->entries[i];
                const struct toml_value *v = &e->value;

                if (v->type == TOML_TABLE && v->u.table->kind == TOML_TABLE_DOTTED) {
                        size_t sub_end, sub_key;

                        if (toml_edit_section_last(v->u.table, &sub_end, &sub_key) && (!found || sub_end > *end)) {
                                *end = sub_end;
                                *key = sub_key;
                                found = true;
                        }
                        continue;
                }
                if ((v->type == TOML_TABLE && v->u.table->kind != TOML_TABLE_INLINE) ||
                    (v->type == TOML_ARRAY && v->u.array->of_tables))
                        continue; /* sections of their own */
                if (!found || v->pos.end > *end) {
                        *end = v->pos.end;
                        *key = e->key_pos.off;
                        found = true;
                }
        }
        return found;
}

char *toml_edit_indent(const struct toml_doc *doc, size_t off)
{
        size_t line = toml_edit_line_start(doc, off);

        return strndup(doc->text + line, strspn(doc->text + line, " \t"));
}

const char *toml_edit_eol(const struct toml_doc *doc)
{
        const char *nl = memchr(doc->text, '\n', doc->len);

        return nl != NULL && nl > doc->text && nl[-1] == '\r' ? "\r\n" : "\n";
}
