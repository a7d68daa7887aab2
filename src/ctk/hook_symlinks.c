/* The create-symlinks hook: `--link TARGET::LINK` makes LINK (a path in the
 * container) a symlink to TARGET (kept as given, usually relative), as
 * `chroot ROOT ln -sf TARGET LINK` would but without following anything out
 * of the root. The link's directory is resolved (and made) inside the root
 * and the link is put in place by renaming a new one over it, so LINK is
 * never missing. Where NVIDIA's hook removes whatever LINK is, ours leaves
 * a file or directory of the image alone (with a warning): only symlinks are
 * replaced. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctk/hook_internal.h"
#include "libnvc/rootfs.h"

int ctk_link_parse(struct error *err, const char *spec, char **target, char **link)
{
        const char *sep = strstr(spec, "::");

        *target = *link = NULL;
        if (sep == NULL || sep == spec || sep[2] == '\0' || strstr(sep + 2, "::") != NULL)
                return error_setx(err, "invalid symlink specification %s", spec);
        if (sep[2] != '/')
                return error_setx(err, "invalid symlink specification %s: the link must be an absolute path", spec);
        if ((*target = strndup(spec, (size_t)(sep - spec))) == NULL || (*link = strdup(sep + 2)) == NULL) {
                free(*target);
                *target = NULL;
                return error_set(err, "parse symlink specification");
        }
        return 0;
}

/* Whether name in dirfd is already the wanted link; false when missing. A
 * file of another kind is reported in *other. */
static int existing(struct error *err, int dirfd, const char *name, const char *target, const char *link, bool *same,
                    bool *other)
{
        char buf[PATH_MAX];
        struct stat st;
        ssize_t n;

        *same = *other = false;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : error_set(err, "stat `%s` in the container", link);
        if (!S_ISLNK(st.st_mode)) {
                *other = true;
                return 0;
        }
        if ((n = readlinkat(dirfd, name, buf, sizeof(buf))) < 0)
                return error_set(err, "read link `%s` in the container", link);
        *same = (size_t)n == strlen(target) && memcmp(buf, target, (size_t)n) == 0;
        return 0;
}

/* A new symlink under a temporary name in dirfd, renamed over name. */
static int replace_link(struct error *err, int dirfd, const char *name, const char *target, const char *link)
{
        char tmp[NAME_MAX + 1], suffix[8];
        int rv;

        do {
                ctk_random_suffix(suffix, sizeof(suffix));
                if ((size_t)snprintf(tmp, sizeof(tmp), ".%s.%s", name, suffix) >= sizeof(tmp)) {
                        errno = ENAMETOOLONG;
                        return error_set(err, "create symlink `%s` in the container", link);
                }
        } while ((rv = symlinkat(target, dirfd, tmp)) < 0 && errno == EEXIST);
        if (rv < 0)
                return error_set(err, "create symlink `%s` in the container", link);
        if (renameat(dirfd, tmp, dirfd, name) < 0) {
                rv = error_set(err, "create symlink `%s` in the container", link);
                unlinkat(dirfd, tmp, 0);
                return rv;
        }
        return 0;
}

static int create_link(struct error *err, const struct ctk_container *c, const char *target, const char *link)
{
        char buf[PATH_MAX];
        const char *parent, *name;
        cleanup_close int dirfd = -1;
        bool same, other;

        if (rootfs_split(err, link, buf, sizeof(buf), &parent, &name) < 0 ||
            ctk_mkdirs(err, c, parent, &dirfd) < 0 ||
            existing(err, dirfd, name, target, link, &same, &other) < 0)
                return -1;
        if (same) {
                ctk_log(CTK_DEBUG, "Link %s already exists", link);
                return 0;
        }
        if (other) {
                ctk_log(CTK_WARN, "Not creating link %s: a file that is not a symlink is in its place", link);
                return 0;
        }
        ctk_log(CTK_INFO, "Symlinking %s to %s", link, target);
        return replace_link(err, dirfd, name, target, link);
}

struct pair {
        char *target, *link;
};

static void free_pairs(struct pair *pairs, size_t n)
{
        for (size_t i = 0; pairs != NULL && i < n; i++) {
                free(pairs[i].target);
                free(pairs[i].link);
        }
        free(pairs);
}

/* Every specification is checked before the first link is made. */
static int create_links(struct error *err, const struct ctk_strings *specs, const char *state)
{
        struct pair *pairs = calloc(specs->n + 1, sizeof(*pairs));
        struct ctk_container c = {.fd = -1};
        int rv = 0;

        if (pairs == NULL)
                rv = error_set(err, "parse symlink specifications");
        for (size_t i = 0; i < specs->n && rv == 0; i++)
                rv = ctk_link_parse(err, specs->v[i], &pairs[i].target, &pairs[i].link);
        if (rv == 0)
                rv = ctk_container_open(err, state, &c);
        for (size_t i = 0; i < specs->n && rv == 0; i++) {
                size_t j = 0;

                while (j < i && strcmp(specs->v[j], specs->v[i]) != 0)
                        j++;
                if (j == i)
                        rv = create_link(err, &c, pairs[i].target, pairs[i].link);
        }
        ctk_container_close(&c);
        free_pairs(pairs, specs->n);
        return rv;
}

int ctk_hook_create_symlinks(int argc, char **argv)
{
        struct ctk_strings links = {0};
        const char *state = NULL, *host_root = NULL;
        const struct ctk_flag flags[] = {
                {"link", NULL, CTK_FLAG_STRINGS, &links,
                 "Specify a specific link to create. The link is specified as target::link.", NULL},
                {"host-root", NULL, CTK_FLAG_STRING, &host_root, "Ignored (kept for older CDI specs)", NULL},
                CTK_HOOK_STATE_FLAG(state),
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        struct error err = {0};
        int status;

        if (!ctk_hook_flags(flags, argc, argv, &status) && create_links(&err, &links, state) < 0)
                status = ctk_fail(&err, "failed to create symlinks");
        ctk_strings_free(&links);
        return status;
}
