/* The driver's userspace files: libraries (64-bit and compat32) with their
 * SONAME links, X modules, binaries, firmware, config files, and the root's
 * ld.so.cache. */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "setup.h"

static const char *payload_name(enum lib_kind kind)
{
        switch (kind) {
        case LIB_NVML: return "libnvidia-ml.so";
        case LIB_CUDA: return "libcuda.so";
        case LIB_TLS: return "libstub-tls.so";
        default: return "libstub.so";
        }
}

static int install_lib(struct installer *in, const struct driver_lib *l, const char *libdir, const char *arch,
                       const struct fake_inventory *inv, const char *payload, struct error *err)
{
        char src[PATH_MAX], file[NAME_MAX], soname[NAME_MAX], rel[PATH_MAX];
        const char *ver = l->file_version != NULL ? l->file_version : inv->driver_version;
        bool stamped = l->kind == LIB_NVML || l->kind == LIB_CUDA;

        snprintf(src, sizeof(src), "%s/%s/%s", payload, arch, payload_name(l->kind));
        snprintf(file, sizeof(file), "%s.%s", l->name, ver);
        if (l->soname == SONAME_VERSIONED)
                snprintf(soname, sizeof(soname), "%s", file);
        else
                snprintf(soname, sizeof(soname), "%s%s", l->name, l->soname_suffix);
        snprintf(rel, sizeof(rel), "%s/%s%s", libdir, l->subdir, file);
        if (inst_copy_lib(in, src, rel, soname, stamped ? inv : NULL, err) < 0)
                return -1;
        if (strcmp(soname, file) != 0) {
                snprintf(rel, sizeof(rel), "%s/%s%s", libdir, l->subdir, soname);
                if (inst_symlink(in, file, rel, err) < 0)
                        return -1;
        }
        if (l->dev_link) {
                snprintf(rel, sizeof(rel), "%s/%s%s", libdir, l->subdir, l->name);
                if (inst_symlink(in, soname, rel, err) < 0)
                        return -1;
        }
        return 0;
}

static int install_libs(struct installer *in, const struct fake_inventory *inv, const char *payload,
                        struct error *err)
{
        for (size_t i = 0; i < driver_libs_count; i++) {
                const struct driver_lib *l = &driver_libs[i];

                if (install_lib(in, l, LIBDIR64, "lib64", inv, payload, err) < 0)
                        return -1;
                if (l->compat32 && install_lib(in, l, LIBDIR32, "lib32", inv, payload, err) < 0)
                        return -1;
        }
        return 0;
}

static int install_modules(struct installer *in, const struct fake_inventory *inv, const char *payload,
                           struct error *err)
{
        char src[PATH_MAX], rel[PATH_MAX], name[NAME_MAX];

        snprintf(src, sizeof(src), "%s/lib64/libstub.so", payload);
        for (size_t i = 0; i < driver_modules_count; i++) {
                const struct driver_module *m = &driver_modules[i];

                if (m->versioned)
                        snprintf(name, sizeof(name), "%s.%s", m->name, inv->driver_version);
                else
                        snprintf(name, sizeof(name), "%s", m->name);
                snprintf(rel, sizeof(rel), "%s/%s", m->dir, name);
                if (inst_copy_lib(in, src, rel, name, NULL, err) < 0)
                        return -1;
        }
        return 0;
}

static int install_bins(struct installer *in, const char *payload, struct error *err)
{
        char src[PATH_MAX], rel[PATH_MAX];

        for (size_t i = 0; i < driver_bins_count; i++) {
                const char *bin = strcmp(driver_bins[i], "nvidia-smi") == 0 ? "nvidia-smi" : "nvidia-tool";

                snprintf(src, sizeof(src), "%s/bin/%s", payload, bin);
                snprintf(rel, sizeof(rel), "usr/bin/%s", driver_bins[i]);
                if (inst_copy_lib(in, src, rel, NULL, NULL, err) < 0)
                        return -1;
        }
        return 0;
}

