/* Driver file discovery (driver_info.c) on fake driver roots, the path
 * helpers it stands on (path.c), and load-kmods' refusal to touch a driver
 * root (kmods.c). The driver process is not needed: the lookups take the
 * driver version as given. Fake roots need root (device nodes, ldconfig -r);
 * those tests return early otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libnvc/driver_info.h"
#include "libnvc/kmods.h"
#include "libnvc/options.h"
#include "libnvc/path.h"
#include "setup/setup.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static char tmp[64];

static void make_tmp(void)
{
        strcpy(tmp, "/tmp/check-driver-info.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(tmp));
        ck_assert_int_eq(chmod(tmp, 0755), 0);
}

static void remove_tmp(void)
{
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        ck_assert_int_eq(system(cmd), 0);
}

static const char *at(const char *rel)
{
        static char path[2][PATH_MAX];
        static int which;

        which ^= 1;
        snprintf(path[which], sizeof(path[which]), "%s/%s", tmp, rel);
        return path[which];
}

static void write_file(const char *rel, const char *content)
{
        FILE *f = fopen(at(rel), "we");

        ck_assert_msg(f != NULL, "%s: %s", at(rel), strerror(errno));
        fputs(content, f);
        fclose(f);
}

static void mkdirs(const char *rel)
{
        char cmd[PATH_MAX + 32];

        snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", at(rel));
        ck_assert_int_eq(system(cmd), 0);
}

/* --- path.c ---------------------------------------------------------------- */

static void make_tree(void)
{
        make_tmp();
        mkdirs("etc");
        mkdirs("dir");
        mkdirs("usr/lib");
        write_file("etc/target", "inside");
        write_file("usr/lib/x.so", "");
        ck_assert_int_eq(symlink("/etc/target", at("abs")), 0);
        ck_assert_int_eq(symlink("../../../../etc/target", at("up")), 0);
        ck_assert_int_eq(symlink("../etc/target", at("dir/rel")), 0);
        ck_assert_int_eq(symlink("loop2", at("loop1")), 0);
        ck_assert_int_eq(symlink("loop1", at("loop2")), 0);
        ck_assert_int_eq(symlink("/", at("escape")), 0);
        ck_assert_int_eq(symlink("usr/lib", at("lib")), 0);
        ck_assert_int_eq(symlink("/nonexistent/file", at("dangling")), 0);
}

static const struct {
        const char *in, *out;
} resolved[] = {
        {"/abs", "/etc/target"},
        {"/up", "/etc/target"},
        {"/dir/rel", "/etc/target"},
        {"/dir/../etc/./target", "/etc/target"},
        {"etc//target/", "/etc/target"},
        {"../../..", "/"},
        {"/escape/../../etc/target", "/etc/target"},
        {"/", "/"},
        {"", "/"},
        {"/lib/x.so", "/usr/lib/x.so"},
        {"/usr/lib/x.so", "/usr/lib/x.so"},
        {"//usr//lib//x.so", "/usr/lib/x.so"},
        {"usr/lib", "/usr/lib"},
        {"/usr/lib/../lib/x.so", "/usr/lib/x.so"},
        {"/../../usr/./lib/x.so", "/usr/lib/x.so"},
        {"/lib/../etc/target", "/usr/etc/target"},
        {"/missing/a/../b", "/missing/b"},
        {"/missing/../../..", "/"},
        {"/dangling", "/nonexistent/file"},
        {"/dangling/../x", "/nonexistent/x"},
};

START_TEST(resolve_stays_inside)
{
        char buf[PATH_MAX];
        struct error err = {0};

        ck_assert_msg(path_resolve(&err, buf, sizeof(buf), tmp, resolved[_i].in) == 0, "%s", error_msg(&err));
        ck_assert_str_eq(buf, resolved[_i].out);
}
END_TEST

