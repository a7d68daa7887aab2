/* The CDI hooks' pure parts (--link parsing, the compat rule, the params
 * rewrite, the files they write) and the files they write into a scratch
 * container root, whose symlinks must not lead out of it. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctk/hook_internal.h"
#include "scratch.h"
#include "unit.h"

static void expect_link(const char *spec, const char *target, const char *link)
{
        struct error err = {0};
        char *t, *l;

        ck_assert_msg(ctk_link_parse(&err, spec, &t, &l) == 0, "%s: %s", spec, error_msg(&err));
        ck_assert_str_eq(t, target);
        ck_assert_str_eq(l, link);
        free(t);
        free(l);
}

static void expect_bad_link(const char *spec)
{
        struct error err = {0};
        char *t, *l;

        ck_assert_msg(ctk_link_parse(&err, spec, &t, &l) < 0, "%s accepted", spec);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "invalid symlink specification"));
        ck_assert_ptr_null(t);
        ck_assert_ptr_null(l);
        error_reset(&err);
}

START_TEST(link_parse)
{
        expect_link("libcuda.so.1::/usr/lib/x86_64-linux-gnu/libcuda.so", "libcuda.so.1",
                    "/usr/lib/x86_64-linux-gnu/libcuda.so");
        expect_link("../libnvidia-allocator.so.1::/usr/lib/x86_64-linux-gnu/gbm/nvidia-drm_gbm.so",
                    "../libnvidia-allocator.so.1", "/usr/lib/x86_64-linux-gnu/gbm/nvidia-drm_gbm.so");
        expect_link("/abs/target::/l", "/abs/target", "/l");
        expect_bad_link("libcuda.so.1");
        expect_bad_link("libcuda.so.1:/usr/lib/libcuda.so");
        expect_bad_link("::/usr/lib/libcuda.so");
        expect_bad_link("libcuda.so.1::");
        expect_bad_link("libcuda.so.1::usr/lib/libcuda.so");
        expect_bad_link("a::/b::/c");
}
END_TEST

static bool newer(const char *compat, const char *driver)
{
        struct error err = {0};
        bool v = false;

        ck_assert_msg(ctk_compat_newer(&err, compat, driver, &v) == 0, "%s vs %s: %s", compat, driver,
                      error_msg(&err));
        return v;
}

START_TEST(compat_rule)
{
        struct error err = {0};
        bool v;

        ck_assert(newer("580.65.06", "575.57.08"));
        ck_assert(newer("580", "575.57.08"));
        /* Only majors count: a newer minor of the same branch is not used. */
        ck_assert(!newer("575.99.01", "575.57.08"));
        ck_assert(!newer("570.1.2", "575.57.08"));
        /* Numbers, not strings: "1000" > "999". */
        ck_assert(newer("1000.1", "999.9"));
        ck_assert(!newer("99.1", "575"));
        ck_assert_int_eq(ctk_compat_newer(&err, "x.1", "575.57.08", &v), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "\"x.1\""));
        error_reset(&err);
        ck_assert_int_eq(ctk_compat_newer(&err, "580.1", "", &v), -1);
        error_reset(&err);
        ck_assert_int_eq(ctk_compat_newer(&err, "580a.1", "575", &v), -1);
        error_reset(&err);
}
END_TEST

static char *rewrite(const char *text)
{
        char *out = NULL;
        size_t len = 99;

        ck_assert_int_eq(ctk_params_rewrite(text, strlen(text), &out, &len), 0);
        if (out != NULL)
                ck_assert_uint_eq(len, strlen(out));
        return out;
}

START_TEST(params_rewrite)
{
        static const char params[] = "ResmanDebugLevel: 4294967295\nModifyDeviceFiles: 1\nDeviceFileUID: 0\n"
                                     "DeviceFileGID: 0\nDeviceFileMode: 438\n\nRegistryDwords: \"\"\n";
        char *out = rewrite(params);

        ck_assert_str_eq(out, "ResmanDebugLevel: 4294967295\nModifyDeviceFiles: 0\nDeviceFileUID: 0\n"
                              "DeviceFileGID: 0\nDeviceFileMode: 438\n\nRegistryDwords: \"\"\n");
        free(out);
        /* The last line gets its newline. */
        out = rewrite("A: 1\nModifyDeviceFiles: 1");
        ck_assert_str_eq(out, "A: 1\nModifyDeviceFiles: 0\n");
        free(out);
        ck_assert_ptr_null(rewrite("A: 1\nModifyDeviceFiles: 0\n"));
        ck_assert_ptr_null(rewrite("A: 1\nB: 2\n"));
        ck_assert_ptr_null(rewrite("ModifyDeviceFiles: 2\n"));
        ck_assert_ptr_null(rewrite("ModifyDeviceFiles: 10\n"));
        ck_assert_ptr_null(rewrite(""));
}
END_TEST

