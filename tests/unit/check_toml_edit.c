/* The TOML editor (src/common/toml_edit*.c): values replaced in place,
 * keys inserted where a person would put them, tables created and
 * removed, refusals that leave the text alone, and untouched documents
 * kept byte for byte. Every case checks the whole resulting text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/toml_edit.h"
#include "scratch.h"
#include "unit.h"

#define MAX_PATH 8

struct edit_case {
        const char *name;
        const char *in;
        const char *path[MAX_PATH]; /* NULL-terminated */
        const char *value;          /* NULL: remove */
        const char *out;            /* the text, or "!" and the error */
};

static size_t path_len(const char *const *path)
{
        size_t n = 0;

        while (path[n] != NULL)
                n++;
        return n;
}

static struct toml_doc *parse(const char *text)
{
        struct error err = {0};
        struct toml_doc *doc = NULL;

        if (toml_doc_parse(&err, "t.toml", text, strlen(text), &doc) < 0)
                ck_abort_msg("parse: %s", error_msg(&err));
        return doc;
}

static const struct edit_case sets[] = {
        {"replace string keeps comment", "mode = \"auto\" # why\n", {"mode"}, "\"cdi\"", "mode = \"cdi\" # why\n"},
        {"replace int in header", "[a]\nn = 1\nm = 2\n", {"a", "n"}, "42", "[a]\nn = 42\nm = 2\n"},
        {"replace bool indented", "[a]\n  on = false  # off\n", {"a", "on"}, "true", "[a]\n  on = true  # off\n"},
        {"replace multi-line array", "a = [\n  \"x\",\n  \"y\",\n]\nb = 1\n", {"a"}, "[\"z\"]", "a = [\"z\"]\nb = 1\n"},
        {"replace inline table", "o = { a = 1 }\n", {"o"}, "{ b = 2 }", "o = { b = 2 }\n"},
        {"replace dotted key", "a.b = 1 #c\n", {"a", "b"}, "2", "a.b = 2 #c\n"},
        {"replace literal string", "[p]\ns = 'x'\n", {"p", "s"}, "\"y\"", "[p]\ns = \"y\"\n"},
        {"insert in root before header", "x = 1\n\n[t]\ny = 2\n", {"z"}, "3", "x = 1\nz = 3\n\n[t]\ny = 2\n"},
        {"insert in keyless root", "# top\n\n[t]\n", {"z"}, "1", "# top\n\nz = 1\n\n[t]\n"},
        {"insert in keyless root above comments", "# about t\n[t]\n", {"z"}, "1", "z = 1\n\n# about t\n[t]\n"},
        {"insert in empty document", "", {"a"}, "true", "a = true\n"},
        {"insert in comment-only document", "# nothing\n", {"a"}, "1", "# nothing\na = 1\n"},
        {"insert before sub-table", "[a]\nx = 1\n\n[a.b]\ny = 2\n", {"a", "z"}, "3",
         "[a]\nx = 1\nz = 3\n\n[a.b]\ny = 2\n"},
        {"insert before trailing comments", "[a]\nx = 1\n#c = 2\n\n[b]\n", {"a", "z"}, "3",
         "[a]\nx = 1\nz = 3\n#c = 2\n\n[b]\n"},
        {"insert in empty section", "[a]\n[b]\n", {"a", "z"}, "1", "[a]\nz = 1\n[b]\n"},
        {"insert in empty section with comment", "[a] # hi\n\n[b]\n", {"a", "z"}, "1", "[a] # hi\nz = 1\n\n[b]\n"},
        {"insert in sub-table", "[a]\n[a.b]\ny = 1\n[c]\n", {"a", "b", "z"}, "2", "[a]\n[a.b]\ny = 1\nz = 2\n[c]\n"},
        {"insert indented like neighbour", "[p]\n  [p.q]\n    x = 1\n\n  [p.r]\n", {"p", "q", "z"}, "2",
         "[p]\n  [p.q]\n    x = 1\n    z = 2\n\n  [p.r]\n"},
        {"insert in indented empty section", "  [p.q]\n", {"p", "q", "z"}, "2", "  [p.q]\n    z = 2\n"},
        {"insert after trailing comment", "[a]\nx = 1 # c\n", {"a", "y"}, "2", "[a]\nx = 1 # c\ny = 2\n"},
        {"insert after multi-line string", "[a]\ns = \"\"\"\n[b]\n\"\"\"\n", {"a", "z"}, "1",
         "[a]\ns = \"\"\"\n[b]\n\"\"\"\nz = 1\n"},
        {"insert in table defined after its sub-table", "[a.b]\ny = 1\n[a]\nx = 1\n", {"a", "z"}, "2",
         "[a.b]\ny = 1\n[a]\nx = 1\nz = 2\n"},
        {"insert in header at end without newline", "[a]", {"a", "x"}, "1", "[a]\nx = 1\n"},
        {"insert in implicit table", "[a.b]\ny = 1\n", {"a", "z"}, "1", "[a]\nz = 1\n\n[a.b]\ny = 1\n"},
        {"insert in implicit table keeps comments with header", "x = 1\n\n# about b\n[a.b]\n", {"a", "z"}, "1",
         "x = 1\n\n[a]\nz = 1\n\n# about b\n[a.b]\n"},
        {"insert in implicit middle table", "[a]\nx = 1\n[a.b.c]\n", {"a", "b", "z"}, "1",
         "[a]\nx = 1\n[a.b]\nz = 1\n\n[a.b.c]\n"},
        {"insert in dotted table", "a.x = 1\nb = 2\n", {"a", "y"}, "2", "a.x = 1\na.y = 2\nb = 2\n"},
        {"insert in dotted table of a section", "[t]\nd.x = 1\nk = 0\n", {"t", "d", "y"}, "2",
         "[t]\nd.x = 1\nd.y = 2\nk = 0\n"},
        {"insert in nested dotted table", "a.b.x = 1\n", {"a", "b", "y"}, "2", "a.b.x = 1\na.b.y = 2\n"},
        {"new table", "x = 1\n", {"a", "b", "c"}, "1", "x = 1\n\n[a.b]\nc = 1\n"},
        {"new table after blank line", "x = 1\n\n", {"a", "b"}, "1", "x = 1\n\n[a]\nb = 1\n"},
        {"new table in empty document", "", {"a", "b"}, "1", "[a]\nb = 1\n"},
        {"new table without final newline", "x = 1", {"a", "b"}, "1", "x = 1\n\n[a]\nb = 1\n"},
        {"new sub-table of dotted table", "a.x = 1\n", {"a", "c", "d"}, "1", "a.x = 1\n\n[a.c]\nd = 1\n"},
        {"new table with quoted keys", "version = 2\n\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n",
         {"plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia", "runtime_type"},
         "\"io.containerd.runc.v2\"",
         "version = 2\n\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n\n"
         "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n"
         "runtime_type = \"io.containerd.runc.v2\"\n"},
        {"quoted key inserted", "[a]\n", {"a", "b.c"}, "1", "[a]\n\"b.c\" = 1\n"},
        {"quoted empty key", "", {""}, "1", "\"\" = 1\n"},
        {"CRLF insert", "[a]\r\nx = 1\r\n", {"a", "y"}, "2", "[a]\r\nx = 1\r\ny = 2\r\n"},
        {"CRLF new table", "x = 1\r\n", {"a", "b"}, "2", "x = 1\r\n\r\n[a]\r\nb = 2\r\n"},
        {"CRLF without final newline", "x = 1\r\ny = 2", {"z"}, "3", "x = 1\r\ny = 2\r\nz = 3\r\n"},
        {"no final newline", "x = 1", {"y"}, "2", "x = 1\ny = 2\n"},
        {"set value to array", "[a]\n", {"a", "l"}, "[\"a\", \"b\"]", "[a]\nl = [\"a\", \"b\"]\n"},
        {"set value to inline table", "", {"o"}, "{ a = 1, b = \"x\" }", "o = { a = 1, b = \"x\" }\n"},
        {"set in table of array item's sibling", "[[s]]\nn = 1\n[t]\n", {"t", "x"}, "1", "[[s]]\nn = 1\n[t]\nx = 1\n"},
        {"error under a non-table", "a = 1\n", {"a", "b"}, "1", "!set `a.b`: `a` is not a table"},
        {"error inside inline table", "a = { b = 1 }\n", {"a", "c"}, "1", "!set `a.c`: `a` is an inline table"},
        {"error replacing inside inline table", "a = { b = 1 }\n", {"a", "b"}, "2", "!set `a.b`: `a` is an inline table"},
        {"error in array of tables", "[[a]]\nx = 1\n", {"a", "x"}, "1", "!set `a.x`: `a` is an array of tables"},
        {"error replacing a table", "[a]\nx = 1\n", {"a"}, "1", "!set `a`: `a` is a table"},
        {"error replacing a dotted table", "a.x = 1\n", {"a"}, "1", "!set `a`: `a` is a table"},
        {"error replacing an array of tables", "[[a]]\n", {"a"}, "1", "!set `a`: `a` is an array of tables"},
        {"error bad value", "", {"x"}, "1 2", "!set `x`: invalid TOML value `1 2`"},
        {"error value with comment", "", {"x"}, "1 # c", "!set `x`: invalid TOML value `1 # c`: not one value"},
        {"error value with second key", "", {"x"}, "1\ny = 2", "!set `x`: invalid TOML value `1\ny = 2`: not one value"},
        {"error empty value", "", {"x"}, "", "!set `x`: invalid TOML value ``"},
        {"error quoted path in message", "\"a.b\" = 1\n", {"a.b", "c"}, "1", "!set `\"a.b\".c`: `\"a.b\"` is not a table"},
};

