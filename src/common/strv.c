#include "common/strv.h"

#include <stdlib.h>
#include <string.h>

void strv_free(char **v)
{
        for (size_t i = 0; v != NULL && v[i] != NULL; i++)
                free(v[i]);
        free(v);
}

size_t strv_len(const char *const *v)
{
        size_t n = 0;

        while (v != NULL && v[n] != NULL)
                n++;
        return n;
}

char **strv_dup(const char *const *list)
{
        size_t n = strv_len(list);
        char **v = calloc(n + 1, sizeof(*v));

        for (size_t i = 0; v != NULL && i < n; i++) {
                if ((v[i] = strdup(list[i])) == NULL) {
                        strv_free(v);
                        return NULL;
                }
        }
        return v;
}
