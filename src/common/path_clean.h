/* Lexical path cleaning, as Go's filepath.Clean: NVIDIA's toolkit compares
 * mount paths after it, so "/dev//null" is "/dev/null" there and here. */
#ifndef COMMON_PATH_CLEAN_H
#define COMMON_PATH_CLEAN_H

/* Returns a newly allocated copy of path with repeated slashes, "." and
 * "name/.." elements and a trailing slash removed ("/.." is "/"; "" is "."),
 * or NULL when out of memory. Never looks at the file system. */
char *path_clean(const char *path) __attribute__((nonnull(1)));

#endif