START_TEST(set_cases)
{
        const struct edit_case *c = &sets[_i];
        struct toml_doc *doc = parse(c->in);
        struct error err = {0};
        size_t n = path_len(c->path), len;
        const struct toml_value *v;
        char *text;
        int rv = toml_doc_set(&err, doc, c->path, n, c->value);

        if (c->out[0] == '!') {
                ck_assert_msg(rv == -1, "%s: no error", c->name);
                ck_assert_str_eq(error_msg(&err), c->out + 1);
                ck_assert_str_eq(toml_doc_text(doc, &len), c->in);
                ck_assert_uint_eq(len, strlen(c->in));
                error_reset(&err);
        } else {
                ck_assert_msg(rv == 0, "%s: %s", c->name, error_msg(&err));
                ck_assert_str_eq(toml_doc_text(doc, NULL), c->out);
                /* The value reads back as it was written. */
                ck_assert_ptr_nonnull(v = toml_doc_get(doc, c->path, n));
                ck_assert_str_eq((text = toml_value_format(v)), c->value);
                free(text);
        }
        toml_doc_free(doc);
}
END_TEST

static const struct edit_case removes[] = {
        {"key line", "a = 1 # c\nb = 2\n", {"a"}, NULL, "b = 2\n"},
        {"key of a section", "[t]\nx = 1\ny = 2\n", {"t", "x"}, NULL, "[t]\ny = 2\n"},
        {"multi-line value", "a = [\n  1,\n  2,\n]\nb = 1\n", {"a"}, NULL, "b = 1\n"},
        {"dotted key", "a.x = 1\na.y = 2\n", {"a", "x"}, NULL, "a.y = 2\n"},
        {"middle table", "x = 0\n\n[a]\ny = 1\n\n[b]\nz = 2\n", {"a"}, NULL, "x = 0\n\n[b]\nz = 2\n"},
        {"last table", "x = 0\n\n[a]\ny = 1\n", {"a"}, NULL, "x = 0\n"},
        {"only table", "[a]\ny = 1\n", {"a"}, NULL, ""},
        {"table with trailing comments", "[a]\nx = 1\n#y = 2\n\n[b]\n", {"a"}, NULL, "[b]\n"},
        {"table with its comment", "[a]\nx = 1\n# about b\n[b]\ny = 1\n", {"b"}, NULL, "[a]\nx = 1\n"},
        {"table and scattered sub-tables", "[a]\nx = 1\n\n[b]\n\n[a.c]\ny = 2\n", {"a"}, NULL, "[b]\n"},
        {"sub-table", "[a]\nx = 1\n\n[a.b]\ny = 2\n\n[c]\n", {"a", "b"}, NULL, "[a]\nx = 1\n\n[c]\n"},
        {"implicit table", "[a.b]\nx = 1\n[c]\n", {"a"}, NULL, "[c]\n"},
        {"dotted table", "a.x = 1\nb = 2\na.y = 3\n", {"a"}, NULL, "b = 2\n"},
        {"array of tables", "[[p]]\nn = 1\n\n[[p]]\nn = 2\n\n[q]\n", {"p"}, NULL, "[q]\n"},
        {"inline table value", "o = { a = 1 }\nk = 1\n", {"o"}, NULL, "k = 1\n"},
        {"CRLF key", "a = 1\r\nb = 2\r\n", {"a"}, NULL, "b = 2\r\n"},
        {"missing key", "a = 1\n", {"b"}, NULL, "a = 1\n"},
        {"missing table", "a = 1\n", {"x", "y"}, NULL, "a = 1\n"},
        {"error in array of tables", "[[a]]\nx = 1\n", {"a", "x"}, NULL, "!remove `a.x`: `a` is an array of tables"},
        {"error inside inline table", "a = { b = 1 }\n", {"a", "b"}, NULL, "!remove `a.b`: `a` is an inline table"},
};

