/* Reading CDI spec files (cdi.h): YAML through libyaml's event parser,
 * JSON through json-c, both into one document tree (cdi_internal.h) that
 * the decoder turns into the model. YAML keeps a position for every value;
 * a JSON tree has none, so a decoding error in JSON is placed by scanning
 * the text again for the value's path (cdi_json_locate). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <yaml.h>

#include "common/cdi_internal.h"
#include "common/cleanup.h"
#include "common/json_util.h"

/* The schema nests seven levels; anything much deeper is not a spec. */
#define NODE_MAX_DEPTH 64

void cdi_node_free(struct cdi_node *node)
{
        if (node == NULL)
                return;
        for (size_t i = 0; i < node->n; i++) {
                free(node->items[i].key);
                cdi_node_free(node->items[i].value);
        }
        free(node->items);
        free(node->text);
        free(node);
}

static struct cdi_node *node_new(enum cdi_node_kind kind, struct cdi_pos pos)
{
        struct cdi_node *node = calloc(1, sizeof(*node));

        if (node != NULL) {
                node->kind = kind;
                node->pos = pos;
        }
        return node;
}

/* Appends an item (taking value and key); frees both on failure. */
static int node_append(struct cdi_node *node, size_t *cap, char *key, struct cdi_pos pos, struct cdi_node *value)
{
        if (node->n == *cap) {
                size_t ncap = *cap != 0 ? *cap * 2 : 8;
                struct cdi_node_item *items = reallocarray(node->items, ncap, sizeof(*items));

                if (items == NULL) {
                        free(key);
                        cdi_node_free(value);
                        return -1;
                }
                node->items = items;
                *cap = ncap;
        }
        node->items[node->n++] = (struct cdi_node_item){key, pos, value};
        return 0;
}

/* --- YAML --------------------------------------------------------------------
 */

struct yaml_reader {
        struct error *err;
        const char *name;
        yaml_parser_t parser;
};

static struct cdi_pos mark_pos(yaml_mark_t mark)
{
        return (struct cdi_pos){(unsigned)(mark.line + 1), (unsigned)(mark.column + 1)};
}

static int yaml_fail(struct yaml_reader *r, yaml_mark_t mark, const char *reason)
{
        struct cdi_pos pos = mark_pos(mark);

        return error_setx(r->err, "%s:%u:%u: %s", r->name, pos.line, pos.col, reason);
}

static int yaml_next(struct yaml_reader *r, yaml_event_t *ev)
{
        const yaml_parser_t *p = &r->parser;
        struct cdi_pos pos;

        if (yaml_parser_parse(&r->parser, ev))
                return 0;
        if (p->error == YAML_MEMORY_ERROR) {
                errno = ENOMEM;
                return error_set(r->err, "parse `%s`", r->name);
        }
        pos = mark_pos(p->problem_mark);
        if (p->context != NULL)
                return error_setx(r->err, "%s:%u:%u: %s, %s", r->name, pos.line, pos.col, p->context,
                                  p->problem != NULL ? p->problem : "invalid YAML");
        return error_setx(r->err, "%s:%u:%u: %s", r->name, pos.line, pos.col,
                          p->problem != NULL ? p->problem : "invalid YAML");
}

static int yaml_node(struct yaml_reader *r, yaml_event_t *ev, unsigned depth, struct cdi_node **out);

static int by_key(const void *a, const void *b)
{
        const struct cdi_node_item *x = *(const struct cdi_node_item *const *)a;
        const struct cdi_node_item *y = *(const struct cdi_node_item *const *)b;
        int c = strcmp(x->key, y->key);

        return c != 0 ? c : (x < y ? -1 : x > y);
}

/* A key written twice is an error, as in the CDI library's strict decoder;
 * the later one is reported. */
static int check_duplicates(struct yaml_reader *r, const struct cdi_node *map)
{
        const struct cdi_node_item **sorted;
        int rv = 0;

        if (map->n < 2)
                return 0;
        if ((sorted = calloc(map->n, sizeof(*sorted))) == NULL)
                return error_set(r->err, "parse `%s`", r->name);
        for (size_t i = 0; i < map->n; i++)
                sorted[i] = &map->items[i];
        qsort(sorted, map->n, sizeof(*sorted), by_key);
        for (size_t i = 1; i < map->n && rv == 0; i++)
                if (strcmp(sorted[i - 1]->key, sorted[i]->key) == 0)
                        rv = error_setx(r->err, "%s:%u:%u: duplicate key \"%s\"", r->name, sorted[i]->pos.line,
                                        sorted[i]->pos.col, sorted[i]->key);
        free(sorted);
        return rv;
}

