/* Between the files of the image module: image.c (the request),
 * image_env.c (environment, legacy images, requirements), image_devices.c
 * (devices and IMEX channels), image_caps.c (driver capabilities),
 * image_list.c (string lists). */
#ifndef COMMON_IMAGE_INTERNAL_H
#define COMMON_IMAGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/image.h"

/* A growable list of allocated strings. */
struct image_list {
        char **items;
        size_t n;
};

/* Appends a copy of s[0..len); -1 (errno ENOMEM) on failure. */
int image_list_push(struct image_list *list, const char *s, size_t len) __attribute__((nonnull(1, 2)));

/* Appends every element of s split at ',' (with Go's strings.Split: "" is
 * one empty element). With trim, elements lose surrounding ASCII white
 * space and empty ones are dropped (NVIDIA's device and capability lists). */
int image_list_split(struct image_list *list, const char *s, bool trim) __attribute__((nonnull(1, 2)));

bool image_list_contains(const struct image_list *list, const char *s) __attribute__((nonnull(1, 2)));

/* Sorts in byte order and drops duplicates: a Go map's keys, sorted. */
void image_list_sort_unique(struct image_list *list) __attribute__((nonnull(1)));

/* The elements joined with ','; NULL when out of memory. */
char *image_list_join(const struct image_list *list) __attribute__((nonnull(1)));

/* Hands the items out (*items, *n) and empties the list. */
void image_list_take(struct image_list *list, char ***items, size_t *n) __attribute__((nonnull(1, 2, 3)));

void image_list_free(struct image_list *list) __attribute__((nonnull(1)));

/* The container's environment: a view of "K=V" entries. */
struct image_env {
        const char *const *vars;
        size_t n;
};

/* Every entry must contain '=': "invalid environment variable: X". */
int image_env_check(struct error *err, const struct image_env *env) __attribute__((nonnull(1, 2)));

/* The value of the last entry named key, or NULL when there is none. */
const char *image_env_get(const struct image_env *env, const char *key) __attribute__((nonnull(1, 2)));

/* CUDA_VERSION non-empty and NVIDIA_REQUIRE_CUDA empty or unset. */
bool image_env_is_legacy(const struct image_env *env) __attribute__((nonnull(1)));

/* The --require expressions (see image.h for the rules). */
int image_requirements(struct error *err, const struct image_env *env, bool disable_require,
                       struct image_list *out) __attribute__((nonnull(1, 2, 4)));

/* Devices (kind, devices, device_list, cdi_only) and warnings into out;
 * out->kind IMAGE_DEVICES_VOID when the container asks for no GPU. */
int image_devices(struct error *err, const struct image_input *in, const struct image_env *env,
                  const struct image_policy *policy, struct image_request *out) __attribute__((nonnull(1, 2, 3, 4, 5)));

/* IMEX channel requests (and warnings) into out. */
int image_imex_channels(struct error *err, const struct image_input *in, const struct image_env *env,
                        const struct image_policy *policy, struct image_request *out)
        __attribute__((nonnull(1, 2, 3, 4, 5)));

/* Checks supported-driver-capabilities as the hook does at start. */
int image_check_supported(struct error *err, const char *supported) __attribute__((nonnull(1)));

/* The capability string (see image.h for the rules). */
int image_capabilities(struct error *err, const struct image_env *env, bool legacy, const char *supported,
                       char **out) __attribute__((nonnull(1, 2, 5)));

/* Adds a formatted warning to out. */
int image_warn(struct image_request *out, const char *fmt, ...) __attribute__((format(printf, 2, 3), nonnull(1, 2)));

#endif
