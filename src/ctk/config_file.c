/* Writing the configuration files nvidia-ctk manages (config.toml, engine
 * configs and their drop-ins). */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "ctk/ctk.h"

int ctk_mkdir_parents(struct error *err, const char *path)
{
        cleanup_free char *copy = strdup(path);
        char *dir;

        if (copy == NULL)
                return error_set(err, "create the directory of `%s`", path);
        dir = dirname(copy);
        if (strcmp(dir, "/") == 0 || strcmp(dir, ".") == 0 || access(dir, F_OK) == 0)
                return 0;
        if (ctk_mkdir_parents(err, dir) < 0)
                return -1;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return error_set(err, "create directory `%s`", dir);
        return 0;
}

int ctk_write_config(struct error *err, const char *path, const char *text, size_t len, mode_t mode)
{
        cleanup_free char *target = NULL;
        struct stat st;

        if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
                target = realpath(path, NULL);
        if (target != NULL)
                path = target;
        if (ctk_mkdir_parents(err, path) < 0)
                return -1;
        return atomic_write_file(err, path, text, len, mode);
}