static int yaml_scalar(struct yaml_reader *r, const yaml_event_t *ev, struct cdi_node **out)
{
        const char *tag = (const char *)ev->data.scalar.tag;
        struct cdi_node *node;

        if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL)
                return yaml_fail(r, ev->start_mark, "NUL character in a scalar");
        if ((node = node_new(CDI_NODE_SCALAR, mark_pos(ev->start_mark))) == NULL ||
            (node->text = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length)) == NULL) {
                cdi_node_free(node);
                return error_set(r->err, "parse `%s`", r->name);
        }
        node->quoted =
                ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || (tag != NULL && strcmp(tag, YAML_STR_TAG) == 0);
        *out = node;
        return 0;
}

/* Reads the members of a mapping or a sequence up to its end event. */
static int yaml_collection(struct yaml_reader *r, struct cdi_node *node, unsigned depth)
{
        yaml_event_type_t end = node->kind == CDI_NODE_MAP ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
        size_t cap = 0;

        for (;;) {
                struct cdi_node *value = NULL;
                struct cdi_pos pos = {0, 0};
                char *key = NULL;
                yaml_event_t ev;

                if (yaml_next(r, &ev) < 0)
                        return -1;
                if (ev.type == end) {
                        yaml_event_delete(&ev);
                        break;
                }
                if (node->kind == CDI_NODE_MAP) {
                        pos = mark_pos(ev.start_mark);
                        if (ev.type != YAML_SCALAR_EVENT) {
                                yaml_event_delete(&ev);
                                return error_setx(r->err, "%s:%u:%u: a mapping key must be a scalar", r->name, pos.line,
                                                  pos.col);
                        }
                        if (memchr(ev.data.scalar.value, '\0', ev.data.scalar.length) != NULL) {
                                yaml_event_delete(&ev);
                                return error_setx(r->err, "%s:%u:%u: NUL character in a key", r->name, pos.line,
                                                  pos.col);
                        }
                        key = strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
                        yaml_event_delete(&ev);
                        if (key == NULL)
                                return error_set(r->err, "parse `%s`", r->name);
                        if (yaml_next(r, &ev) < 0) {
                                free(key);
                                return -1;
                        }
                }
                if (yaml_node(r, &ev, depth + 1, &value) < 0) {
                        free(key);
                        return -1;
                }
                if (node->kind == CDI_NODE_SEQ)
                        pos = value->pos;
                if (node_append(node, &cap, key, pos, value) < 0)
                        return error_set(r->err, "parse `%s`", r->name);
        }
        return node->kind == CDI_NODE_MAP ? check_duplicates(r, node) : 0;
}

/* Builds the node that starts with ev (consumed). */
static int yaml_node(struct yaml_reader *r, yaml_event_t *ev, unsigned depth, struct cdi_node **out)
{
        struct cdi_node *node = NULL;
        int rv = -1;

        *out = NULL;
        if (depth > NODE_MAX_DEPTH) {
                rv = yaml_fail(r, ev->start_mark, "nested too deeply");
        } else if (ev->type == YAML_SCALAR_EVENT) {
                rv = yaml_scalar(r, ev, out);
        } else if (ev->type == YAML_ALIAS_EVENT) {
                /* The CDI library would expand it; no spec needs one, and
     * refusing them rules out exponential documents. */
                rv = yaml_fail(r, ev->start_mark, "YAML aliases are not supported");
        } else {
                enum cdi_node_kind kind = ev->type == YAML_MAPPING_START_EVENT ? CDI_NODE_MAP : CDI_NODE_SEQ;

                if ((node = node_new(kind, mark_pos(ev->start_mark))) == NULL)
                        rv = error_set(r->err, "parse `%s`", r->name);
                else if ((rv = yaml_collection(r, node, depth)) == 0)
                        *out = node, node = NULL;
        }
        cdi_node_free(node);
        yaml_event_delete(ev);
        return rv;
}

/* The first document of the stream, as the CDI library decodes it; *out is
 * NULL for an empty stream. */
static int yaml_document(struct yaml_reader *r, struct cdi_node **out)
{
        yaml_event_t ev;

        *out = NULL;
        if (yaml_next(r, &ev) < 0)
                return -1;
        yaml_event_delete(&ev); /* STREAM-START */
        if (yaml_next(r, &ev) < 0)
                return -1;
        if (ev.type == YAML_STREAM_END_EVENT) {
                yaml_event_delete(&ev);
                return 0;
        }
        yaml_event_delete(&ev); /* DOCUMENT-START */
        if (yaml_next(r, &ev) < 0 || yaml_node(r, &ev, 0, out) < 0)
                return -1;
        if (yaml_next(r, &ev) < 0) {
                cdi_node_free(*out);
                *out = NULL;
                return -1;
        }
        yaml_event_delete(&ev); /* DOCUMENT-END */
        return 0;
}

