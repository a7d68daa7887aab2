/* Stamping the payload libraries, and the manifest that makes --remove exact. */
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "setup/setup.h"
#include "unit.h"

static char tmpdir[] = "/tmp/check-fake-stamp.XXXXXX";

static void make_tmpdir(void)
{
        ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
        char cmd[PATH_MAX + 16];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        ck_assert_int_eq(system(cmd), 0);
        strcpy(tmpdir, "/tmp/check-fake-stamp.XXXXXX");
}

/* Reads back what the dynamic loader and the fake library would see. */
static void read_stamp(const char *path, char *soname, size_t len, struct fake_inventory *inv)
{
        int fd = open(path, O_RDONLY);
        Elf *elf;
        Elf_Scn *scn = NULL;
        size_t shstrndx;

        ck_assert_int_ge(fd, 0);
        ck_assert_int_ne(elf_version(EV_CURRENT), EV_NONE);
        ck_assert_ptr_nonnull(elf = elf_begin(fd, ELF_C_READ, NULL));
        ck_assert_int_eq(elf_getshdrstrndx(elf, &shstrndx), 0);
        while ((scn = elf_nextscn(elf, scn)) != NULL) {
                GElf_Shdr sh;
                Elf_Data *data = NULL;
                const char *name;

                gelf_getshdr(scn, &sh);
                name = elf_strptr(elf, shstrndx, sh.sh_name);
                if (strcmp(name, FAKE_INVENTORY_SECTION) == 0) {
                        ck_assert_ptr_nonnull(data = elf_getdata(scn, NULL));
                        ck_assert_uint_eq(data->d_size, sizeof(*inv));
                        memcpy(inv, data->d_buf, sizeof(*inv));
                }
                if (sh.sh_type != SHT_DYNAMIC)
                        continue;
                data = elf_getdata(scn, NULL);
                for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
                        GElf_Dyn dyn;
                        gelf_getdyn(data, (int)i, &dyn);
                        if (dyn.d_tag == DT_SONAME)
                                snprintf(soname, len, "%s", elf_strptr(elf, sh.sh_link, dyn.d_un.d_val));
                }
        }
        elf_end(elf);
        close(fd);
}

static void stamp_and_check(const char *arch)
{
        char payload[PATH_MAX], src[PATH_MAX + 32], dst[PATH_MAX + 32], soname[128] = "";
        const char *args[] = {"fake-nvidia-setup", "--root", "/r", "--gpus", "3", NULL};
        struct setup_options opts;
        static struct fake_inventory inv, back;
        struct error err = {0};

        make_tmpdir();
        ck_assert_int_eq(payload_dir(payload, sizeof(payload), &err), 0);
        ck_assert_int_eq(setup_parse_args(5, (char **)args, &opts, &err), 0);
        ck_assert_int_eq(profile_build(&opts, &inv, &err), 0);
        snprintf(src, sizeof(src), "%s/%s/libnvidia-ml.so", payload, arch);
        snprintf(dst, sizeof(dst), "%s/libnvidia-ml.so.575.57.08", tmpdir);
        ck_assert_msg(stamp_library(src, dst, "libnvidia-ml.so.1", &inv, &err) == 0, "%s", error_msg(&err));
        read_stamp(dst, soname, sizeof(soname), &back);
        ck_assert_str_eq(soname, "libnvidia-ml.so.1");
        ck_assert_mem_eq(&back, &inv, sizeof(inv));
        /* An existing file is never overwritten. */
        ck_assert_int_eq(stamp_library(src, dst, "libnvidia-ml.so.1", &inv, &err), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "File exists"));
        error_reset(&err);
        remove_tmpdir();
}

START_TEST(stamps_soname_and_inventory_64)
{
        stamp_and_check("lib64");
}
END_TEST

START_TEST(stamps_soname_and_inventory_32)
{
        stamp_and_check("lib32");
}
END_TEST

START_TEST(stub_without_inventory_section_is_refused)
{
        char payload[PATH_MAX], src[PATH_MAX + 32], dst[PATH_MAX + 32];
        static struct fake_inventory inv;
        struct error err = {0};

        make_tmpdir();
        ck_assert_int_eq(payload_dir(payload, sizeof(payload), &err), 0);
        snprintf(src, sizeof(src), "%s/lib64/libstub.so", payload);
        snprintf(dst, sizeof(dst), "%s/x.so", tmpdir);
        ck_assert_int_eq(stamp_library(src, dst, "x.so.1", &inv, &err), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "has no .nvfake_inventory section"));
        error_reset(&err);
        snprintf(src, sizeof(src), "%s/nonexistent.so", payload);
        ck_assert_int_eq(stamp_library(src, dst, "x.so.1", NULL, &err), -1);
        ck_assert_ptr_nonnull(strstr(error_msg(&err), "No such file or directory"));
        error_reset(&err);
        remove_tmpdir();
}
END_TEST

START_TEST(manifest_removes_exactly_what_it_recorded)
{
        struct installer in = {0};
        struct error err = {0};
        char path[PATH_MAX + 32];
        bool found;

        make_tmpdir();
        in.root = tmpdir;
        snprintf(path, sizeof(path), "%s/keep", tmpdir);
        ck_assert_int_eq(mkdir(path, 0755), 0);
        ck_assert_int_eq(manifest_open(&in.manifest, tmpdir, &err), 0);
        ck_assert_int_eq(inst_write(&in, "a/b/c.txt", "x\n", 0644, &err), 0);
        ck_assert_int_eq(inst_symlink(&in, "c.txt", "a/b/link", &err), 0);
        ck_assert_int_eq(inst_write(&in, "keep/mine", "y\n", 0644, &err), 0);
        ck_assert_int_eq(inst_write(&in, "keep/mine", "y\n", 0644, &err), -1);
        error_reset(&err);
        ck_assert_int_eq(manifest_commit(in.manifest, &err), 0);
        manifest_free(in.manifest);
        snprintf(path, sizeof(path), "%s/keep/foreign", tmpdir);
        fclose(fopen(path, "w"));
        ck_assert_int_eq(manifest_remove_all(tmpdir, &found, &err), 0);
        ck_assert(found);
        snprintf(path, sizeof(path), "%s/a", tmpdir);
        ck_assert_int_eq(access(path, F_OK), -1);
        snprintf(path, sizeof(path), "%s/keep/mine", tmpdir);
        ck_assert_int_eq(access(path, F_OK), -1);
        snprintf(path, sizeof(path), "%s/keep/foreign", tmpdir);
        ck_assert_int_eq(access(path, F_OK), 0);
        snprintf(path, sizeof(path), "%s/var", tmpdir);
        ck_assert_int_eq(access(path, F_OK), -1);
        ck_assert_int_eq(manifest_remove_all(tmpdir, &found, &err), 0);
        ck_assert(!found);
        remove_tmpdir();
}
END_TEST

Suite *fake_stamp_suite(void)
{
        Suite *s = suite_create("fake_stamp");
        TCase *tc = tcase_create("stamp");

        tcase_add_test(tc, stamps_soname_and_inventory_64);
        tcase_add_test(tc, stamps_soname_and_inventory_32);
        tcase_add_test(tc, stub_without_inventory_section_is_refused);
        tcase_add_test(tc, manifest_removes_exactly_what_it_recorded);
        suite_add_tcase(s, tc);
        return s;
}
