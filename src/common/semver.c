/* Semantic versions (semver.h), a faithful reading of Go's x/mod/semver:
 * numbers compare by length first, so they never overflow. */
#include "common/semver.h"

#include <stdio.h>
#include <string.h>

/* Spans of a parsed version; a missing MINOR or PATCH reads as "0". */
struct parsed {
        const char *major, *minor, *patch, *pre;
        size_t nmajor, nminor, npatch, npre;
};

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
        return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* A decimal number without leading zeros at *s; advances *s past it. */
static bool parse_int(const char **s, const char **start, size_t *len)
{
        const char *p = *s;

        if (!is_digit(*p))
                return false;
        while (is_digit(*p))
                p++;
        if (**s == '0' && p - *s != 1)
                return false;
        *start = *s;
        *len = (size_t)(p - *s);
        *s = p;
        return true;
}

/* A numeric identifier with a leading zero ("01") is not allowed. */
static bool is_bad_num(const char *s, size_t n)
{
        size_t i = 0;

        while (i < n && is_digit(s[i]))
                i++;
        return i == n && i > 1 && s[0] == '0';
}

/* Dot-separated non-empty identifiers after the '-' or '+' at *s, up to stop
 * (or the end); numeric prerelease identifiers without leading zeros. */
static bool parse_idents(const char **s, char stop, bool check_num)
{
        const char *p = *s + 1, *start = p;

        for (; *p != '\0' && *p != stop; p++) {
                if (!is_ident_char(*p) && *p != '.')
                        return false;
                if (*p == '.') {
                        if (start == p || (check_num && is_bad_num(start, (size_t)(p - start))))
                                return false;
                        start = p + 1;
                }
        }
        if (start == p || (check_num && is_bad_num(start, (size_t)(p - start))))
                return false;
        *s = p;
        return true;
}

/* MINOR and PATCH are optional, but a -prerelease or +build is then invalid. */
static bool parse_rest(const char *s, struct parsed *p)
{
        static const char zero[] = "0";

        p->minor = p->patch = zero;
        p->nminor = p->npatch = 1;
        if (*s == '\0')
                return true;
        if (*s++ != '.' || !parse_int(&s, &p->minor, &p->nminor))
                return false;
        if (*s == '\0')
                return true;
        if (*s++ != '.' || !parse_int(&s, &p->patch, &p->npatch))
                return false;
        if (*s == '-') {
                p->pre = s;
                if (!parse_idents(&s, '+', true))
                        return false;
                p->npre = (size_t)(s - p->pre);
        }
        if (*s == '+' && !parse_idents(&s, '\0', false))
                return false;
        return *s == '\0';
}

static bool parse(const char *v, struct parsed *p)
{
        memset(p, 0, sizeof(*p));
        if (*v++ != 'v' || !parse_int(&v, &p->major, &p->nmajor))
                return false;
        return parse_rest(v, p);
}

bool semver_valid(const char *v)
{
        struct parsed p;

        return parse(v, &p);
}

static int sign(int c)
{
        return (c > 0) - (c < 0);
}

/* Decimal strings without leading zeros: the longer one is larger. */
static int compare_int(const char *x, size_t nx, const char *y, size_t ny)
{
        if (nx != ny)
                return nx < ny ? -1 : 1;
        return sign(memcmp(x, y, nx));
}

static bool all_digits(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (!is_digit(s[i]))
                        return false;
        return true;
}

/* One identifier against another: numeric ones numerically and below
 * alphanumeric ones, alphanumeric ones in ASCII order. */
static int compare_ident(const char *x, size_t nx, const char *y, size_t ny)
{
        bool ix = all_digits(x, nx), iy = all_digits(y, ny);
        int c;

        if (ix != iy)
                return ix ? -1 : 1;
        if (ix)
                return compare_int(x, nx, y, ny);
        c = memcmp(x, y, nx < ny ? nx : ny);
        if (c != 0)
                return sign(c);
        return nx == ny ? 0 : (nx < ny ? -1 : 1);
}

/* A version without prerelease is above the same one with it; otherwise
 * identifier by identifier, and a longer list wins a tie. */
static int compare_pre(const char *x, size_t nx, const char *y, size_t ny)
{
        const char *xe, *ye;

        /* A version without prerelease has none to point at: x or y is NULL. */
        if (nx == 0 || ny == 0)
                return nx == ny ? 0 : (nx == 0 ? 1 : -1);
        xe = x + nx;
        ye = y + ny;
        while (x < xe && y < ye) {
                const char *dx = ++x, *dy = ++y;
                int c;

                while (x < xe && *x != '.')
                        x++;
                while (y < ye && *y != '.')
                        y++;
                c = compare_ident(dx, (size_t)(x - dx), dy, (size_t)(y - dy));
                if (c != 0)
                        return c;
        }
        if (x == xe && y == ye)
                return 0;
        return x == xe ? -1 : 1;
}

int semver_compare(const char *v, const char *w)
{
        struct parsed a, b;
        bool va = parse(v, &a), vb = parse(w, &b);
        int c;

        if (!va || !vb)
                return va == vb ? 0 : (va ? 1 : -1);
        if ((c = compare_int(a.major, a.nmajor, b.major, b.nmajor)) != 0)
                return c;
        if ((c = compare_int(a.minor, a.nminor, b.minor, b.nminor)) != 0)
                return c;
        if ((c = compare_int(a.patch, a.npatch, b.patch, b.npatch)) != 0)
                return c;
        return compare_pre(a.pre, a.npre, b.pre, b.npre);
}

int semver_major_minor(const char *v, char *buf, size_t size)
{
        struct parsed p;
        int n;

        if (!parse(v, &p))
                return -1;
        n = snprintf(buf, size, "v%.*s.%.*s", (int)p.nmajor, p.major, (int)p.nminor, p.minor);
        return n < 0 || (size_t)n >= size ? -1 : 0;
}
