#include <errno.h>
#include <string.h>

#include "common/error.h"
#include "unit.h"

START_TEST(set_appends_strerror_and_keeps_errno)
{
        struct error err = {0};

        errno = ENOENT;
        ck_assert_int_eq(error_set(&err, "open `%s`", "/x"), -1);
        ck_assert_str_eq(error_msg(&err), "open `/x`: No such file or directory");
        ck_assert_int_eq(err.code, ENOENT);
        ck_assert_int_eq(errno, ENOENT);
        error_reset(&err);
        ck_assert_ptr_null(err.msg);
        ck_assert_int_eq(err.code, 0);
}
END_TEST

START_TEST(setx_has_no_code)
{
        struct error err = {0};

        ck_assert_int_eq(error_setx(&err, "bad value '%d'", 3), -1);
        ck_assert_str_eq(error_msg(&err), "bad value '3'");
        ck_assert_int_eq(err.code, 0);
        error_reset(&err);
}
END_TEST

START_TEST(prefix_keeps_code_and_message)
{
        struct error err = {0};

        errno = EACCES;
        error_set(&err, "open `%s`", "f");
        error_prefix(&err, "load %s", "config");
        ck_assert_str_eq(error_msg(&err), "load config: open `f`: Permission denied");
        ck_assert_int_eq(err.code, EACCES);
        error_reset(&err);
}
END_TEST

START_TEST(overwrite_frees_previous)
{
        struct error err = {0};

        for (int i = 0; i < 100; i++)
                error_setx(&err, "failure %d", i);
        ck_assert_str_eq(error_msg(&err), "failure 99");
        error_reset(&err);
        ck_assert_str_eq(error_msg(&err), "unknown error");
}
END_TEST

Suite *error_suite(void)
{
        Suite *s = suite_create("error");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, set_appends_strerror_and_keeps_errno);
        tcase_add_test(tc, setx_has_no_code);
        tcase_add_test(tc, prefix_keeps_code_and_message);
        tcase_add_test(tc, overwrite_frees_previous);
        suite_add_tcase(s, tc);
        return s;
}
