/* The unit test suites, one per module; check_main.c runs them all. */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <check.h>

Suite *error_suite(void);
Suite *fake_options_suite(void);
Suite *fake_profile_suite(void);
Suite *fake_stamp_suite(void);

#endif
