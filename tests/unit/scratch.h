/* A scratch directory for the test case that needs files: made under /tmp,
 * removed with everything in it. One at a time. */
#ifndef TESTS_SCRATCH_H
#define TESTS_SCRATCH_H

/* Makes /tmp/check-NAME.XXXXXX and returns its path. */
const char *scratch_make(const char *name);
/* The path of REL inside it (a static buffer, valid until the next call). */
const char *scratch_path(const char *rel);
/* The directory itself. */
const char *scratch_dir(void);
void scratch_remove(void);

#endif
