/* Lexical path cleaning (path_clean.h). The result is never longer than the
 * input (or "."), so it is built in one buffer of the input's size. */
#include "common/path_clean.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Drops the last element of out[0..*n), down to floor (which keeps "/" or
 * the leading ".." elements of a relative path). */
static void pop_element(char *out, size_t *n, size_t floor)
{
        while (*n > floor && out[*n - 1] != '/')
                (*n)--;
        if (*n > floor)
                (*n)--;
}

/* Appends the element [s, s+len) to out, after a separator when needed. */
static void push_element(char *out, size_t *n, bool rooted, const char *s, size_t len)
{
        if ((rooted && *n != 1) || (!rooted && *n != 0))
                out[(*n)++] = '/';
        memcpy(out + *n, s, len);
        *n += len;
}

char *path_clean(const char *path)
{
        size_t len = strlen(path), n = 0, floor;
        bool rooted = path[0] == '/';
        char *out = malloc(len + 2);
        const char *p = path;

        if (out == NULL)
                return NULL;
        if (rooted)
                out[n++] = '/';
        floor = n;
        while (*p != '\0') {
                size_t elen = strcspn(p, "/");

                if (elen == 2 && p[0] == '.' && p[1] == '.') {
                        if (n > floor)
                                pop_element(out, &n, floor);
                        else if (!rooted) {
                                push_element(out, &n, rooted, p, elen);
                                floor = n;
                        }
                } else if (elen > 0 && !(elen == 1 && p[0] == '.')) {
                        push_element(out, &n, rooted, p, elen);
                }
                p += elen;
                p += strspn(p, "/");
        }
        if (n == 0)
                out[n++] = '.';
        out[n] = '\0';
        return out;
}
