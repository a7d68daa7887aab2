/* Parsing the driver's information and version files: the fake driver's
 * layout, a real driver's, and what a hostile driver root could put there. */
#include "check_driver_proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libnvc/gpu_proc.h"

#define NAME "/proc/driver/nvidia/gpus/0000:3b:00.0/information"

/* As fake-driver/setup/procfs.c writes it. */
static const char fake_info[] = "Model: \t\t NVIDIA A100-SXM4-40GB\n"
                                "IRQ:   \t\t 65\n"
                                "GPU UUID: \t GPU-1-FAKE-UUID\n"
                                "Video BIOS: \t 90.04.38.00.01\n"
                                "Bus Type: \t PCIe\n"
                                "DMA Size: \t 47 bits\n"
                                "DMA Mask: \t 0x7fffffffffff\n"
                                "Bus Location: \t 0000:02:00.0\n"
                                "Device Minor: \t 1\n"
                                "GPU Excluded:\t No\n";

/* A real driver's (a V100 host), with a canonical UUID, no final newline. */
static const char real_info[] = "Model: \t\t Tesla V100-PCIE-16GB\n"
                                "IRQ:   \t\t 88\n"
                                "GPU UUID: \t GPU-8c4b9b7a-3f2c-1e5d-9a8b-0123456789ab\n"
                                "Video BIOS: \t 88.00.4c.00.01\n"
                                "Bus Type: \t PCIe\n"
                                "DMA Size: \t 47 bits\n"
                                "DMA Mask: \t 0x7fffffffffff\n"
                                "Bus Location: \t 0000:3B:00.0\n"
                                "Device Minor: \t 12\n"
                                "GPU Excluded:\t Yes";

START_TEST(information_fake_layout)
{
        struct gpu_proc gpu;
        struct error err = {0};

        ck_assert_int_eq(gpu_proc_parse(&err, NAME, fake_info, &gpu), 0);
        ck_assert_str_eq(gpu.model, "NVIDIA A100-SXM4-40GB");
        ck_assert_str_eq(gpu.uuid, "GPU-1-FAKE-UUID");
        ck_assert_str_eq(gpu.busid, "00000000:02:00.0");
        ck_assert_uint_eq(gpu.minor, 1);
        ck_assert(!gpu.excluded);
        gpu_proc_clear(&gpu);
}
END_TEST

START_TEST(information_real_layout)
{
        struct gpu_proc gpu;
        struct error err = {0};

        ck_assert_int_eq(gpu_proc_parse(&err, NAME, real_info, &gpu), 0);
        ck_assert_str_eq(gpu.model, "Tesla V100-PCIE-16GB");
        ck_assert_str_eq(gpu.uuid, "GPU-8c4b9b7a-3f2c-1e5d-9a8b-0123456789ab");
        ck_assert_str_eq(gpu.busid, "00000000:3b:00.0");
        ck_assert_uint_eq(gpu.minor, 12);
        ck_assert(gpu.excluded);
        gpu_proc_clear(&gpu);
}
END_TEST

/* Before the GPU is initialised the driver may show question marks: the
 * UUID is then unknown (NULL), not an error. */
START_TEST(information_placeholder_uuid)
{
        static const char text[] = "Model: \t\t Tesla T4\nGPU UUID: \t GPU-\?\?\?\?\?\?\?\?-\?\?\?\?-\?\?\?\?-\?\?\?\?-\?\?\?\?\?\?\?\?\?\?\?\?\n"
                                   "Bus Location: \t 0000:01:00.0\nDevice Minor: \t 0\n";
        struct gpu_proc gpu;
        struct error err = {0};

        ck_assert_int_eq(gpu_proc_parse(&err, NAME, text, &gpu), 0);
        ck_assert_ptr_null(gpu.uuid);
        ck_assert_str_eq(gpu.model, "Tesla T4");
        gpu_proc_clear(&gpu);
}
END_TEST

