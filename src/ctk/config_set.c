/* One --set option of `nvidia-ctk config`: the key must be one of
 * config.toml's (common/config.h's table gives its type), the value is
 * read as that type, and the document is edited in place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/config.h"
#include "ctk/config_cmd.h"

/* The deepest key of config.toml has four parts. */
#define MAX_PARTS 8

/* The spellings Go's strconv.ParseBool accepts, as upstream reads them. */
static int parse_bool(const char *s, bool *b)
{
        static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
        static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
                if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
                        *b = strcmp(s, yes[i]) == 0;
                        return 0;
                }
        }
        return -1;
}

/* Splits name in place at its dots. */
static size_t split_key(char *name, const char *parts[MAX_PARTS])
{
        size_t n = 0;

        for (char *save = NULL, *p = strtok_r(name, ".", &save); p != NULL && n < MAX_PARTS;
             p = strtok_r(NULL, ".", &save))
                parts[n++] = p;
        return n;
}

/* "a,b" as a NULL-terminated list of pointers into value (cut at its
 * commas), as Go's strings.Split. malloc'd, or NULL. */
static const char **split_list(char *value)
{
        size_t n = 2;
        const char **list;

        for (const char *c = value; (c = strchr(c, ',')) != NULL; c++)
                n++;
        if ((list = calloc(n, sizeof(*list))) == NULL)
                return NULL;
        n = 0;
        for (char *p = value, *c;; p = c + 1) {
                list[n++] = p;
                if ((c = strchr(p, ',')) == NULL)
                        break;
                *c = '\0';
        }
        return list;
}

static int set_value(struct error *err, struct toml_doc *doc, const struct config_key *key, const char *const *path,
                     size_t n, char *value)
{
        cleanup_free const char **list = NULL;
        bool b;

        switch (key->type) {
        case CONFIG_BOOL:
                if (parse_bool(value, &b) < 0)
                        return error_setx(err, "invalid format: \"%s\" is not a boolean", value);
                return toml_doc_set_bool(err, doc, path, n, b);
        case CONFIG_STRING:
                return toml_doc_set_string(err, doc, path, n, value);
        case CONFIG_STRING_LIST:
                if ((list = split_list(value)) == NULL)
                        return error_set(err, "split `%s`", value);
                return toml_doc_set_strings(err, doc, path, n, list);
        }
        return error_setx(err, "unsupported type");
}

static int apply(struct error *err, struct toml_doc *doc, char *name)
{
        char *value = strchr(name, '=');
        const struct config_key *key;
        const char *path[MAX_PARTS];
        size_t n;

        if (value != NULL)
                *value++ = '\0';
        if ((key = config_key_lookup(name)) == NULL)
                return error_setx(err, "invalid config option: unknown key \"%s\"", name);
        n = split_key(name, path);
        if (value == NULL && key->type == CONFIG_BOOL)
                return toml_doc_set_bool(err, doc, path, n, true);
        if (value == NULL)
                return error_setx(err, "invalid format: expected key=value");
        /* Upstream's usage: an empty value unsets the key. */
        if (*value == '\0')
                return toml_doc_remove(err, doc, path, n);
        return set_value(err, doc, key, path, n, value);
}

int ctk_config_apply_set(struct error *err, struct toml_doc *doc, const char *set)
{
        cleanup_free char *name = strdup(set);

        if (name == NULL)
                return error_set(err, "invalid --set option %s", set);
        if (apply(err, doc, name) < 0)
                return error_prefix(err, "invalid --set option %s", set);
        return 0;
}
