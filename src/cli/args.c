#include "cli/args.h"

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

int args_join(struct error *err, char **s, const char *add, const char *sep)
{
        bool first = *s == NULL || **s == '\0';
        size_t len = (first ? 0 : strlen(*s) + strlen(sep)) + strlen(add) + 1;
        char *buf = realloc(*s, len);

        if (buf == NULL)
                return error_set(err, "memory allocation failed");
        if (first)
                *buf = '\0';
        else
                strcat(buf, sep);
        strcat(buf, add);
        *s = buf;
        return 0;
}

/* A whole decimal number that fits in an id type (uid_t and gid_t are both
 * 32-bit); 1 when it is one, 0 when `s` is not a number, -1 (errno set)
 * when it is a malformed or out-of-range one. */
static int parse_id(const char *s, uint32_t *id)
{
        char *end;
        uintmax_t n;

        if (*s < '0' || *s > '9')
                return 0;
        errno = 0;
        n = strtoumax(s, &end, 10);
        if (*end != '\0') {
                errno = EINVAL;
                return -1;
        }
        /* (uint32_t)-1 is the "unchanged" id of setreuid, never a real one. */
        if (errno == ERANGE || n >= UINT32_MAX) {
                errno = ERANGE;
                return -1;
        }
        *id = (uint32_t)n;
        return 1;
}

static int parse_user(const char *s, uid_t *uid, gid_t *primary, bool *have_primary)
{
        const struct passwd *pw;
        uint32_t id;
        int rv = parse_id(s, &id);

        if (rv < 0)
                return -1;
        if (rv == 1) {
                *uid = id;
                return 0;
        }
        if ((pw = getpwnam(s)) == NULL) {
                errno = ENOENT;
                return -1;
        }
        *uid = pw->pw_uid;
        *primary = pw->pw_gid;
        *have_primary = true;
        return 0;
}

static int parse_group(const char *s, gid_t *gid)
{
        const struct group *gr;
        uint32_t id;
        int rv = parse_id(s, &id);

        if (rv < 0)
                return -1;
        if (rv == 1) {
                *gid = id;
                return 0;
        }
        if ((gr = getgrnam(s)) == NULL) {
                errno = ENOENT;
                return -1;
        }
        *gid = gr->gr_gid;
        return 0;
}

/* Without a group, the user's primary group, which a bare numeric uid only
 * has when the password database knows it. */
static int primary_group(uid_t uid, gid_t *gid)
{
        const struct passwd *pw = getpwuid(uid);

        if (pw == NULL) {
                errno = ENOENT;
                return -1;
        }
        *gid = pw->pw_gid;
        return 0;
}

/* Splits the owned copy `s` at ':' and resolves both halves; -1 with errno
 * set on failure. */
static int parse_ugid(char *s, uid_t *uid, gid_t *gid)
{
        char *group = strchr(s, ':');
        bool have_primary = false;
        uid_t u;
        gid_t g = 0;

        if (group != NULL)
                *group++ = '\0';
        if (parse_user(s, &u, &g, &have_primary) < 0)
                return -1;
        if (group != NULL && *group != '\0') {
                if (parse_group(group, &g) < 0)
                        return -1;
        } else if (!have_primary && primary_group(u, &g) < 0) {
                return -1;
        }
        *uid = u;
        *gid = g;
        return 0;
}

int args_parse_ugid(struct error *err, const char *str, uid_t *uid, gid_t *gid)
{
        cleanup_free char *copy = strdup(str);

        if (copy == NULL)
                return error_set(err, "memory allocation failed");
        if (parse_ugid(copy, uid, gid) < 0)
                return error_set(err, "parse user/group failed");
        return 0;
}
