/* Fuzz target config_toml: the input is a TOML file such as
 * /etc/nvidia-container-runtime/config.toml or containerd's config.toml.
 * It goes through the reader (toml_parse, src/common/toml.h), whose every
 * top-level value must print (toml_value_format) as TOML that parses
 * again; through the toolkit's config loader (config_load_text,
 * src/common/config.h); and through the layout-keeping editor
 * (src/common/toml_edit.h): a few sets and a remove as `nvidia-ctk config
 * --set` and `nvidia-ctk runtime configure` make them, after each of which
 * the text must still parse and hold the value set. */
#include "common/config.h"
#include "common/toml.h"
#include "common/toml_edit.h"
#include "fuzz.h"

static void reprint_values(const struct toml_table *root)
{
        for (size_t i = 0; i < root->len; i++) {
                struct toml_table *again = NULL;
                struct error err = {0};
                char *value = toml_value_format(&root->entries[i].value), *line = NULL;

                FUZZ_ASSERT(value != NULL);
                FUZZ_ASSERT(asprintf(&line, "k = %s\n", value) > 0);
                if (toml_parse(&err, "again.toml", line, strlen(line), &again) < 0) {
                        fprintf(stderr, "re-parse failed: %s\n%s", error_msg(&err), line);
                        abort();
                }
                toml_free(again);
                free(value);
                free(line);
        }
}

static void set_and_check(struct toml_doc *doc, const char *const *path, size_t n, const char *value)
{
        struct toml_table *root = NULL;
        struct error err = {0};
        size_t len = 0;
        const char *text;

        if (toml_doc_set(&err, doc, path, n, value) == 0)
                FUZZ_ASSERT(toml_doc_get(doc, path, n) != NULL);
        error_reset(&err);
        text = toml_doc_text(doc, &len);
        FUZZ_ASSERT(toml_parse(&err, "edited.toml", text, len, &root) == 0);
        toml_free(root);
}

static void edit(const char *text, size_t size)
{
        static const char *const mode[] = {"nvidia-container-runtime", "mode"};
        static const char *const runtime[] = {"plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes",
                                              "nvidia", "runtime_type"};
        static const char *const debug[] = {"nvidia-container-cli", "debug"};
        struct toml_doc *doc = NULL;
        struct error err = {0};

        if (toml_doc_parse(&err, "edit.toml", text, size, &doc) == 0) {
                const struct toml_table *root = toml_doc_root(doc);
                /* A copy: every edit replaces the model the key is in. */
                char *key = strdup(root->len > 0 ? root->entries[0].key : "a");
                const char *first[2] = {key, "x"};

                set_and_check(doc, mode, 2, "\"cdi\"");
                set_and_check(doc, runtime, 6, "\"io.containerd.runc.v2\"");
                if (key != NULL)
                        set_and_check(doc, first, 2, "[\"a\", { b = 1 }]");
                FUZZ_ASSERT(toml_doc_remove(&err, doc, debug, 2) == 0 || err.msg != NULL);
                toml_doc_free(doc);
                free(key);
        }
        error_reset(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct toml_table *root = NULL;
        struct config cfg = {0};
        struct error err = {0};
        char *text = fuzz_strndup(data, size);

        if (text == NULL)
                return 0;
        if (toml_parse(&err, "config.toml", text, size, &root) == 0) {
                reprint_values(root);
                toml_free(root);
        } else {
                FUZZ_ASSERT(err.msg != NULL);
        }
        error_reset(&err);
        if (config_load_text(&err, "config.toml", text, size, &cfg) == 0)
                config_free(&cfg);
        error_reset(&err);
        edit(text, size);
        free(text);
        return 0;
}
