/* The ld.so.cache reader (ldcache.c): caches made by the host's ldconfig,
 * and hand-made ones, valid and broken in every way we could think of. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libnvc/ldcache.h"
#include "setup/setup.h"
#include "scratch.h"
#include "unit.h"

static void make_tmp(void)
{
        scratch_make("ldcache");
}

static void remove_tmp(void)
{
        scratch_remove();
}

static void write_file(const char *name, const void *data, size_t len)
{
        FILE *f = fopen(scratch_path(name), "we");

        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(data, 1, len, f), len);
        ck_assert_int_eq(fclose(f), 0);
}

/* --- hand-made caches (glibc's dl-cache.h layouts) ------------------------ */

struct test_entry {
        int32_t flags;
        const char *key, *value;
};

#define NEW_HEADER 48
#define NEW_ENTRY 24
#define OLD_HEADER 16
#define OLD_ENTRY 12

static void put32(char *p, uint32_t v)
{
        memcpy(p, &v, sizeof(v));
}

/* Writes the new layout at buf (an 8-aligned offset of the file) with its
 * strings after the entries; returns its size. */
static size_t build_new(char *buf, const struct test_entry *e, size_t n)
{
        size_t strings = NEW_HEADER + n * NEW_ENTRY, off = strings;

        memset(buf, 0, strings);
        memcpy(buf, "glibc-ld.so.cache1.1", 20);
        put32(buf + 20, (uint32_t)n);
        buf[28] = 2; /* little endian, as glibc 2.33+ writes */
        for (size_t i = 0; i < n; i++) {
                char *ent = buf + NEW_HEADER + i * NEW_ENTRY;

                put32(ent, (uint32_t)e[i].flags);
                put32(ent + 4, (uint32_t)off);
                strcpy(buf + off, e[i].key);
                off += strlen(e[i].key) + 1;
                put32(ent + 8, (uint32_t)off);
                strcpy(buf + off, e[i].value);
                off += strlen(e[i].value) + 1;
        }
        put32(buf + 24, (uint32_t)(off - strings));
        return off;
}

/* The compat layout: old header and entries (pointing nowhere useful, as
 * they are never read), padding to 8, then the new layout. */
static size_t build_cache(char *buf, const struct test_entry *e, size_t n, bool compat)
{
        size_t off = 0;

        if (compat) {
                memset(buf, 0, OLD_HEADER + n * OLD_ENTRY + 8);
                memcpy(buf, "ld.so-1.7.0", 11);
                put32(buf + 12, (uint32_t)n);
                for (size_t i = 0; i < n; i++)
                        put32(buf + OLD_HEADER + i * OLD_ENTRY, (uint32_t)e[i].flags);
                off = (OLD_HEADER + n * OLD_ENTRY + 7) & ~(size_t)7;
        }
        return off + build_new(buf + off, e, n);
}

static const struct test_entry sample[] = {
        {0x0303, "libfoo.so.1", "/lib64/libfoo.so.1"},
        {0x0003, "libfoo.so.1", "/lib32/libfoo.so.1"},
        {0x0303, "libfoobar.so.2", "/lib64/libfoobar.so.2"},
        {0x0302, "libfoo.so.5", "/lib64/libfoo.so.5"}, /* libc5 type: no ELF bit */
};

static size_t write_sample(const char *name, bool compat)
{
        char buf[4096];
        size_t len = build_cache(buf, sample, sizeof(sample) / sizeof(sample[0]), compat);

        write_file(name, buf, len);
        return len;
}

static void assert_entries(const struct ldcache *c, const struct test_entry *e, size_t n)
{
        struct ldcache_entry got;

        ck_assert_uint_eq(c->nlibs, n);
        for (uint32_t i = 0; i < n; i++) {
                ldcache_entry(c, i, &got);
                ck_assert_int_eq(got.flags, e[i].flags);
                ck_assert_str_eq(got.key, e[i].key);
                ck_assert_str_eq(got.value, e[i].value);
        }
}

START_TEST(new_layout)
{
        struct ldcache c;
        struct error err = {0};

        write_sample("cache", false);
        ck_assert_int_eq(ldcache_open(&c, &err, scratch_path("cache")), 0);
        assert_entries(&c, sample, sizeof(sample) / sizeof(sample[0]));
        ldcache_close(&c);
}
END_TEST

