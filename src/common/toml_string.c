/* TOML strings: basic ("..." with escapes), literal ('...'), and their
 * multi-line forms. The input is known to be valid UTF-8 without NULs
 * (toml_input_check), so bytes are copied as they are; only escapes make
 * new characters, and they are checked to be Unicode scalar values. */
#include <stdlib.h>
#include <string.h>

#include "common/toml_internal.h"

struct sbuf {
        char *ptr;
        size_t len, cap;
};

static int sb_putc(struct toml_parser *p, struct sbuf *b, char c)
{
        if (b->len + 1 >= b->cap) {
                size_t cap = b->cap != 0 ? 2 * b->cap : 32;
                char *ptr = realloc(b->ptr, cap);

                if (ptr == NULL)
                        return error_set(p->err, "%s", p->name);
                b->ptr = ptr;
                b->cap = cap;
        }
        b->ptr[b->len++] = c;
        b->ptr[b->len] = '\0';
        return 0;
}

static int sb_put_utf8(struct toml_parser *p, struct sbuf *b, uint32_t cp)
{
        char out[4];
        size_t n;

        if (cp < 0x80) {
                out[0] = (char)cp;
                n = 1;
        } else if (cp < 0x800) {
                out[0] = (char)(0xc0 | (cp >> 6));
                out[1] = (char)(0x80 | (cp & 0x3f));
                n = 2;
        } else if (cp < 0x10000) {
                out[0] = (char)(0xe0 | (cp >> 12));
                out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
                out[2] = (char)(0x80 | (cp & 0x3f));
                n = 3;
        } else {
                out[0] = (char)(0xf0 | (cp >> 18));
                out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
                out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
                out[3] = (char)(0x80 | (cp & 0x3f));
                n = 4;
        }
        for (size_t i = 0; i < n; i++)
                if (sb_putc(p, b, out[i]) < 0)
                        return -1;
        return 0;
}

static int hex_value(int c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* \uXXXX or \UXXXXXXXX at p->pos (on the backslash). */
static int scan_unicode(struct toml_parser *p, struct sbuf *b, size_t digits)
{
        size_t at = p->pos;
        uint32_t cp = 0;
        int h;

        for (size_t i = 0; i < digits; i++) {
                if ((h = hex_value(toml_peek(p, 2 + i))) < 0)
                        return toml_fail(p, at, "short unicode escape");
                cp = cp << 4 | (uint32_t)h;
        }
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return toml_fail(p, at, "invalid unicode escape '%.*s'", (int)digits + 2, p->buf + at);
        p->pos += 2 + digits;
        return sb_put_utf8(p, b, cp);
}

static int scan_escape(struct toml_parser *p, struct sbuf *b)
{
        static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
        int c = toml_peek(p, 1);
        const char *hit = c > 0 ? strchr(from, c) : NULL;

        if (c == 'u' || c == 'U')
                return scan_unicode(p, b, c == 'u' ? 4 : 8);
        if (hit == NULL) {
                if (c > 0x20 && c < 0x7f)
                        return toml_fail(p, p->pos, "invalid escape '\\%c'", c);
                return toml_fail(p, p->pos, "invalid escape");
        }
        p->pos += 2;
        return sb_putc(p, b, to[hit - from]);
}

/* A backslash ending a line of a multi-line basic string removes the
 * newline and all whitespace up to the next character. 1 when p->pos is
 * on such a backslash (then skipped), 0 otherwise. */
static int skip_line_ending_backslash(struct toml_parser *p)
{
        size_t i = 1, n;

        while (toml_peek(p, i) == ' ' || toml_peek(p, i) == '\t')
                i++;
        if (toml_newline(p, i) == 0)
                return 0;
        p->pos += i;
        for (;;) {
                if (toml_peek(p, 0) == ' ' || toml_peek(p, 0) == '\t')
                        p->pos++;
                else if ((n = toml_newline(p, 0)) != 0)
                        p->pos += n;
                else
                        return 1;
        }
}

/* A plain character of a string's body: tab and (multi-line) newlines
 * are the only control characters allowed. */
static int scan_plain(struct toml_parser *p, struct sbuf *b, bool multiline)
{
        size_t nl = multiline ? toml_newline(p, 0) : 0;
        int c = toml_peek(p, 0);

        if (nl != 0) {
                p->pos += nl;
                return sb_putc(p, b, '\n');
        }
        if (toml_is_control(c) && c != '\t')
                return toml_fail(p, p->pos, "control character U+%04X in string", (unsigned)c);
        p->pos++;
        return sb_putc(p, b, (char)c);
}

/* At a run of quote characters in a multi-line string: 1 when it closes
 * the string (up to two quotes before the closing three are content),
 * 0 when the quotes are content. */
static int scan_closing(struct toml_parser *p, struct sbuf *b, char quote)
{
        size_t n = 0;

        while (n < 5 && toml_peek(p, n) == quote)
                n++;
        if (n < 3)
                return 0;
        for (size_t i = 3; i < n; i++)
                if (sb_putc(p, b, quote) < 0)
                        return -1;
        p->pos += n;
        return 1;
}

static int scan_body(struct toml_parser *p, struct sbuf *b, char quote, bool multiline, size_t start)
{
        int c, rv;

        for (;;) {
                c = toml_peek(p, 0);
                if (c < 0 || (!multiline && toml_newline(p, 0) != 0))
                        return toml_fail(p, start, "unterminated string");
                if (c == quote && !multiline) {
                        p->pos++;
                        return 0;
                }
                if (c == quote && (rv = scan_closing(p, b, quote)) != 0)
                        return rv < 0 ? -1 : 0;
                if (c == '\\' && quote == '"') {
                        if (multiline && skip_line_ending_backslash(p))
                                continue;
                        rv = scan_escape(p, b);
                } else if (c == quote) {
                        p->pos++;
                        rv = sb_putc(p, b, (char)c);
                } else {
                        rv = scan_plain(p, b, multiline);
                }
                if (rv < 0)
                        return -1;
        }
}

int toml_scan_string(struct toml_parser *p, bool multiline_ok, char **out, size_t *len)
{
        char quote = (char)toml_peek(p, 0);
        bool multiline = multiline_ok && toml_peek(p, 1) == quote && toml_peek(p, 2) == quote;
        struct sbuf b = {0};
        size_t start = p->pos;

        p->pos += multiline ? 3 : 1;
        /* A newline right after the opening quotes is not content. */
        if (multiline)
                p->pos += toml_newline(p, 0);
        if (scan_body(p, &b, quote, multiline, start) < 0) {
                free(b.ptr);
                return -1;
        }
        if (b.ptr == NULL && (b.ptr = calloc(1, 1)) == NULL)
                return error_set(p->err, "%s", p->name);
        *out = b.ptr;
        *len = b.len;
        return 0;
}