START_TEST(remove_cases)
{
        const struct edit_case *c = &removes[_i];
        struct toml_doc *doc = parse(c->in);
        struct error err = {0};
        size_t n = path_len(c->path);
        int rv = toml_doc_remove(&err, doc, c->path, n);

        if (c->out[0] == '!') {
                ck_assert_msg(rv == -1, "%s: no error", c->name);
                ck_assert_str_eq(error_msg(&err), c->out + 1);
                ck_assert_str_eq(toml_doc_text(doc, NULL), c->in);
                error_reset(&err);
        } else {
                ck_assert_msg(rv == 0, "%s: %s", c->name, error_msg(&err));
                ck_assert_str_eq(toml_doc_text(doc, NULL), c->out);
                ck_assert_ptr_null(toml_doc_get(doc, c->path, n));
        }
        toml_doc_free(doc);
}
END_TEST

/* Odd but valid layout: nothing may change it unless asked. */
static const char odd[] = "# tabs, CRLF and all\r\n"
                          "\ta\t=\t1   # x\r\n"
                          "'lit.key' = '''\n[not a header]\n'''\n"
                          "  [ t . \"u\" ]  # hdr\n"
                          "arr = [ 1 , # c\n 2 ]\n"
                          "[[x]]\n[[x]]\n"
                          "dt = 1979-05-27T07:32:00Z\n"
                          "f = 6.626e-34";

