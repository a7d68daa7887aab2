/* The findings of `nvidia-ctk system check` and their two renderings. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctk/system_check.h"

/* Status and check name columns; "toolkit-config" is the longest name. */
#define STATUS_WIDTH 5
#define CHECK_WIDTH 14
#define DETAIL_INDENT "      "

static const char *const status_names[] = {"ok", "warn", "fail"};

static char *vformat(const char *fmt, va_list ap)
{
        char *s = NULL;

        return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

void ctk_report_add(struct ctk_report *r, const char *check, enum ctk_check_status status, const char *fmt, ...)
{
        struct ctk_finding *v = reallocarray(r->v, r->n + 1, sizeof(*v));
        va_list ap;

        if (v == NULL) {
                r->nomem = true;
                return;
        }
        r->v = v;
        v += r->n;
        va_start(ap, fmt);
        *v = (struct ctk_finding){strdup(check), status, vformat(fmt, ap), NULL, NULL};
        va_end(ap);
        if (v->check == NULL || v->message == NULL) {
                free(v->check);
                free(v->message);
                r->nomem = true;
                return;
        }
        r->n++;
}

/* Replaces *field of the last finding (none: nothing to do, already
 * recorded as nomem by the add that failed). */
static void set_detail(struct ctk_report *r, char **field, char *text)
{
        if (text == NULL)
                r->nomem = true;
        free(*field);
        *field = text;
}

void ctk_report_why(struct ctk_report *r, const char *fmt, ...)
{
        va_list ap;

        if (r->n == 0)
                return;
        va_start(ap, fmt);
        set_detail(r, &r->v[r->n - 1].why, vformat(fmt, ap));
        va_end(ap);
}

void ctk_report_fix(struct ctk_report *r, const char *fmt, ...)
{
        va_list ap;

        if (r->n == 0)
                return;
        va_start(ap, fmt);
        set_detail(r, &r->v[r->n - 1].fix, vformat(fmt, ap));
        va_end(ap);
}

size_t ctk_report_count(const struct ctk_report *r, enum ctk_check_status status)
{
        size_t n = 0;

        for (size_t i = 0; i < r->n; i++)
                n += r->v[i].status == status;
        return n;
}

void ctk_report_free(struct ctk_report *r)
{
        for (size_t i = 0; i < r->n; i++) {
                free(r->v[i].check);
                free(r->v[i].message);
                free(r->v[i].why);
                free(r->v[i].fix);
        }
        free(r->v);
        *r = (struct ctk_report){NULL, 0, false};
}

/* --- text ------------------------------------------------------------------------ */

static void put_finding(FILE *f, const struct ctk_finding *x)
{
        fprintf(f, "%-*s %-*s %s\n", STATUS_WIDTH, status_names[x->status], CHECK_WIDTH, x->check, x->message);
        /* ok findings stay one line: their why is for the JSON readers. */
        if (x->status == CTK_CHECK_OK)
                return;
        if (x->why != NULL)
                fprintf(f, DETAIL_INDENT "why: %s\n", x->why);
        if (x->fix != NULL)
                fprintf(f, DETAIL_INDENT "fix: %s\n", x->fix);
}

char *ctk_report_text(const struct ctk_report *r)
{
        size_t warns = ctk_report_count(r, CTK_CHECK_WARN), fails = ctk_report_count(r, CTK_CHECK_FAIL), len = 0;
        char *buf = NULL;
        FILE *f = open_memstream(&buf, &len);

        if (f == NULL)
                return NULL;
        for (size_t i = 0; i < r->n; i++)
                put_finding(f, &r->v[i]);
        fprintf(f, "%zu ok, %zu warning%s, %zu failure%s\n", ctk_report_count(r, CTK_CHECK_OK), warns,
                warns == 1 ? "" : "s", fails, fails == 1 ? "" : "s");
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* --- JSON ------------------------------------------------------------------------ */

static struct json_object *string_or_null(const char *s)
{
        return s != NULL ? json_object_new_string(s) : NULL;
}

/* A value that should be there but is NULL is a failed allocation. */
static int add_member(struct json_object *obj, const char *key, const char *value)
{
        struct json_object *v = string_or_null(value);

        if (value != NULL && v == NULL)
                return -1;
        if (json_object_object_add(obj, key, v) < 0) {
                json_object_put(v);
                return -1;
        }
        return 0;
}

static struct json_object *finding_json(const struct ctk_finding *x)
{
        struct json_object *obj = json_object_new_object();

        if (obj == NULL)
                return NULL;
        if (add_member(obj, "check", x->check) < 0 || add_member(obj, "status", status_names[x->status]) < 0 ||
            add_member(obj, "message", x->message) < 0 || add_member(obj, "why", x->why) < 0 ||
            add_member(obj, "fix", x->fix) < 0) {
                json_object_put(obj);
                return NULL;
        }
        return obj;
}

char *ctk_report_json(const struct ctk_report *r)
{
        struct json_object *arr = json_object_new_array();
        const char *text;
        char *out = NULL;

        for (size_t i = 0; arr != NULL && i < r->n; i++) {
                struct json_object *obj = finding_json(&r->v[i]);

                if (obj == NULL || json_object_array_add(arr, obj) < 0) {
                        json_object_put(obj);
                        json_object_put(arr);
                        return NULL;
                }
        }
        text = arr != NULL ? json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                                         JSON_C_TO_STRING_NOSLASHESCAPE)
                           : NULL;
        if (text != NULL && asprintf(&out, "%s\n", text) < 0)
                out = NULL;
        json_object_put(arr);
        return out;
}
