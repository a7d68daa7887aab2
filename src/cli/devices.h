/* Device ids (`--device`, `--mig-config`, `--mig-monitor`) and the selection
 * of GPUs and MIG devices they name, as libnvidia-container's CLI does it.
 * Pure: no driver, no I/O; the inventory comes in as nvc_device_info, so the
 * unit tests build one by hand. */
#ifndef CLI_DEVICES_H
#define CLI_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "nvc.h"

/* "00000000:01:00.0": NVML's bus id layout, to which PCI ids normalize. */
#define DEVID_BUSID_LEN 16

enum devid_kind {
        DEVID_INVALID,   /* none of the forms below */
        DEVID_ALL,       /* "all", any case */
        DEVID_GPU_UUID,  /* "GPU-..." (prefix in any case, something after it) */
        DEVID_MIG_UUID,  /* "MIG-..." likewise */
        DEVID_PCI,       /* DOMAIN:BUS:DEVICE[.FUNCTION], hex */
        DEVID_INDEX,     /* decimal GPU index */
        DEVID_MIG_INDEX, /* <gpu index>:<mig index>, decimal */
};

struct devid {
        enum devid_kind kind;
        const char *text;                  /* the token parsed (not owned) */
        size_t gpu;                        /* DEVID_INDEX, DEVID_MIG_INDEX */
        size_t mig;                        /* DEVID_MIG_INDEX */
        char busid[DEVID_BUSID_LEN + 1];   /* DEVID_PCI, normalized */
};

/* Classifies one id. Never fails: what matches no form is DEVID_INVALID. */
void devid_parse(const char *token, struct devid *id) __attribute__((nonnull(1, 2)));

/* The GPU or MIG device an id names in `info`, or both NULL. A MIG device's
 * parent GPU is (*mig)->parent. */
void devid_lookup(const struct devid *id, const struct nvc_device_info *info, const struct nvc_device **gpu,
                  const struct nvc_mig_device **mig) __attribute__((nonnull(1, 2, 3, 4)));

/* A selection: GPUs and MIG devices in the order they were named, each once. */
struct devices {
        bool all;                          /* "all" was named */
        const struct nvc_device **gpus;
        size_t ngpus;
        const struct nvc_mig_device **migs;
        size_t nmigs;
};

/* An empty selection with room for everything in `info`. */
int devices_init(struct error *err, struct devices *d, const struct nvc_device_info *info)
        __attribute__((nonnull(1, 2, 3)));
void devices_free(struct devices *d) __attribute__((nonnull(1)));

/* Selects what the comma-separated `ids` name (NULL: nothing). "all" selects
 * every GPU and MIG device and ends the list; a MIG device brings its parent
 * GPU. An id that names nothing fails with "<id>: unknown device". */
int devices_select(struct error *err, struct devices *sel, const char *ids, const struct nvc_device_info *info)
        __attribute__((nonnull(1, 2, 4)));

/* --mig-config / --mig-monitor: only "all" is supported, meaning every
 * MIG-capable GPU among the `visible` selection. `what` names the option in
 * the error "cannot enable <what> with specific MIG devices selected". */
int devices_select_mig_caps(struct error *err, struct devices *sel, const char *ids, const struct devices *visible,
                            const char *what) __attribute__((nonnull(1, 2, 4, 5)));

/* What a command selects: --device, --mig-config and --mig-monitor. */
struct selection {
        struct devices visible;
        struct devices mig_config;
        struct devices mig_monitor;
};

/* Fills *sel from the three id lists (each may be NULL). Errors carry their
 * stage: "device error: ...", "mig-config error: ...", "mig-monitor error: ...".
 * As upstream, without GPUs the device ids are not looked at, so one command
 * line serves every node of a cluster. */
int selection_make(struct error *err, struct selection *sel, const char *devices, const char *mig_config,
                   const char *mig_monitor, const struct nvc_device_info *info) __attribute__((nonnull(1, 2, 6)));
void selection_free(struct selection *sel) __attribute__((nonnull(1)));

/* Whether a visible GPU is MIG-capable: its MIG devices only NVML lists. */
bool selection_has_mig_capable(const struct selection *sel) __attribute__((nonnull(1)));

#endif
