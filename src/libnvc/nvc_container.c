/* A container as libnvidia-container sees it: its root, owner, directories,
 * mount namespace and device cgroup, found before anything is changed. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "compat.h"
#include "common/cleanup.h"
#include "log.h"
#include "mount.h"
#include "nvc_internal.h"
#include "options.h"
#include "rootfs.h"

#define DEFAULT_CONTAINER_OPTS "standalone no-cgroups no-devbind utility"

struct nvc_container_config *nvc_container_config_new(pid_t pid, const char *rootfs)
{
        struct nvc_container_config *cfg = calloc(1, sizeof(*cfg));

        if (cfg == NULL)
                return NULL;
        cfg->pid = pid;
        cfg->rootfs = (char *)rootfs;
        return cfg;
}

void nvc_container_config_free(struct nvc_container_config *cfg)
{
        free(cfg);
}

void nvc_container_free(struct nvc_container *cnt)
{
        if (cnt == NULL)
                return;
        free(cnt->cfg.rootfs);
        free(cnt->cfg.bins_dir);
        free(cnt->cfg.libs_dir);
        free(cnt->cfg.libs32_dir);
        free(cnt->cfg.cudart_dir);
        free(cnt->cfg.ldconfig);
        free(cnt->lookup_root);
        free(cnt->session_root);
        free(cnt->mnt_ns);
        free(cnt->dev_cg);
        if (cnt->history != NULL)
                mount_log_clear(cnt->history);
        free(cnt->history);
        for (size_t i = 0; i < cnt->ncompat_libs; i++)
                free(cnt->compat_libs[i]);
        free(cnt->compat_libs);
        free(cnt);
}

static bool exists_in(int rootfd, const char *path)
{
        struct error ignored = {0};
        int fd;

        if (rootfs_open(&ignored, rootfd, path, O_PATH, &fd) < 0) {
                error_reset(&ignored);
                return false;
        }
        close(fd);
        return true;
}

static int set_default(struct error *err, char **dst, const char *given, const char *def)
{
        if ((*dst = strdup(given != NULL ? given : def)) == NULL)
                return error_set(err, "copy container configuration");
        return 0;
}

/* Debian and its derivatives use the multiarch scheme; others /usr/lib64
 * and a lib32 dir that varies (/usr/lib32 or /usr/lib). */
static int default_dirs(struct error *err, struct nvc_container *cnt, const struct nvc_container_config *cfg,
                        int rootfd)
{
        bool multiarch = exists_in(rootfd, "/etc/debian_version");
        const char *libs = multiarch ? "/usr/lib/x86_64-linux-gnu" : "/usr/lib64";
        const char *libs32 = multiarch ? "/usr/lib/i386-linux-gnu" : "/usr/lib32";

        if (!multiarch && !exists_in(rootfd, "/usr/lib32") && exists_in(rootfd, "/usr/lib"))
                libs32 = "/usr/lib";
        if (set_default(err, &cnt->cfg.bins_dir, cfg->bins_dir, "/usr/bin") < 0 ||
            set_default(err, &cnt->cfg.libs_dir, cfg->libs_dir, libs) < 0 ||
            set_default(err, &cnt->cfg.libs32_dir, cfg->libs32_dir, libs32) < 0 ||
            set_default(err, &cnt->cfg.cudart_dir, cfg->cudart_dir, "/usr/local/cuda") < 0)
                return -1;
        /* The host's ldconfig by default: one from the image never runs unless asked for. */
        return set_default(err, &cnt->cfg.ldconfig, cfg->ldconfig,
                           access("/sbin/ldconfig.real", X_OK) == 0 ? "@/sbin/ldconfig.real" : "@/sbin/ldconfig");
}

/* Supervised: the rootfs is mounted in the container's namespace and the
 * host reaches it through the container process's root. A prestart hook
 * runs before the process pivots into the rootfs (the rootfs is then at its
 * host path in that namespace); `runc create` followed by configure finds it
 * pivoted already (the rootfs is then the namespace's "/"). Which one holds
 * is checked, never assumed: the root must be the rootfs we were given. */
static int supervised_paths(struct error *err, struct nvc_container *cnt)
{
        char proc_root[64];
        struct stat given, seen;
        const char *rootfs = cnt->cfg.rootfs;
        int pid = (int)cnt->cfg.pid;

        snprintf(proc_root, sizeof(proc_root), "/proc/%d/root", pid);
        if (asprintf(&cnt->mnt_ns, "/proc/%d/ns/mnt", pid) < 0 ||
            asprintf(&cnt->lookup_root, "%s%s", proc_root, rootfs) < 0)
                return error_set(err, "allocate container paths");
        if (stat(cnt->lookup_root, &seen) == 0)
                return (cnt->session_root = strdup(rootfs)) != NULL ? 0 : error_set(err, "allocate container paths");
        if (stat(proc_root, &seen) < 0)
                return error_set(err, "stat `%s`", proc_root);
        if (stat(rootfs, &given) < 0)
                return error_set(err, "open container root `%s`", rootfs);
        if (given.st_dev != seen.st_dev || given.st_ino != seen.st_ino)
                return error_setx(err, "container root `%s` is not the root of process %d", rootfs, pid);
        free(cnt->lookup_root);
        if ((cnt->lookup_root = strdup(proc_root)) == NULL || (cnt->session_root = strdup("/")) == NULL)
                return error_set(err, "allocate container paths");
        log_info("process %d has pivoted into %s", pid, rootfs);
        return 0;
}

