/* Fully-qualified CDI device names, "VENDOR/CLASS=NAME" (nvidia.com/gpu=all,
 * runtime.nvidia.com/gpu=0), with the syntax of the CDI project's parser
 * (tags.cncf.io/container-device-interface/pkg/parser), which NVIDIA's
 * toolkit uses to tell CDI requests from plain device ids:
 *   VENDOR  a letter, then letters, digits, '_', '-', '.', ending alphanumeric
 *   CLASS   the same (so no further '/')
 *   NAME    alphanumeric first and last, letters, digits, '_', '-', '.', ':' */
#ifndef COMMON_CDI_NAME_H
#define COMMON_CDI_NAME_H

#include <stdbool.h>

#include "common/error.h"

struct cdi_name {
        char *vendor;
        char *class;
        char *name;
};

/* Whether device is a valid fully-qualified CDI name. */
bool cdi_name_is_qualified(const char *device) __attribute__((nonnull(1)));

/* Splits a fully-qualified name into *out (freed with cdi_name_free). On
 * bad syntax sets *err with the CDI parser's reason, e.g.
 * `unqualified device "0", missing vendor`, and returns -1. */
int cdi_name_parse(struct error *err, const char *device, struct cdi_name *out)
        __attribute__((nonnull(1, 2, 3)));

void cdi_name_free(struct cdi_name *name) __attribute__((nonnull(1)));

/* The parser's checks of one part, used on CDI specs (whose kind is
 * "VENDOR/CLASS" and whose devices are NAMEs). 0 when valid, else -1 with
 * the parser's reason in *err (when err is not NULL), e.g.
 * `invalid vendor. "1x", should start with letter`, `invalid (empty)
 * device name`. */
int cdi_name_check_vendor(struct error *err, const char *vendor) __attribute__((nonnull(2)));
int cdi_name_check_class(struct error *err, const char *class) __attribute__((nonnull(2)));
int cdi_name_check_device(struct error *err, const char *name) __attribute__((nonnull(2)));

#endif