static int parse_yaml(struct error *err, const char *name, const char *text, size_t len, struct cdi_node **out)
{
        struct yaml_reader r = {.err = err, .name = name};
        int rv;

        if (!yaml_parser_initialize(&r.parser)) {
                errno = ENOMEM;
                return error_set(err, "parse `%s`", name);
        }
        yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
        rv = yaml_document(&r, out);
        yaml_parser_delete(&r.parser);
        return rv;
}

/* --- JSON
 * ------------------------------------------------------------------------ */

static int json_node(struct error *err, const char *name, struct json_object *obj, struct cdi_node **out);

static int json_members(struct error *err, const char *name, struct json_object *obj, struct cdi_node *node)
{
        size_t cap = 0;

        if (node->kind == CDI_NODE_SEQ) {
                for (size_t i = 0; i < json_object_array_length(obj); i++) {
                        struct cdi_node *value;

                        if (json_node(err, name, json_object_array_get_idx(obj, i), &value) < 0)
                                return -1;
                        if (node_append(node, &cap, NULL, value->pos, value) < 0)
                                return error_set(err, "parse `%s`", name);
                }
                return 0;
        }
        json_object_object_foreach(obj, key, val)
        {
                struct cdi_node *value;
                char *k;

                if (json_node(err, name, val, &value) < 0)
                        return -1;
                if ((k = strdup(key)) == NULL) {
                        cdi_node_free(value);
                        return error_set(err, "parse `%s`", name);
                }
                if (node_append(node, &cap, k, value->pos, value) < 0)
                        return error_set(err, "parse `%s`", name);
        }
        return 0;
}

static int json_node(struct error *err, const char *name, struct json_object *obj, struct cdi_node **out)
{
        enum json_type type = json_object_get_type(obj);
        struct cdi_node *node;
        const char *text;

        *out = NULL;
        if (type == json_type_object || type == json_type_array) {
                if ((node = node_new(type == json_type_object ? CDI_NODE_MAP : CDI_NODE_SEQ, (struct cdi_pos){0, 0})) ==
                    NULL)
                        return error_set(err, "parse `%s`", name);
                if (json_members(err, name, obj, node) < 0) {
                        cdi_node_free(node);
                        return -1;
                }
                *out = node;
                return 0;
        }
        /* Numbers keep the text they were written with; null is the plain
   * scalar "null" the decoder reads as YAML's null. */
        text = obj == NULL ? "null" : json_object_get_string(obj);
        if (type == json_type_string && strlen(text) != (size_t)json_object_get_string_len(obj))
                return error_setx(err, "%s: NUL character in a string", name);
        if ((node = node_new(CDI_NODE_SCALAR, (struct cdi_pos){0, 0})) == NULL || (node->text = strdup(text)) == NULL) {
                cdi_node_free(node);
                return error_set(err, "parse `%s`", name);
        }
        node->quoted = type == json_type_string;
        *out = node;
        return 0;
}

static int parse_json(struct error *err, const char *name, const char *text, size_t len, struct cdi_node **out)
{
        struct json_object *obj = NULL;
        int rv;

        if (json_util_parse(err, text, len, &obj) < 0)
                return error_prefix(err, "%s", name);
        rv = json_node(err, name, obj, out);
        json_object_put(obj);
        return rv;
}

/* --- locating a value in JSON text
 * ------------------------------------------------- */

struct scan {
        const char *s;
        size_t len, i;
};

static void skip_ws(struct scan *sc)
{
        while (sc->i < sc->len && strchr(" \t\r\n", sc->s[sc->i]) != NULL)
                sc->i++;
}

static void skip_string(struct scan *sc)
{
        for (sc->i++; sc->i < sc->len && sc->s[sc->i] != '"'; sc->i++)
                if (sc->s[sc->i] == '\\')
                        sc->i++;
        sc->i++;
}

/* Skips one value of a valid text. */
static void skip_value(struct scan *sc)
{
        size_t depth = 0;

        do {
                char c = sc->i < sc->len ? sc->s[sc->i] : '\0';

                if (c == '\0')
                        return;
                if (c == '"') {
                        skip_string(sc);
                        continue;
                }
                if (c == '{' || c == '[')
                        depth++;
                else if (c == '}' || c == ']')
                        depth--;
                else if (depth == 0 && strchr(",:", c) != NULL)
                        return;
                sc->i++;
        } while (depth > 0 || (sc->i < sc->len && strchr(",}]: \t\r\n", sc->s[sc->i]) == NULL));
}

