/* Finding executables as NVIDIA's lookup package does (lookup.
 * NewExecutableLocator with no root): the low-level runtime among
 * nvidia-container-runtime.runtimes, and the hook whose path goes into
 * config.json. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/runtime.h"

/* Appended to $PATH when it lacks them (upstream's lookup.GetPaths). */
static const char *const default_dirs[] = {
        "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
};

/* Upstream's assertExecutable: stat succeeds, not a directory, an execute
 * bit set. */
static bool executable(const char *path, struct stat *st)
{
        return stat(path, st) == 0 && !S_ISDIR(st->st_mode) && (st->st_mode & 0111) != 0;
}

static bool in_list(const char *path, const char *dir, size_t len)
{
        for (const char *p = path; p != NULL && *p != '\0';) {
                size_t n = strcspn(p, ":");

                if (n == len && strncmp(p, dir, len) == 0)
                        return true;
                p += n + (p[n] == ':');
        }
        return false;
}

/* dir/name when it is executable (dir of length len). */
static char *try_dir(const char *dir, size_t len, const char *name)
{
        struct stat st;
        char *candidate = NULL;

        if (len == 0)
                return NULL;
        if (asprintf(&candidate, "%.*s/%s", (int)len, dir, name) < 0)
                return NULL;
        if (executable(candidate, &st))
                return candidate;
        free(candidate);
        return NULL;
}

char *runtime_locate(const char *name)
{
        const char *path = getenv("PATH");
        struct stat st;
        char *found;

        if (strchr(name, '/') != NULL) {
                if (executable(name, &st))
                        return strdup(name);
                errno = ENOENT;
                return NULL;
        }
        for (const char *p = path; p != NULL && *p != '\0';) {
                size_t n = strcspn(p, ":");

                if ((found = try_dir(p, n, name)) != NULL)
                        return found;
                p += n + (p[n] == ':');
        }
        for (size_t i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++)
                if (!in_list(path, default_dirs[i], strlen(default_dirs[i])) &&
                    (found = try_dir(default_dirs[i], strlen(default_dirs[i]), name)) != NULL)
                        return found;
        errno = ENOENT;
        return NULL;
}

/* Whether path is this very program: a runtimes list naming the shim
 * itself would exec it again and again. */
static bool is_self(const char *path)
{
        struct stat self, st;

        return stat("/proc/self/exe", &self) == 0 && stat(path, &st) == 0 && self.st_dev == st.st_dev &&
               self.st_ino == st.st_ino;
}

/* Go's %v of a []string: "[runc crun]". */
static char *go_list(char *const *list)
{
        char *s = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&s, &size);

        if (f == NULL)
                return NULL;
        fputc('[', f);
        for (size_t i = 0; list != NULL && list[i] != NULL; i++)
                fprintf(f, "%s%s", i > 0 ? " " : "", list[i]);
        fputc(']', f);
        if (fclose(f) != 0) {
                free(s);
                return NULL;
        }
        return s;
}

int runtime_find_low_level(struct error *err, char *const *candidates, char **path)
{
        char *found, *names;

        *path = NULL;
        if (candidates == NULL || candidates[0] == NULL)
                return error_setx(err, "error locating runtime: at least one runtime candidate must be specified");
        for (size_t i = 0; candidates[i] != NULL; i++) {
                rtlog(RTLOG_DEBUG, "Looking for runtime binary '%s'", candidates[i]);
                if ((found = runtime_locate(candidates[i])) == NULL) {
                        if (errno == ENOMEM)
                                return error_set(err, "error locating runtime");
                        rtlog(RTLOG_DEBUG, "Runtime binary '%s' not found", candidates[i]);
                        continue;
                }
                if (is_self(found)) {
                        rtlog(RTLOG_WARN, "Ignoring runtime binary '%s': it is nvidia-container-runtime itself", found);
                        free(found);
                        continue;
                }
                rtlog(RTLOG_DEBUG, "Found runtime binary '%s'", found);
                *path = found;
                return 0;
        }
        names = go_list(candidates);
        error_setx(err, "error locating runtime: no runtime binary found from candidate list: %s",
                   names != NULL ? names : "[]");
        free(names);
        return -1;
}

char *runtime_hook_path(const char *configured)
{
        const char *name = configured != NULL && configured[0] != '\0' ? configured : HOOK_EXECUTABLE;
        char *found;

        if (name[0] == '/') {
                rtlog(RTLOG_DEBUG, "Using specified NVIDIA Container Runtime Hook path %s", name);
                return strdup(name);
        }
        rtlog(RTLOG_DEBUG, "Locating NVIDIA Container Runtime Hook as %s", name);
        if ((found = runtime_locate(name)) == NULL) {
                rtlog(RTLOG_WARN, "Failed to locate %s: %s", name, strerror(errno));
                found = strdup(RUNTIME_HOOK_FALLBACK);
        }
        if (found != NULL)
                rtlog(RTLOG_DEBUG, "Using NVIDIA Container Runtime Hook path %s", found);
        return found;
}
