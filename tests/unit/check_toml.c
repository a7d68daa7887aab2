/* The TOML reader (src/common/toml*.c): valid documents, NVIDIA's config
 * files among them, checked value by value; invalid ones, each with its
 * exact "line:col: reason"; positions, order, lookup and limits. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/toml.h"
#include "unit.h"

/* What `nvidia-ctk config default` writes on Debian (toolkit 1.17/1.18). */
static const char nvidia_default[] =
        "#accept-nvidia-visible-devices-as-volume-mounts = false\n"
        "#accept-nvidia-visible-devices-envvar-when-unprivileged = true\n"
        "disable-require = false\n"
        "supported-driver-capabilities = \"compat32,compute,display,graphics,ngx,utility,video\"\n"
        "#swarm-resource = \"DOCKER_RESOURCE_GPU\"\n"
        "\n"
        "[nvidia-container-cli]\n"
        "#debug = \"/var/log/nvidia-container-toolkit.log\"\n"
        "environment = []\n"
        "#ldcache = \"/etc/ld.so.cache\"\n"
        "ldconfig = \"@/sbin/ldconfig\"\n"
        "load-kmods = true\n"
        "#no-cgroups = false\n"
        "#path = \"/usr/bin/nvidia-container-cli\"\n"
        "#root = \"/run/nvidia/driver\"\n"
        "#user = \"root:video\"\n"
        "\n"
        "[nvidia-container-runtime]\n"
        "#debug = \"/var/log/nvidia-container-runtime.log\"\n"
        "log-level = \"info\"\n"
        "mode = \"auto\"\n"
        "runtimes = [\"runc\", \"crun\"]\n"
        "\n"
        "[nvidia-container-runtime.modes]\n"
        "\n"
        "[nvidia-container-runtime.modes.cdi]\n"
        "annotation-prefixes = [\"cdi.k8s.io/\"]\n"
        "default-kind = \"nvidia.com/gpu\"\n"
        "spec-dirs = [\"/etc/cdi\", \"/var/run/cdi\"]\n"
        "\n"
        "[nvidia-container-runtime.modes.csv]\n"
        "mount-spec-path = \"/etc/nvidia-container-runtime/host-files-for-container.d\"\n"
        "\n"
        "[nvidia-container-runtime.modes.legacy]\n"
        "cuda-compat-mode = \"ldconfig\"\n"
        "\n"
        "[nvidia-container-runtime-hook]\n"
        "path = \"nvidia-container-runtime-hook\"\n"
        "skip-mode-detection = false\n"
        "\n"
        "[nvidia-ctk]\n"
        "path = \"nvidia-ctk\"\n";

/* The value as a short text: s:... i:... f:... b:... d:..., [..] and {k=..}. */
static void render(const struct toml_value *v, char *out, size_t size);

static void render_table(const struct toml_table *t, char *out, size_t size)
{
        size_t n = (size_t)snprintf(out, size, "{");

        for (size_t i = 0; i < t->len && n < size; i++) {
                n += (size_t)snprintf(out + n, size - n, "%s%s=", i > 0 ? "," : "", t->entries[i].key);
                if (n < size)
                        render(&t->entries[i].value, out + n, size - n);
                n += strlen(out + n);
        }
        if (n < size)
                snprintf(out + n, size - n, "}");
}

static void render(const struct toml_value *v, char *out, size_t size)
{
        size_t n;

        switch (v->type) {
        case TOML_STRING:
                snprintf(out, size, "s:%s", v->u.str.ptr);
                break;
        case TOML_DATETIME:
                snprintf(out, size, "d:%s", v->u.str.ptr);
                break;
        case TOML_INTEGER:
                snprintf(out, size, "i:%" PRId64, v->u.integer);
                break;
        case TOML_FLOAT:
                snprintf(out, size, "f:%.17g", v->u.real);
                break;
        case TOML_BOOL:
                snprintf(out, size, "b:%s", v->u.boolean ? "true" : "false");
                break;
        case TOML_ARRAY:
                n = (size_t)snprintf(out, size, "[");
                for (size_t i = 0; i < v->u.array->len && n < size; i++) {
                        if (i > 0)
                                n += (size_t)snprintf(out + n, size - n, ",");
                        if (n < size)
                                render(&v->u.array->items[i], out + n, size - n);
                        n += strlen(out + n);
                }
                if (n < size)
                        snprintf(out + n, size - n, "]");
                break;
        case TOML_TABLE:
                render_table(v->u.table, out, size);
                break;
        }
}