START_TEST(round_trip)
{
        struct toml_doc *doc = NULL;
        struct error err = {0};
        size_t len;

        ck_assert_int_eq(toml_doc_parse(&err, "odd", odd, sizeof(odd) - 1, &doc), 0);
        ck_assert_mem_eq(toml_doc_text(doc, &len), odd, sizeof(odd));
        ck_assert_uint_eq(len, sizeof(odd) - 1);
        ck_assert_ptr_nonnull(toml_doc_root(doc));
        toml_doc_free(doc);
}
END_TEST

START_TEST(edits_elsewhere_keep_the_rest)
{
        struct toml_doc *doc = parse("\ta\t=\t1   # x\r\n'k' = '''\n[no]\n'''\n[t]\narr = [ 1 , # c\n 2 ]\n");
        struct error err = {0};
        const char *const a[] = {"a"}, *const y[] = {"t", "y"};

        ck_assert_int_eq(toml_doc_set(&err, doc, a, 1, "2"), 0);
        ck_assert_int_eq(toml_doc_set_int(&err, doc, y, 2, -7), 0);
        ck_assert_str_eq(toml_doc_text(doc, NULL),
                         "\ta\t=\t2   # x\r\n'k' = '''\n[no]\n'''\n[t]\narr = [ 1 , # c\n 2 ]\ny = -7\r\n");
        toml_doc_free(doc);
}
END_TEST

