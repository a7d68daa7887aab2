#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "log.h"
#include "nvc_internal.h"
#include "rootfs.h"
#include "session.h"

static int plan_grow(struct error *err, struct plan *p)
{
        if (p->n < p->cap)
                return 0;
        size_t cap = p->cap != 0 ? p->cap * 2 : 32;
        struct planned *v = realloc(p->v, cap * sizeof(*v));
        if (v == NULL)
                return error_set(err, "allocate mount plan");
        p->v = v;
        p->cap = cap;
        return 0;
}

int plan_tree(struct error *err, struct plan *p, int tree, const char *target, bool dir)
{
        char *t = NULL;

        if (plan_grow(err, p) < 0 || (t = strdup(target)) == NULL) {
                close(tree);
                return err->msg != NULL ? -1 : error_set(err, "allocate mount plan");
        }
        p->v[p->n++] = (struct planned){tree, t, dir};
        return 0;
}

int plan_bind(struct error *err, struct plan *p, const char *src, const char *target, uint64_t attrs)
{
        struct stat st;
        int tree;

        if (lstat(src, &st) < 0)
                return error_set(err, "stat `%s`", src);
        if (mount_tree(err, src, attrs, &tree) < 0)
                return -1;
        log_info("mounting %s at %s", src, target);
        return plan_tree(err, p, tree, target, S_ISDIR(st.st_mode));
}

void plan_free(struct plan *p)
{
        for (size_t i = 0; i < p->n; i++) {
                close(p->v[i].tree);
                free(p->v[i].target);
        }
        free(p->v);
        memset(p, 0, sizeof(*p));
}

int session_enter(struct error *err, struct session *s, const struct nvc_container *cnt)
{
        *s = (struct session){.cnt = cnt, .own_ns = -1, .rootfd = -1, .log = {.rootfd = -1, .procfd = -1}};
        /* Our own /proc, for undoing mounts once the container's is in view. */
        if ((s->log.procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return error_set(err, "open `/proc`");
        if (cnt->mnt_ns != NULL) {
                cleanup_close int ns = open(cnt->mnt_ns, O_RDONLY | O_CLOEXEC);

                if ((s->own_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) < 0 || ns < 0)
                        return error_set(err, "open mount namespace `%s`", cnt->mnt_ns);
                if (setns(ns, CLONE_NEWNS) < 0)
                        return error_set(err, "enter mount namespace `%s`", cnt->mnt_ns);
        }
        if ((s->rootfd = open(cnt->session_root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
                error_set(err, "open container root `%s`", cnt->cfg.rootfs);
                session_leave(s, true);
                return -1;
        }
        s->log.rootfd = s->rootfd;
        return 0;
}

int session_apply(struct error *err, struct session *s, const struct plan *p)
{
        for (size_t i = 0; i < p->n; i++) {
                cleanup_close int target = -1;

                if (rootfs_mktarget(err, s->rootfd, p->v[i].target, p->v[i].dir, s->cnt->uid, s->cnt->gid,
                                    &target) < 0 ||
                    mount_attach(err, &s->log, p->v[i].tree, target, p->v[i].target) < 0)
                        return -1;
        }
        return 0;
}

/* The link is made under a temporary name and renamed into place, so an
 * existing name is replaced in one step and never followed. */
int session_symlink(struct error *err, struct session *s, const char *dir, const char *name, const char *target)
{
        cleanup_close int dirfd = -1;
        char tmp[NAME_MAX + 1];

        if (rootfs_mkdirs(err, s->rootfd, dir, s->cnt->uid, s->cnt->gid, &dirfd) < 0)
                return -1;
        snprintf(tmp, sizeof(tmp), ".nvc-link-%d", (int)getpid());
        unlinkat(dirfd, tmp, 0);
        if (symlinkat(target, dirfd, tmp) < 0)
                return error_set(err, "create symlink `%s/%s` in the container", dir, name);
        if (fchownat(dirfd, tmp, s->cnt->uid, s->cnt->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
            renameat(dirfd, tmp, dirfd, name) < 0) {
                error_set(err, "create symlink `%s/%s` in the container", dir, name);
                unlinkat(dirfd, tmp, 0);
                return -1;
        }
        log_info("creating symlink %s/%s -> %s", dir, name, target);
        return 0;
}

void session_leave(struct session *s, bool failed)
{
        struct error err = {0};

        /* Kept mounts join the container's history, so that a failure in a
         * later call can still undo them (nvc_container_unmount). */
        if (!failed && s->cnt->history != NULL && mount_log_move(&err, s->cnt->history, &s->log) < 0) {
                log_warn("cannot record mounts: %s", error_msg(&err));
                error_reset(&err);
        }
        if (failed)
                mount_undo(&s->log);
        else
                mount_log_clear(&s->log);
        if (s->rootfd >= 0)
                close(s->rootfd);
        if (s->log.procfd >= 0)
                close(s->log.procfd);
        if (s->own_ns >= 0) {
                if (setns(s->own_ns, CLONE_NEWNS) < 0)
                        log_err("cannot return to our mount namespace: %s", strerror(errno));
                close(s->own_ns);
        }
        s->rootfd = s->own_ns = s->log.procfd = -1;
}