struct expect {
        const char *path, *value;
};

struct valid_case {
        const char *name, *doc;
        struct expect expect[12];
};

static const struct valid_case valid[] = {
        {"nvidia default", nvidia_default,
         {{"disable-require", "b:false"},
          {"supported-driver-capabilities", "s:compat32,compute,display,graphics,ngx,utility,video"},
          {"nvidia-container-cli.environment", "[]"},
          {"nvidia-container-cli.ldconfig", "s:@/sbin/ldconfig"},
          {"nvidia-container-cli.load-kmods", "b:true"},
          {"nvidia-container-runtime.runtimes", "[s:runc,s:crun]"},
          {"nvidia-container-runtime.modes.cdi.spec-dirs", "[s:/etc/cdi,s:/var/run/cdi]"},
          {"nvidia-container-runtime.modes.legacy", "{cuda-compat-mode=s:ldconfig}"},
          {"nvidia-container-runtime-hook", "{path=s:nvidia-container-runtime-hook,skip-mode-detection=b:false}"},
          {"nvidia-ctk.path", "s:nvidia-ctk"}}},
        /* config/config.toml.debian of toolkit 1.x */
        {"debian 1.x", "disable-require = false\n#swarm-resource = \"DOCKER_RESOURCE_GPU\"\n"
                       "#accept-nvidia-visible-devices-envvar-when-unprivileged = true\n"
                       "#accept-nvidia-visible-devices-as-volume-mounts = false\n\n[nvidia-container-cli]\n"
                       "#root = \"/run/nvidia/driver\"\n#path = \"/usr/bin/nvidia-container-cli\"\n"
                       "environment = []\n#debug = \"/var/log/nvidia-container-toolkit.log\"\n"
                       "#ldcache = \"/etc/ld.so.cache\"\nload-kmods = true\n#no-cgroups = false\n"
                       "#user = \"root:video\"\nldconfig = \"@/sbin/ldconfig\"\n\n[nvidia-container-runtime]\n"
                       "#debug = \"/var/log/nvidia-container-runtime.log\"\n#experimental = false\n",
         {{"", "{disable-require=b:false,nvidia-container-cli={environment=[],load-kmods=b:true,"
               "ldconfig=s:@/sbin/ldconfig},nvidia-container-runtime={}}"}}},
        /* config/config.toml.ubuntu of toolkit 1.x */
        {"ubuntu 1.x", "disable-require = false\n\n[nvidia-container-cli]\nenvironment = []\nload-kmods = true\n"
                       "ldconfig = \"@/sbin/ldconfig.real\"\n#alpha-merge-visible-devices-envvars = false\n",
         {{"nvidia-container-cli.ldconfig", "s:@/sbin/ldconfig.real"}}},
        {"empty", "", {{"", "{}"}}},
        {"comments only", "# a\n\n   # b\t\n\t\n#", {{"", "{}"}}},
        {"basic strings", "a = \"tab\\there \\\"q\\\" \\\\ \\u00e9\\U0001F600\"\nb = \"\\b\\f\\r\\n\"\nc = \"\"\n",
         {{"a", "s:tab\there \"q\" \\ \xc3\xa9\xf0\x9f\x98\x80"}, {"b", "s:\b\f\r\n"}, {"c", "s:"}}},
        {"literal strings", "a = 'C:\\Users\\x'\nb = '<\\i\\c*\\s*>'\nc = ''\nd = 'tab\there'\n",
         {{"a", "s:C:\\Users\\x"}, {"b", "s:<\\i\\c*\\s*>"}, {"c", "s:"}, {"d", "s:tab\there"}}},
        {"multi-line basic", "a = \"\"\"\nRoses\nViolets\"\"\"\nb = \"\"\"\\\n   quick \\\n\n   fox\\\n   \"\"\"\n"
                             "c = \"\"\"\"q\"\"\"\"\nd = \"\"\"two \"\" quotes\"\"\"\ne = \"\"\"x\"\"\"\"\"\n",
         {{"a", "s:Roses\nViolets"}, {"b", "s:quick fox"}, {"c", "s:\"q\""}, {"d", "s:two \"\" quotes"},
          {"e", "s:x\"\""}}},
        {"multi-line literal", "a = '''\nfirst newline\n  trimmed\\n'''\nb = ''''quoted'''''\n",
         {{"a", "s:first newline\n  trimmed\\n"}, {"b", "s:'quoted''"}}},
        {"integers", "a = +99\nb = -17\nc = 0\nd = 5_349_221\ne = 0xDEAD_beef\nf = 0o755\ng = 0b1101\n"
                     "h = 9223372036854775807\ni = -9223372036854775808\nj = -0\nk = 0x0001\n",
         {{"a", "i:99"}, {"b", "i:-17"}, {"c", "i:0"}, {"d", "i:5349221"}, {"e", "i:3735928559"}, {"f", "i:493"},
          {"g", "i:13"}, {"h", "i:9223372036854775807"}, {"i", "i:-9223372036854775808"}, {"j", "i:0"},
          {"k", "i:1"}}},
        {"floats", "a = +1.0\nb = -0.01\nc = 5e+22\nd = 1e06\ne = -2E-2\nf = 6.626e-34\ng = 224_617.445_991\n"
                   "h = inf\ni = -inf\nj = 0.1\n",
         {{"a", "f:1"}, {"b", "f:-0.01"}, {"c", "f:4.9999999999999996e+22"}, {"d", "f:1000000"}, {"e", "f:-0.02"},
          {"f", "f:6.6259999999999998e-34"}, {"g", "f:224617.44599099999"}, {"h", "f:inf"}, {"i", "f:-inf"},
          {"j", "f:0.10000000000000001"}}},
        {"booleans", "t = true\nf = false\n", {{"t", "b:true"}, {"f", "b:false"}}},
        {"arrays", "a = [ 1, 2, 3 ]\nb = [\n  \"x\", # one\n  'y',\n  # alone\n]\nc = [ [1, 2], [\"a\"], [] ]\n"
                   "d = [ 1, 2.5, \"mixed\", true, { k = 1 } ]\ne = []\nf = [ # c\n]\n",
         {{"a", "[i:1,i:2,i:3]"}, {"b", "[s:x,s:y]"}, {"c", "[[i:1,i:2],[s:a],[]]"},
          {"d", "[i:1,f:2.5,s:mixed,b:true,{k=i:1}]"}, {"e", "[]"}, {"f", "[]"}}},
        {"inline tables", "name = { first = \"Tom\", last = \"P\" }\nanimal = { type.name = \"pug\" }\n"
                          "nested = { a = { b = [1, { c = 2 }] } }\nempty = {}\n",
         {{"name", "{first=s:Tom,last=s:P}"}, {"animal.type.name", "s:pug"}, {"nested.a.b", "[i:1,{c=i:2}]"},
          {"empty", "{}"}}},
        {"dotted keys", "name = \"Orange\"\nphysical.color = \"orange\"\nphysical . shape = \"round\"\n"
                        "site.\"google.com\" = true\n3.14159 = \"pi\"\n",
         {{"physical", "{color=s:orange,shape=s:round}"}, {"site.\"google.com\"", "b:true"},
          {"3.14159", "s:pi"}, {"3", "{14159=s:pi}"}}},
        {"quoted header keys", "[ dog . \"tater.man\" ]\ntype.name = \"pug\"\n['a b'.\"\\u0063\"]\nx = 1\n",
         {{"dog.\"tater.man\".type.name", "s:pug"}, {"\"a b\".c.x", "i:1"}}},
        {"implicit parent defined later", "[a.b.c]\nz = 1\n[a]\nx = 1\n[a.b]\ny = 2\n",
         {{"", "{a={b={c={z=i:1},y=i:2},x=i:1}}"}}},
        {"sub-table of dotted table", "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n"
                                      "[fruit.apple.texture]\nsmooth = true\n",
         {{"fruit.apple", "{color=s:red,taste={sweet=b:true},texture={smooth=b:true}}"}}},
        {"arrays of tables", "[[p]]\nname = \"Hammer\"\n[[p]] # empty\n[[p]]\nname = \"Nail\"\n"
                             "[[f]]\nname = \"apple\"\n[f.phys]\ncolor = \"red\"\n[[f.v]]\nn = 1\n[[f.v]]\nn = 2\n"
                             "[[f]]\nname = \"banana\"\n",
         {{"p", "[{name=s:Hammer},{},{name=s:Nail}]"},
          {"f", "[{name=s:apple,phys={color=s:red},v=[{n=i:1},{n=i:2}]},{name=s:banana}]"}}},
        {"datetimes", "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00.999999-07:00\nc = 1979-05-27 07:32:00Z\n"
                      "d = 1979-05-27T07:32:00\ne = 1979-05-27\nf = 07:32:00.5\ng = 2000-02-29\n",
         {{"a", "d:1979-05-27T07:32:00Z"}, {"b", "d:1979-05-27T00:32:00.999999-07:00"},
          {"c", "d:1979-05-27 07:32:00Z"}, {"d", "d:1979-05-27T07:32:00"}, {"e", "d:1979-05-27"},
          {"f", "d:07:32:00.5"}, {"g", "d:2000-02-29"}}},
        {"crlf", "a = 1\r\n[b]\r\nc = \"\"\"x\r\ny\"\"\" # c\r\n\r\n", {{"a", "i:1"}, {"b.c", "s:x\ny"}}},
        {"unicode keys and values", "\"\xc3\xa9t\xc3\xa9\" = \"\xe6\x97\xa5\xe6\x9c\xac\"\n'\xce\xbb' = 1\n",
         {{"\"\xc3\xa9t\xc3\xa9\"", "s:\xe6\x97\xa5\xe6\x9c\xac"}, {"\"\xce\xbb\"", "i:1"}}},
        {"empty quoted key", "\"\" = 1\n[x]\n'' = 2\n", {{"", "{=i:1,x={=i:2}}"}}},
        {"whitespace everywhere", "\t a\t=\t1\t# c\n  [ t ]  # c\n\tb = [1,2,]\n",
         {{"a", "i:1"}, {"t.b", "[i:1,i:2]"}}},
        {"keys that look like values", "true = 1\n1234 = 2\ninf = 3\n-_- = 4\n",
         {{"true", "i:1"}, {"1234", "i:2"}, {"inf", "i:3"}, {"-_-", "i:4"}}},
};

