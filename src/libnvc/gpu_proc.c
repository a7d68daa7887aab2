/* Parsing the driver's information and version files: "Key: <tabs> value"
 * lines, as the kernel module prints them. */
#include "gpu_proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

#define MAX_FIELD 96  /* NVML's name and UUID buffers */
#define NV_MAX_GPU_MINOR 253  /* 254 is nvidia-modeset, 255 nvidiactl */

struct fields {
        char model[MAX_FIELD + 1];
        char uuid[MAX_FIELD + 1];
        char busid[MAX_FIELD + 1];
        char minor[MAX_FIELD + 1];
        char excluded[MAX_FIELD + 1];
};

static bool is_hex(char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_blank(char c)
{
        return c == ' ' || c == '\t';
}

/* The value of a "Key: value" line, blanks trimmed, into a field it fits. */
static int take_value(struct error *err, const char *name, const char *key, int klen, const char *v, size_t len,
                      char *out)
{
        while (len > 0 && is_blank(*v))
                v++, len--;
        while (len > 0 && is_blank(v[len - 1]))
                len--;
        if (len == 0 || len > MAX_FIELD)
                return error_setx(err, "malformed `%s`: bad %.*s", name, klen, key);
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] == 0x7f)
                        return error_setx(err, "malformed `%s`: bad %.*s", name, klen, key);
        memcpy(out, v, len);
        out[len] = '\0';
        return 0;
}

static char *field_of(struct fields *f, const char *key, size_t len)
{
        static const struct {
                const char *key;
                size_t offset;
        } keys[] = {
                {"Model", offsetof(struct fields, model)},
                {"GPU UUID", offsetof(struct fields, uuid)},
                {"Bus Location", offsetof(struct fields, busid)},
                {"Device Minor", offsetof(struct fields, minor)},
                {"GPU Excluded", offsetof(struct fields, excluded)},
        };

        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                if (strlen(keys[i].key) == len && memcmp(keys[i].key, key, len) == 0)
                        return (char *)f + keys[i].offset;
        return NULL;
}

/* Fills the fields we know; other lines (IRQ, Video BIOS, ...) are skipped. */
static int split_lines(struct error *err, const char *name, const char *text, struct fields *f)
{
        for (const char *line = text; *line != '\0';) {
                const char *end = strchr(line, '\n'), *colon;
                size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
                char *out;

                colon = memchr(line, ':', len);
                if (colon != NULL && (out = field_of(f, line, (size_t)(colon - line))) != NULL) {
                        if (out[0] != '\0')
                                return error_setx(err, "malformed `%s`: repeated %.*s", name, (int)(colon - line),
                                                  line);
                        if (take_value(err, name, line, (int)(colon - line), colon + 1,
                                       len - (size_t)(colon - line) - 1, out) < 0)
                                return -1;
                }
                line += len + (end != NULL);
        }
        return 0;
}

/* "GPU-" and hex digits and dashes (the fake driver's UUIDs carry letters,
 * so any alphanumerics); "?" is the driver's placeholder before the GPU was
 * initialised: 1 then. */
static int check_uuid(struct error *err, const char *name, const char *uuid)
{
        if (strncmp(uuid, "GPU-", 4) != 0 || uuid[4] == '\0')
                return error_setx(err, "malformed `%s`: bad GPU UUID", name);
        if (strchr(uuid, '?') != NULL)
                return 1;
        for (const char *p = uuid + 4; *p != '\0'; p++)
                if (!is_hex(*p) && *p != '-' && !(*p >= 'A' && *p <= 'Z') && !(*p >= 'a' && *p <= 'z'))
                        return error_setx(err, "malformed `%s`: bad GPU UUID", name);
        return 0;
}

static bool scan_hex(const char **s, size_t min, size_t max, unsigned int *out)
{
        size_t n = 0;

        *out = 0;
        for (; is_hex(**s) && n < max; (*s)++, n++) {
                char c = **s;

                *out = *out * 16 + (unsigned int)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }
        return n >= min && !is_hex(**s);
}