START_TEST(compat_layout_skips_old_entries)
{
        struct ldcache c;
        struct error err = {0};

        write_sample("cache", true);
        ck_assert_int_eq(ldcache_open(&c, &err, scratch_path("cache")), 0);
        assert_entries(&c, sample, sizeof(sample) / sizeof(sample[0]));
        ldcache_close(&c);
}
END_TEST

START_TEST(empty_cache)
{
        char buf[64];
        struct ldcache c;
        struct error err = {0};

        write_file("cache", buf, build_cache(buf, NULL, 0, false));
        ck_assert_int_eq(ldcache_open(&c, &err, scratch_path("cache")), 0);
        ck_assert_uint_eq(c.nlibs, 0);
        ldcache_close(&c);
}
END_TEST

/* --- resolution and selection -------------------------------------------- */

struct calls {
        int n;
        const char *orig[8], *alt[8];
        int answer; /* 1: take every match; 0: only the first; -1: fail */
};

static int record(struct error *err, void *ctx, const char *root, const char *orig, const char *alt)
{
        struct calls *c = ctx;

        ck_assert_str_eq(root, scratch_dir());
        ck_assert_int_lt(c->n, 8);
        c->orig[c->n] = orig != NULL ? strdup(orig) : NULL;
        c->alt[c->n++] = strdup(alt);
        if (c->answer < 0)
                return error_setx(err, "no thanks");
        return c->answer == 1 || orig == NULL;
}

static void free_calls(struct calls *c)
{
        for (int i = 0; i < c->n; i++) {
                free((char *)c->orig[i]);
                free((char *)c->alt[i]);
        }
}

static void make_lib_tree(void)
{
        ck_assert_int_eq(mkdir(scratch_path("lib64"), 0755), 0);
        ck_assert_int_eq(mkdir(scratch_path("lib32"), 0755), 0);
        write_file("lib64/libfoo.so.1.0", "x", 1);
        ck_assert_int_eq(symlink("libfoo.so.1.0", scratch_path("lib64/libfoo.so.1")), 0);
        write_file("lib64/libfoo-other.so.1", "x", 1);
        write_file("lib32/libfoo.so.1", "x", 1);
        write_file("lib64/libfoobar.so.2", "x", 1);
}

static void resolve(const struct test_entry *e, size_t n, uint32_t arch, const char *const libs[], char *paths[],
                    size_t nlibs, struct calls *calls, int want)
{
        char buf[4096];
        struct ldcache c;
        struct error err = {0};

        write_file("cache", buf, build_cache(buf, e, n, false));
        ck_assert_int_eq(ldcache_open(&c, &err, scratch_path("cache")), 0);
        ck_assert_int_eq(ldcache_resolve(&c, &err, arch, scratch_dir(), libs, paths, nlibs, record, calls), want);
        if (want < 0)
                ck_assert_str_eq(error_msg(&err), "no thanks");
        error_reset(&err);
        ldcache_close(&c);
}

START_TEST(resolve_by_prefix_and_arch)
{
        const char *const libs[] = {"libfoo.so", "libfoobar.so"};
        char *paths[2];
        struct calls calls = {.answer = 1};

        make_lib_tree();
        resolve(sample, 4, LD_X8664_LIB64, libs, paths, 2, &calls, 0);
        /* Paths are inside the root, with symlinks resolved there. */
        ck_assert_str_eq(paths[0], "/lib64/libfoo.so.1.0");
        ck_assert_str_eq(paths[1], "/lib64/libfoobar.so.2");
        free(paths[0]);
        free(paths[1]);
        resolve(sample, 4, LD_I386_LIB32, libs, paths, 2, &calls, 0);
        ck_assert_str_eq(paths[0], "/lib32/libfoo.so.1");
        ck_assert_ptr_null(paths[1]);
        free(paths[0]);
        free_calls(&calls);
}
END_TEST

static const struct test_entry twice[] = {
        {0x0303, "libfoo.so.1", "/lib64/libfoo.so.1"},
        {0x0303, "libfoo.so", "/lib64/libfoo.so.1.0"}, /* the same file: not offered */
        {0x0303, "libfoo.so.1", "/lib64/libfoo-other.so.1"},
};

