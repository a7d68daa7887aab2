/* TOML's unquoted scalars: booleans, integers (decimal with sign, 0x, 0o,
 * 0b, underscores between digits), floats (with inf and nan) and
 * datetimes (kept as their text once validated). Each is read as one
 * token first, then checked whole, so errors name the token. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/toml_internal.h"

/* Longest token text quoted in an error message. */
#define SHOW 40

static bool is_digit(int c)
{
        return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (!is_digit((unsigned char)s[i]))
                        return false;
        return true;
}

/* A full date: a space may then separate it from a time. */
static bool is_date(const char *s, size_t n)
{
        return n == 10 && all_digits(s, 4) && s[4] == '-' && all_digits(s + 5, 2) && s[7] == '-' &&
               all_digits(s + 8, 2);
}

static size_t token_len(const struct toml_parser *p)
{
        static const char extra[] = "_.+-:";
        size_t i = p->pos;

        for (;;) {
                while (i < p->len && (toml_is_bare((unsigned char)p->buf[i]) || strchr(extra, p->buf[i]) != NULL))
                        i++;
                if (i + 1 < p->len && p->buf[i] == ' ' && is_digit((unsigned char)p->buf[i + 1]) &&
                    is_date(p->buf + p->pos, i - p->pos))
                        i++;
                else
                        return i - p->pos;
        }
}

static int digit_value(int c)
{
        if (is_digit(c))
                return c - '0';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'Z')
                return c - 'A' + 10;
        return -1;
}

/* Digits of a base with single underscores between them; 0, or -1 when
 * malformed, -2 when well-formed but past limit (the syntax is checked
 * to the end first: floats only use that part of the answer). */
static int parse_digits(const char *s, size_t n, unsigned base, uint64_t limit, uint64_t *out)
{
        bool over = false;
        uint64_t v = 0;
        int d;

        if (n == 0 || s[0] == '_' || s[n - 1] == '_')
                return -1;
        for (size_t i = 0; i < n; i++) {
                /* The last character is no underscore, so s[i + 1] exists. */
                if (s[i] == '_') {
                        if (s[i + 1] == '_')
                                return -1;
                        continue;
                }
                if ((d = digit_value((unsigned char)s[i])) < 0 || (unsigned)d >= base)
                        return -1;
                if (over || v > (limit - (unsigned)d) / base)
                        over = true;
                else
                        v = v * base + (unsigned)d;
        }
        *out = v;
        return over ? -2 : 0;
}

static int scan_integer(struct toml_parser *p, const char *s, size_t n, struct toml_value *v)
{
        static const char prefixes[] = "xob";
        static const unsigned bases[] = {16, 8, 2};
        bool neg = s[0] == '-', sign = neg || s[0] == '+';
        const char *hit = n > 2 && s[0] == '0' ? strchr(prefixes, s[1]) : NULL;
        unsigned base = hit != NULL ? bases[hit - prefixes] : 10;
        const char *body = s + (base != 10 ? 2 : sign);
        size_t len = n - (size_t)(body - s);
        uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX, u;
        int rv;

        if (base == 10 && len > 1 && body[0] == '0' && is_digit((unsigned char)body[1]))
                return toml_fail(p, p->pos, "leading zeros in '%.*s'", SHOW, s);
        if ((rv = parse_digits(body, len, base, limit, &u)) == -2)
                return toml_fail(p, p->pos, "integer out of range '%.*s'", SHOW, s);
        if (rv < 0 || (base == 10 && len > 1 && body[0] == '0'))
                return toml_fail(p, p->pos, "invalid integer '%.*s'", SHOW, s);
        v->type = TOML_INTEGER;
        v->u.integer = neg ? (int64_t)(0 - u) : (int64_t)u;
        return 0;
}

/* The parts of a float, each a run of digits and underscores, are checked
 * by parse_digits (whose overflow, -2, does not matter here); strtod then
 * reads the whole. */
static bool float_syntax(const char *s, size_t n)
{
        size_t i = s[0] == '+' || s[0] == '-', start = i, dot, exp;
        uint64_t ignored;

        while (i < n && (is_digit((unsigned char)s[i]) || s[i] == '_'))
                i++;
        if (parse_digits(s + start, i - start, 10, UINT64_MAX, &ignored) == -1 ||
            (s[start] == '0' && i - start > 1))
                return false;
        if (i < n && s[i] == '.') {
                dot = ++i;
                while (i < n && (is_digit((unsigned char)s[i]) || s[i] == '_'))
                        i++;
                if (parse_digits(s + dot, i - dot, 10, UINT64_MAX, &ignored) == -1)
                        return false;
        }
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
                i += i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-') ? 2 : 1;
                exp = i;
                while (i < n && (is_digit((unsigned char)s[i]) || s[i] == '_'))
                        i++;
                if (parse_digits(s + exp, i - exp, 10, UINT64_MAX, &ignored) == -1)
                        return false;
        }
        return i == n && i > start;
}

