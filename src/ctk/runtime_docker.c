/* Docker's daemon.json for `nvidia-ctk runtime configure --runtime=docker`
 * (NVIDIA's pkg/config/engine/docker), and the Go-style JSON writer it
 * needs: upstream decodes the file into a Go map and writes it back with
 * json.MarshalIndent(config, "", "    "), so every key comes out sorted,
 * at every level, with no newline at the end. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json_util.h"
#include "ctk/ctk.h"
#include "ctk/runtime_configure.h"

/* --- the writer ------------------------------------------------------------ */

struct out {
        FILE *f;
        const char *indent;
        bool sort_keys;
};

static void put_indent(const struct out *o, unsigned depth)
{
        fputc('\n', o->f);
        for (unsigned i = 0; i < depth; i++)
                fputs(o->indent, o->f);
}

/* U+2028 or U+2029 (UTF-8 e2 80 a8/a9) at s. */
static bool line_separator(const char *s, size_t len)
{
        return len >= 3 && s[0] == '\xe2' && s[1] == '\x80' && (s[2] == '\xa8' || s[2] == '\xa9');
}

/* Go escapes HTML's special characters and the two JavaScript line
 * separators besides what JSON requires; \b and \f have had short forms
 * since Go 1.22. */
static void put_string(FILE *f, const char *s, size_t len)
{
        fputc('"', f);
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                                : c == '\t' ? "\\t" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;

                if (esc != NULL)
                        fputs(esc, f);
                else if (c < 0x20 || c == '<' || c == '>' || c == '&')
                        fprintf(f, "\\u%04x", c);
                else if (line_separator(s + i, len - i))
                        fprintf(f, "\\u202%c", s[(i += 2)] == '\xa8' ? '8' : '9');
                else
                        fputc(c, f);
        }
        fputc('"', f);
}

/* A float64 as Go writes it: the shortest digits that read back the same,
 * positional unless below 1e-6 or from 1e21 on ("1e+21", "1e-7"). */
static void put_double(FILE *f, double x)
{
        char buf[40], digits[24], *e;
        int prec = 1, exp;
        size_t n = 0;

        if (!isfinite(x)) {
                fputs("null", f);
                return;
        }
        do
                snprintf(buf, sizeof(buf), "%.*e", prec - 1, x);
        while (strtod(buf, NULL) != x && ++prec <= 17);
        if (x != 0 && (fabs(x) < 1e-6 || fabs(x) >= 1e21)) {
                e = strchr(buf, 'e');
                if (e[1] == '-' && e[2] == '0')
                        memmove(e + 2, e + 3, strlen(e + 3) + 1);
                fputs(buf, f);
                return;
        }
        for (const char *p = buf; *p != 'e'; p++)
                if (*p >= '0' && *p <= '9')
                        digits[n++] = *p;
        digits[n] = '\0';
        exp = atoi(strchr(buf, 'e') + 1);
        fputs(buf[0] == '-' ? "-" : "", f);
        if (exp < 0)
                fprintf(f, "0.%.*s%s", -exp - 1, "00000", digits);
        else if ((size_t)exp + 1 >= n)
                fprintf(f, "%s%.*s", digits, (int)((size_t)exp + 1 - n), "00000000000000000000");
        else
                fprintf(f, "%.*s.%s", exp + 1, digits, digits + exp + 1);
}

