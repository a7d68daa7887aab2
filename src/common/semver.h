/* Semantic versions as Go's golang.org/x/mod/semver reads them, because
 * NVIDIA's toolkit decides two things with it: whether an OCI spec is old
 * enough to carry process.capabilities as a plain array (ociVersion in
 * [1.0.0-rc1, 1.0.0-rc5)), and the cuda>=MAJOR.MINOR requirement of a legacy
 * CUDA image. The rules: a leading "v"; MAJOR[.MINOR[.PATCH]] without leading
 * zeros (a missing MINOR or PATCH is 0); a -prerelease and a +build only after
 * a full MAJOR.MINOR.PATCH. */
#ifndef COMMON_SEMVER_H
#define COMMON_SEMVER_H

#include <stdbool.h>
#include <stddef.h>

/* Whether v (with its leading "v") is a valid semantic version. */
bool semver_valid(const char *v) __attribute__((nonnull(1)));

/* -1, 0 or 1 as v is lower than, equal to or higher than w. Build metadata
 * is ignored; an invalid version is lower than every valid one and equal to
 * every other invalid one (Go's semver.Compare). */
int semver_compare(const char *v, const char *w) __attribute__((nonnull(1, 2)));

/* Writes "vMAJOR.MINOR" of a valid v into buf. Returns -1 when v is invalid
 * or buf is too small. */
int semver_major_minor(const char *v, char *buf, size_t size) __attribute__((nonnull(1, 2)));

#endif