/* Whether the string at sc (a key) is key; keys with escapes never match. */
static bool key_is(const struct scan *sc, const char *key)
{
        size_t n = strlen(key);

        return sc->i + n + 1 < sc->len && memcmp(sc->s + sc->i + 1, key, n) == 0 && sc->s[sc->i + 1 + n] == '"';
}

static bool find(struct scan *sc, const struct cdi_path_step *path, size_t depth)
{
        size_t index = 0;

        skip_ws(sc);
        if (depth == 0)
                return true;
        if (sc->i >= sc->len || sc->s[sc->i] != (path->key != NULL ? '{' : '['))
                return false;
        sc->i++;
        for (;;) {
                bool match;

                skip_ws(sc);
                if (sc->i >= sc->len || sc->s[sc->i] == '}' || sc->s[sc->i] == ']')
                        return false;
                if (path->key != NULL) {
                        match = key_is(sc, path->key);
                        skip_string(sc);
                        skip_ws(sc);
                        sc->i++; /* ':' */
                } else {
                        match = index++ == path->index;
                }
                if (match)
                        return find(sc, path + 1, depth - 1);
                skip_ws(sc);
                skip_value(sc);
                skip_ws(sc);
                if (sc->i < sc->len && sc->s[sc->i] == ',')
                        sc->i++;
        }
}

struct cdi_pos cdi_json_locate(const char *text, size_t len, const struct cdi_path_step *path, size_t depth)
{
        struct scan sc = {text, len, 0};
        struct cdi_pos pos = {1, 1};

        if (!find(&sc, path, depth) || sc.i >= len)
                return (struct cdi_pos){0, 0};
        for (size_t i = 0; i < sc.i; i++) {
                if (text[i] == '\n')
                        pos.line++, pos.col = 1;
                else if (((unsigned char)text[i] & 0xc0) != 0x80)
                        pos.col++;
        }
        return pos;
}

/* --- entry points
 * ------------------------------------------------------------------ */

static bool has_suffix(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* JSON when the first non-blank character is '{'. */
static bool looks_like_json(const char *text, size_t len)
{
        size_t i = 0;

        while (i < len && text[i] != '\0' && strchr(" \t\r\n", text[i]) != NULL)
                i++;
        return i < len && text[i] == '{';
}

/* The CDI library reads every spec file with a YAML decoder, so a ".json"
 * file holding YAML loads, and so does a ".yaml" file holding JSON or a
 * flow mapping: the content decides. Text that looks like JSON goes to
 * json-c; when it is not JSON after all and the name does not promise
 * JSON, it is read as YAML. */
static int parse_auto(struct error *err, const char *name, const char *text, size_t len, struct cdi_source *src,
                      struct cdi_node **root)
{
        struct error json_err = {0};

        if (!looks_like_json(text, len))
                return parse_yaml(err, name, text, len, root);
        if (parse_json(&json_err, name, text, len, root) == 0) {
                src->json = text;
                src->json_len = len;
                return 0;
        }
        if (has_suffix(name, ".json")) {
                error_reset(err);
                *err = json_err;
                return -1;
        }
        error_reset(&json_err);
        return parse_yaml(err, name, text, len, root);
}

int cdi_spec_parse(struct error *err, const char *name, const char *text, size_t len, enum cdi_format format,
                   struct cdi_spec **out)
{
        struct cdi_source src = {.name = name};
        struct cdi_node *root = NULL;
        int rv;

        *out = NULL;
        if (format == CDI_FORMAT_JSON) {
                rv = parse_json(err, name, text, len, &root);
                src.json = text;
                src.json_len = len;
        } else if (format == CDI_FORMAT_YAML) {
                rv = parse_yaml(err, name, text, len, &root);
        } else {
                rv = parse_auto(err, name, text, len, &src, &root);
        }
        if (rv < 0)
                return -1;
        if (root == NULL)
                return error_setx(err, "%s: no spec data", name);
        rv = cdi_spec_decode(err, &src, root, out);
        cdi_node_free(root);
        return rv;
}

int cdi_spec_load(struct error *err, const char *path, struct cdi_spec **out)
{
        cleanup_close int fd = -1;
        cleanup_free char *text = NULL;
        struct stat st;
        size_t len;

        *out = NULL;
        /* O_NONBLOCK: a FIFO named like a spec must not hang the runtime. */
        if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) < 0)
                return error_set(err, "open `%s`", path);
        if (fstat(fd, &st) < 0)
                return error_set(err, "stat `%s`", path);
        if (!S_ISREG(st.st_mode))
                return error_setx(err, "read `%s`: not a regular file", path);
        if (json_util_read_fd(err, fd, CDI_SPEC_MAX_SIZE, &text, &len) < 0)
                return error_prefix(err, "read `%s`", path);
        return cdi_spec_parse(err, path, text, len, CDI_FORMAT_AUTO, out);
}