START_TEST(valid_documents)
{
        const struct valid_case *c = &valid[_i];
        struct error err = {0};
        struct toml_table *root = NULL;
        char got[2048];

        if (toml_parse(&err, "test.toml", c->doc, strlen(c->doc), &root) < 0)
                ck_abort_msg("%s: %s", c->name, error_msg(&err));
        for (size_t i = 0; i < sizeof(c->expect) / sizeof(c->expect[0]) && c->expect[i].path != NULL; i++) {
                const struct toml_value *v = toml_get(root, c->expect[i].path);

                if (c->expect[i].path[0] == '\0') {
                        render_table(root, got, sizeof(got));
                } else {
                        ck_assert_msg(v != NULL, "%s: %s missing", c->name, c->expect[i].path);
                        render(v, got, sizeof(got));
                }
                ck_assert_msg(strcmp(got, c->expect[i].value) == 0, "%s: %s: got %s, want %s", c->name,
                              c->expect[i].path, got, c->expect[i].value);
        }
        toml_free(root);
}
END_TEST

struct invalid_case {
        const char *doc, *error; /* the error after "test.toml:" */
};

static const struct invalid_case invalid[] = {
        {"a = 1\nb 2\n", "2:3: expected '=' after key"},
        {"a = \n", "1:5: expected a value"},
        {"a = # no value\n", "1:5: expected a value"},
        {"= 1\n", "1:1: expected a key"},
        {"a = 1\na = 2\n", "2:1: duplicate key 'a'"},
        {"[t]\nx.y = 1\nx.y = 2\n", "3:1: duplicate key 't.x.y'"},
        {"a = {b = 1, b = 2}\n", "1:13: duplicate key 'a.b'"},
        {"[a]\n[a]\n", "2:1: table 'a' already defined"},
        {"a.b = 1\n[a]\n", "2:1: table 'a' already defined"},
        {"[a]\nb.c = 1\n[a.b]\n", "3:1: table 'a.b' already defined"},
        {"[a.b]\n[a]\nb.c = 1\n", "3:1: table 'a.b' already defined"},
        {"a = 1\n[a.b]\n", "2:2: key 'a' is not a table"},
        {"a = 1\na.b = 2\n", "2:1: key 'a' is not a table"},
        {"a = {b = 1}\na.c = 2\n", "2:1: cannot extend inline table 'a'"},
        {"a = {b = 1}\n[a.c]\n", "2:2: cannot extend inline table 'a'"},
        {"a = [1]\n[[a]]\n", "2:1: cannot append to static array 'a'"},
        {"[a]\n[[a]]\n", "2:1: key 'a' is not an array of tables"},
        {"[[a]]\n[a]\n", "2:1: key 'a' already defined"},
        {"[a\n", "1:3: expected ']' after table name"},
        {"[[a]\n", "1:4: expected ']]' after table name"},
        {"[]\n", "1:2: expected a key"},
        {"a = \"\\q\"\n", "1:6: invalid escape '\\q'"},
        {"a = \"\\ \"\n", "1:6: invalid escape"},
        {"a = \"\\uD800\"\n", "1:6: invalid unicode escape '\\uD800'"},
        {"a = \"\\U00110000\"\n", "1:6: invalid unicode escape '\\U00110000'"},
        {"a = \"\\u12\"\n", "1:6: short unicode escape"},
        {"a = \"abc\nb = 1\n", "1:5: unterminated string"},
        {"a = 'abc", "1:5: unterminated string"},
        {"a = \"\"\"abc\n", "1:5: unterminated string"},
        {"a = \"a\x01\"\n", "1:7: control character U+0001 in string"},
        {"a = '\x7f'\n", "1:6: control character U+007F in string"},
        {"# \x01\n", "1:3: control character U+0001 in comment"},
        {"a = 01\n", "1:5: leading zeros in '01'"},
        {"a = 1__0\n", "1:5: invalid integer '1__0'"},
        {"a = _1\n", "1:5: invalid value '_1'"},
        {"a = 1_\n", "1:5: invalid integer '1_'"},
        {"a = +0x10\n", "1:5: invalid integer '+0x10'"},
        {"a = 0xG\n", "1:5: invalid integer '0xG'"},
        {"a = 9223372036854775808\n", "1:5: integer out of range '9223372036854775808'"},
        {"a = -9223372036854775809\n", "1:5: integer out of range '-9223372036854775809'"},
        {"a = 99999999999999999999__9\n", "1:5: invalid integer '99999999999999999999__9'"},
        {"a = 1.\n", "1:5: invalid float '1.'"},
        {"a = 3.3_333333333333333333333__5\n", "1:5: invalid float '3.3_333333333333333333333__5'"},
        {"a = .5\n", "1:5: invalid value '.5'"},
        {"a = 1e\n", "1:5: invalid float '1e'"},
        {"a = 1e400\n", "1:5: float out of range '1e400'"},
        {"a = truee\n", "1:5: invalid value 'truee'"},
        {"a = TRUE\n", "1:5: invalid value 'TRUE'"},
        {"a = 1979-02-29\n", "1:5: invalid datetime '1979-02-29'"},
        {"a = 07:32\n", "1:5: invalid datetime '07:32'"},
        {"a = 1 b\n", "1:7: unexpected text after value"},
        {"[a] b\n", "1:5: unexpected text after table header"},
        {"a = 1\rb = 2\n", "1:6: carriage return without line feed"},
        {"a = [1 2]\n", "1:8: expected ',' or ']' after array element"},
        {"a = [1,\n", "1:5: unterminated array"},
        {"a = [,]\n", "1:6: expected a value"},
        {"a = {b = 1,}\n", "1:12: trailing comma in inline table"},
        {"a = {b = 1\n}\n", "1:11: newline in inline table"},
        {"a = {\n}\n", "1:6: newline in inline table"},
        {"a = {b = 1 c = 2}\n", "1:12: expected ',' or '}' in inline table"},
        {"a = {b = 1", "1:5: unterminated inline table"},
        {"\"\"\"a\"\"\" = 1\n", "1:3: expected '=' after key"},
        {"a = \"\xff\"\n", "1:6: invalid UTF-8"},
        {"a = \"\xed\xa0\x80\"\n", "1:6: invalid UTF-8"},
        {"\xc3\xa9 = 1\n", "1:1: expected a key"},
        {"\"\xc3\xa9\" = \"x\" \xc3\xa9\n", "1:11: unexpected text after value"},
};