START_TEST(typed_setters)
{
        struct toml_doc *doc = parse("[a]\n");
        struct error err = {0};
        const char *const s[] = {"a", "s"}, *const i[] = {"a", "i"}, *const b[] = {"a", "b"}, *const l[] = {"a", "l"},
                          *const e[] = {"a", "e"};
        const char *const list[] = {"runc", "x\"y", NULL}, *const none[] = {NULL};
        const struct toml_value *v;

        ck_assert_int_eq(toml_doc_set_string(&err, doc, s, 2, "tab\there"), 0);
        ck_assert_int_eq(toml_doc_set_int(&err, doc, i, 2, INT64_MIN), 0);
        ck_assert_int_eq(toml_doc_set_bool(&err, doc, b, 2, false), 0);
        ck_assert_int_eq(toml_doc_set_strings(&err, doc, l, 2, list), 0);
        ck_assert_int_eq(toml_doc_set_strings(&err, doc, e, 2, none), 0);
        ck_assert_str_eq(toml_doc_text(doc, NULL), "[a]\ns = \"tab\\there\"\ni = -9223372036854775808\nb = false\n"
                                                   "l = [\"runc\", \"x\\\"y\"]\ne = []\n");
        ck_assert_ptr_nonnull(v = toml_doc_get(doc, s, 2));
        ck_assert_str_eq(v->u.str.ptr, "tab\there");
        ck_assert_ptr_nonnull(v = toml_doc_get(doc, i, 2));
        ck_assert(v->u.integer == INT64_MIN);
        ck_assert_ptr_nonnull(v = toml_doc_get(doc, l, 2));
        ck_assert_uint_eq(v->u.array->len, 2);
        ck_assert_str_eq(v->u.array->items[1].u.str.ptr, "x\"y");
        toml_doc_free(doc);
}
END_TEST

START_TEST(value_format)
{
        static const struct {
                const char *in, *out;
        } cases[] = {
                {"\"a\\\"b\\u00e9\"", "\"a\\\"b\xc3\xa9\""},
                {"'lit\\'", "\"lit\\\\\""},
                {"0x1F", "31"},
                {"1.5", "1.5"},
                {"1e3", "1e+03"},
                {"0.1", "0.1"},
                {"-inf", "-inf"},
                {"nan", "nan"},
                {"true", "true"},
                {"1979-05-27T07:32:00Z", "1979-05-27T07:32:00Z"},
                {"[ 1, [ 'x' ], { } ]", "[1, [\"x\"], {}]"},
                {"{ a.b = 1, \"c d\" = [] }", "{ a = { b = 1 }, \"c d\" = [] }"},
        };
        char buf[128], *s;

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *const v[] = {"v"};
                struct toml_doc *doc;

                snprintf(buf, sizeof(buf), "v = %s\n", cases[i].in);
                doc = parse(buf);
                ck_assert_str_eq((s = toml_value_format(toml_doc_get(doc, v, 1))), cases[i].out);
                free(s);
                toml_doc_free(doc);
        }
}
END_TEST

START_TEST(array_of_tables_format)
{
        struct toml_doc *doc = parse("[[p]]\nn = 1\n[[p]]\n");
        const char *const p[] = {"p"};
        char *s;

        ck_assert_str_eq((s = toml_value_format(toml_doc_get(doc, p, 1))), "[{ n = 1 }, {}]");
        free(s);
        toml_doc_free(doc);
}
END_TEST

START_TEST(get_paths)
{
        struct toml_doc *doc = parse("a = 1\n[t.\"x.y\"]\nz = 2\n");
        const char *const a_b[] = {"a", "b"}, *const z[] = {"t", "x.y", "z"}, *const miss[] = {"t", "q"};

        ck_assert_ptr_null(toml_doc_get(doc, a_b, 2));
        ck_assert_ptr_null(toml_doc_get(doc, miss, 2));
        ck_assert_ptr_null(toml_doc_get(doc, z, 0));
        ck_assert_int_eq(toml_doc_get(doc, z, 3)->u.integer, 2);
        toml_doc_free(doc);
}
END_TEST

START_TEST(parse_errors)
{
        struct toml_doc *doc = NULL;
        struct error err = {0};

        ck_assert_int_eq(toml_doc_parse(&err, "bad.toml", "a = 1\nb = \n", 11, &doc), -1);
        ck_assert_str_eq(error_msg(&err), "bad.toml:2:5: expected a value");
        ck_assert_ptr_null(doc);
        error_reset(&err);
        ck_assert_int_eq(toml_doc_parse(&err, "empty", NULL, 0, &doc), 0);
        ck_assert_str_eq(toml_doc_text(doc, NULL), "");
        toml_doc_free(doc);
}
END_TEST

