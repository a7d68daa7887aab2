/* The ELF checks (elf.c) on the fake driver's payload stubs: libstub-tls.so
 * carries the NT_GNU_ABI_TAG note (2.3.99) and a TLS segment, libstub.so
 * neither; plus files that are no shared object at all. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libnvc/elf.h"
#include "setup/setup.h"
#include "unit.h"

static const uint32_t tls_abi[3] = {2, 3, 99};
static char tmp[64];

static void make_tmp(void)
{
        strcpy(tmp, "/tmp/check-elf.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void remove_tmp(void)
{
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        ck_assert_int_eq(system(cmd), 0);
}

static const char *payload(const char *rel)
{
        static char path[PATH_MAX + 64];
        char dir[PATH_MAX];
        struct error err = {0};

        ck_assert_int_eq(payload_dir(dir, sizeof(dir), &err), 0);
        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        return path;
}

static char *read_all(const char *path, size_t *len)
{
        FILE *f = fopen(path, "re");
        char *buf = malloc(1 << 20);

        ck_assert_ptr_nonnull(f);
        ck_assert_ptr_nonnull(buf);
        *len = fread(buf, 1, 1 << 20, f);
        ck_assert_uint_lt(*len, 1 << 20);
        fclose(f);
        return buf;
}

static const char *write_tmp(const char *name, const void *data, size_t len)
{
        static char path[128];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", tmp, name);
        ck_assert_ptr_nonnull(f = fopen(path, "we"));
        ck_assert_uint_eq(fwrite(data, 1, len, f), len);
        fclose(f);
        return path;
}

static void open_ok(struct elf_file *ef, const char *path)
{
        struct error err = {0};

        ck_assert_msg(elf_open(ef, &err, path) == 0, "%s", error_msg(&err));
}

START_TEST(tls_stub_64)
{
        struct elf_file ef;
        struct error err = {0};

        open_ok(&ef, payload("lib64/libstub-tls.so"));
        ck_assert_int_eq(elf_is_shared_object(&ef, &err, ELFCLASS64, EM_X86_64), 1);
        ck_assert_int_eq(elf_is_shared_object(&ef, &err, ELFCLASS32, EM_386), 0);
        ck_assert_int_eq(elf_is_shared_object(&ef, &err, ELFCLASS64, EM_AARCH64), 0);
        ck_assert_int_eq(elf_has_abi(&ef, &err, tls_abi), 1);
        ck_assert_int_eq(elf_has_abi(&ef, &err, (const uint32_t[3]){2, 3, 98}), 1);
        ck_assert_int_eq(elf_has_abi(&ef, &err, (const uint32_t[3]){2, 4, 0}), 0);
        ck_assert_int_eq(elf_has_abi(&ef, &err, (const uint32_t[3]){3, 0, 0}), 0);
        ck_assert_int_eq(elf_has_dependency(&ef, &err, "libc.so"), 1);
        ck_assert_int_eq(elf_has_dependency(&ef, &err, "libnvidia-glcore.so"), 0);
        ck_assert_ptr_null(err.msg);
        elf_close(&ef);
}
END_TEST

START_TEST(plain_stub_has_no_abi_note)
{
        struct elf_file ef;
        struct error err = {0};

        open_ok(&ef, payload("lib64/libstub.so"));
        ck_assert_int_eq(elf_is_shared_object(&ef, &err, ELFCLASS64, EM_X86_64), 1);
        ck_assert_int_eq(elf_has_abi(&ef, &err, tls_abi), 0);
        ck_assert_int_eq(elf_has_dependency(&ef, &err, "libc.so.6"), 1);
        elf_close(&ef);
}
END_TEST

START_TEST(stubs_32)
{
        struct elf_file ef;
        struct error err = {0};

        open_ok(&ef, payload("lib32/libstub-tls.so"));
        ck_assert_int_eq(elf_is_shared_object(&ef, &err, ELFCLASS32, EM_386), 1);
        ck_assert_int_eq(elf_is_shared_object(&ef, &err, ELFCLASS64, EM_X86_64), 0);
        ck_assert_int_eq(elf_has_abi(&ef, &err, tls_abi), 1);
        ck_assert_int_eq(elf_has_dependency(&ef, &err, "libc.so.6"), 1);
        elf_close(&ef);
        open_ok(&ef, payload("lib32/libstub.so"));
        ck_assert_int_eq(elf_has_abi(&ef, &err, tls_abi), 0);
        elf_close(&ef);
}
END_TEST

/* A PIE executable is ET_DYN too: DF_1_PIE tells it apart. */
START_TEST(executables_are_not_libraries)
{
        struct elf_file ef;
        struct error err = {0};
        size_t len;
        char *buf = read_all(payload("lib64/libstub.so"), &len);
        uint16_t exec = ET_EXEC;

        open_ok(&ef, payload("bin/nvidia-tool"));
        ck_assert_int_eq(elf_is_shared_object(&ef, &err, ELFCLASS64, EM_X86_64), 0);
        elf_close(&ef);
        memcpy(buf + offsetof(Elf64_Ehdr, e_type), &exec, sizeof(exec));
        open_ok(&ef, write_tmp("exec", buf, len));
        ck_assert_int_eq(elf_is_shared_object(&ef, &err, ELFCLASS64, EM_X86_64), 0);
        elf_close(&ef);
        free(buf);
}
END_TEST