START_TEST(resolve_errors)
{
        char buf[PATH_MAX];
        struct error err = {0};

        ck_assert_int_eq(path_resolve(&err, buf, sizeof(buf), tmp, "/loop1"), -1);
        ck_assert_str_eq(error_msg(&err), "resolve `/loop1`: Too many levels of symbolic links");
        ck_assert_int_eq(path_resolve(&err, buf, sizeof(buf), tmp, "/etc/target/x"), -1);
        ck_assert_str_eq(error_msg(&err), "resolve `/etc/target/x`: Not a directory");
        ck_assert_int_eq(path_resolve(&err, buf, 4, tmp, "/abs"), -1);
        ck_assert_str_eq(error_msg(&err), "resolve `/abs`: File name too long");
        ck_assert_int_eq(path_resolve(&err, buf, sizeof(buf), "/nonexistent-root", "/x"), -1);
        ck_assert_str_eq(error_msg(&err), "open `/nonexistent-root`: No such file or directory");
        error_reset(&err);
}
END_TEST

/* Opening through symlinks reaches the root's files, never the host's. */
START_TEST(open_and_exists_inside)
{
        const char *paths[] = {"/abs", "/up", "/escape/etc/target", "dir/rel"};
        struct error err = {0};
        char buf[16];
        int root = path_open_root(&err, tmp), fd;

        ck_assert_int_ge(root, 0);
        for (size_t i = 0; i < N(paths); i++) {
                ck_assert_int_ge(fd = path_open_at(&err, root, paths[i], O_RDONLY, 0), 0);
                ck_assert_int_eq(read(fd, buf, sizeof(buf)), 6);
                ck_assert_int_eq(memcmp(buf, "inside", 6), 0);
                close(fd);
        }
        ck_assert_int_eq(path_open_at(&err, root, "/dangling", O_RDONLY, 0), -1);
        ck_assert_str_eq(error_msg(&err), "open `/dangling`: No such file or directory");
        ck_assert_int_eq(path_exists_at(&err, root, "/abs"), 1);
        ck_assert_int_eq(path_exists_at(&err, root, "/dangling"), 0);
        ck_assert_int_eq(path_exists_at(&err, root, "/etc/target/x"), 0);
        ck_assert_int_eq(path_exists_at(&err, root, "/loop1"), -1);
        ck_assert_str_eq(error_msg(&err), "look up `/loop1`: Too many levels of symbolic links");
        error_reset(&err);
        close(root);
}
END_TEST

START_TEST(join)
{
        char buf[16];
        struct error err = {0};

        ck_assert_int_eq(path_join(&err, buf, sizeof(buf), "/", "/usr"), 0);
        ck_assert_str_eq(buf, "/usr");
        ck_assert_int_eq(path_join(&err, buf, sizeof(buf), "/a", "b"), 0);
        ck_assert_str_eq(buf, "/a/b");
        ck_assert_int_eq(path_join(&err, buf, sizeof(buf), "/a/", "b"), 0);
        ck_assert_str_eq(buf, "/a/b");
        ck_assert_int_eq(path_join(&err, buf, sizeof(buf), "a", ""), 0);
        ck_assert_str_eq(buf, "a");
        ck_assert_int_eq(path_join(&err, buf, sizeof(buf), "", "x"), 0);
        ck_assert_str_eq(buf, "/x");
        ck_assert_int_eq(path_join(&err, buf, sizeof(buf), "/0123456789", "abcdef"), -1);
        ck_assert_str_eq(error_msg(&err), "join `/0123456789` and `abcdef`: File name too long");
        error_reset(&err);
}
END_TEST

/* --- driver_info.c on a fake driver root ------------------------------------ */

#define VERSION "575.57.08"
#define LIB64 "/usr/lib/x86_64-linux-gnu/"
#define LIB32 "/usr/lib/i386-linux-gnu/"

/* What the fake installs, through its ld.so.cache, in libnvidia-container's
 * order. libvdpau_nvidia is in vdpau/, which the fake's ld.so.conf does not
 * list, so the cache does not know it. */
