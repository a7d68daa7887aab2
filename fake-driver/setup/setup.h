/* fake-nvidia-setup: installs the fake NVIDIA driver into a driver root (or
 * into / with --system) the way a driver installer and the kernel module
 * would leave it. Internal interfaces between the setup tool's files. */
#ifndef FAKE_SETUP_H
#define FAKE_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "inventory.h"

#define FAKE_MAX_MIG_SPECS FAKE_MAX_GPUS
#define FAKE_MAX_OPEN_DELAY_MS 60000

/* Character device majors. 195 is the NVIDIA frontend's fixed major; the
 * UVM and caps majors are dynamic on a real system, so any unused one works
 * as long as every node agrees. */
#define FAKE_NVIDIA_MAJOR 195
#define FAKE_UVM_MAJOR 510
#define FAKE_CAPS_MAJOR 509

struct setup_options {
        const char *root;                 /* driver root; "/" with --system */
        bool system;
        bool remove;
        bool quiet;
        unsigned gpus;
        const char *model;
        const char *driver_version;
        const char *cuda_version;
        const char *compute_capability;   /* NULL: from the model table */
        const char *mig[FAKE_MAX_MIG_SPECS];
        unsigned mig_count;
        unsigned open_delay_ms;           /* --open-delay, for every GPU */
};

/* install.c */
struct install_stats {
        unsigned files, links, nodes, gpus, migs;
};
/* Installs the driver the options describe, replacing an earlier install;
 * on failure nothing of it stays. */
int setup_install(const struct setup_options *opts, struct install_stats *stats, struct error *err);
/* Removes an earlier install; *found tells whether there was one. */
int setup_remove(const struct setup_options *opts, bool *found, struct error *err);

/* options.c */
enum { SETUP_PARSE_OK = 0, SETUP_PARSE_EXIT = 1 };
/* Fills *opts from argv. Returns SETUP_PARSE_EXIT after --help/--version,
 * -1 on bad arguments (message in *err). */
int setup_parse_args(int argc, char **argv, struct setup_options *opts, struct error *err);

/* profile.c */
/* Builds the inventory the options describe (models, bus ids, UUIDs, MIG). */
int profile_build(const struct setup_options *opts, struct fake_inventory *inv, struct error *err);
/* Parses "12.2" into the CUDA driver API's 12020. */
int profile_parse_cuda_version(const char *s, unsigned *out, struct error *err);
/* The /proc/driver/nvidia/gpus/<dir> name of a GPU: "0000:01:00.0". */
void profile_proc_busid(const struct fake_gpu *gpu, char *buf, size_t len);

/* layout.c: the driver's files, in one table. */
enum lib_kind { LIB_STUB, LIB_TLS, LIB_NVML, LIB_CUDA };
enum soname_kind { SONAME_FIXED, SONAME_VERSIONED };
struct driver_lib {
        const char *name;          /* "libnvidia-ml.so" */
        const char *subdir;        /* "" or "vdpau/" (under the lib dir) */
        const char *soname_suffix; /* ".1" for SONAME_FIXED */
        enum soname_kind soname;
        enum lib_kind kind;
        const char *file_version;  /* NULL: the driver version */
        bool compat32;             /* also in the i386 lib dir */
        bool dev_link;             /* libX.so -> SONAME, as the installer makes */
};
extern const struct driver_lib driver_libs[];
extern const size_t driver_libs_count;
extern const char *const driver_bins[];
extern const size_t driver_bins_count;
extern const char *const driver_firmware[];
extern const size_t driver_firmware_count;
struct driver_file { const char *path; const char *content; };
extern const struct driver_file driver_files[];
extern const size_t driver_files_count;
struct driver_module { const char *dir; const char *name; bool versioned; };
extern const struct driver_module driver_modules[];
extern const size_t driver_modules_count;
#define LIBDIR64 "usr/lib/x86_64-linux-gnu"
#define LIBDIR32 "usr/lib/i386-linux-gnu"

/* stamp.c */
/* Copies a payload library into place with its SONAME and, for the fake
 * NVML/CUDA, the inventory written in. */
int stamp_library(const char *src, const char *dst, const char *soname,
                  const struct fake_inventory *inv, struct error *err);
/* Finds the payload directory beside the running executable. */
int payload_dir(char *buf, size_t len, struct error *err);

/* manifest.c: every path the tool creates, so --remove undoes exactly that. */
struct manifest;
int manifest_open(struct manifest **m, const char *root, struct error *err);
/* Records a path relative to the root ('d' for directories, 'f' otherwise). */
int manifest_add(struct manifest *m, char type, const char *rel, struct error *err);
int manifest_commit(struct manifest *m, struct error *err);
void manifest_free(struct manifest *m);
/* Removes what an earlier install recorded; nothing to do is not an error. */
int manifest_remove_all(const char *root, bool *found, struct error *err);

/* fsops.c: creation helpers that record into the manifest. */
struct installer {
        const char *root;
        struct manifest *manifest;
        unsigned files, links, nodes;
};
int inst_mkdirs(struct installer *in, const char *rel, struct error *err);
int inst_write(struct installer *in, const char *rel, const char *content, unsigned mode, struct error *err);
int inst_symlink(struct installer *in, const char *target, const char *rel, struct error *err);
int inst_mknod(struct installer *in, const char *rel, unsigned major, unsigned minor, struct error *err);
int inst_copy_lib(struct installer *in, const char *src, const char *rel, const char *soname,
                  const struct fake_inventory *inv, struct error *err);
/* Joins root and rel into buf. */
int inst_path(const struct installer *in, const char *rel, char *buf, size_t len, struct error *err);

/* procfs.c, devices.c, libraries.c */
int install_procfs(struct installer *in, const struct fake_inventory *inv, struct error *err);
int install_devices(struct installer *in, const struct fake_inventory *inv, struct error *err);
int install_driver_files(struct installer *in, const struct fake_inventory *inv, const char *payload,
                         struct error *err);
int install_ldcache(struct installer *in, bool system, struct error *err);
/* Rebuilds an existing ld.so.cache of the root (or the system's). */
int ldcache_refresh(const char *root, bool system, struct error *err);

/* system.c: --system mounts a tmpfs over /proc/driver. */
int system_mount_procfs(struct error *err);
int system_umount_procfs(struct error *err);

#endif