static int scan_float(struct toml_parser *p, const char *s, size_t n, struct toml_value *v)
{
        const char *word = s + (s[0] == '+' || s[0] == '-');
        char *buf;
        size_t len = 0;
        double d;

        if (strcmp(word, "inf") == 0 || strcmp(word, "nan") == 0) {
                d = word[0] == 'i' ? INFINITY : NAN;
                v->type = TOML_FLOAT;
                v->u.real = s[0] == '-' ? -d : d;
                return 0;
        }
        if (!float_syntax(s, n))
                return toml_fail(p, p->pos, "invalid float '%.*s'", SHOW, s);
        if ((buf = malloc(n + 1)) == NULL)
                return error_set(p->err, "%s", p->name);
        for (size_t i = 0; i < n; i++)
                if (s[i] != '_')
                        buf[len++] = s[i];
        buf[len] = '\0';
        /* Our programs never call setlocale, so strtod reads '.' as TOML
         * does; the syntax was checked above, so strtod reads it all. */
        d = strtod(buf, NULL);
        free(buf);
        if (isinf(d))
                return toml_fail(p, p->pos, "float out of range '%.*s'", SHOW, s);
        v->type = TOML_FLOAT;
        v->u.real = d;
        return 0;
}

static int num2(const char *s)
{
        return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool valid_date(const char *s)
{
        static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int year = num2(s) * 100 + num2(s + 2), month = num2(s + 5), day = num2(s + 8);
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

        if (month < 1 || month > 12 || day < 1 || day > days[month - 1])
                return false;
        return month != 2 || day < 29 || leap;
}

/* HH:MM:SS[.frac]; returns its length, 0 when it is not one. */
static size_t time_len(const char *s, size_t n)
{
        size_t i = 8;

        if (n < 8 || !all_digits(s, 2) || s[2] != ':' || !all_digits(s + 3, 2) || s[5] != ':' ||
            !all_digits(s + 6, 2) || num2(s) > 23 || num2(s + 3) > 59 || num2(s + 6) > 60)
                return 0;
        if (i < n && s[i] == '.') {
                while (++i < n && is_digit((unsigned char)s[i]))
                        ;
                if (i == 9)
                        return 0;
        }
        return i;
}

static bool valid_offset(const char *s, size_t n)
{
        if (n == 1 && (s[0] == 'Z' || s[0] == 'z'))
                return true;
        return n == 6 && (s[0] == '+' || s[0] == '-') && all_digits(s + 1, 2) && s[3] == ':' &&
               all_digits(s + 4, 2) && num2(s + 1) <= 23 && num2(s + 4) <= 59;
}

static bool valid_datetime(const char *s, size_t n)
{
        size_t t;

        if (n >= 10 && is_date(s, 10)) {
                if (!valid_date(s))
                        return false;
                if (n == 10)
                        return true;
                if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
                        return false;
                s += 11;
                n -= 11;
                if ((t = time_len(s, n)) == 0)
                        return false;
                return t == n || valid_offset(s + t, n - t);
        }
        return time_len(s, n) == n && n > 0;
}

static int scan_datetime(struct toml_parser *p, const char *s, size_t n, struct toml_value *v)
{
        if (!valid_datetime(s, n))
                return toml_fail(p, p->pos, "invalid datetime '%.*s'", SHOW, s);
        if ((v->u.str.ptr = strndup(s, n)) == NULL)
                return error_set(p->err, "%s", p->name);
        v->u.str.len = n;
        v->type = TOML_DATETIME;
        return 0;
}

static int classify(struct toml_parser *p, const char *s, size_t n, struct toml_value *v)
{
        const char *word = s + (s[0] == '+' || s[0] == '-');

        if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
                v->type = TOML_BOOL;
                v->u.boolean = s[0] == 't';
                return 0;
        }
        if (!is_digit((unsigned char)word[0]) && strcmp(word, "inf") != 0 && strcmp(word, "nan") != 0)
                return toml_fail(p, p->pos, "invalid value '%.*s'", SHOW, s);
        if ((n >= 5 && all_digits(s, 4) && s[4] == '-') || (n >= 3 && all_digits(s, 2) && s[2] == ':'))
                return scan_datetime(p, s, n, v);
        if (n > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b'))
                return scan_integer(p, s, n, v);
        if (strpbrk(s, ".eE") != NULL || strcmp(word, "inf") == 0 || strcmp(word, "nan") == 0)
                return scan_float(p, s, n, v);
        return scan_integer(p, s, n, v);
}

int toml_scan_scalar(struct toml_parser *p, struct toml_value *v)
{
        size_t n = token_len(p);
        char *tok;
        int rv;

        if (n == 0)
                return toml_fail(p, p->pos, "expected a value");
        if ((tok = strndup(p->buf + p->pos, n)) == NULL)
                return error_set(p->err, "%s", p->name);
        rv = classify(p, tok, n, v);
        free(tok);
        if (rv == 0)
                p->pos += n;
        return rv;
}