static const char *const want_libs[] = {
        "libnvidia-ml", "libnvidia-cfg", "libcuda", "libcudadebugger", "libnvidia-opencl", "libnvidia-gpucomp",
        "libnvidia-ptxjitcompiler", "libnvidia-allocator", "libnvidia-pkcs11", "libnvidia-pkcs11-openssl3",
        "libnvidia-nvvm", "libnvidia-ngx", "libnvidia-encode", "libnvidia-opticalflow", "libnvcuvid",
        "libnvidia-eglcore", "libnvidia-glcore", "libnvidia-tls", "libnvidia-glsi", "libnvidia-fbc",
        "libnvidia-rtcore", "libnvoptix", "libGLX_nvidia", "libEGL_nvidia", "libGLESv2_nvidia",
        "libGLESv1_CM_nvidia", "libnvidia-glvkspirv",
};
static const char *const want_libs32[] = {
        "libnvidia-ml", "libcuda", "libnvidia-opencl", "libnvidia-gpucomp", "libnvidia-ptxjitcompiler",
        "libnvidia-allocator", "libnvidia-nvvm", "libnvidia-encode", "libnvidia-opticalflow", "libnvcuvid",
        "libnvidia-eglcore", "libnvidia-glcore", "libnvidia-tls", "libnvidia-glsi", "libnvidia-fbc",
        "libGLX_nvidia", "libEGL_nvidia", "libGLESv2_nvidia", "libGLESv1_CM_nvidia", "libnvidia-glvkspirv",
};
static const char *const want_bins[] = {
        "/usr/bin/nvidia-smi", "/usr/bin/nvidia-debugdump", "/usr/bin/nvidia-persistenced",
        "/usr/bin/nvidia-cuda-mps-control", "/usr/bin/nvidia-cuda-mps-server",
};

static bool fake_root;

static void make_fake_root(void)
{
        const char *args[] = {"fake-nvidia-setup", "--root", NULL, "--quiet", NULL};
        struct setup_options opts;
        struct install_stats stats;
        struct error err = {0};

        make_tmp();
        fake_root = geteuid() == 0;
        if (!fake_root)
                return;
        args[2] = tmp;
        ck_assert_int_eq(setup_parse_args(4, (char **)args, &opts, &err), SETUP_PARSE_OK);
        ck_assert_msg(setup_install(&opts, &stats, &err) == 0, "%s", error_msg(&err));
        setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
        unsetenv("CUDA_MPS_PIPE_DIRECTORY");
}

static struct nvc_driver_info *lookup(int32_t flags, const char *version)
{
        struct nvc_driver_info *info = calloc(1, sizeof(*info));
        struct error err = {0};

        ck_assert_ptr_nonnull(info);
        info->nvrm_version = strdup(version);
        ck_assert_msg(driver_info_lookup(&err, info, tmp, "/etc/ld.so.cache", flags) == 0, "%s", error_msg(&err));
        return info;
}

static void lookup_fails(int32_t flags, const char *ldcache, const char *want)
{
        struct nvc_driver_info *info = calloc(1, sizeof(*info));
        struct error err = {0};

        info->nvrm_version = strdup(VERSION);
        ck_assert_int_eq(driver_info_lookup(&err, info, tmp, ldcache, flags), -1);
        ck_assert_str_eq(error_msg(&err), want);
        error_reset(&err);
        nvc_driver_info_free(info);
}

static void assert_libs(char **got, size_t n, const char *dir, const char *const *names, size_t count)
{
        char want[PATH_MAX];

        ck_assert_uint_eq(n, count);
        for (size_t i = 0; i < n; i++) {
                snprintf(want, sizeof(want), "%s%s.so.%s", dir, names[i], VERSION);
                ck_assert_str_eq(got[i], want);
        }
}

static void assert_list(char **got, size_t n, const char *const *want, size_t count)
{
        ck_assert_uint_eq(n, count);
        for (size_t i = 0; i < n; i++)
                ck_assert_str_eq(got[i], want[i]);
}

START_TEST(fake_root_files)
{
        static const char *const firmwares[] = {
                "/lib/firmware/nvidia/" VERSION "/gsp_ga10x.bin",
                "/lib/firmware/nvidia/" VERSION "/gsp_tu10x.bin",
        };
        struct nvc_driver_info *info;

        if (!fake_root)
                return; /* the fake driver needs root (mknod, ldconfig -r) */
        info = lookup(0, VERSION);
        assert_libs(info->libs, info->nlibs, LIB64, want_libs, N(want_libs));
        assert_libs(info->libs32, info->nlibs32, LIB32, want_libs32, N(want_libs32));
        assert_list(info->bins, info->nbins, want_bins, N(want_bins));
        assert_list(info->firmwares, info->nfirmwares, firmwares, N(firmwares));
        ck_assert_uint_eq(info->nipcs, 0);
        ck_assert_uint_eq(info->ndevs, 4);
        ck_assert_str_eq(info->devs[0].path, "/dev/nvidiactl");
        ck_assert_uint_eq(info->devs[0].id, makedev(195, 255));
        ck_assert_str_eq(info->devs[1].path, "/dev/nvidia-uvm");
        ck_assert_uint_eq(info->devs[1].id, makedev(FAKE_UVM_MAJOR, 0));
        ck_assert_str_eq(info->devs[2].path, "/dev/nvidia-uvm-tools");
        ck_assert_uint_eq(info->devs[2].id, makedev(FAKE_UVM_MAJOR, 1));
        ck_assert_str_eq(info->devs[3].path, "/dev/nvidia-modeset");
        ck_assert_uint_eq(info->devs[3].id, makedev(195, 254));
        nvc_driver_info_free(info);
}
END_TEST

