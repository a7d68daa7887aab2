/* cgroup v1: the devices controller takes one rule per write. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "common/cleanup.h"
#include "log.h"

static int v1_allow(struct error *err, int dirfd, const char *dir, const struct cgroup_rule *rules, size_t n)
{
        char path[PATH_MAX], line[64];
        cleanup_close int fd = -1;

        snprintf(path, sizeof(path), "%s/devices.allow", dir);
        if ((fd = openat(dirfd, "devices.allow", O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
                return error_set(err, "open `%s`", path);
        for (size_t i = 0; i < n; i++) {
                int len = snprintf(line, sizeof(line), "%c %u:%u %s", rules[i].type, rules[i].major,
                                   rules[i].minor, rules[i].access);
                log_info("allowing device %s in %s", line, dir);
                if (write(fd, line, (size_t)len) != len)
                        return error_set(err, "write `%s` to `%s`", line, path);
        }
        return 0;
}

const struct cgroup_ops cgroup_v1_ops = {"v1", v1_allow};
