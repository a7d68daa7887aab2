/* Writing TOML text back: keys and strings quoted the way TOML reads them,
 * so that messages naming a key stay on one line and an editor can write
 * what it read. */
#include "common/toml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/toml_internal.h"

const char *toml_type_name(enum toml_type type)
{
        switch (type) {
        case TOML_STRING:
                return "a string";
        case TOML_INTEGER:
                return "an integer";
        case TOML_FLOAT:
                return "a float";
        case TOML_BOOL:
                return "a boolean";
        case TOML_DATETIME:
                return "a datetime";
        case TOML_ARRAY:
                return "an array";
        case TOML_TABLE:
                return "a table";
        }
        return "a value";
}

/* The escape for a byte of a basic string, or NULL when it stands as is. */
static const char *escape_of(unsigned char c, char buf[8])
{
        switch (c) {
        case '"':
                return "\\\"";
        case '\\':
                return "\\\\";
        case '\b':
                return "\\b";
        case '\t':
                return "\\t";
        case '\n':
                return "\\n";
        case '\f':
                return "\\f";
        case '\r':
                return "\\r";
        default:
                if (!toml_is_control(c))
                        return NULL;
                snprintf(buf, 8, "\\u%04X", c);
                return buf;
        }
}

char *toml_quote(const char *s, size_t len)
{
        /* The longest escape (\u00XX) is six bytes. */
        char *out = malloc(6 * len + 3), *o = out, buf[8];
        const char *esc;

        if (out == NULL)
                return NULL;
        *o++ = '"';
        for (size_t i = 0; i < len; i++) {
                if ((esc = escape_of((unsigned char)s[i], buf)) == NULL) {
                        *o++ = s[i];
                        continue;
                }
                memcpy(o, esc, strlen(esc));
                o += strlen(esc);
        }
        *o++ = '"';
        *o = '\0';
        return out;
}

char *toml_key_format(const char *key, size_t len)
{
        bool bare = len > 0;

        for (size_t i = 0; i < len && bare; i++)
                bare = toml_is_bare((unsigned char)key[i]);
        return bare ? strndup(key, len) : toml_quote(key, len);
}

char *toml_path_append(const char *prefix, const char *key, size_t len)
{
        char *part = toml_key_format(key, len), *path = NULL;

        if (part == NULL || prefix == NULL)
                return part;
        if (asprintf(&path, "%s.%s", prefix, part) < 0)
                path = NULL;
        free(part);
        return path;
}
