/* What the CDI hooks (hook_*.c) share. They run as root, as OCI
 * createContainer hooks: inside the new container's mount namespace, after
 * its mounts are in place and before pivot_root, so they see the host's "/"
 * and the container's root at root.path of its config.json. Everything they
 * touch in that root is resolved inside it (libnvc/rootfs.h) and created
 * relative to a directory fd resolved so, because the image controls every
 * path and symlink there. */
#ifndef CTK_HOOK_INTERNAL_H
#define CTK_HOOK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "ctk/ctk.h"

/* The container a hook acts on. */
struct ctk_container {
        char *root;      /* absolute path of its root, as this process reaches it */
        int fd;          /* O_PATH directory fd of the root */
        uid_t uid;       /* owner of the root: what the hooks create is theirs, */
        gid_t gid;       /* as libnvidia-container does for the container's owner */
};

/* Reads the container's OCI state from state_path, or from stdin when it is
 * NULL, "" or "-" (NVIDIA's --container-spec), loads <bundle>/config.json
 * and opens its root. A config.json (or a bundle directory) in place of the
 * state is accepted too. Free with ctk_container_close. */
int ctk_container_open(struct error *err, const char *state_path, struct ctk_container *c)
        __attribute__((nonnull(1, 3)));
void ctk_container_close(struct ctk_container *c) __attribute__((nonnull));

/* The --container-spec flag of every hook, read into state. */
#define CTK_HOOK_STATE_FLAG(state)                                                                         \
        {"container-spec", NULL, CTK_FLAG_STRING, &(state),                                                \
         "Specify the path to the OCI container state. If empty or '-' it is read from STDIN", NULL}

/* Parses a hook's flags (argv[0] is its name, which finds its usage line in
 * ctk_hooks). True when the hook is done already (--help printed, or a bad
 * flag logged), with its exit status in *status; else *status is 0. */
bool ctk_hook_flags(const struct ctk_flag *flags, int argc, char **argv, int *status) __attribute__((nonnull));

/* Runs a hook whose only flag is --container-spec: fn gets the state path;
 * a failure is logged as what. Returns the exit status. */
int ctk_hook_state_only(int argc, char **argv, const char *what, int (*fn)(struct error *err, const char *state))
        __attribute__((nonnull(2, 3, 4)));

/* Fills buf with len - 1 random letters and digits and a NUL. */
void ctk_random_suffix(char *buf, size_t len) __attribute__((nonnull));

/* Makes sure directory path exists in the container (missing parts made
 * 0755, owned by its owner, inside the root) and opens it (O_PATH). */
int ctk_mkdirs(struct error *err, const struct ctk_container *c, const char *path, int *fd) __attribute__((nonnull));

/* Writes data as the file name in the directory dirfd of the container:
 * into a hidden temporary file (owned by the container's owner, mode
 * mode), synced, then renamed over name (replace) or linked to name, which
 * must not exist then (error code EEXIST). Nothing is left on failure. */
int ctk_write_at(struct error *err, const struct ctk_container *c, int dirfd, const char *name, const void *data,
                 size_t len, mode_t mode, bool replace) __attribute__((nonnull(1, 2, 4, 5)));

/* An ld.so.conf.d drop-in listing dirs, each once, one per line. malloc'd,
 * NULL when out of memory. */
char *ctk_ldsoconf_content(const char *const *dirs, size_t n);

/* Writes dirs as a new /etc/ld.so.conf.d/<prefix>XXXXXX.conf (mode 0644) in
 * the container, creating the directory inside the root when missing. */
int ctk_ldsoconf_write(struct error *err, const struct ctk_container *c, const char *prefix, const char *const *dirs,
                       size_t n) __attribute__((nonnull(1, 2, 3)));

/* create-symlinks: splits "TARGET::LINK" (both non-empty, LINK absolute,
 * one "::") into malloc'd parts. */
int ctk_link_parse(struct error *err, const char *spec, char **target, char **link) __attribute__((nonnull));

/* enable-cuda-compat: whether the compat library's version (the suffix of
 * libcuda.so.X.Y[.Z]) has a greater major version than the host driver's.
 * A version without a numeric major is an error. */
int ctk_compat_newer(struct error *err, const char *compat_version, const char *driver_version, bool *newer)
        __attribute__((nonnull));

/* disable-device-node-modification: the driver's params text with the line
 * "ModifyDeviceFiles: 1" turned into "ModifyDeviceFiles: 0", every line
 * ending in a newline. *out is NULL when there is nothing to change (no such
 * line, or it is 0 already). Returns -1 when out of memory. */
int ctk_params_rewrite(const char *text, size_t len, char **out, size_t *outlen) __attribute__((nonnull));

/* update-application-profile: the driver application profile that shows
 * EGL/Vulkan only the GPUs of the minors set in mask. malloc'd or NULL. */
char *ctk_profile_content(uint64_t mask);

/* The hooks (ctk_hooks in hook_table.c). */
int ctk_hook_create_symlinks(int argc, char **argv);
int ctk_hook_update_ldcache(int argc, char **argv);
int ctk_hook_enable_cuda_compat(int argc, char **argv);
int ctk_hook_disable_device_node_modification(int argc, char **argv);
int ctk_hook_update_application_profile(int argc, char **argv);
int ctk_hook_chmod(int argc, char **argv);

#endif