START_TEST(load)
{
        struct toml_doc *doc = NULL;
        struct error err = {0};
        const char *path;
        FILE *f;

        scratch_make("toml_edit");
        path = scratch_path("c.toml");
        ck_assert_int_eq(toml_doc_load(&err, path, true, &doc), 0);
        ck_assert_str_eq(toml_doc_text(doc, NULL), "");
        toml_doc_free(doc);
        ck_assert_int_eq(toml_doc_load(&err, path, false, &doc), -1);
        ck_assert_int_eq(err.code, ENOENT);
        error_reset(&err);
        ck_assert_ptr_nonnull(f = fopen(path, "w"));
        fputs("# c\nx = 1\n", f);
        fclose(f);
        ck_assert_int_eq(toml_doc_load(&err, path, false, &doc), 0);
        ck_assert_str_eq(toml_doc_text(doc, NULL), "# c\nx = 1\n");
        toml_doc_free(doc);
        ck_assert_int_eq(toml_doc_load(&err, scratch_dir(), true, &doc), -1);
        ck_assert_int_eq(err.code, EISDIR);
        error_reset(&err);
        scratch_remove();
}
END_TEST

/* What `nvidia-ctk runtime configure` does to a containerd config. */
static const char containerd_in[] =
        "version = 2\n"
        "\n"
        "[plugins]\n"
        "\n"
        "  [plugins.\"io.containerd.grpc.v1.cri\"]\n"
        "    sandbox_image = \"registry.k8s.io/pause:3.8\"\n"
        "\n"
        "    [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
        "      default_runtime_name = \"runc\"\n"
        "      snapshotter = \"overlayfs\"\n"
        "\n"
        "      [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes]\n"
        "\n"
        "        [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
        "          runtime_type = \"io.containerd.runc.v2\"\n"
        "\n"
        "          [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
        "            SystemdCgroup = true\n";

START_TEST(containerd_like)
{
        struct toml_doc *doc = parse(containerd_in);
        struct error err = {0};
        const char *cri[] = {"plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia", "x", "y", NULL};
        const char *dflt[] = {"plugins", "io.containerd.grpc.v1.cri", "containerd", "default_runtime_name"};
        const char *const bin[] = {"BinaryName", NULL};
        char want[2048];

        cri[5] = "runtime_type";
        ck_assert_int_eq(toml_doc_set_string(&err, doc, cri, 6, "io.containerd.runc.v2"), 0);
        cri[5] = "privileged_without_host_devices";
        ck_assert_int_eq(toml_doc_set_bool(&err, doc, cri, 6, false), 0);
        cri[5] = "options";
        cri[6] = bin[0];
        ck_assert_int_eq(toml_doc_set_string(&err, doc, cri, 7, "/usr/bin/nvidia-container-runtime"), 0);
        ck_assert_int_eq(toml_doc_set_string(&err, doc, dflt, 4, "nvidia"), 0);
        snprintf(want, sizeof(want), "%.*s%s%s", (int)strlen("version = 2\n\n[plugins]\n\n  [plugins.\"io.containerd.grpc"
                                                             ".v1.cri\"]\n    sandbox_image = \"registry.k8s.io/pause:"
                                                             "3.8\"\n\n    [plugins.\"io.containerd.grpc.v1.cri\".con"
                                                             "tainerd]\n      default_runtime_name = "),
                 containerd_in, "\"nvidia\"\n",
                 strstr(containerd_in, "      snapshotter"));
        strcat(want, "\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n"
                     "runtime_type = \"io.containerd.runc.v2\"\n"
                     "privileged_without_host_devices = false\n"
                     "\n"
                     "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia.options]\n"
                     "BinaryName = \"/usr/bin/nvidia-container-runtime\"\n");
        ck_assert_str_eq(toml_doc_text(doc, NULL), want);
        /* And taking it out again gives back what was there. */
        cri[5] = NULL;
        ck_assert_int_eq(toml_doc_remove(&err, doc, cri, 5), 0);
        ck_assert_int_eq(toml_doc_set_string(&err, doc, dflt, 4, "runc"), 0);
        ck_assert_str_eq(toml_doc_text(doc, NULL), containerd_in);
        toml_doc_free(doc);
}
END_TEST

