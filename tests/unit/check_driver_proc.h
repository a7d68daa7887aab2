/* The "driver" suite's cases for the driver's /proc files (gpu_proc.c),
 * kept in their own file: check_driver_proc.c. */
#ifndef CHECK_DRIVER_PROC_H
#define CHECK_DRIVER_PROC_H

#include <check.h>

/* The parsing cases, as one test case of SUITE. */
void driver_proc_add_tcase(Suite *suite);

#endif