START_TEST(driver_options)
{
        struct nvc_driver_info *info;

        if (!fake_root)
                return; /* the fake driver needs root (mknod, ldconfig -r) */
        info = lookup(OPT_NO_UVM | OPT_NO_GSP_FIRMWARE | OPT_NO_MPS, VERSION);
        ck_assert_uint_eq(info->ndevs, 2);
        ck_assert_str_eq(info->devs[1].path, "/dev/nvidia-modeset");
        ck_assert_uint_eq(info->nfirmwares, 0);
        assert_list(info->bins, info->nbins, want_bins, 3);
        nvc_driver_info_free(info);
        info = lookup(OPT_NO_MODESET | OPT_NO_GLVND, VERSION);
        ck_assert_uint_eq(info->ndevs, 3);
        ck_assert_str_eq(info->devs[2].path, "/dev/nvidia-uvm-tools");
        /* The fake has no legacy libGL: the GLVND vendor libraries go. */
        assert_libs(info->libs, info->nlibs, LIB64, want_libs, N(want_libs) - 5);
        nvc_driver_info_free(info);
}
END_TEST

/* Only files of the driver's version are selected. */
START_TEST(other_version)
{
        struct nvc_driver_info *info;

        if (!fake_root)
                return; /* the fake driver needs root (mknod, ldconfig -r) */
        info = lookup(0, "575.57.09");
        ck_assert_uint_eq(info->nlibs, 0);
        ck_assert_uint_eq(info->nlibs32, 0);
        ck_assert_uint_eq(info->nbins, N(want_bins));
        ck_assert_uint_eq(info->nfirmwares, 0);
        nvc_driver_info_free(info);
}
END_TEST

START_TEST(ipcs)
{
        struct nvc_driver_info *info;

        if (!fake_root)
                return; /* the fake driver needs root (mknod, ldconfig -r) */
        mkdirs("run/nvidia-persistenced");
        mkdirs("var");
        ck_assert_int_eq(symlink("../run", at("var/run")), 0);
        write_file("run/nvidia-persistenced/socket", "");
        mkdirs("var/run/nvidia-fabricmanager");
        write_file("var/run/nvidia-fabricmanager/socket", "");
        mkdirs("tmp/nvidia-mps");
        mkdirs("custom/mps");
        info = lookup(0, VERSION);
        ck_assert_uint_eq(info->nipcs, 3);
        /* Listed as resolved inside the root, as upstream. */
        ck_assert_str_eq(info->ipcs[0], "/run/nvidia-persistenced/socket");
        ck_assert_str_eq(info->ipcs[1], "/run/nvidia-fabricmanager/socket");
        ck_assert_str_eq(info->ipcs[2], "/tmp/nvidia-mps");
        nvc_driver_info_free(info);
        setenv("CUDA_MPS_PIPE_DIRECTORY", "/custom/mps", 1);
        info = lookup(OPT_NO_PERSISTENCED, VERSION);
        ck_assert_uint_eq(info->nipcs, 2);
        ck_assert_str_eq(info->ipcs[1], "/custom/mps");
        nvc_driver_info_free(info);
        info = lookup(OPT_NO_FABRICMANAGER | OPT_NO_MPS, VERSION);
        ck_assert_uint_eq(info->nipcs, 1);
        nvc_driver_info_free(info);
        unsetenv("CUDA_MPS_PIPE_DIRECTORY");
}
END_TEST

/* Copies a payload stub to a root lib dir with its SONAME and the SONAME
 * link, as an installer would. */