START_TEST(ldsoconf_content)
{
        const char *dirs[] = {"/usr/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu/vdpau",
                              "/usr/lib/x86_64-linux-gnu"};
        char *text = ctk_ldsoconf_content(dirs, 3);

        ck_assert_str_eq(text, "/usr/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu/vdpau\n");
        free(text);
        text = ctk_ldsoconf_content(dirs, 0);
        ck_assert_str_eq(text, "");
        free(text);
}
END_TEST

START_TEST(profile_content)
{
        char *text = ctk_profile_content(0x5);

        ck_assert_str_eq(text, "{\"profiles\":[{\"name\":\"_container_\",\"settings\":"
                               "[\"EGLVisibleDGPUDevices\",0x5]}],"
                               "\"rules\":[{\"pattern\":[],\"profile\":\"_container_\"}]}");
        free(text);
        text = ctk_profile_content(UINT64_C(1) << 63);
        ck_assert_ptr_nonnull(strstr(text, ",0x8000000000000000]"));
        free(text);
}
END_TEST

/* --- files in a scratch root ------------------------------------------------ */

static void put(const char *rel, const char *text)
{
        FILE *f = fopen(scratch_path(rel), "w");

        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fclose(f);
}

static void mkdir_p(const char *rel)
{
        char cmd[PATH_MAX + 16];

        snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", scratch_path(rel));
        ck_assert_int_eq(system(cmd), 0);
}

/* bundle/config.json with root "rootfs", bundle/rootfs, host/ beside it. */
static void make_bundle(void)
{
        char state[PATH_MAX + 128];

        scratch_make("cdi-hook");
        mkdir_p("bundle/rootfs/etc");
        mkdir_p("host");
        put("bundle/config.json", "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}}");
        snprintf(state, sizeof(state), "{\"ociVersion\":\"1.0.2\",\"id\":\"c\",\"status\":\"creating\",\"pid\":1,"
                 "\"bundle\":\"%s/bundle\"}", scratch_dir());
        put("state.json", state);
}

static void open_container(struct ctk_container *c)
{
        struct error err = {0};
        char want[PATH_MAX];

        snprintf(want, sizeof(want), "%s/bundle/rootfs", scratch_dir());
        ck_assert_msg(ctk_container_open(&err, scratch_path("state.json"), c) == 0, "%s", error_msg(&err));
        ck_assert_str_eq(c->root, want);
        ck_assert_int_ge(c->fd, 0);
}

START_TEST(container_from_state_or_spec)
{
        struct ctk_container c;
        struct error err = {0};

        make_bundle();
        open_container(&c);
        ctk_container_close(&c);
        ck_assert_int_eq(ctk_container_open(&err, scratch_path("bundle/config.json"), &c), 0);
        ck_assert_ptr_nonnull(strstr(c.root, "/bundle/rootfs"));
        ctk_container_close(&c);
        put("state.json", "{\"ociVersion\":\"1.0.2\",\"id\":\"c\",\"status\":\"creating\",\"pid\":-1}");
        ck_assert_int_eq(ctk_container_open(&err, scratch_path("state.json"), &c), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "container state: pid"));
        error_reset(&err);
        scratch_remove();
}
END_TEST

/* The single file of a directory (NULL when empty), read whole. */
static char *only_file(const char *rel, char *name, size_t size)
{
        char cmd[PATH_MAX + 64], *text = NULL;
        size_t len = 0;
        FILE *p;

        snprintf(cmd, sizeof(cmd), "ls -A '%s'", scratch_path(rel));
        ck_assert_ptr_nonnull(p = popen(cmd, "r"));
        if (fgets(name, (int)size, p) != NULL)
                name[strcspn(name, "\n")] = '\0';
        else
                name[0] = '\0';
        ck_assert_ptr_null(fgets(cmd, sizeof(cmd), p));
        pclose(p);
        if (name[0] == '\0')
                return NULL;
        snprintf(cmd, sizeof(cmd), "%s/%s", rel, name);
        p = fopen(scratch_path(cmd), "r");
        ck_assert_ptr_nonnull(p);
        ck_assert_int_ne(getdelim(&text, &len, '\0', p), -1);
        fclose(p);
        return text;
}