static int key_cmp(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int put_value(const struct out *o, struct json_object *v, unsigned depth);

static int put_object(const struct out *o, struct json_object *obj, unsigned depth)
{
        size_t n = (size_t)json_object_object_length(obj), i = 0;
        cleanup_free const char **keys = calloc(n + 1, sizeof(*keys));

        if (keys == NULL)
                return -1;
        json_object_object_foreach(obj, key, val) {
                (void)val;
                keys[i++] = key;
        }
        if (o->sort_keys)
                qsort(keys, n, sizeof(*keys), key_cmp);
        fputc('{', o->f);
        for (i = 0; i < n; i++) {
                fputs(i > 0 ? "," : "", o->f);
                put_indent(o, depth + 1);
                put_string(o->f, keys[i], strlen(keys[i]));
                fputs(": ", o->f);
                if (put_value(o, json_object_object_get(obj, keys[i]), depth + 1) < 0)
                        return -1;
        }
        if (n > 0)
                put_indent(o, depth);
        fputc('}', o->f);
        return 0;
}

static int put_array(const struct out *o, struct json_object *arr, unsigned depth)
{
        size_t n = json_object_array_length(arr);

        fputc('[', o->f);
        for (size_t i = 0; i < n; i++) {
                fputs(i > 0 ? "," : "", o->f);
                put_indent(o, depth + 1);
                if (put_value(o, json_object_array_get_idx(arr, i), depth + 1) < 0)
                        return -1;
        }
        if (n > 0)
                put_indent(o, depth);
        fputc(']', o->f);
        return 0;
}

/* Integers stay exact (Go would round those beyond 2^53 through float64). */
static int put_value(const struct out *o, struct json_object *v, unsigned depth)
{
        switch (json_object_get_type(v)) {
        case json_type_object:
                return put_object(o, v, depth);
        case json_type_array:
                return put_array(o, v, depth);
        case json_type_string:
                put_string(o->f, json_object_get_string(v), (size_t)json_object_get_string_len(v));
                return 0;
        case json_type_int:
                if (json_object_get_int64(v) == INT64_MAX)
                        fprintf(o->f, "%llu", (unsigned long long)json_object_get_uint64(v));
                else
                        fprintf(o->f, "%lld", (long long)json_object_get_int64(v));
                return 0;
        case json_type_double:
                put_double(o->f, json_object_get_double(v));
                return 0;
        case json_type_boolean:
                fputs(json_object_get_boolean(v) ? "true" : "false", o->f);
                return 0;
        case json_type_null:
        default:
                fputs("null", o->f);
                return 0;
        }
}

char *ctk_go_json(struct json_object *obj, const char *indent, bool sort_keys)
{
        char *buf = NULL;
        size_t len = 0;
        struct out o = {open_memstream(&buf, &len), indent, sort_keys};
        int rv;

        if (o.f == NULL)
                return NULL;
        rv = put_value(&o, obj, 0);
        if (fclose(o.f) != 0 || rv < 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* --- the engine ------------------------------------------------------------ */

int ctk_json_add(struct json_object *obj, const char *key, struct json_object *v)
{
        if (v == NULL)
                return -1;
        if (json_object_object_add(obj, key, v) < 0) {
                json_object_put(v);
                return -1;
        }
        return 0;
}

/* The object at key in parent, made when missing (or null). */
static int member_object(struct error *err, const char *file, struct json_object *parent, const char *key,
                         struct json_object **out)
{
        struct json_object *v = json_util_member(parent, key);

        if (v == NULL) {
                if (ctk_json_add(parent, key, (v = json_object_new_object())) < 0)
                        return error_set(err, "update `%s`", file);
        } else if (json_object_get_type(v) != json_type_object) {
                return error_setx(err, "%s: %s: expected an object, got %s", file, key, json_util_type_name(v));
        }
        *out = v;
        return 0;
}

static struct json_object *new_runtime(const char *path)
{
        struct json_object *rt = json_object_new_object();

        if (rt != NULL && (ctk_json_add(rt, "args", json_object_new_array()) < 0 ||
                           ctk_json_add(rt, "path", json_object_new_string(path)) < 0)) {
                json_object_put(rt);
                return NULL;
        }
        return rt;
}

/* runtimes.<name> = {"args": [], "path": <path>}, replacing an entry of
 * that name and keeping the others; default-runtime and features.cdi on
 * request, keeping every other feature (upstream 1.17.8 loses them: it
 * expects a map of booleans where the decoder made a generic map). */
static int edit(struct error *err, const char *file, struct json_object *cfg, const struct ctk_runtime_opts *o)
{
        struct json_object *runtimes, *features;

        if (member_object(err, file, cfg, "runtimes", &runtimes) < 0)
                return -1;
        if (ctk_json_add(runtimes, o->name, new_runtime(o->path)) < 0)
                return error_set(err, "update `%s`", file);
        if (o->set_as_default && ctk_json_add(cfg, "default-runtime", json_object_new_string(o->name)) < 0)
                return error_set(err, "update `%s`", file);
        if (!o->cdi)
                return 0;
        if (member_object(err, file, cfg, "features", &features) < 0)
                return -1;
        if (ctk_json_add(features, "cdi", json_object_new_boolean(1)) < 0)
                return error_set(err, "update `%s`", file);
        return 0;
}

/* A missing or empty file is an empty config (upstream refuses an empty
 * one with "EOF"); anything else must be one JSON object. */
static int load(struct error *err, const char *file, const char *text, size_t len, struct json_object **cfg)
{
        size_t i = 0;

        while (text != NULL && i < len && strchr(" \t\r\n", text[i]) != NULL)
                i++;
        if (text == NULL || i == len) {
                if ((*cfg = json_object_new_object()) == NULL)
                        return error_set(err, "load `%s`", file);
                return 0;
        }
        if (json_util_parse(err, text, len, cfg) < 0)
                return error_prefix(err, "%s", file);
        if (json_object_get_type(*cfg) != json_type_object)
                return error_setx(err, "%s: expected an object, got %s", file, json_util_type_name(*cfg));
        return 0;
}

static int docker_update(struct error *err, const char *file, const char *text, size_t len,
                         const struct ctk_runtime_opts *o, char **out, size_t *out_len)
{
        struct json_object *cfg = NULL;

        if (text == NULL)
                ctk_log(CTK_INFO, "Config file does not exist; using empty config");
        else
                ctk_log(CTK_INFO, "Loading config from %s", file);
        if (load(err, file, text, len, &cfg) < 0 || edit(err, file, cfg, o) < 0) {
                json_object_put(cfg);
                return -1;
        }
        *out = ctk_go_json(cfg, "    ", true);
        json_object_put(cfg);
        if (*out == NULL)
                return error_set(err, "write the config for `%s`", file);
        *out_len = strlen(*out);
        return 0;
}

const struct ctk_engine ctk_engine_docker = {
        .name = "docker",
        .config = "/etc/docker/daemon.json",
        .absolute_path = false,
        .cdi = true,
        .update = docker_update,
};
