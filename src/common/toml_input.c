/* The input side of the TOML reader: reading a file within the size limit,
 * refusing NUL bytes and invalid UTF-8 before parsing (so the parser may
 * copy any byte it accepts), the line index, and positioned errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/toml_internal.h"

/* The length of the UTF-8 sequence at s (n bytes left), 0 when it is not
 * a valid one: no overlong forms, surrogates or values past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
        unsigned char lo = 0x80, hi = 0xbf;
        size_t len;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                len = 2;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                len = 3;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                len = 4;
        else
                return 0;
        if (s[0] == 0xe0)
                lo = 0xa0;
        else if (s[0] == 0xed)
                hi = 0x9f;
        else if (s[0] == 0xf0)
                lo = 0x90;
        else if (s[0] == 0xf4)
                hi = 0x8f;
        if (n < len || s[1] < lo || s[1] > hi)
                return 0;
        for (size_t i = 2; i < len; i++)
                if (s[i] < 0x80 || s[i] > 0xbf)
                        return 0;
        return len;
}

static int index_lines(struct toml_parser *p)
{
        size_t n = 1;

        for (size_t i = 0; i < p->len; i++)
                n += p->buf[i] == '\n';
        if ((p->lines = calloc(n, sizeof(*p->lines))) == NULL)
                return error_set(p->err, "%s", p->name);
        p->nlines = 1;
        for (size_t i = 0; i < p->len; i++)
                if (p->buf[i] == '\n')
                        p->lines[p->nlines++] = i + 1;
        return 0;
}

int toml_input_check(struct toml_parser *p)
{
        const unsigned char *s = (const unsigned char *)p->buf;
        size_t n;

        if (p->len > TOML_MAX_INPUT)
                return error_setx(p->err, "%s: larger than %u bytes", p->name, TOML_MAX_INPUT);
        if (index_lines(p) < 0)
                return -1;
        for (size_t i = 0; i < p->len; i += n) {
                if (s[i] == '\0')
                        return toml_fail(p, i, "NUL byte");
                if ((n = utf8_len(s + i, p->len - i)) == 0)
                        return toml_fail(p, i, "invalid UTF-8");
        }
        return 0;
}

static size_t line_of(const struct toml_parser *p, size_t off)
{
        size_t lo = 0, hi = p->nlines;

        while (hi - lo > 1) {
                size_t mid = lo + (hi - lo) / 2;

                if (p->lines[mid] <= off)
                        lo = mid;
                else
                        hi = mid;
        }
        return lo;
}

void toml_locate(struct toml_parser *p, size_t off, size_t end, struct toml_pos *pos)
{
        size_t line = line_of(p, off), from = p->lines[line];
        unsigned col = 1;

        if (line == p->cache_line && p->cache_off >= from && p->cache_off <= off) {
                from = p->cache_off;
                col = p->cache_col;
        }
        /* A character is counted at its first byte (the input is UTF-8). */
        for (size_t i = from; i < off && i < p->len; i++)
                col += ((unsigned char)p->buf[i] & 0xc0) != 0x80;
        p->cache_line = line;
        p->cache_off = off;
        p->cache_col = col;
        pos->line = (unsigned)line + 1;
        pos->col = col;
        pos->off = off;
        pos->end = end;
}

int toml_fail(struct toml_parser *p, size_t at, const char *fmt, ...)
{
        char *reason = NULL;
        struct toml_pos pos;
        va_list ap;

        toml_locate(p, at, at, &pos);
        va_start(ap, fmt);
        if (vasprintf(&reason, fmt, ap) < 0)
                reason = NULL;
        va_end(ap);
        error_setx(p->err, "%s:%u:%u: %s", p->name, pos.line, pos.col, reason != NULL ? reason : fmt);
        free(reason);
        return -1;
}

/* Reads up to one byte more than the limit, so that toml_input_check sees
 * an oversized file as one. */
static int read_all(struct error *err, const char *path, int fd, char **out, size_t *len)
{
        size_t cap = 4096, n = 0;
        char *buf = NULL, *tmp;
        ssize_t r;

        for (;;) {
                if (n == cap || buf == NULL) {
                        cap = buf == NULL ? cap : 2 * cap;
                        if ((tmp = realloc(buf, cap)) == NULL) {
                                free(buf);
                                return error_set(err, "read `%s`", path);
                        }
                        buf = tmp;
                }
                if ((r = read(fd, buf + n, cap - n)) < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        free(buf);
                        return error_set(err, "read `%s`", path);
                }
                if (r == 0 || (n += (size_t)r) > TOML_MAX_INPUT)
                        break;
        }
        *out = buf;
        *len = n;
        return 0;
}

int toml_parse_file(struct error *err, const char *path, struct toml_table **root)
{
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        cleanup_free char *buf = NULL;
        size_t len = 0;

        if (fd < 0)
                return error_set(err, "open `%s`", path);
        if (read_all(err, path, fd, &buf, &len) < 0)
                return -1;
        return toml_parse(err, path, buf, len, root);
}
