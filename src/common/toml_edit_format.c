/* Values as TOML text on one line, to set or copy them: the typed forms
 * of toml_doc_set and toml_value_format. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/toml_edit.h"

static int put_value(FILE *f, const struct toml_value *v);

static int put_string(FILE *f, const char *s, size_t len)
{
        cleanup_free char *q = toml_quote(s, len);

        return q != NULL && fputs(q, f) >= 0 ? 0 : -1;
}

/* The shortest form that reads back as the same double, and that TOML
 * reads as a float (a '.' or an exponent, or inf/nan). */
static int put_float(FILE *f, double d)
{
        char buf[40];

        if (isnan(d))
                return fputs(signbit(d) ? "-nan" : "nan", f) >= 0 ? 0 : -1;
        if (isinf(d))
                return fputs(d < 0 ? "-inf" : "inf", f) >= 0 ? 0 : -1;
        for (int prec = 1; prec <= 17; prec++) {
                snprintf(buf, sizeof(buf), "%.*g", prec, d);
                if (strtod(buf, NULL) == d)
                        break;
        }
        return fprintf(f, "%s%s", buf, strpbrk(buf, ".e") != NULL ? "" : ".0") >= 0 ? 0 : -1;
}

static int put_array(FILE *f, const struct toml_array *a)
{
        if (fputc('[', f) == EOF)
                return -1;
        for (size_t i = 0; i < a->len; i++)
                if ((i > 0 && fputs(", ", f) < 0) || put_value(f, &a->items[i]) < 0)
                        return -1;
        return fputc(']', f) == EOF ? -1 : 0;
}

static int put_table(FILE *f, const struct toml_table *t)
{
        if (t->len == 0)
                return fputs("{}", f) >= 0 ? 0 : -1;
        if (fputs("{ ", f) < 0)
                return -1;
        for (size_t i = 0; i < t->len; i++) {
                cleanup_free char *key = toml_key_format(t->entries[i].key, t->entries[i].key_len);

                if (key == NULL || fprintf(f, "%s%s = ", i > 0 ? ", " : "", key) < 0 ||
                    put_value(f, &t->entries[i].value) < 0)
                        return -1;
        }
        return fputs(" }", f) >= 0 ? 0 : -1;
}

static int put_value(FILE *f, const struct toml_value *v)
{
        switch (v->type) {
        case TOML_STRING:
                return put_string(f, v->u.str.ptr, v->u.str.len);
        case TOML_INTEGER:
                return fprintf(f, "%" PRId64, v->u.integer) >= 0 ? 0 : -1;
        case TOML_FLOAT:
                return put_float(f, v->u.real);
        case TOML_BOOL:
                return fputs(v->u.boolean ? "true" : "false", f) >= 0 ? 0 : -1;
        case TOML_DATETIME:
                return fputs(v->u.str.ptr, f) >= 0 ? 0 : -1;
        case TOML_ARRAY:
                return put_array(f, v->u.array);
        case TOML_TABLE:
                return put_table(f, v->u.table);
        }
        return -1;
}

char *toml_value_format(const struct toml_value *v)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int rv;

        if (f == NULL)
                return NULL;
        rv = put_value(f, v);
        if (fclose(f) != 0 || rv < 0) {
                free(buf);
                if (errno == 0)
                        errno = ENOMEM;
                return NULL;
        }
        return buf;
}

int toml_doc_set_string(struct error *err, struct toml_doc *doc, const char *const *path, size_t n, const char *s)
{
        cleanup_free char *q = toml_quote(s, strlen(s));

        if (q == NULL)
                return error_set(err, "set");
        return toml_doc_set(err, doc, path, n, q);
}

int toml_doc_set_int(struct error *err, struct toml_doc *doc, const char *const *path, size_t n, int64_t v)
{
        char buf[32];

        snprintf(buf, sizeof(buf), "%" PRId64, v);
        return toml_doc_set(err, doc, path, n, buf);
}

int toml_doc_set_bool(struct error *err, struct toml_doc *doc, const char *const *path, size_t n, bool v)
{
        return toml_doc_set(err, doc, path, n, v ? "true" : "false");
}

int toml_doc_set_strings(struct error *err, struct toml_doc *doc, const char *const *path, size_t n,
                         const char *const *list)
{
        cleanup_free char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int rv = f != NULL ? fputc('[', f) : EOF;

        for (size_t i = 0; rv != EOF && list[i] != NULL; i++)
                if ((i > 0 && fputs(", ", f) < 0) || put_string(f, list[i], strlen(list[i])) < 0)
                        rv = EOF;
        if (rv != EOF)
                rv = fputc(']', f);
        if (f != NULL && fclose(f) != 0)
                rv = EOF;
        if (rv == EOF)
                return error_set(err, "set");
        return toml_doc_set(err, doc, path, n, buf);
}