static void install_stub(const char *stub, const char *dir, const char *file, const char *soname)
{
        char payload[PATH_MAX], src[PATH_MAX + 32], dst[256], link[256];
        struct error err = {0};

        ck_assert_int_eq(payload_dir(payload, sizeof(payload), &err), 0);
        snprintf(src, sizeof(src), "%s/lib64/%s", payload, stub);
        snprintf(dst, sizeof(dst), "%s%s", dir, file);
        snprintf(link, sizeof(link), "%s%s", dir, soname);
        unlink(at(dst));
        ck_assert_msg(stamp_library(src, at(dst), soname, NULL, &err) == 0, "%s", error_msg(&err));
        if (strcmp(file, soname) != 0) {
                unlink(at(link));
                ck_assert_int_eq(symlink(file, at(link)), 0);
        }
}

/* A library linked against the fake's libnvidia-glcore, as NVIDIA's libGL
 * is: made with the compiler that built the tests (false when there is
 * none). */
static bool link_against_glcore(const char *file, const char *soname)
{
        char cmd[PATH_MAX + 256];

        snprintf(cmd, sizeof(cmd),
                 "cc -shared -nostdlib -x c /dev/null -o '%s' -Wl,-soname,%s -Wl,--no-as-needed "
                 "-L'%s' -l:libnvidia-glcore.so." VERSION " 2>/dev/null",
                 at(file), soname, at("usr/lib/x86_64-linux-gnu"));
        return system(cmd) == 0;
}

static void refresh_cache(void)
{
        struct error err = {0};

        ck_assert_msg(ldcache_refresh(tmp, false, &err) == 0, "%s", error_msg(&err));
}

/* The legacy GL names are selected only when they are NVIDIA's (linked to
 * its GL or EGL core); the TLS library only with the new TLS ABI note. */
START_TEST(elf_checks_decide)
{
        struct nvc_driver_info *info;

        if (!fake_root)
                return; /* the fake driver needs root (mknod, ldconfig -r) */
        if (!link_against_glcore("usr/lib/x86_64-linux-gnu/libGL.so." VERSION, "libGL.so.1"))
                return; /* no compiler to make an NVIDIA-like libGL with */
        ck_assert_int_eq(symlink("libGL.so." VERSION, at("usr/lib/x86_64-linux-gnu/libGL.so.1")), 0);
        install_stub("libstub.so", LIB64, "libEGL.so." VERSION, "libEGL.so.1");
        install_stub("libstub.so", LIB64, "libnvidia-tls.so." VERSION, "libnvidia-tls.so." VERSION);
        refresh_cache();
        info = lookup(OPT_NO_GLVND, VERSION);
        ck_assert_uint_eq(info->nlibs, N(want_libs) - 5 - 1 + 1);
        ck_assert_str_eq(info->libs[info->nlibs - 1], LIB64 "libGL.so." VERSION);
        for (size_t i = 0; i < info->nlibs; i++)
                ck_assert_ptr_null(strstr(info->libs[i], "libnvidia-tls"));
        nvc_driver_info_free(info);
}
END_TEST

/* A library that is not ELF (or not readable as one) is skipped, not fatal. */
START_TEST(broken_library_is_skipped)
{
        struct nvc_driver_info *info;

        if (!fake_root)
                return; /* the fake driver needs root (mknod, ldconfig -r) */
        unlink(at("usr/lib/x86_64-linux-gnu/libnvidia-cfg.so." VERSION));
        write_file("usr/lib/x86_64-linux-gnu/libnvidia-cfg.so." VERSION, "not a library");
        info = lookup(0, VERSION);
        ck_assert_uint_eq(info->nlibs, N(want_libs) - 1);
        ck_assert_str_eq(info->libs[1], LIB64 "libcuda.so." VERSION);
        nvc_driver_info_free(info);
}
END_TEST

START_TEST(bad_environments)
{
        char want[PATH_MAX + 128];

        if (!fake_root)
                return; /* the fake driver needs root (mknod, ldconfig -r) */
        snprintf(want, sizeof(want), "open `%s/etc/other.cache`: No such file or directory", tmp);
        lookup_fails(0, "/etc/other.cache", want);
        write_file("etc/ld.so.cache", "garbage");
        snprintf(want, sizeof(want), "parse `%s/etc/ld.so.cache`: not a glibc linker cache", tmp);
        lookup_fails(0, "/etc/ld.so.cache", want);
        refresh_cache();
        unsetenv("PATH");
        lookup_fails(0, "/etc/ld.so.cache", "environment variable PATH not found");
        setenv("PATH", "/usr/bin", 1);
}
END_TEST

