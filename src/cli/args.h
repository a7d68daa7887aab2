/* Parsers for option values, kept free of argp and of the library so the
 * unit tests can call them directly. */
#ifndef CLI_ARGS_H
#define CLI_ARGS_H

#include <sys/types.h>

#include "common/error.h"

/* Appends `add` to the owned string *s, with `sep` between items; *s may be
 * NULL. Repeated options accumulate this way (`-d 0 -d 1` is "0,1"). */
int args_join(struct error *err, char **s, const char *add, const char *sep)
        __attribute__((nonnull(1, 2, 3, 4)));

/* Parses "UID[:GID]" as libnvidia-container does: each part is a number or
 * a name; without a GID, the user's primary group. Failures read
 * "parse user/group failed: <strerror>" (EINVAL, ERANGE or ENOENT). */
int args_parse_ugid(struct error *err, const char *str, uid_t *uid, gid_t *gid)
        __attribute__((nonnull(1, 2, 3, 4)));

#endif