static int find_paths(struct error *err, struct nvc_container *cnt, const struct nvc_container_config *cfg)
{
        cleanup_close int rootfd = -1;
        struct stat st;
        char proc[64];

        cnt->cfg.pid = cfg->pid;
        if ((cnt->cfg.rootfs = strdup(cfg->rootfs)) == NULL)
                return error_set(err, "copy container configuration");
        if (cnt->flags & OPT_SUPERVISED) {
                if (supervised_paths(err, cnt) < 0)
                        return -1;
        } else if ((cnt->lookup_root = strdup(cfg->rootfs)) == NULL ||
                   (cnt->session_root = strdup(cfg->rootfs)) == NULL) {
                return error_set(err, "copy container configuration");
        }
        if ((rootfd = open(cnt->lookup_root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return error_set(err, "open container root `%s`", cnt->lookup_root);
        snprintf(proc, sizeof(proc), "/proc/%d", (int)cfg->pid);
        if (stat((cnt->flags & OPT_SUPERVISED) ? proc : cnt->lookup_root, &st) < 0)
                return error_set(err, "stat `%s`", proc);
        cnt->uid = st.st_uid;
        cnt->gid = st.st_gid;
        return default_dirs(err, cnt, cfg, rootfd);
}

static int find_cgroup(struct error *err, struct nvc_container *cnt)
{
        if (cnt->flags & OPT_NO_CGROUPS)
                return 0;
        return cgroup_find(err, "/proc", cnt->cfg.pid, &cnt->cg_ops, &cnt->dev_cg);
}

static void log_container(const struct nvc_container *cnt)
{
        log_info("setting pid to %d", (int)cnt->cfg.pid);
        log_info("setting rootfs to %s", cnt->cfg.rootfs);
        log_info("setting owner to %u:%u", (unsigned)cnt->uid, (unsigned)cnt->gid);
        log_info("setting bins directory to %s", cnt->cfg.bins_dir);
        log_info("setting libs directory to %s", cnt->cfg.libs_dir);
        log_info("setting libs32 directory to %s", cnt->cfg.libs32_dir);
        log_info("setting cudart directory to %s", cnt->cfg.cudart_dir);
        log_info("setting ldconfig to %s%s", cnt->cfg.ldconfig, cnt->cfg.ldconfig[0] == '@' ? " (host relative)" : "");
        if (cnt->mnt_ns != NULL)
                log_info("setting mount namespace to %s", cnt->mnt_ns);
        if (cnt->dev_cg != NULL)
                log_info("setting devices cgroup to %s (%s)", cnt->dev_cg, cnt->cg_ops->name);
}

struct nvc_container *nvc_container_new(struct nvc_context *ctx, const struct nvc_container_config *cfg,
                                        const char *opts)
{
        struct nvc_container *cnt;
        int32_t flags;

        if (ctx == NULL || ctx_check_init(ctx) < 0)
                return NULL;
        if (cfg == NULL || cfg->pid <= 0 || cfg->rootfs == NULL || cfg->rootfs[0] != '/') {
                error_setx(&ctx->err, "invalid argument");
                return NULL;
        }
        if (opts == NULL)
                opts = DEFAULT_CONTAINER_OPTS;
        if (options_parse(&ctx->err, opts, container_opts, container_opts_count, &flags) < 0)
                return NULL;
        if (!(flags & OPT_SUPERVISED) == !(flags & OPT_STANDALONE)) {
                error_setx(&ctx->err, "invalid mode of operation");
                return NULL;
        }
        log_info("configuring container with '%s'", opts);
        if ((cnt = calloc(1, sizeof(*cnt))) == NULL) {
                error_set(&ctx->err, "allocate container");
                return NULL;
        }
        /* Mount mode is libnvidia-container's behaviour when none is named. */
        if (!(flags & (OPT_CUDA_COMPAT_MOUNT | OPT_CUDA_COMPAT_LDCONFIG | OPT_CUDA_COMPAT_DISABLED)))
                flags |= OPT_CUDA_COMPAT_MOUNT;
        cnt->flags = flags;
        if ((cnt->history = calloc(1, sizeof(*cnt->history))) == NULL) {
                error_set(&ctx->err, "allocate container");
                nvc_container_free(cnt);
                return NULL;
        }
        if (find_paths(&ctx->err, cnt, cfg) < 0 || find_cgroup(&ctx->err, cnt) < 0 ||
            compat_find(&ctx->err, cnt) < 0) {
                nvc_container_free(cnt);
                return NULL;
        }
        log_container(cnt);
        return cnt;
}