static int install_firmware(struct installer *in, const struct fake_inventory *inv, struct error *err)
{
        char rel[PATH_MAX], content[128];

        for (size_t i = 0; i < driver_firmware_count; i++) {
                snprintf(rel, sizeof(rel), "lib/firmware/nvidia/%s/%s", inv->driver_version, driver_firmware[i]);
                snprintf(content, sizeof(content), "fake GSP firmware %s for driver %s\n", driver_firmware[i],
                         inv->driver_version);
                if (inst_write(in, rel, content, 0644, err) < 0)
                        return -1;
        }
        return 0;
}

int install_driver_files(struct installer *in, const struct fake_inventory *inv, const char *payload,
                         struct error *err)
{
        if (install_libs(in, inv, payload, err) < 0 || install_modules(in, inv, payload, err) < 0 ||
            install_bins(in, payload, err) < 0 || install_firmware(in, inv, err) < 0)
                return -1;
        for (size_t i = 0; i < driver_files_count; i++)
                if (inst_write(in, driver_files[i].path, driver_files[i].content, 0644, err) < 0)
                        return -1;
        return 0;
}

/* The host's ldconfig builds the cache, as a driver installer runs it: with
 * -r for a driver root (it chroots, so the cache holds the root's own paths),
 * plainly for a system install. An empty environment: nothing of the
 * caller's reaches it. */
static int run_ldconfig(const char *root, struct error *err)
{
        char *const argv_root[] = {"ldconfig", "-r", (char *)root, NULL};
        char *const argv_sys[] = {"ldconfig", NULL};
        char *const envp[] = {NULL};
        pid_t pid;
        int status, rv;

        rv = posix_spawn(&pid, "/sbin/ldconfig", NULL, NULL, root != NULL ? argv_root : argv_sys, envp);
        if (rv != 0) {
                errno = rv;
                return error_set(err, "run `/sbin/ldconfig`");
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return error_set(err, "wait for `/sbin/ldconfig`");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return error_setx(err, "`/sbin/ldconfig%s%s` failed", root != NULL ? " -r " : "",
                                  root != NULL ? root : "");
        return 0;
}

static bool exists(const struct installer *in, const char *rel);

int ldcache_refresh(const char *root, bool system, struct error *err)
{
        struct installer in = {.root = root};

        if (system)
                return run_ldconfig(NULL, err);
        return exists(&in, "etc/ld.so.cache") ? run_ldconfig(root, err) : 0;
}

static bool exists(const struct installer *in, const char *rel)
{
        char path[PATH_MAX];
        struct error ignored = {0};

        return inst_path(in, rel, path, sizeof(path), &ignored) == 0 && access(path, F_OK) == 0;
}

/* A root that is a whole distribution keeps its own ld.so.conf (Debian's
 * includes ld.so.conf.d/ and the multiarch dirs); a bare driver root gets
 * one. The cache is recorded only when this install created it. */
int install_ldcache(struct installer *in, bool system, struct error *err)
{
        static const char dirs[] = "/usr/lib/x86_64-linux-gnu\n/usr/lib/i386-linux-gnu\n";
        char path[PATH_MAX];
        int rv;

        if (system)
                return run_ldconfig(NULL, err);
        rv = exists(in, "etc/ld.so.conf") ? inst_write(in, "etc/ld.so.conf.d/00-fake-nvidia.conf", dirs, 0644, err)
                                          : inst_write(in, "etc/ld.so.conf", dirs, 0644, err);
        if (rv < 0 || inst_mkdirs(in, "var/cache/ldconfig", err) < 0 || inst_path(in, "", path, sizeof(path), err) < 0)
                return -1;
        /* Recorded before it exists so that a failed run is cleaned up too. */
        if (!exists(in, "etc/ld.so.cache") && manifest_add(in->manifest, 'f', "etc/ld.so.cache", err) < 0)
                return -1;
        if (!exists(in, "var/cache/ldconfig/aux-cache") &&
            manifest_add(in->manifest, 'f', "var/cache/ldconfig/aux-cache", err) < 0)
                return -1;
        return run_ldconfig(path, err);
}
