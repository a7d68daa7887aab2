/* Finding a process's device cgroup: the mount point comes from our own
 * mount namespace (the caller runs on the host), the cgroup path from the
 * process's /proc/<pid>/cgroup, read from the host's cgroup namespace so it
 * is absolute. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "common/cleanup.h"

struct cg_mount {
        char root[PATH_MAX];
        char point[PATH_MAX];
};

static bool has_option(const char *opts, const char *name)
{
        size_t len = strlen(name);

        for (const char *p = opts; p != NULL; p = strchr(p, ',')) {
                p += *p == ',';
                if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
                        return true;
        }
        return false;
}

/* Reads mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTS [TAGS] - FSTYPE SRC SUPER". */
static bool parse_mount(char *line, const char *want_fs, struct cg_mount *m)
{
        char root[PATH_MAX], point[PATH_MAX], fstype[64], super[1024];
        char *sep = strstr(line, " - ");

        if (sep == NULL || sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2 ||
            sscanf(sep + 3, "%63s %*s %1023s", fstype, super) != 2)
                return false;
        if (strcmp(fstype, want_fs) != 0)
                return false;
        if (strcmp(want_fs, "cgroup") == 0 && !has_option(super, "devices"))
                return false;
        snprintf(m->root, sizeof(m->root), "%s", root);
        snprintf(m->point, sizeof(m->point), "%s", point);
        return true;
}

static int find_mount(struct error *err, const char *proc_root, const char *fstype, struct cg_mount *m,
                      bool *found)
{
        char path[PATH_MAX];
        cleanup_file FILE *f = NULL;
        cleanup_free char *line = NULL;
        size_t cap = 0;

        *found = false;
        snprintf(path, sizeof(path), "%s/self/mountinfo", proc_root);
        if ((f = fopen(path, "re")) == NULL)
                return error_set(err, "open `%s`", path);
        while (!*found && getline(&line, &cap, f) > 0)
                *found = parse_mount(line, fstype, m);
        return 0;
}

/* The process's path in the hierarchy: v1 "N:...devices...:/path", v2 "0::/path". */
static int find_cgroup_path(struct error *err, const char *proc_root, pid_t pid, bool v2, char *out, size_t len)
{
        char path[PATH_MAX];
        cleanup_file FILE *f = NULL;
        cleanup_free char *line = NULL;
        size_t cap = 0;

        snprintf(path, sizeof(path), "%s/%d/cgroup", proc_root, (int)pid);
        if ((f = fopen(path, "re")) == NULL)
                return error_set(err, "open `%s`", path);
        while (getline(&line, &cap, f) > 0) {
                char *ctrl = strchr(line, ':'), *cg = ctrl != NULL ? strchr(ctrl + 1, ':') : NULL;

                if (cg == NULL)
                        continue;
                *cg++ = '\0';
                cg[strcspn(cg, "\n")] = '\0';
                if (v2 ? ctrl[1] == '\0' : has_option(ctrl + 1, "devices")) {
                        snprintf(out, len, "%s", cg);
                        return 0;
                }
        }
        return error_setx(err, "no %s device cgroup in `%s`", v2 ? "v2" : "v1", path);
}

int cgroup_find(struct error *err, const char *proc_root, pid_t pid, const struct cgroup_ops **ops, char **dir)
{
        struct cg_mount m;
        char cg[PATH_MAX];
        const char *rel;
        bool v1, v2 = false;

        if (find_mount(err, proc_root, "cgroup", &m, &v1) < 0)
                return -1;
        if (!v1 && find_mount(err, proc_root, "cgroup2", &m, &v2) < 0)
                return -1;
        if (!v1 && !v2)
                return error_setx(err, "no device cgroup mounted");
        if (find_cgroup_path(err, proc_root, pid, v2, cg, sizeof(cg)) < 0)
                return -1;
        if (strstr(cg, "/..") != NULL || strstr(m.root, "/..") != NULL)
                return error_setx(err, "relative cgroup path `%s`", cg);
        /* Strip the mount's own root when the hierarchy is mounted from a subtree. */
        rel = cg;
        if (strcmp(m.root, "/") != 0 && strncmp(cg, m.root, strlen(m.root)) == 0)
                rel = cg + strlen(m.root);
        if (asprintf(dir, "%s%s%s", m.point, rel[0] == '/' ? "" : "/", rel) < 0)
                return error_set(err, "allocate cgroup path");
        *ops = v1 ? &cgroup_v1_ops : &cgroup_v2_ops;
        return 0;
}

int cgroup_open(struct error *err, const char *dir, int *fd)
{
        if ((*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
                return error_set(err, "open `%s`", dir);
        return 0;
}