START_TEST(later_matches_are_offered_over_earlier)
{
        const char *const libs[] = {"libfoo.so"};
        char *paths[1];
        struct calls calls = {.answer = 1};

        make_lib_tree();
        resolve(twice, 3, LD_X8664_LIB64, libs, paths, 1, &calls, 0);
        ck_assert_int_eq(calls.n, 2);
        ck_assert_ptr_null(calls.orig[0]);
        ck_assert_str_eq(calls.alt[0], "/lib64/libfoo.so.1.0");
        ck_assert_str_eq(calls.orig[1], "/lib64/libfoo.so.1.0");
        ck_assert_str_eq(calls.alt[1], "/lib64/libfoo-other.so.1");
        ck_assert_str_eq(paths[0], "/lib64/libfoo-other.so.1");
        free(paths[0]);
        free_calls(&calls);
}
END_TEST

START_TEST(a_refused_match_keeps_the_earlier)
{
        const char *const libs[] = {"libfoo.so"};
        char *paths[1];
        struct calls calls = {.answer = 0};

        make_lib_tree();
        resolve(twice, 3, LD_X8664_LIB64, libs, paths, 1, &calls, 0);
        ck_assert_int_eq(calls.n, 2);
        ck_assert_str_eq(paths[0], "/lib64/libfoo.so.1.0");
        free(paths[0]);
        free_calls(&calls);
}
END_TEST

/* An entry counts for the first name it matches only. */
START_TEST(first_matching_name_only)
{
        const char *const libs[] = {"libfoo.so", "libfoo.so.1"};
        char *paths[2];
        struct calls calls = {.answer = 1};

        make_lib_tree();
        resolve(sample, 1, LD_X8664_LIB64, libs, paths, 2, &calls, 0);
        ck_assert_str_eq(paths[0], "/lib64/libfoo.so.1.0");
        ck_assert_ptr_null(paths[1]);
        free(paths[0]);
        free_calls(&calls);
}
END_TEST

START_TEST(selection_errors_free_everything)
{
        const char *const libs[] = {"libfoobar.so", "libfoo.so"};
        char *paths[2];
        struct calls calls = {.answer = -1};

        make_lib_tree();
        resolve(sample, 4, LD_X8664_LIB64, libs, paths, 2, &calls, -1);
        ck_assert_ptr_null(paths[0]);
        ck_assert_ptr_null(paths[1]);
        free_calls(&calls);
}
END_TEST

/* A stale entry (here a symlink loop) is passed over, not fatal. */
START_TEST(unresolvable_entries_are_skipped)
{
        static const struct test_entry loop[] = {
                {0x0303, "libfoo.so.1", "/lib64/loop"},
                {0x0303, "libfoo.so.1", "/lib64/libfoo.so.1"},
        };
        const char *const libs[] = {"libfoo.so"};
        char *paths[1];
        struct calls calls = {.answer = 1};

        make_lib_tree();
        ck_assert_int_eq(symlink("loop", scratch_path("lib64/loop")), 0);
        resolve(loop, 2, LD_X8664_LIB64, libs, paths, 1, &calls, 0);
        ck_assert_int_eq(calls.n, 1);
        ck_assert_str_eq(paths[0], "/lib64/libfoo.so.1.0");
        free(paths[0]);
        free_calls(&calls);
}
END_TEST

/* --- broken files ---------------------------------------------------------- */

static void expect_error(const char *name, const char *message)
{
        struct ldcache c;
        struct error err = {0};
        char want[PATH_MAX + 256];

        const char *at = strstr(message, "%s");

        /* message names the file with "%s"; not a printf format, so that
         * -Wformat-nonliteral stays on. */
        ck_assert_ptr_nonnull(at);
        snprintf(want, sizeof(want), "%.*s%s%s", (int)(at - message), message, scratch_path(name), at + 2);
        ck_assert_int_eq(ldcache_open(&c, &err, scratch_path(name)), -1);
        ck_assert_str_eq(error_msg(&err), want);
        ck_assert_ptr_null(c.data);
        error_reset(&err);
}

