/* NULL-terminated arrays of malloc'd strings, the shape of string lists
 * handed to execve and kept in configs. */
#ifndef COMMON_STRV_H
#define COMMON_STRV_H

#include <stddef.h>

/* Frees every string and the array; NULL is fine. */
void strv_free(char **v);

/* A deep copy of list (NULL-terminated), or NULL (errno set). */
char **strv_dup(const char *const *list) __attribute__((nonnull));

/* The number of strings before the NULL; 0 for NULL. */
size_t strv_len(const char *const *v);

#endif
