/* String lists for the image module (image_internal.h). */
#include <stdlib.h>
#include <string.h>

#include "common/image_internal.h"

int image_list_push(struct image_list *list, const char *s, size_t len)
{
        char **items = realloc(list->items, (list->n + 1) * sizeof(*items));
        char *copy;

        if (items == NULL)
                return -1;
        list->items = items;
        if ((copy = strndup(s, len)) == NULL)
                return -1;
        list->items[list->n++] = copy;
        return 0;
}

static bool is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int image_list_split(struct image_list *list, const char *s, bool trim)
{
        for (;;) {
                size_t len = strcspn(s, ",");
                const char *start = s, *end = s + len;

                while (trim && start < end && is_space(*start))
                        start++;
                while (trim && end > start && is_space(end[-1]))
                        end--;
                if ((!trim || end > start) && image_list_push(list, start, (size_t)(end - start)) < 0)
                        return -1;
                if (s[len] == '\0')
                        return 0;
                s += len + 1;
        }
}

bool image_list_contains(const struct image_list *list, const char *s)
{
        for (size_t i = 0; i < list->n; i++)
                if (strcmp(list->items[i], s) == 0)
                        return true;
        return false;
}

static int compare(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

void image_list_sort_unique(struct image_list *list)
{
        size_t n = 0;

        if (list->n == 0)
                return;
        qsort(list->items, list->n, sizeof(*list->items), compare);
        for (size_t i = 1; i < list->n; i++) {
                if (strcmp(list->items[i], list->items[n]) == 0)
                        free(list->items[i]);
                else
                        list->items[++n] = list->items[i];
        }
        list->n = n + 1;
}

char *image_list_join(const struct image_list *list)
{
        size_t len = 1;
        char *out, *p;

        for (size_t i = 0; i < list->n; i++)
                len += strlen(list->items[i]) + 1;
        if ((p = out = malloc(len)) == NULL)
                return NULL;
        *p = '\0';
        for (size_t i = 0; i < list->n; i++)
                p = stpcpy(stpcpy(p, i > 0 ? "," : ""), list->items[i]);
        return out;
}

void image_list_take(struct image_list *list, char ***items, size_t *n)
{
        *items = list->items;
        *n = list->n;
        list->items = NULL;
        list->n = 0;
}

void image_list_free(struct image_list *list)
{
        for (size_t i = 0; i < list->n; i++)
                free(list->items[i]);
        free(list->items);
        list->items = NULL;
        list->n = 0;
}