/* What `nvidia-ctk config --set` does to config.toml. */
static const char config_in[] = "#accept-nvidia-visible-devices-as-volume-mounts = false\n"
                                "disable-require = false\n"
                                "\n"
                                "[nvidia-container-cli]\n"
                                "#debug = \"/var/log/nvidia-container-toolkit.log\"\n"
                                "environment = []\n"
                                "load-kmods = true\n"
                                "#root = \"/run/nvidia/driver\"\n"
                                "\n"
                                "[nvidia-container-runtime]\n"
                                "log-level = \"info\"\n"
                                "mode = \"auto\"\n"
                                "\n"
                                "[nvidia-container-runtime.modes]\n"
                                "\n"
                                "[nvidia-container-runtime.modes.cdi]\n"
                                "default-kind = \"nvidia.com/gpu\"\n";

START_TEST(config_like)
{
        struct toml_doc *doc = parse(config_in);
        struct error err = {0};
        const char *const mode[] = {"nvidia-container-runtime", "mode"},
                          *const debug[] = {"nvidia-container-cli", "debug"},
                          *const swarm[] = {"swarm-resource"},
                          *const csv[] = {"nvidia-container-runtime", "modes", "csv", "mount-spec-path"},
                          *const feat[] = {"features", "allow-ldconfig-from-container"},
                          *const kmods[] = {"nvidia-container-cli", "load-kmods"};

        ck_assert_int_eq(toml_doc_set_string(&err, doc, mode, 2, "cdi"), 0);
        ck_assert_int_eq(toml_doc_set_string(&err, doc, debug, 2, "/tmp/d.log"), 0);
        ck_assert_int_eq(toml_doc_set_string(&err, doc, swarm, 1, "X"), 0);
        ck_assert_int_eq(toml_doc_set_string(&err, doc, csv, 4, "/c"), 0);
        ck_assert_int_eq(toml_doc_set_bool(&err, doc, feat, 2, true), 0);
        ck_assert_int_eq(toml_doc_remove(&err, doc, kmods, 2), 0);
        ck_assert_str_eq(toml_doc_text(doc, NULL), "#accept-nvidia-visible-devices-as-volume-mounts = false\n"
                                                   "disable-require = false\n"
                                                   "swarm-resource = \"X\"\n"
                                                   "\n"
                                                   "[nvidia-container-cli]\n"
                                                   "#debug = \"/var/log/nvidia-container-toolkit.log\"\n"
                                                   "environment = []\n"
                                                   "debug = \"/tmp/d.log\"\n"
                                                   "#root = \"/run/nvidia/driver\"\n"
                                                   "\n"
                                                   "[nvidia-container-runtime]\n"
                                                   "log-level = \"info\"\n"
                                                   "mode = \"cdi\"\n"
                                                   "\n"
                                                   "[nvidia-container-runtime.modes]\n"
                                                   "\n"
                                                   "[nvidia-container-runtime.modes.cdi]\n"
                                                   "default-kind = \"nvidia.com/gpu\"\n"
                                                   "\n"
                                                   "[nvidia-container-runtime.modes.csv]\n"
                                                   "mount-spec-path = \"/c\"\n"
                                                   "\n"
                                                   "[features]\n"
                                                   "allow-ldconfig-from-container = true\n");
        toml_doc_free(doc);
}
END_TEST

Suite *toml_edit_suite(void)
{
        Suite *s = suite_create("toml_edit");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, set_cases, 0, (int)(sizeof(sets) / sizeof(sets[0])));
        tcase_add_loop_test(tc, remove_cases, 0, (int)(sizeof(removes) / sizeof(removes[0])));
        tcase_add_test(tc, round_trip);
        tcase_add_test(tc, edits_elsewhere_keep_the_rest);
        tcase_add_test(tc, typed_setters);
        tcase_add_test(tc, value_format);
        tcase_add_test(tc, array_of_tables_format);
        tcase_add_test(tc, get_paths);
        tcase_add_test(tc, parse_errors);
        tcase_add_test(tc, load);
        tcase_add_test(tc, containerd_like);
        tcase_add_test(tc, config_like);
        suite_add_tcase(s, tc);
        return s;
}
