/* Fake driver roots for the suites that query a driver: what
 * `fake-nvidia-setup --quiet --root ROOT EXTRA...` makes, through the setup
 * tool's own functions. */
#ifndef TESTS_FAKE_ROOT_H
#define TESTS_FAKE_ROOT_H

/* Installs into root with the extra setup arguments (NULL-terminated; at
 * most 12). Aborts on failure: a fixture has no test to fail. */
void fake_root_install(const char *root, const char *const *extra);

/* Removes what fake_root_install made, then the root directory itself. */
void fake_root_remove(const char *root);

#endif
