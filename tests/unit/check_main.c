/* One runner for every Check suite. The counts go to $CK_COUNTS_FILE as
 * "passed failed" for the summary line of tests/run-tests.sh. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

int main(void)
{
        Suite *(*const suites[])(void) = {
                error_suite, fake_options_suite, fake_profile_suite, fake_stamp_suite, nvc_options_suite,
                ldcache_suite, elf_suite, libtables_suite, driver_info_suite, driver_suite, devid_suite, cli_args_suite, cgroup_suite, rootfs_suite,
                dsl_suite,
                oci_suite, image_suite,
                toml_suite, config_suite,
                hook_argv_suite,
                runtime_args_suite, runtime_spec_suite,
                cdi_suite, cdi_write_suite, cdi_gen_suite,
                toml_edit_suite, ctk_suite, ctk_config_suite, ctk_runtime_configure_suite, cdi_hook_suite, ctk_system_check_suite,
        };
        SRunner *sr = srunner_create(suite_create("all"));
        const char *counts = getenv("CK_COUNTS_FILE");
        int run, failed;

        for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
                if (suites[i] != NULL)
                        srunner_add_suite(sr, suites[i]());
        srunner_run_all(sr, CK_NORMAL);
        run = srunner_ntests_run(sr);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        if (counts != NULL) {
                FILE *f = fopen(counts, "w");
                if (f != NULL) {
                        fprintf(f, "%d %d\n", run - failed, failed);
                        fclose(f);
                }
        }
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