START_TEST(missing_root)
{
        struct nvc_driver_info info = {.nvrm_version = (char *)VERSION};
        struct error err = {0};

        ck_assert_int_eq(driver_info_lookup(&err, &info, "/nonexistent-root", "/etc/ld.so.cache", 0), -1);
        ck_assert_str_eq(error_msg(&err), "open `/nonexistent-root`: No such file or directory");
        error_reset(&err);
}
END_TEST

/* As an unprivileged user, what the files allow is found: the fake's files
 * are world-readable. */
START_TEST(unprivileged_lookup)
{
        pid_t pid;
        int status;

        if (!fake_root)
                return; /* the fake driver needs root (mknod, ldconfig -r) */
        if ((pid = fork()) == 0) {
                struct nvc_driver_info *info = calloc(1, sizeof(*info));
                struct error err = {0};

                info->nvrm_version = strdup(VERSION);
                if (setgid(65534) < 0 || setuid(65534) < 0 ||
                    driver_info_lookup(&err, info, tmp, "/etc/ld.so.cache", 0) < 0)
                        _exit(1);
                _exit(info->nlibs == N(want_libs) && info->ndevs == 4 && info->nbins == N(want_bins) ? 0 : 2);
        }
        ck_assert_int_gt(pid, 0);
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

START_TEST(public_entry_checks_the_context)
{
        struct nvc_context *ctx = nvc_context_new();

        ck_assert_ptr_null(nvc_driver_info_new(NULL, NULL));
        ck_assert_ptr_null(nvc_driver_info_new(ctx, "no-uvm"));
        ck_assert_str_eq(nvc_error(ctx), "context uninitialized");
        nvc_driver_info_free(NULL);
        nvc_context_free(ctx);
}
END_TEST

/* load-kmods never touches a driver root that is not "/". */
START_TEST(kmods_leave_driver_roots_alone)
{
        struct error err = {0};
        struct stat before, after;

        mkdirs("dev");
        ck_assert_int_eq(stat(at("dev"), &before), 0);
        ck_assert_int_eq(kmods_load(&err, tmp), 0);
        ck_assert_int_eq(stat(at("dev"), &after), 0);
        ck_assert_uint_eq(before.st_nlink, after.st_nlink);
        ck_assert_int_eq(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
        ck_assert_int_eq(kmods_load(&err, "/nonexistent-root"), -1);
        ck_assert_str_eq(error_msg(&err), "stat `/nonexistent-root`: No such file or directory");
        error_reset(&err);
}
END_TEST

Suite *driver_info_suite(void)
{
        Suite *s = suite_create("driver_info");
        TCase *path = tcase_create("path");
        TCase *fake = tcase_create("fake_root");
        TCase *misc = tcase_create("misc");

        tcase_add_checked_fixture(path, make_tree, remove_tmp);
        tcase_add_loop_test(path, resolve_stays_inside, 0, (int)N(resolved));
        tcase_add_test(path, resolve_errors);
        tcase_add_test(path, open_and_exists_inside);
        tcase_add_test(path, join);
        suite_add_tcase(s, path);

        tcase_add_checked_fixture(fake, make_fake_root, remove_tmp);
        tcase_add_test(fake, fake_root_files);
        tcase_add_test(fake, driver_options);
        tcase_add_test(fake, other_version);
        tcase_add_test(fake, ipcs);
        tcase_add_test(fake, elf_checks_decide);
        tcase_add_test(fake, broken_library_is_skipped);
        tcase_add_test(fake, bad_environments);
        tcase_add_test(fake, unprivileged_lookup);
        tcase_set_timeout(fake, 60);
        suite_add_tcase(s, fake);

        tcase_add_checked_fixture(misc, make_tmp, remove_tmp);
        tcase_add_test(misc, missing_root);
        tcase_add_test(misc, public_entry_checks_the_context);
        tcase_add_test(misc, kmods_leave_driver_roots_alone);
        suite_add_tcase(s, misc);
        return s;
}