START_TEST(invalid_documents)
{
        const struct invalid_case *c = &invalid[_i];
        struct error err = {0};
        struct toml_table *root = NULL;
        char want[256];

        snprintf(want, sizeof(want), "test.toml:%s", c->error);
        ck_assert_int_eq(toml_parse(&err, "test.toml", c->doc, strlen(c->doc), &root), -1);
        ck_assert_ptr_null(root);
        ck_assert_str_eq(error_msg(&err), want);
        ck_assert_int_eq(err.code, 0);
        error_reset(&err);
}
END_TEST

static void expect_error(const char *doc, size_t len, const char *want)
{
        struct error err = {0};
        struct toml_table *root = NULL;

        ck_assert_int_eq(toml_parse(&err, "test.toml", doc, len, &root), -1);
        ck_assert_str_eq(error_msg(&err), want);
        error_reset(&err);
}

START_TEST(nul_bytes_and_size)
{
        static const char nul[] = "a = 1\nb = \"x\0y\"\n";
        char *big = malloc(TOML_MAX_INPUT + 1);

        expect_error(nul, sizeof(nul) - 1, "test.toml:2:7: NUL byte");
        ck_assert_ptr_nonnull(big);
        memset(big, '#', TOML_MAX_INPUT + 1);
        expect_error(big, TOML_MAX_INPUT + 1, "test.toml: larger than 1048576 bytes");
        /* A comment of exactly the limit is fine. */
        {
                struct error err = {0};
                struct toml_table *root = NULL;

                ck_assert_int_eq(toml_parse(&err, "test.toml", big, TOML_MAX_INPUT, &root), 0);
                toml_free(root);
        }
        free(big);
}
END_TEST