START_TEST(truncated_anywhere)
{
        char buf[4096];
        struct ldcache c;
        struct error err = {0};

        for (int compat = 0; compat <= 1; compat++) {
                size_t len = build_cache(buf, sample, 4, compat);

                for (size_t cut = 0; cut < len; cut++) {
                        write_file("cache", buf, cut);
                        ck_assert_int_eq(ldcache_open(&c, &err, scratch_path("cache")), -1);
                        ck_assert_ptr_nonnull(strstr(error_msg(&err), scratch_path("cache")));
                        error_reset(&err);
                }
        }
}
END_TEST

START_TEST(short_files)
{
        write_file("empty", "", 0);
        expect_error("empty", "parse `%s`: empty file");
        write_file("short", "glibc-ld.so", 11);
        expect_error("short", "parse `%s`: truncated linker cache (11 bytes)");
        write_file("text", "hello, world\n", 13);
        expect_error("text", "parse `%s`: not a glibc linker cache");
        write_file("old", "ld.so-1.7.0", 11);
        expect_error("old", "parse `%s`: truncated linker cache (11 bytes)");
        write_file("oldonly", "ld.so-1.7.0\0\0\0\0\0", 16);
        expect_error("oldonly", "parse `%s`: old-format linker cache only (ld.so-1.7.0)");
}
END_TEST

START_TEST(wrong_magic)
{
        char buf[4096];
        size_t len = build_cache(buf, sample, 4, false);

        buf[16] = 'X';
        write_file("magic", buf, len);
        expect_error("magic", "parse `%s`: not a glibc linker cache (format 1.1)");
        buf[16] = 'e';
        buf[19] = '0';
        write_file("version", buf, len);
        expect_error("version", "parse `%s`: not a glibc linker cache (format 1.1)");
        buf[19] = '1';
        buf[28] = 3;
        write_file("endian", buf, len);
        expect_error("endian", "parse `%s`: linker cache of another byte order");
}
END_TEST

START_TEST(huge_counts)
{
        char buf[4096];
        size_t len = build_cache(buf, sample, 4, false);
        char want[128];

        put32(buf + 20, UINT32_MAX);
        write_file("new", buf, len);
        snprintf(want, sizeof(want), "parse `%%s`: 4294967295 entries do not fit in %zu bytes", len);
        expect_error("new", want);
        len = build_cache(buf, sample, 4, true);
        put32(buf + 12, UINT32_MAX);
        write_file("old", buf, len);
        snprintf(want, sizeof(want), "parse `%%s`: 4294967295 old entries do not fit in %zu bytes", len);
        expect_error("old", want);
        /* An old count that lands the new header elsewhere: not a cache there. */
        len = build_cache(buf, sample, 4, true);
        put32(buf + 12, 1);
        write_file("moved", buf, len);
        expect_error("moved", "parse `%s`: not a glibc linker cache (format 1.1)");
}
END_TEST

START_TEST(corrupt_strings)
{
        char buf[4096], want[128];
        size_t len = build_cache(buf, sample, 4, false);

        put32(buf + NEW_HEADER + NEW_ENTRY + 4, 0x7fffffff);
        write_file("key", buf, len);
        expect_error("key", "parse `%s`: entry 1: key offset 2147483647 out of bounds");
        len = build_cache(buf, sample, 4, false);
        put32(buf + NEW_HEADER + 2 * NEW_ENTRY + 8, (uint32_t)len);
        write_file("value", buf, len);
        snprintf(want, sizeof(want), "parse `%%s`: entry 2: value offset %zu out of bounds", len);
        expect_error("value", want);
        len = build_cache(buf, sample, 4, false);
        buf[len - 1] = 'x';
        write_file("unterminated", buf, len);
        expect_error("unterminated", "parse `%s`: entry 3: value not terminated");
}
END_TEST

START_TEST(not_files)
{
        struct ldcache c;
        struct error err = {0};

        ck_assert_int_eq(mkdir(scratch_path("dir"), 0755), 0);
        expect_error("dir", "read `%s`: Is a directory");
        expect_error("missing", "open `%s`: No such file or directory");
        ck_assert_int_eq(ldcache_open(&c, &err, "/dev/null"), -1);
        ck_assert_str_eq(error_msg(&err), "read `/dev/null`: not a regular file");
        error_reset(&err);
}
END_TEST

