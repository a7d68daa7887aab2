/* The unit test suites, one per module; check_main.c runs them all. Suites
 * are weak so that a module's suite can land with the module itself. */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <check.h>

#define SUITE(name) Suite *name##_suite(void) __attribute__((weak))

SUITE(error);
SUITE(fake_options);
SUITE(fake_profile);
SUITE(fake_stamp);
SUITE(nvc_options);
SUITE(ldcache);
SUITE(elf);
SUITE(libtables);
SUITE(driver_info);
SUITE(driver);
SUITE(devid);
SUITE(cli_args);
SUITE(cgroup);
SUITE(rootfs);
SUITE(dsl);
SUITE(oci);
SUITE(image);
SUITE(toml);
SUITE(config);
SUITE(hook_argv);
SUITE(runtime_args);
SUITE(runtime_spec);
SUITE(cdi);
SUITE(cdi_write);
SUITE(cdi_gen);
SUITE(toml_edit);
SUITE(ctk);
SUITE(ctk_config);
SUITE(ctk_runtime_configure);
SUITE(cdi_hook);
SUITE(ctk_system_check);

#endif
