/* What a container asks of the GPU stack, computed from its OCI spec the way
 * NVIDIA's toolkit does (internal/config/image and the runtime hook's
 * container_config.go), for the hook (the nvidia-container-cli call) and for
 * the runtime shim (CDI devices, mode resolution).
 *
 * The rules, in the order they are applied:
 *  - Every process.env entry must be "K=V"; for a repeated K the last wins.
 *  - Legacy image: CUDA_VERSION non-empty and NVIDIA_REQUIRE_CUDA empty.
 *  - Devices, first source that gives any: CDI annotations (keys with one of
 *    policy->annotation_prefixes, sorted, values split at ','); mounts of
 *    /dev/null onto /var/run/nvidia-container-devices/<id> (when accepted;
 *    "cdi/V/C=N" and "cdi/V/C/N" are CDI names, "imex/<ch>" IMEX channels);
 *    the env: the swarm-resource variables that are set (all of them, in
 *    config order) else NVIDIA_VISIBLE_DEVICES, split at ',', trimmed,
 *    empties dropped; "void" (or nothing) = no GPU container; then void >
 *    none > all; unset in a legacy image = all. Env requests are ignored
 *    (no GPU container, with a warning) when the container is unprivileged
 *    and accept-nvidia-visible-devices-envvar-when-unprivileged is false.
 *  - No device request: not a GPU container, nothing else is computed.
 *  - NVIDIA_MIG_CONFIG_DEVICES / NVIDIA_MIG_MONITOR_DEVICES: non-empty only
 *    in a privileged container (CAP_SYS_ADMIN in the bounding set).
 *  - Capabilities: supported = supported-driver-capabilities ("all" = every
 *    one); unset in a legacy image = supported; unset or empty = supported
 *    and utility,compute; otherwise the requested ones ("all" = supported),
 *    each of which must be supported; sorted, comma-separated.
 *  - Requirements: none when NVIDIA_DISABLE_REQUIRE is true (Go's ParseBool)
 *    or disable-require is set; else the value of every NVIDIA_REQUIRE_*
 *    but NVIDIA_REQUIRE_JETPACK*, sorted by variable name (upstream walks a
 *    Go map, so any order is upstream's; ours is stable), then cuda>=M.m for
 *    a legacy image. */
#ifndef COMMON_IMAGE_H
#define COMMON_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/oci.h"

/* The config.toml settings that shape the request (struct config of
 * config.h will fill one). */
struct image_policy {
        bool accept_envvar_unprivileged;        /* accept-nvidia-visible-devices-envvar-when-unprivileged */
        bool accept_volume_mounts;              /* accept-nvidia-visible-devices-as-volume-mounts */
        bool disable_require;                   /* disable-require */
        bool ignore_imex_channel_requests;      /* features.ignore-imex-channel-requests */
        const char *supported_capabilities;     /* supported-driver-capabilities; NULL = all */
        const char *swarm_resource;             /* swarm-resource: env names, comma-separated; NULL = none */
        const char *const *annotation_prefixes; /* modes.cdi.annotation-prefixes, NULL-terminated; the
                                                   runtime's; NULL for the hook, which has none */
};

/* NVIDIA's defaults, as the hook sees them: env accepted when unprivileged,
 * no volume mounts, requirements on, every capability supported, no swarm
 * resource, no annotation prefixes. */
void image_policy_init(struct image_policy *policy) __attribute__((nonnull(1)));

enum image_devices {
        IMAGE_DEVICES_VOID, /* not a GPU container */
        IMAGE_DEVICES_NONE, /* a GPU container without a GPU (driver files only) */
        IMAGE_DEVICES_ALL,
        IMAGE_DEVICES_LIST,
};

/* The container's request. Strings are allocated; image_request_free. */
struct image_request {
        bool gpu;        /* false: not a GPU container; only the flags below are set */
        bool privileged; /* CAP_SYS_ADMIN in the bounding set */
        bool legacy;     /* a legacy CUDA image */
        enum image_devices kind;
        char **devices; /* ["all"], the ids/CDI names in request order, or none */
        size_t ndevices;
        char *device_list;     /* the same joined with ',' ("" for none) */
        bool cdi_only;         /* at least one device and every one a qualified CDI name */
        char *mig_config;      /* NVIDIA_MIG_CONFIG_DEVICES, NULL when unset or empty */
        char *mig_monitor;     /* NVIDIA_MIG_MONITOR_DEVICES, likewise */
        char **imex_channels;  /* NVIDIA_IMEX_CHANNELS or imex/ mounts ("all" asks none) */
        size_t nimex_channels;
        char *capabilities;    /* e.g. "compute,utility"; "" for none */
        char **requirements;   /* --require expressions */
        size_t nrequirements;
        char **warnings;       /* what upstream logs as warnings, for the caller to log */
        size_t nwarnings;
};

/* The inputs, for callers (and tests) without a spec. */
struct image_input {
        const char *const *env;
        size_t nenv;
        const struct oci_mount *mounts;
        size_t nmounts;
        const struct oci_annotation *annotations;
        size_t nannotations;
        bool privileged;
};

/* Computes the request. Errors are upstream's messages:
 *   invalid environment variable: FOO
 *   cannot set MIG_CONFIG_DEVICES in non privileged container
 *   cannot set MIG_MONITOR_DEVICES in non privileged container
 *   unsupported capabilities found in 'compute,foo' (allowed 'compute')
 *   Invalid value for config option 'supported-driver-capabilities'; foo (supported: compat32,...)
 *   failed to get requirements: failed to get version: invalid CUDA version x: invalid version string */
int image_request_compute(struct error *err, const struct image_input *in, const struct image_policy *policy,
                          struct image_request *out) __attribute__((nonnull(1, 2, 3, 4)));

/* The same from a loaded spec (env, mounts, annotations, privileged). */
int image_request_from_spec(struct error *err, const struct oci_spec *spec, const struct image_policy *policy,
                            struct image_request *out) __attribute__((nonnull(1, 2, 3, 4)));

void image_request_free(struct image_request *req) __attribute__((nonnull(1)));

/* CAP_SYS_ADMIN in the bounding set (the flat pre-rc5 array for old specs):
 * what docker --privileged gives and NVIDIA's toolkit checks. */
int image_spec_privileged(struct error *err, const struct oci_spec *spec, bool *privileged)
        __attribute__((nonnull(1, 2, 3)));

#endif
