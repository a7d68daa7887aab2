/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF. json-c's own check lets overlong forms through, and what the
 * readers accept the writers must be able to write back. */
#ifndef COMMON_UTF8_H
#define COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Whether s[0..len) is valid UTF-8; if not, *bad (when not NULL) is the
 * offset of the first byte of the invalid sequence. */
bool utf8_valid_n(const char *s, size_t len, size_t *bad);

/* The same for a NUL-terminated string. */
bool utf8_valid(const char *s);

#endif