/* Random damage to a valid cache: opening and resolving never crash, and
 * an error always names the file. */
START_TEST(random_damage)
{
        const char *const libs[] = {"libfoo.so", "libfoobar.so"};
        char buf[4096], copy[4096];
        size_t len = build_cache(buf, sample, 4, true);
        char *paths[2];
        struct ldcache c;
        struct error err = {0};
        struct calls calls = {.answer = 0};
        unsigned seed = 12345;

        make_lib_tree();
        for (int round = 0; round < 1500; round++) {
                memcpy(copy, buf, len);
                for (int k = 0; k < 1 + round % 4; k++)
                        copy[(size_t)rand_r(&seed) % len] = (char)rand_r(&seed);
                write_file("cache", copy, len);
                if (ldcache_open(&c, &err, scratch_path("cache")) < 0) {
                        ck_assert_ptr_nonnull(strstr(error_msg(&err), scratch_path("cache")));
                        error_reset(&err);
                        continue;
                }
                calls.n = 0;
                if (ldcache_resolve(&c, &err, LD_X8664_LIB64, scratch_dir(), libs, paths, 2, record, &calls) == 0) {
                        free(paths[0]);
                        free(paths[1]);
                }
                error_reset(&err);
                free_calls(&calls);
                ldcache_close(&c);
        }
}
END_TEST

/* --- caches written by the host's ldconfig ------------------------------- */

/* Installs payload stubs under their real SONAMEs in a driver-root-like
 * tree, with the SONAME links, and runs `ldconfig -r` there. ldconfig -r
 * chroots, hence root; it keeps its auxiliary cache inside the root too,
 * which a plain `ldconfig -C` would write on the host. */
static bool make_ldconfig_cache(const char *format)
{
        static const char *const dirs[] = {"usr/lib/x86_64-linux-gnu", "usr/lib/i386-linux-gnu"};
        static const char *const payload_libs[] = {"lib64/libstub.so", "lib32/libstub.so"};
        char payload[PATH_MAX], src[PATH_MAX + 64], dst[PATH_MAX], cmd[PATH_MAX];
        struct error err = {0};

        if (geteuid() != 0)
                return false;
        ck_assert_int_eq(payload_dir(payload, sizeof(payload), &err), 0);
        snprintf(cmd, sizeof(cmd), "mkdir -p '%s/etc' '%s/%s' '%s/%s'", scratch_dir(), scratch_dir(), dirs[0], scratch_dir(), dirs[1]);
        ck_assert_int_eq(system(cmd), 0);
        write_file("etc/ld.so.conf", "/usr/lib/x86_64-linux-gnu\n/usr/lib/i386-linux-gnu\n", 50);
        for (int i = 0; i < 2; i++) {
                snprintf(src, sizeof(src), "%s/%s", payload, payload_libs[i]);
                snprintf(dst, sizeof(dst), "%s/%s/libnvidia-ml.so.575.57.08", scratch_dir(), dirs[i]);
                ck_assert_int_eq(stamp_library(src, dst, "libnvidia-ml.so.1", NULL, &err), 0);
                snprintf(dst, sizeof(dst), "%s/%s/libnvidia-ml.so.1", scratch_dir(), dirs[i]);
                ck_assert_int_eq(symlink("libnvidia-ml.so.575.57.08", dst), 0);
        }
        snprintf(cmd, sizeof(cmd), "/sbin/ldconfig -c %s -r '%s'", format, scratch_dir());
        ck_assert_int_eq(system(cmd), 0);
        return true;
}

static int take_all(struct error *err, void *ctx, const char *root, const char *orig, const char *alt)
{
        (void)err, (void)ctx, (void)root, (void)orig, (void)alt;
        return 1;
}

