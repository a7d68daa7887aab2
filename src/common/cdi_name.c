/* Fully-qualified CDI device names (cdi_name.h). Checking is done on spans of
 * the input and a reason is formatted only for a caller that wants one, so
 * classifying a name allocates nothing. The CDI parser's error texts are
 * kept, since users meet them through every CDI-aware engine. */
#include "common/cdi_name.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fails with the reason in *err, or silently when err is NULL. */
static int reject(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int reject(struct error *err, const char *fmt, ...)
{
        char *msg = NULL;
        va_list ap;

        if (err == NULL)
                return -1;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        error_setx(err, "%s", msg != NULL ? msg : "invalid CDI device name");
        free(msg);
        return -1;
}

struct span {
        const char *s;
        size_t n;
};

static bool is_letter(char c)
{
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_alnum(char c)
{
        return is_letter(c) || (c >= '0' && c <= '9');
}

/* ParseDevice: "Q=NAME" with Q = "VENDOR/CLASS", split at the first '=' and
 * the first '/' before it; all three parts non-empty. */
static int split(struct error *err, const char *device, struct span part[3])
{
        const char *eq = strchr(device, '='), *slash;

        if (device[0] != '/' && eq != NULL && eq != device && eq[1] != '\0') {
                slash = memchr(device, '/', (size_t)(eq - device));
                if (slash != NULL && slash != device && slash + 1 != eq) {
                        part[0] = (struct span){device, (size_t)(slash - device)};
                        part[1] = (struct span){slash + 1, (size_t)(eq - slash - 1)};
                        part[2] = (struct span){eq + 1, strlen(eq + 1)};
                        return 0;
                }
        }
        return reject(err, "unqualified device \"%s\", missing vendor", device);
}

/* Vendor and class: a letter first, alphanumeric last. The reasons are
 * the CDI parser's ("invalid vendor. \"1x\", should start with letter"). */
static int check_qualifier(struct error *err, const char *what, struct span p)
{
        if (p.n == 0)
                return reject(err, "invalid %s. empty name", what);
        if (!is_letter(p.s[0]))
                return reject(err, "invalid %s. \"%.*s\", should start with letter", what, (int)p.n, p.s);
        for (size_t i = 1; i + 1 < p.n; i++)
                if (!is_alnum(p.s[i]) && strchr("_-.", p.s[i]) == NULL)
                        return reject(err, "invalid %s. invalid character '%c' in name \"%.*s\"", what, p.s[i],
                                      (int)p.n, p.s);
        if (!is_alnum(p.s[p.n - 1]))
                return reject(err, "invalid %s. \"%.*s\", should end with a letter or digit", what, (int)p.n, p.s);
        return 0;
}

/* The parser's own texts, including its "invalid class" for a name that
 * starts badly. */
static int check_device_name(struct error *err, struct span p)
{
        if (p.n == 0)
                return reject(err, "invalid (empty) device name");
        if (!is_alnum(p.s[0]))
                return reject(err, "invalid class \"%.*s\", should start with a letter or digit", (int)p.n, p.s);
        for (size_t i = 1; i + 1 < p.n; i++)
                if (!is_alnum(p.s[i]) && strchr("_-.:", p.s[i]) == NULL)
                        return reject(err, "invalid character '%c' in device name \"%.*s\"", p.s[i], (int)p.n, p.s);
        if (!is_alnum(p.s[p.n - 1]))
                return reject(err, "invalid name \"%.*s\", should end with a letter or digit", (int)p.n, p.s);
        return 0;
}

static int check(struct error *err, const char *device, struct span part[3])
{
        if (split(err, device, part) < 0)
                return -1;
        if (check_qualifier(err, "vendor", part[0]) < 0 || check_qualifier(err, "class", part[1]) < 0 ||
            check_device_name(err, part[2]) < 0)
                return err != NULL ? error_prefix(err, "invalid device \"%s\"", device) : -1;
        return 0;
}

static struct span whole(const char *s)
{
        return (struct span){s, strlen(s)};
}

int cdi_name_check_vendor(struct error *err, const char *vendor)
{
        return check_qualifier(err, "vendor", whole(vendor));
}

int cdi_name_check_class(struct error *err, const char *class)
{
        return check_qualifier(err, "class", whole(class));
}

int cdi_name_check_device(struct error *err, const char *name)
{
        return check_device_name(err, whole(name));
}

bool cdi_name_is_qualified(const char *device)
{
        struct span part[3];

        return check(NULL, device, part) == 0;
}

int cdi_name_parse(struct error *err, const char *device, struct cdi_name *out)
{
        struct span part[3];

        memset(out, 0, sizeof(*out));
        if (check(err, device, part) < 0)
                return -1;
        out->vendor = strndup(part[0].s, part[0].n);
        out->class = strndup(part[1].s, part[1].n);
        out->name = strndup(part[2].s, part[2].n);
        if (out->vendor == NULL || out->class == NULL || out->name == NULL) {
                cdi_name_free(out);
                return error_set(err, "parse CDI device name `%s`", device);
        }
        return 0;
}

void cdi_name_free(struct cdi_name *name)
{
        free(name->vendor);
        free(name->class);
        free(name->name);
        memset(name, 0, sizeof(*name));
}
