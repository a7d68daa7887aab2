/* Between the files of the OCI spec module (oci.c, oci_validate.c). */
#ifndef COMMON_OCI_INTERNAL_H
#define COMMON_OCI_INTERNAL_H

#include <stdbool.h>

#include "common/oci.h"

/* oci_spec_validate without the "invalid OCI spec `FILE`" prefix. */
int oci_spec_check_types(struct error *err, const struct oci_spec *spec) __attribute__((nonnull(1, 2)));

/* Whether stage is one of the hook stages the runtime spec defines. */
bool oci_hook_stage_known(const char *stage) __attribute__((nonnull(1)));

#endif