/* "DDDD:BB:DD.F" -> NVML's "%08x:%02x:%02x.0". */
static int parse_busid(struct error *err, const char *name, const char *s, char **busid)
{
        unsigned int domain, bus, dev, fn;

        if (!scan_hex(&s, 4, 8, &domain) || *s++ != ':' || !scan_hex(&s, 2, 2, &bus) || *s++ != ':' ||
            !scan_hex(&s, 2, 2, &dev) || *s++ != '.' || !scan_hex(&s, 1, 1, &fn) || *s != '\0' || dev > 0x1f ||
            fn > 7)
                return error_setx(err, "malformed `%s`: bad Bus Location", name);
        return driver_format_busid(err, domain, bus, dev, busid);
}

static int parse_minor(struct error *err, const char *name, const char *s, unsigned int *minor)
{
        unsigned int v = 0;

        if (*s == '\0' || strlen(s) > 3)
                return error_setx(err, "malformed `%s`: bad Device Minor", name);
        for (; *s != '\0'; s++) {
                if (*s < '0' || *s > '9')
                        return error_setx(err, "malformed `%s`: bad Device Minor", name);
                v = v * 10 + (unsigned int)(*s - '0');
        }
        if (v > NV_MAX_GPU_MINOR)
                return error_setx(err, "malformed `%s`: bad Device Minor", name);
        *minor = v;
        return 0;
}

static int check_fields(struct error *err, const char *name, const struct fields *f, bool *excluded)
{
        if (f->model[0] == '\0' || f->uuid[0] == '\0' || f->busid[0] == '\0' || f->minor[0] == '\0')
                return error_setx(err, "malformed `%s`: missing %s", name,
                                  f->model[0] == '\0' ? "Model" : f->uuid[0] == '\0' ? "GPU UUID"
                                  : f->busid[0] == '\0' ? "Bus Location" : "Device Minor");
        if (f->excluded[0] != '\0' && strcmp(f->excluded, "Yes") != 0 && strcmp(f->excluded, "No") != 0)
                return error_setx(err, "malformed `%s`: bad GPU Excluded", name);
        *excluded = strcmp(f->excluded, "Yes") == 0;
        return 0;
}

int gpu_proc_parse(struct error *err, const char *name, const char *text, struct gpu_proc *gpu)
{
        struct fields f = {0};
        int known;

        memset(gpu, 0, sizeof(*gpu));
        if (split_lines(err, name, text, &f) < 0 || check_fields(err, name, &f, &gpu->excluded) < 0 ||
            (known = check_uuid(err, name, f.uuid)) < 0 || parse_minor(err, name, f.minor, &gpu->minor) < 0 ||
            parse_busid(err, name, f.busid, &gpu->busid) < 0)
                goto fail;
        if ((gpu->model = strdup(f.model)) == NULL || (known == 0 && (gpu->uuid = strdup(f.uuid)) == NULL)) {
                error_set(err, "memory allocation failed");
                goto fail;
        }
        return 0;
fail:
        gpu_proc_clear(gpu);
        return -1;
}

void gpu_proc_clear(struct gpu_proc *gpu)
{
        free(gpu->model);
        free(gpu->uuid);
        free(gpu->busid);
        memset(gpu, 0, sizeof(*gpu));
}

/* A version token: digits and dots, starting and ending with a digit. */
static bool is_version(const char *s, size_t len)
{
        bool dot = false;

        if (len == 0 || len > 32 || s[0] == '.' || s[len - 1] == '.')
                return false;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '.')
                        dot = true;
                else if (s[i] < '0' || s[i] > '9')
                        return false;
        }
        return dot;
}

/* "NVRM version: NVIDIA UNIX [Open ]Kernel Module [for x86_64]  575.57.08  ...":
 * the first version-shaped word of the first line. */
int gpu_proc_parse_version(struct error *err, const char *name, const char *text, char **version)
{
        static const char prefix[] = "NVRM version:";
        const char *p = text + sizeof(prefix) - 1, *eol;

        if (strncmp(text, prefix, sizeof(prefix) - 1) != 0)
                return error_setx(err, "malformed `%s`: no NVRM version", name);
        eol = p + strcspn(p, "\n");
        while (p < eol) {
                size_t len;

                p += strspn(p, " \t");
                len = strcspn(p, " \t\n");
                if (is_version(p, len)) {
                        if ((*version = strndup(p, len)) == NULL)
                                return error_set(err, "memory allocation failed");
                        return 0;
                }
                p += len;
        }
        return error_setx(err, "malformed `%s`: no NVRM version", name);
}