/* doc: "a = " then n opening brackets (or braces as "{b=") */
static char *nested(size_t n, bool tables)
{
        size_t unit = tables ? 3 : 1;
        char *doc = malloc(4 + n * unit + n + 2), *p = doc;

        ck_assert_ptr_nonnull(doc);
        p += sprintf(p, "a = ");
        for (size_t i = 0; i < n; i++)
                p += sprintf(p, "%s", tables ? "{b=" : "[");
        for (size_t i = 0; i < n; i++)
                *p++ = tables ? '}' : ']';
        *p++ = '\n';
        *p = '\0';
        return doc;
}

START_TEST(nesting_limit)
{
        struct error err = {0};
        struct toml_table *root = NULL;
        char *doc = nested(TOML_MAX_DEPTH, false), key[512], *k = key;

        ck_assert_int_eq(toml_parse(&err, "test.toml", doc, strlen(doc), &root), 0);
        toml_free(root);
        free(doc);
        doc = nested(TOML_MAX_DEPTH + 1, false);
        expect_error(doc, strlen(doc), "test.toml:1:69: nesting deeper than 64 levels");
        free(doc);
        doc = nested(TOML_MAX_DEPTH + 1, true);
        expect_error(doc, strlen(doc), "test.toml:1:197: nesting deeper than 64 levels");
        free(doc);
        /* A dotted key of 65 parts. */
        for (int i = 0; i <= TOML_MAX_DEPTH; i++)
                k += sprintf(k, "%sk", i > 0 ? "." : "");
        sprintf(k, " = 1\n");
        expect_error(key, strlen(key), "test.toml:1:129: nesting deeper than 64 levels");
        /* [a.a....] of 64 parts, then a dotted key below it. */
        k = key;
        k += sprintf(k, "[");
        for (int i = 0; i < TOML_MAX_DEPTH; i++)
                k += sprintf(k, "%sa", i > 0 ? "." : "");
        sprintf(k, "]\nb.c = 1\n");
        expect_error(key, strlen(key), "test.toml:2:1: nesting deeper than 64 levels");
}
END_TEST

