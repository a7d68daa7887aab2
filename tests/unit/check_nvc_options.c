/* The option strings of the public API (options.c). */
#include <string.h>

#include "libnvc/options.h"
#include "nvc.h"
#include "unit.h"

static int32_t parse_ok(const char *opts, const struct nvc_option *table, size_t n)
{
        struct error err = {0};
        int32_t flags = -1;

        ck_assert_int_eq(options_parse(&err, opts, table, n, &flags), 0);
        ck_assert_ptr_null(err.msg);
        return flags;
}

START_TEST(none_is_zero)
{
        ck_assert_int_eq(parse_ok(NULL, driver_opts, driver_opts_count), 0);
        ck_assert_int_eq(parse_ok("", driver_opts, driver_opts_count), 0);
        ck_assert_int_eq(parse_ok("   ", driver_opts, driver_opts_count), 0);
}
END_TEST

START_TEST(every_driver_option)
{
        static const struct {
                const char *name;
                int32_t flag;
        } want[] = {
                {"no-glvnd", OPT_NO_GLVND},
                {"no-uvm", OPT_NO_UVM},
                {"no-modeset", OPT_NO_MODESET},
                {"no-mps", OPT_NO_MPS},
                {"no-persistenced", OPT_NO_PERSISTENCED},
                {"no-fabricmanager", OPT_NO_FABRICMANAGER},
                {"no-gsp-firmware", OPT_NO_GSP_FIRMWARE},
                {"devices-only", OPT_DEVICES_ONLY},       /* ours */
                {"no-cuda-version", OPT_NO_CUDA_VERSION}, /* ours */
        };

        ck_assert_uint_eq(driver_opts_count, sizeof(want) / sizeof(want[0]));
        for (size_t i = 0; i < driver_opts_count; i++)
                ck_assert_int_eq(parse_ok(want[i].name, driver_opts, driver_opts_count), want[i].flag);
}
END_TEST

START_TEST(names_combine_and_spaces_repeat)
{
        ck_assert_int_eq(parse_ok("  no-uvm   no-mps no-uvm ", driver_opts, driver_opts_count), OPT_NO_UVM | OPT_NO_MPS);
        ck_assert_int_eq(parse_ok("load-kmods", library_opts, library_opts_count), OPT_LOAD_KMODS);
}
END_TEST

START_TEST(container_capabilities)
{
        ck_assert_int_eq(parse_ok("utility", container_opts, container_opts_count), OPT_UTILITY_LIBS | OPT_UTILITY_BINS);
        ck_assert_int_eq(parse_ok("video", container_opts, container_opts_count), OPT_VIDEO_LIBS | OPT_COMPUTE_LIBS);
        ck_assert_int_eq(parse_ok("display compat32", container_opts, container_opts_count),
                         OPT_DISPLAY | OPT_GRAPHICS_LIBS | OPT_COMPAT32);
        ck_assert_int_eq(parse_ok("standalone cuda-compat-mode=ldconfig", container_opts, container_opts_count),
                         OPT_STANDALONE | OPT_CUDA_COMPAT_LDCONFIG);
}
END_TEST

static const struct {
        const char *opts;
        const char *message;
} bad[] = {
        {"bogus", "invalid option: bogus"},
        {"no-uvm bogus no-mps", "invalid option: bogus"},
        {"no-uvm\tno-mps", "invalid option: no-uvm\tno-mps"},
        {"load-kmods", "invalid option: load-kmods"},
        {"NO-UVM", "invalid option: NO-UVM"},
        {"no-uvm=1", "invalid option: no-uvm=1"},
};

START_TEST(unknown_names_are_named)
{
        struct error err = {0};
        int32_t flags = 42;

        ck_assert_int_eq(options_parse(&err, bad[_i].opts, driver_opts, driver_opts_count, &flags), -1);
        ck_assert_str_eq(error_msg(&err), bad[_i].message);
        ck_assert_int_eq(flags, 42);
        error_reset(&err);
}
END_TEST

/* libnvidia-container's buffer is NVC_ARG_MAX; the same strings fail. */
START_TEST(too_long)
{
        char opts[NVC_ARG_MAX + 1];
        struct error err = {0};
        int32_t flags = 0;

        memset(opts, ' ', NVC_ARG_MAX);
        opts[NVC_ARG_MAX] = '\0';
        ck_assert_int_eq(options_parse(&err, opts, driver_opts, driver_opts_count, &flags), -1);
        ck_assert_str_eq(error_msg(&err), "too many options");
        error_reset(&err);
        opts[NVC_ARG_MAX - 1] = '\0';
        ck_assert_int_eq(parse_ok(opts, driver_opts, driver_opts_count), 0);
}
END_TEST

Suite *nvc_options_suite(void)
{
        Suite *s = suite_create("nvc_options");
        TCase *tc = tcase_create("parse");

        tcase_add_test(tc, none_is_zero);
        tcase_add_test(tc, every_driver_option);
        tcase_add_test(tc, names_combine_and_spaces_repeat);
        tcase_add_test(tc, container_capabilities);
        tcase_add_loop_test(tc, unknown_names_are_named, 0, (int)(sizeof(bad) / sizeof(bad[0])));
        tcase_add_test(tc, too_long);
        suite_add_tcase(s, tc);
        return s;
}
