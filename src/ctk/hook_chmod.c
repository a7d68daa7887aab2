/* The chmod hook: `--mode MODE --path PATH...` sets the octal MODE on paths
 * of the container (typically /dev/dri). A path is resolved inside the root
 * and its last component is not followed: a symlink there is skipped, since
 * its target could be any file the image names. Missing paths are skipped,
 * and permission errors ignored (a /dev bound whole from the host may
 * refuse), as NVIDIA's hook does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctk/hook_internal.h"
#include "libnvc/rootfs.h"

static int parse_mode(struct error *err, const char *text, mode_t *mode)
{
        char *end;
        unsigned long v;

        while (*text == ' ' || *text == '\t')
                text++;
        if (*text == '\0')
                return error_setx(err, "a non-empty mode must be specified");
        errno = 0;
        v = strtoul(text, &end, 8);
        if (*end != '\0' || errno != 0 || v > 07777 || text[0] == '-' || text[0] == '+')
                return error_setx(err, "failed to parse mode as octal: \"%s\"", text);
        *mode = (mode_t)v;
        return 0;
}

static int check_paths(struct error *err, const struct ctk_strings *paths)
{
        for (size_t i = 0; i < paths->n; i++)
                if (paths->v[i][strspn(paths->v[i], " \t")] == '\0')
                        return error_setx(err, "paths must not be empty");
        return 0;
}

/* Through the fd's /proc entry, which names the inode we resolved (an
 * O_PATH fd refuses fchmod). */
static int chmod_one(struct error *err, const struct ctk_container *c, const char *path, mode_t mode)
{
        cleanup_close int fd = -1;
        char proc[64];
        struct stat st;

        if (rootfs_open(err, c->fd, path, O_PATH | O_NOFOLLOW, &fd) < 0 || fstat(fd, &st) < 0) {
                ctk_log(CTK_DEBUG, "Skipping path %s: %s", path, error_msg(err));
                error_reset(err);
                return 0;
        }
        if (S_ISLNK(st.st_mode) || (st.st_mode & 07777) == mode) {
                ctk_log(CTK_DEBUG, "Skipping path %s: %s", path,
                        S_ISLNK(st.st_mode) ? "a symlink" : "already desired mode");
                return 0;
        }
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        if (chmod(proc, mode) == 0)
                return 0;
        if (errno == EPERM || errno == EACCES || errno == EROFS) {
                ctk_log(CTK_DEBUG, "Ignoring permission error with chmod of %s: %s", path, strerror(errno));
                return 0;
        }
        return error_set(err, "chmod `%s` in the container", path);
}

static int change(struct error *err, const char *mode_text, const struct ctk_strings *paths, const char *state)
{
        struct ctk_container c;
        mode_t mode = 0;
        int rv = 0;

        if (parse_mode(err, mode_text, &mode) < 0 || check_paths(err, paths) < 0)
                return -1;
        if (paths->n == 0) {
                ctk_log(CTK_DEBUG, "No paths specified; exiting");
                return 0;
        }
        if (ctk_container_open(err, state, &c) < 0)
                return -1;
        for (size_t i = 0; i < paths->n && rv == 0; i++)
                rv = chmod_one(err, &c, paths->v[i], mode);
        ctk_container_close(&c);
        return rv;
}

int ctk_hook_chmod(int argc, char **argv)
{
        struct ctk_strings paths = {0};
        const char *mode = "", *state = NULL;
        const struct ctk_flag flags[] = {
                {"path", NULL, CTK_FLAG_STRINGS, &paths, "Specify a path to apply the specified mode to", NULL},
                {"mode", NULL, CTK_FLAG_STRING, &mode, "Specify the file mode", NULL},
                CTK_HOOK_STATE_FLAG(state),
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        struct error err = {0};
        int status;

        if (!ctk_hook_flags(flags, argc, argv, &status) && change(&err, mode, &paths, state) < 0)
                status = ctk_fail(&err, "failed to chmod");
        ctk_strings_free(&paths);
        return status;
}