START_TEST(positions_and_order)
{
        static const char doc[] = "# c\nz = 1\n\"\xc3\xa9\" = 0\n[t]\n  b = \"\xe6\x97\xa5\" # x\n  a = [1,\n 2]\n";
        struct error err = {0};
        struct toml_table *root = NULL;
        const struct toml_table *t;
        const struct toml_entry *e;

        ck_assert_int_eq(toml_parse(&err, "t", doc, strlen(doc), &root), 0);
        ck_assert_uint_eq(root->len, 3);
        ck_assert_str_eq(root->entries[0].key, "z");
        ck_assert_str_eq(root->entries[1].key, "\xc3\xa9");
        ck_assert_str_eq(root->entries[2].key, "t");
        e = &root->entries[0];
        ck_assert_uint_eq(e->key_pos.line, 2);
        ck_assert_uint_eq(e->key_pos.col, 1);
        ck_assert_uint_eq(e->value.pos.line, 2);
        ck_assert_uint_eq(e->value.pos.col, 5);
        ck_assert_uint_eq(e->value.pos.off, 8);
        ck_assert_uint_eq(e->value.pos.end, 9);
        t = root->entries[2].value.u.table;
        ck_assert_uint_eq(t->pos.line, 4);
        ck_assert_int_eq(t->kind, TOML_TABLE_HEADER);
        ck_assert_str_eq(t->entries[0].key, "b");
        ck_assert_str_eq(t->entries[1].key, "a");
        /* Columns count characters: the string's closing quote ends col 7. */
        e = &t->entries[0];
        ck_assert_uint_eq(e->key_pos.col, 3);
        ck_assert_uint_eq(e->value.pos.col, 7);
        ck_assert_uint_eq(e->value.pos.end - e->value.pos.off, 5);
        e = &t->entries[1];
        ck_assert_uint_eq(e->value.pos.line, 6);
        ck_assert_uint_eq(e->value.u.array->items[1].pos.line, 7);
        ck_assert_uint_eq(e->value.u.array->items[1].pos.col, 2);
        toml_free(root);
}
END_TEST

