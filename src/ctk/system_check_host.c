/* Paths of the host `nvidia-ctk system check` looks at: everything is
 * inside --root (a scratch directory in the tests, "/" for real), and the
 * files there are the administrator's own, so they are read as the
 * engines read them, following their links. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/path_clean.h"
#include "ctk/system_check.h"

/* Whether path is root itself or below it (root cleaned, not "/"). */
static bool under(const char *root, const char *path)
{
        size_t n = strlen(root);

        return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

char *ctk_host_path(const char *root, const char *path)
{
        cleanup_free char *clean_root = path_clean(root), *joined = NULL;

        if (clean_root == NULL)
                return NULL;
        if (strcmp(clean_root, "/") == 0 || (path[0] == '/' && under(clean_root, path)))
                return path_clean(path);
        if (asprintf(&joined, "%s/%s", clean_root, path) < 0)
                return NULL;
        return path_clean(joined);
}

static bool executable(const char *path)
{
        struct stat st;

        return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* name in the host directory dir of ROOT, when executable there. */
static char *in_dir(const char *root, const char *dir, const char *name)
{
        cleanup_free char *host_dir = ctk_host_path(root, dir);
        char *path = NULL;

        if (host_dir == NULL || asprintf(&path, "%s/%s", host_dir, name) < 0)
                return NULL;
        if (executable(path))
                return path;
        free(path);
        return NULL;
}

char *ctk_host_which(const char *root, const char *name)
{
        char dirs[] = CTK_CHECK_PATH, *save = NULL, *path;

        if (name[0] == '\0')
                return NULL;
        if (strchr(name, '/') != NULL) {
                if ((path = ctk_host_path(root, name)) != NULL && executable(path))
                        return path;
                free(path);
                return NULL;
        }
        for (char *dir = strtok_r(dirs, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save))
                if ((path = in_dir(root, dir, name)) != NULL)
                        return path;
        return NULL;
}

bool ctk_host_exists(const char *path)
{
        struct stat st;

        return stat(path, &st) == 0;
}