START_TEST(ldsoconf_write)
{
        const char *dirs[] = {"/usr/local/cuda/compat"};
        struct ctk_container c;
        struct error err = {0};
        char name[NAME_MAX + 2], *text;
        struct stat st;

        make_bundle();
        open_container(&c);
        ck_assert_msg(ctk_ldsoconf_write(&err, &c, "00-compat-", dirs, 1) == 0, "%s", error_msg(&err));
        text = only_file("bundle/rootfs/etc/ld.so.conf.d", name, sizeof(name));
        ck_assert_str_eq(text, "/usr/local/cuda/compat\n");
        ck_assert_uint_eq(strlen(name), strlen("00-compat-XXXXXX.conf"));
        ck_assert_int_eq(strncmp(name, "00-compat-", 10), 0);
        ck_assert_str_eq(name + strlen(name) - 5, ".conf");
        free(text);
        ck_assert_int_eq(stat(scratch_path("bundle/rootfs/etc/ld.so.conf.d"), &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0755);
        ctk_container_close(&c);
        scratch_remove();
}
END_TEST

/* /etc/ld.so.conf.d of the image leads to a host directory: absolutely
 * (resolved inside the root, where it is missing: an error) or relatively
 * (clamped at the root). The host directory stays empty. */
START_TEST(ldsoconf_symlink_stays_inside)
{
        const char *dirs[] = {"/usr/lib"};
        char host[PATH_MAX], name[NAME_MAX + 2], *text;
        struct ctk_container c;
        struct error err = {0};

        make_bundle();
        snprintf(host, sizeof(host), "%s", scratch_path("host"));
        ck_assert_int_eq(symlink(host, scratch_path("bundle/rootfs/etc/ld.so.conf.d")), 0);
        open_container(&c);
        ck_assert_int_eq(ctk_ldsoconf_write(&err, &c, "00-nvcr-", dirs, 1), -1);
        error_reset(&err);
        ck_assert_ptr_null(only_file("host", name, sizeof(name)));
        ck_assert_int_eq(unlink(scratch_path("bundle/rootfs/etc/ld.so.conf.d")), 0);
        ck_assert_int_eq(symlink("../../../../../../../../host", scratch_path("bundle/rootfs/etc/ld.so.conf.d")), 0);
        mkdir_p("bundle/rootfs/host");
        ck_assert_msg(ctk_ldsoconf_write(&err, &c, "00-nvcr-", dirs, 1) == 0, "%s", error_msg(&err));
        ck_assert_ptr_null(only_file("host", name, sizeof(name)));
        text = only_file("bundle/rootfs/host", name, sizeof(name));
        ck_assert_str_eq(text, "/usr/lib\n");
        free(text);
        ctk_container_close(&c);
        scratch_remove();
}
END_TEST

/* A replacing write goes over a symlink, never through it. */
START_TEST(write_replaces_symlink)
{
        struct ctk_container c;
        struct error err = {0};
        cleanup_close int dirfd = -1;
        char name[NAME_MAX + 2], victim[PATH_MAX], *text;
        struct stat st;

        make_bundle();
        put("host/victim", "host\n");
        snprintf(victim, sizeof(victim), "%s", scratch_path("host/victim"));
        ck_assert_int_eq(symlink(victim, scratch_path("bundle/rootfs/etc/f")), 0);
        open_container(&c);
        dirfd = open(scratch_path("bundle/rootfs/etc"), O_PATH | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_eq(ctk_write_at(&err, &c, dirfd, "f", "new\n", 4, 0444, false), -1);
        error_reset(&err);
        ck_assert_msg(ctk_write_at(&err, &c, dirfd, "f", "new\n", 4, 0444, true) == 0, "%s", error_msg(&err));
        ck_assert_int_eq(lstat(scratch_path("bundle/rootfs/etc/f"), &st), 0);
        ck_assert(S_ISREG(st.st_mode));
        ck_assert_uint_eq(st.st_mode & 07777, 0444);
        text = only_file("host", name, sizeof(name));
        ck_assert_str_eq(text, "host\n");
        free(text);
        ctk_container_close(&c);
        scratch_remove();
}
END_TEST

Suite *cdi_hook_suite(void)
{
        Suite *s = suite_create("cdi_hook");
        TCase *pure = tcase_create("pure"), *files = tcase_create("files");

        tcase_add_test(pure, link_parse);
        tcase_add_test(pure, compat_rule);
        tcase_add_test(pure, params_rewrite);
        tcase_add_test(pure, ldsoconf_content);
        tcase_add_test(pure, profile_content);
        tcase_add_test(files, container_from_state_or_spec);
        tcase_add_test(files, ldsoconf_write);
        tcase_add_test(files, ldsoconf_symlink_stays_inside);
        tcase_add_test(files, write_replaces_symlink);
        suite_add_tcase(s, pure);
        suite_add_tcase(s, files);
        return s;
}
