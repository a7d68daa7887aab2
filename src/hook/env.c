/* Where the CLI is and what environment it gets. The hook runs as root on
 * behalf of a container, with whatever environment its engine gave it
 * (dockerd passes its own): none of that reaches the CLI, which gets a fixed
 * PATH plus what the host's admin wrote in nvidia-container-cli.environment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/strv.h"
#include "hook/hook.h"

#define CLI_NAME "nvidia-container-cli"

/* The index of the entry of env[0..n) named like var (up to its '='). */
static size_t find_name(char *const *env, size_t n, const char *var)
{
        size_t len = strcspn(var, "=");

        for (size_t i = 0; i < n; i++)
                if (strncmp(env[i], var, len) == 0 && env[i][len] == '=')
                        return i;
        return n;
}

int hook_cli_env(struct error *err, const struct config *cfg, char ***envp)
{
        const char *const *extra = (const char *const *)cfg->cli.environment;
        size_t n = 0, max = strv_len(extra) + 1, at;
        char **env = calloc(max + 1, sizeof(*env)), *s;

        *envp = NULL;
        if (env == NULL || (env[n++] = strdup("PATH=" HOOK_DEFAULT_PATH)) == NULL) {
                strv_free(env);
                return error_set(err, "build nvidia-container-cli environment");
        }
        for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
                if (strchr(extra[i], '=') == NULL || extra[i][0] == '=') {
                        strv_free(env);
                        return error_setx(err, "nvidia-container-cli.environment: invalid entry '%s' (want NAME=VALUE)",
                                          extra[i]);
                }
                if ((s = strdup(extra[i])) == NULL) {
                        strv_free(env);
                        return error_set(err, "build nvidia-container-cli environment");
                }
                at = find_name(env, n, s);
                if (at < n)
                        free(env[at]);
                else
                        n++;
                env[at] = s;
        }
        *envp = env;
        return 0;
}

char *hook_search_path(const char *root)
{
        const char *dir, *end;
        size_t rlen, size = 0;
        char *path = NULL;
        FILE *f;

        if (root == NULL || root[0] == '\0' || strcmp(root, "/") == 0)
                return strdup(HOOK_DEFAULT_PATH);
        /* path.Join(root, dir): the root without its trailing slashes. */
        for (rlen = strlen(root); rlen > 1 && root[rlen - 1] == '/';)
                rlen--;
        if ((f = open_memstream(&path, &size)) == NULL)
                return NULL;
        for (dir = HOOK_DEFAULT_PATH; *dir != '\0'; dir = *end == ':' ? end + 1 : end) {
                end = strchrnul(dir, ':');
                fprintf(f, "%.*s%.*s:", (int)rlen, root, (int)(end - dir), dir);
        }
        fputs(HOOK_DEFAULT_PATH, f);
        if (fclose(f) != 0) {
                free(path);
                return NULL;
        }
        return path;
}

/* exec.LookPath's test: a regular file with an execute bit. */
static bool executable(const char *path)
{
        struct stat st;

        return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0;
}

int hook_find_cli(struct error *err, const struct config *cfg, char **out)
{
        char *search, *dirs, *dir, *save, *found = NULL;

        *out = NULL;
        if (cfg->cli.path != NULL && cfg->cli.path[0] != '\0') {
                if ((*out = strdup(cfg->cli.path)) == NULL)
                        return error_set(err, "find %s", CLI_NAME);
                return 0;
        }
        if ((search = hook_search_path(cfg->cli.root)) == NULL || (dirs = strdup(search)) == NULL) {
                free(search);
                return error_set(err, "find %s", CLI_NAME);
        }
        for (dir = strtok_r(dirs, ":", &save); dir != NULL && found == NULL; dir = strtok_r(NULL, ":", &save)) {
                if (asprintf(&found, "%s/%s", dir, CLI_NAME) < 0) {
                        free(dirs);
                        free(search);
                        return error_set(err, "find %s", CLI_NAME);
                }
                if (!executable(found)) {
                        free(found);
                        found = NULL;
                }
        }
        free(dirs);
        if (found == NULL) {
                error_setx(err, "couldn't find binary %s in PATH: %s", CLI_NAME, search);
                free(search);
                return -1;
        }
        free(search);
        *out = found;
        return 0;
}
