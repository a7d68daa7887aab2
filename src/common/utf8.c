#include "common/utf8.h"

#include <stdint.h>
#include <string.h>

/* The length of the sequence at p (at most end - p bytes), 0 if invalid. */
static size_t sequence(const unsigned char *p, const unsigned char *end)
{
        static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
        size_t n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : 4;
        uint32_t cp = *p & (0x7fu >> n);

        if (n == 4 || (size_t)(end - p) <= n)
                return 0;
        for (size_t i = 1; i <= n; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (p[i] & 0x3fu);
        }
        if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return n + 1;
}

bool utf8_valid_n(const char *s, size_t len, size_t *bad)
{
        const unsigned char *p = (const unsigned char *)s, *end = p + len;

        while (p < end) {
                size_t n = sequence(p, end);

                if (n == 0) {
                        if (bad != NULL)
                                *bad = (size_t)(p - (const unsigned char *)s);
                        return false;
                }
                p += n;
        }
        return true;
}

bool utf8_valid(const char *s)
{
        return utf8_valid_n(s, strlen(s), NULL);
}