START_TEST(lookup)
{
        static const char doc[] = "a.b.c = 1\n\"x.y\" = 2\n[\"q\\u0000r\"]\nv = 3\n";
        struct error err = {0};
        struct toml_table *root = NULL;
        const struct toml_value *v;

        ck_assert_int_eq(toml_parse(&err, "t", doc, strlen(doc), &root), 0);
        ck_assert_ptr_nonnull(toml_get(root, "a.b.c"));
        ck_assert_ptr_null(toml_get(root, "a.b.c.d")); /* c is no table */
        ck_assert_ptr_null(toml_get(root, "a.x"));
        ck_assert_ptr_null(toml_get(root, "a."));
        ck_assert_ptr_null(toml_get(root, "x.y"));
        ck_assert_ptr_null(toml_get(root, "\"x.y"));
        ck_assert_ptr_nonnull((v = toml_get(root, "\"x.y\"")));
        ck_assert_int_eq(v->u.integer, 2);
        ck_assert_ptr_null(toml_get(root, ""));
        /* Keys may hold NULs: compared by length. */
        ck_assert_ptr_null(toml_table_get(root, "q", 1));
        ck_assert_ptr_nonnull((v = toml_table_get(root, "q\0r", 3)));
        ck_assert_int_eq(v->type, TOML_TABLE);
        ck_assert_uint_eq(root->entries[2].key_len, 3);
        toml_free(root);
}
END_TEST

START_TEST(nul_in_strings)
{
        static const char doc[] = "a = \"x\\u0000y\"\n";
        struct error err = {0};
        struct toml_table *root = NULL;
        const struct toml_value *v;

        ck_assert_int_eq(toml_parse(&err, "t", doc, strlen(doc), &root), 0);
        v = toml_get(root, "a");
        ck_assert_uint_eq(v->u.str.len, 3);
        ck_assert_int_eq(memcmp(v->u.str.ptr, "x\0y", 4), 0);
        toml_free(root);
}
END_TEST