static void check_ldconfig_cache(const char *format)
{
        const char *const libs[] = {"libnvidia-ml.so"};
        struct ldcache c;
        struct ldcache_entry e;
        struct error err = {0};
        char *path;
        int found = 0;

        if (!make_ldconfig_cache(format))
                return; /* ldconfig -r needs root (chroot) */
        ck_assert_int_eq(ldcache_open(&c, &err, scratch_path("etc/ld.so.cache")), 0);
        for (uint32_t i = 0; i < c.nlibs; i++) {
                ldcache_entry(&c, i, &e);
                if (strcmp(e.key, "libnvidia-ml.so.1") != 0)
                        continue;
                found++;
                if (e.flags == (LD_ELF_LIBC6 | LD_X8664_LIB64))
                        ck_assert_str_eq(e.value, "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1");
                else
                        ck_assert_str_eq(e.value, "/usr/lib/i386-linux-gnu/libnvidia-ml.so.1");
        }
        ck_assert_int_eq(found, 2);
        ck_assert_int_eq(ldcache_resolve(&c, &err, LD_X8664_LIB64, scratch_dir(), libs, &path, 1, take_all, NULL), 0);
        ck_assert_str_eq(path, "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.575.57.08");
        free(path);
        ck_assert_int_eq(ldcache_resolve(&c, &err, LD_I386_LIB32, scratch_dir(), libs, &path, 1, take_all, NULL), 0);
        ck_assert_str_eq(path, "/usr/lib/i386-linux-gnu/libnvidia-ml.so.575.57.08");
        free(path);
        ldcache_close(&c);
}

START_TEST(ldconfig_new_format)
{
        check_ldconfig_cache("new");
}
END_TEST

START_TEST(ldconfig_compat_format)
{
        check_ldconfig_cache("compat");
}
END_TEST

/* The real cache cut anywhere: it may still parse where only glibc's
 * extension data (which we do not read) was cut, but never crashes. */
START_TEST(ldconfig_cache_truncated)
{
        struct ldcache c;
        struct error err = {0};
        char *data;
        size_t len;
        FILE *f;

        if (!make_ldconfig_cache("new"))
                return; /* ldconfig -r needs root (chroot) */
        ck_assert_ptr_nonnull(f = fopen(scratch_path("etc/ld.so.cache"), "re"));
        ck_assert_ptr_nonnull(data = malloc(65536));
        len = fread(data, 1, 65536, f);
        fclose(f);
        for (size_t cut = 0; cut < len; cut += 3) {
                write_file("cut", data, cut);
                if (ldcache_open(&c, &err, scratch_path("cut")) == 0)
                        ldcache_close(&c);
                else
                        ck_assert_ptr_nonnull(strstr(error_msg(&err), scratch_path("cut")));
                error_reset(&err);
        }
        free(data);
}
END_TEST

Suite *ldcache_suite(void)
{
        Suite *s = suite_create("ldcache");
        TCase *parse = tcase_create("parse");
        TCase *res = tcase_create("resolve");
        TCase *broken = tcase_create("broken");
        TCase *real = tcase_create("ldconfig");

        tcase_add_checked_fixture(parse, make_tmp, remove_tmp);
        tcase_add_test(parse, new_layout);
        tcase_add_test(parse, compat_layout_skips_old_entries);
        tcase_add_test(parse, empty_cache);
        suite_add_tcase(s, parse);

        tcase_add_checked_fixture(res, make_tmp, remove_tmp);
        tcase_add_test(res, resolve_by_prefix_and_arch);
        tcase_add_test(res, later_matches_are_offered_over_earlier);
        tcase_add_test(res, a_refused_match_keeps_the_earlier);
        tcase_add_test(res, first_matching_name_only);
        tcase_add_test(res, selection_errors_free_everything);
        tcase_add_test(res, unresolvable_entries_are_skipped);
        suite_add_tcase(s, res);

        tcase_add_checked_fixture(broken, make_tmp, remove_tmp);
        tcase_add_test(broken, truncated_anywhere);
        tcase_add_test(broken, short_files);
        tcase_add_test(broken, wrong_magic);
        tcase_add_test(broken, huge_counts);
        tcase_add_test(broken, corrupt_strings);
        tcase_add_test(broken, not_files);
        tcase_add_test(broken, random_damage);
        tcase_set_timeout(broken, 60);
        suite_add_tcase(s, broken);

        tcase_add_checked_fixture(real, make_tmp, remove_tmp);
        tcase_add_test(real, ldconfig_new_format);
        tcase_add_test(real, ldconfig_compat_format);
        tcase_add_test(real, ldconfig_cache_truncated);
        tcase_set_timeout(real, 60);
        suite_add_tcase(s, real);
        return s;
}