static void open_fails(const char *path, const char *fmt_end)
{
        struct elf_file ef;
        struct error err = {0};
        char want[256];

        snprintf(want, sizeof(want), "`%s`%s", path, fmt_end);
        ck_assert_int_eq(elf_open(&ef, &err, path), -1);
        ck_assert_msg(strstr(error_msg(&err), want) != NULL, "%s", error_msg(&err));
        ck_assert_int_eq(ef.fd, -1);
        ck_assert_ptr_null(ef.elf);
        error_reset(&err);
}

START_TEST(not_elf)
{
        open_fails(write_tmp("text", "#!/bin/sh\necho hi\n", 18), ": not an ELF file");
        open_fails(write_tmp("empty", "", 0), ": not an ELF file");
        open_fails(write_tmp("magic", "\177ELF", 4), "");
        open_fails(tmp, "");
        open_fails("/nonexistent/lib.so", ": No such file or directory");
}
END_TEST

/* Cut anywhere, a library gives answers or errors naming it, never a
 * crash (run under valgrind/ASan for the reads). */
START_TEST(truncated)
{
        const char *libs[] = {"lib64/libstub-tls.so", "lib32/libstub-tls.so"};
        struct error err = {0};
        struct elf_file ef;
        size_t len;

        for (size_t l = 0; l < 2; l++) {
                char *buf = read_all(payload(libs[l]), &len);

                for (size_t cut = 0; cut < len; cut += cut < 256 ? 1 : 61) {
                        const char *path = write_tmp("cut", buf, cut);
                        int rv[3];

                        if (elf_open(&ef, &err, path) < 0) {
                                ck_assert_ptr_nonnull(strstr(error_msg(&err), path));
                                error_reset(&err);
                                continue;
                        }
                        rv[0] = elf_is_shared_object(&ef, &err, ELFCLASS64, EM_X86_64);
                        rv[1] = elf_has_abi(&ef, &err, tls_abi);
                        rv[2] = elf_has_dependency(&ef, &err, "libc.so");
                        for (int i = 0; i < 3; i++) {
                                ck_assert_int_ge(rv[i], -1);
                                ck_assert_int_le(rv[i], 1);
                        }
                        if (err.msg != NULL)
                                ck_assert_ptr_nonnull(strstr(error_msg(&err), path));
                        error_reset(&err);
                        elf_close(&ef);
                }
                free(buf);
        }
}
END_TEST

START_TEST(open_fd_owns_the_fd)
{
        struct elf_file ef;
        struct error err = {0};
        int fd = open(write_tmp("text", "not elf", 7), O_RDONLY | O_CLOEXEC);

        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(elf_open_fd(&ef, &err, fd, "name"), -1);
        ck_assert_str_eq(error_msg(&err), "parse `name`: not an ELF file");
        ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
        error_reset(&err);
}
END_TEST

Suite *elf_suite(void)
{
        Suite *s = suite_create("elf");
        TCase *tc = tcase_create("checks");

        tcase_add_checked_fixture(tc, make_tmp, remove_tmp);
        tcase_add_test(tc, tls_stub_64);
        tcase_add_test(tc, plain_stub_has_no_abi_note);
        tcase_add_test(tc, stubs_32);
        tcase_add_test(tc, executables_are_not_libraries);
        tcase_add_test(tc, not_elf);
        tcase_add_test(tc, truncated);
        tcase_add_test(tc, open_fd_owns_the_fd);
        tcase_set_timeout(tc, 60);
        suite_add_tcase(s, tc);
        return s;
}