/* Many keys in one table go through the hash index; duplicates are still
 * found, and lookups still work. */
START_TEST(large_table)
{
        size_t n = 5000, len = 0;
        char *doc = malloc(n * 24 + 32), name[32];
        struct error err = {0};
        struct toml_table *root = NULL;

        ck_assert_ptr_nonnull(doc);
        for (size_t i = 0; i < n; i++)
                len += (size_t)sprintf(doc + len, "key%zu = %zu\n", i, i);
        ck_assert_int_eq(toml_parse(&err, "t", doc, len, &root), 0);
        ck_assert_uint_eq(root->len, n);
        for (size_t i = 0; i < n; i += 97) {
                snprintf(name, sizeof(name), "key%zu", i);
                ck_assert_int_eq(toml_get(root, name)->u.integer, (int64_t)i);
        }
        ck_assert_ptr_null(toml_get(root, "key5000"));
        toml_free(root);
        sprintf(doc + len, "key4321 = 0\n");
        expect_error(doc, strlen(doc), "test.toml:5001:1: duplicate key 'key4321'");
        free(doc);
}
END_TEST

START_TEST(parse_file)
{
        char path[] = "/tmp/check-toml.XXXXXX";
        int fd = mkstemp(path);
        struct error err = {0};
        struct toml_table *root = NULL;
        char want[128];

        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, "a = 1\nb = ?\n", 12), 12);
        close(fd);
        ck_assert_int_eq(toml_parse_file(&err, path, &root), -1);
        snprintf(want, sizeof(want), "%s:2:5: expected a value", path);
        ck_assert_str_eq(error_msg(&err), want);
        error_reset(&err);
        unlink(path);
        ck_assert_int_eq(toml_parse_file(&err, path, &root), -1);
        ck_assert_int_eq(err.code, ENOENT);
        snprintf(want, sizeof(want), "open `%s`: No such file or directory", path);
        ck_assert_str_eq(error_msg(&err), want);
        error_reset(&err);
        ck_assert_int_eq(toml_parse_file(&err, "/", &root), -1);
        ck_assert_int_eq(err.code, EISDIR);
        error_reset(&err);
        ck_assert_int_eq(toml_parse_file(&err, "/dev/null", &root), 0);
        ck_assert_uint_eq(root->len, 0);
        toml_free(root);
}
END_TEST

START_TEST(formatting)
{
        char *s;

        ck_assert_str_eq((s = toml_key_format("load-kmods", 10)), "load-kmods");
        free(s);
        ck_assert_str_eq((s = toml_key_format("a.b", 3)), "\"a.b\"");
        free(s);
        ck_assert_str_eq((s = toml_key_format("", 0)), "\"\"");
        free(s);
        ck_assert_str_eq((s = toml_quote("x\"\\\n\t\x01\0\xc3\xa9", 9)), "\"x\\\"\\\\\\n\\t\\u0001\\u0000\xc3\xa9\"");
        free(s);
        ck_assert_str_eq((s = toml_path_append("a", "b c", 3)), "a.\"b c\"");
        free(s);
        ck_assert_str_eq((s = toml_path_append(NULL, "b", 1)), "b");
        free(s);
        ck_assert_str_eq(toml_type_name(TOML_BOOL), "a boolean");
        ck_assert_str_eq(toml_type_name(TOML_ARRAY), "an array");
}
END_TEST

Suite *toml_suite(void)
{
        Suite *s = suite_create("toml");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, valid_documents, 0, (int)(sizeof(valid) / sizeof(valid[0])));
        tcase_add_loop_test(tc, invalid_documents, 0, (int)(sizeof(invalid) / sizeof(invalid[0])));
        tcase_add_test(tc, nul_bytes_and_size);
        tcase_add_test(tc, nesting_limit);
        tcase_add_test(tc, positions_and_order);
        tcase_add_test(tc, lookup);
        tcase_add_test(tc, nul_in_strings);
        tcase_add_test(tc, large_table);
        tcase_add_test(tc, parse_file);
        tcase_add_test(tc, formatting);
        suite_add_tcase(s, tc);
        return s;
}
