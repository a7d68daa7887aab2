/*
 * libnvidia-container: the public API. Names, structures and semantics are
 * those of NVIDIA's libnvidia-container, so programs written against it
 * build and run against this library unchanged.
 */
#ifndef NVC_H
#define NVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NVC_MAJOR 1
#define NVC_MINOR 17
#define NVC_PATCH 8
#define NVC_VERSION "1.17.8"

#define NVC_ARG_MAX 256

struct nvc_context;
struct nvc_container;

struct nvc_version {
        unsigned int major;
        unsigned int minor;
        unsigned int patch;
        const char *string;
};

/* root: the driver root ("/" when NULL); ldcache: the linker cache inside it
 * ("/etc/ld.so.cache" when NULL); uid/gid: the identity the NVML process
 * runs as ((uid_t)-1: the kernel's overflow ids). */
struct nvc_config {
        char *root;
        char *ldcache;
        uid_t uid;
        gid_t gid;
};

struct nvc_device_node {
        char *path;
        dev_t id;
};

struct nvc_driver_info {
        char *nvrm_version;
        char *cuda_version;
        char **bins;
        size_t nbins;
        char **libs;
        size_t nlibs;
        char **libs32;
        size_t nlibs32;
        char **ipcs;
        size_t nipcs;
        struct nvc_device_node *devs;
        size_t ndevs;
        char **firmwares;
        size_t nfirmwares;
};

struct nvc_mig_device {
        struct nvc_device *parent;
        char *uuid;
        unsigned int gi;
        unsigned int ci;
        char *gi_caps_path;
        char *ci_caps_path;
};

struct nvc_mig_device_info {
        struct nvc_mig_device *devices;
        size_t ndevices;
};

struct nvc_device {
        char *model;
        char *uuid;
        char *busid;
        char *arch;
        char *brand;
        struct nvc_device_node node;
        bool mig_capable;
        char *mig_caps_path;
        struct nvc_mig_device_info mig_devices;
};

struct nvc_device_info {
        struct nvc_device *gpus;
        size_t ngpus;
};

/* pid: a process in the container (its mount namespace and cgroup);
 * rootfs: the container's root as the runtime passes it (a host path). The
 * directories default as libnvidia-container's do (multiarch lib dirs on
 * Debian-like images, /usr/lib64 otherwise, /usr/local/cuda, /usr/bin);
 * ldconfig: "@/path" for a host binary (the default), a plain path for one
 * from the image (refused unless the container options allow it). */
struct nvc_container_config {
        pid_t pid;
        char *rootfs;
        char *bins_dir;
        char *libs_dir;
        char *libs32_dir;
        char *cudart_dir;
        char *ldconfig;
};

const struct nvc_version *nvc_version(void);

struct nvc_context *nvc_context_new(void);
void nvc_context_free(struct nvc_context *);

struct nvc_config *nvc_config_new(void);
void nvc_config_free(struct nvc_config *);

/* opts: space-separated library options ("load-kmods"; ours: "lazy-nvml",
 * the driver process started and NVML initialised by the first query that
 * needs them); NULL for none. */
int nvc_init(struct nvc_context *, const struct nvc_config *, const char *opts);
int nvc_shutdown(struct nvc_context *);

/* opts: space-separated driver options ("no-glvnd no-uvm no-modeset no-mps
 * no-persistenced no-fabricmanager no-gsp-firmware"; ours: "devices-only",
 * the control device nodes alone: no files, no IPCs and no versions, so no
 * driver code runs; "no-cuda-version", everything but cuda_version, which
 * stays NULL: the CUDA version is the one answer that needs the driver
 * process); NULL for none. */
struct nvc_driver_info *nvc_driver_info_new(struct nvc_context *, const char *opts);
void nvc_driver_info_free(struct nvc_driver_info *);

/* opts: device options (none defined); NULL. */
/* opts: none in libnvidia-container (ignored); ours: "no-nvml", the GPUs from
 * the driver's proc tree without opening them (arch, brand NULL; no MIG
 * devices), or from NVML when that tree cannot tell. */
struct nvc_device_info *nvc_device_info_new(struct nvc_context *, const char *opts);
void nvc_device_info_free(struct nvc_device_info *);

struct nvc_container_config *nvc_container_config_new(pid_t pid, const char *rootfs);
void nvc_container_config_free(struct nvc_container_config *);

/* opts: container options ("supervised|standalone no-cgroups no-devbind
 * utility compute video graphics display ngx compat32 ..."); NULL for the
 * default "standalone no-cgroups no-devbind utility". */
struct nvc_container *nvc_container_new(struct nvc_context *, const struct nvc_container_config *, const char *opts);
void nvc_container_free(struct nvc_container *);

/* Mounts the driver's files the container's capabilities select. */
int nvc_driver_mount(struct nvc_context *, const struct nvc_container *, const struct nvc_driver_info *);
/* Mounts a GPU's device node and allows it in the device cgroup. */
int nvc_device_mount(struct nvc_context *, const struct nvc_container *, const struct nvc_device *);
int nvc_mig_device_access_caps_mount(struct nvc_context *, const struct nvc_container *, const struct nvc_mig_device *);
int nvc_mig_config_global_caps_mount(struct nvc_context *, const struct nvc_container *);
int nvc_mig_monitor_global_caps_mount(struct nvc_context *, const struct nvc_container *);
int nvc_device_mig_caps_mount(struct nvc_context *, const struct nvc_container *, const struct nvc_device *);
/* Extension (not in NVIDIA's API): undoes every mount the calls above made
 * in the container, newest first, so that a caller whose later step fails
 * leaves nothing behind. */
int nvc_container_unmount(struct nvc_context *, const struct nvc_container *);

/* Refreshes the container's linker cache with a sandboxed ldconfig. */
int nvc_ldcache_update(struct nvc_context *, const struct nvc_container *);

/* The last error of the context, or NULL. */
const char *nvc_error(struct nvc_context *);

#ifdef __cplusplus
}
#endif

#endif
