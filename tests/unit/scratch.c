#include "scratch.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

static char dir[64];

const char *scratch_make(const char *name)
{
        snprintf(dir, sizeof(dir), "/tmp/check-%s.XXXXXX", name);
        ck_assert_ptr_nonnull(mkdtemp(dir));
        return dir;
}

const char *scratch_path(const char *rel)
{
        static char path[PATH_MAX];

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        return path;
}

const char *scratch_dir(void)
{
        return dir;
}

void scratch_remove(void)
{
        char cmd[PATH_MAX + 16];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        ck_assert_int_eq(system(cmd), 0);
}