static const struct {
        const char *text;
        const char *msg;
} malformed[] = {
        {"Model: T4\nGPU UUID: GPU-1\nBus Location: 0000:01:00.0\n", "missing Device Minor"},
        {"GPU UUID: GPU-1\nBus Location: 0000:01:00.0\nDevice Minor: 0\n", "missing Model"},
        {"Model: T4\nGPU UUID: GPU-1\nBus Location: 0000:01:00.0\nDevice Minor: 254\n", "bad Device Minor"},
        {"Model: T4\nGPU UUID: GPU-1\nBus Location: 0000:01:00.0\nDevice Minor: -1\n", "bad Device Minor"},
        {"Model: T4\nGPU UUID: GPU-1\nBus Location: 0000:01:00.0\nDevice Minor: 1a\n", "bad Device Minor"},
        {"Model: T4\nGPU UUID: GPU-1\nBus Location: 0000:01:00.0\nDevice Minor: 99999999999\n", "bad Device Minor"},
        {"Model: T4\nGPU UUID: GPU-1\nBus Location: 0000:01:00\nDevice Minor: 0\n", "bad Bus Location"},
        {"Model: T4\nGPU UUID: GPU-1\nBus Location: 0000:01:00.0x\nDevice Minor: 0\n", "bad Bus Location"},
        {"Model: T4\nGPU UUID: GPU-1\nBus Location: ../../etc\nDevice Minor: 0\n", "bad Bus Location"},
        {"Model: T4\nGPU UUID: /etc/passwd\nBus Location: 0000:01:00.0\nDevice Minor: 0\n", "bad GPU UUID"},
        {"Model: T4\nGPU UUID: GPU-1 x\nBus Location: 0000:01:00.0\nDevice Minor: 0\n", "bad GPU UUID"},
        {"Model: T4\nGPU UUID: GPU-\nBus Location: 0000:01:00.0\nDevice Minor: 0\n", "bad GPU UUID"},
        {"Model: T4\x1b[2J\nGPU UUID: GPU-1\nBus Location: 0000:01:00.0\nDevice Minor: 0\n", "bad Model"},
        {"Model: T4\nModel: T5\nGPU UUID: GPU-1\nBus Location: 0000:01:00.0\nDevice Minor: 0\n", "repeated Model"},
        {"Model: \nGPU UUID: GPU-1\nBus Location: 0000:01:00.0\nDevice Minor: 0\n", "bad Model"},
        {"Model: T4\nGPU UUID: GPU-1\nBus Location: 0000:01:00.0\nDevice Minor: 0\nGPU Excluded: Maybe\n",
         "bad GPU Excluded"},
        {"", "missing Model"},
};

START_TEST(information_malformed)
{
        struct gpu_proc gpu;
        struct error err = {0};

        ck_assert_int_eq(gpu_proc_parse(&err, NAME, malformed[_i].text, &gpu), -1);
        ck_assert_msg(strstr(error_msg(&err), "malformed `" NAME "`: ") != NULL, "%s", error_msg(&err));
        ck_assert_msg(strstr(error_msg(&err), malformed[_i].msg) != NULL, "%s", error_msg(&err));
        ck_assert_ptr_null(gpu.model);
        ck_assert_ptr_null(gpu.busid);
        error_reset(&err);
}
END_TEST

START_TEST(information_long_value)
{
        char text[512];
        struct gpu_proc gpu;
        struct error err = {0};

        snprintf(text, sizeof(text), "Model: %0200d\nGPU UUID: GPU-1\nBus Location: 0000:01:00.0\nDevice Minor: 0\n",
                 7);
        ck_assert_int_eq(gpu_proc_parse(&err, NAME, text, &gpu), -1);
        ck_assert_str_eq(error_msg(&err), "malformed `" NAME "`: bad Model");
        error_reset(&err);
}
END_TEST

static const struct {
        const char *text;
        const char *version;
} versions[] = {
        {"NVRM version: NVIDIA UNIX x86_64 Kernel Module  575.57.08  Sat May 24 07:21:24 UTC 2025\n"
         "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14+deb12u1)\n", "575.57.08"},
        {"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.14  Release Build  "
         "(dvs-builder@U16-I3-B03-4-3)  Thu Feb 22 01:25:25 UTC 2024\nGCC version:  gcc version 12.2.0\n", "550.54.14"},
        {"NVRM version: NVIDIA UNIX aarch64 Kernel Module  535.104.05  Sat Aug 19 01:13:31 UTC 2023\n", "535.104.05"},
};

START_TEST(version_layouts)
{
        struct error err = {0};
        char *version = NULL;

        ck_assert_int_eq(gpu_proc_parse_version(&err, "version", versions[_i].text, &version), 0);
        ck_assert_str_eq(version, versions[_i].version);
        free(version);
}
END_TEST

START_TEST(version_malformed)
{
        static const char *const texts[] = {"", "GCC version: 12.2\n", "NVRM version: NVIDIA UNIX Kernel Module\n",
                                            "NVRM version: x\n575.57.08\n", "NVRM version: 575.\n"};
        struct error err = {0};
        char *version = NULL;

        for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
                ck_assert_int_eq(gpu_proc_parse_version(&err, "/proc/driver/nvidia/version", texts[i], &version), -1);
                ck_assert_str_eq(error_msg(&err), "malformed `/proc/driver/nvidia/version`: no NVRM version");
                ck_assert_ptr_null(version);
                error_reset(&err);
        }
}
END_TEST

void driver_proc_add_tcase(Suite *suite)
{
        TCase *tc = tcase_create("proc");

        tcase_add_test(tc, information_fake_layout);
        tcase_add_test(tc, information_real_layout);
        tcase_add_test(tc, information_placeholder_uuid);
        tcase_add_loop_test(tc, information_malformed, 0, (int)(sizeof(malformed) / sizeof(malformed[0])));
        tcase_add_test(tc, information_long_value);
        tcase_add_loop_test(tc, version_layouts, 0, (int)(sizeof(versions) / sizeof(versions[0])));
        tcase_add_test(tc, version_malformed);
        suite_add_tcase(suite, tc);
}
