/* The update-application-profile hook (NVIDIA toolkit 1.18): EGL and Vulkan
 * enumerate every GPU of the host unless a driver "application profile"
 * restricts them. The GPUs a container has are its /dev/nvidiaN character
 * devices; their minors form the EGLVisibleDGPUDevices bit mask of a
 * profile that applies to every program, written as
 * /etc/nvidia/nvidia-application-profiles-rc.d/10-container.conf (mode
 * 0444). Nothing is written when the container has no GPU node. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctk/hook_internal.h"
#include "libnvc/rootfs.h"

#define PROFILE_DIR "/etc/nvidia/nvidia-application-profiles-rc.d"
#define PROFILE_FILE "10-container.conf"

char *ctk_profile_content(uint64_t mask)
{
        char *text = NULL;

        if (asprintf(&text,
                     "{\"profiles\":[{\"name\":\"_container_\",\"settings\":[\"EGLVisibleDGPUDevices\",0x%" PRIx64
                     "]}],\"rules\":[{\"pattern\":[],\"profile\":\"_container_\"}]}",
                     mask) < 0)
                return NULL;
        return text;
}

/* nvidiaN: a GPU's node (not nvidiactl, nvidia-uvm, ...). */
static bool gpu_node(const char *name)
{
        if (strncmp(name, "nvidia", 6) != 0 || name[6] == '\0')
                return false;
        return strspn(name + 6, "0123456789") == strlen(name + 6);
}

static void add_minor(uint64_t *mask, int devfd, const char *name)
{
        struct stat st;
        unsigned int minor;

        if (fstatat(devfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISCHR(st.st_mode))
                return;
        minor = minor(st.st_rdev);
        if (minor >= 64) {
                ctk_log(CTK_WARN, "dropping invalid minor number %u: must be in range [0, 63]", minor);
                return;
        }
        *mask |= UINT64_C(1) << minor;
}

/* The minors of the container's GPU nodes. */
static int gpu_mask(struct error *err, const struct ctk_container *c, uint64_t *mask)
{
        cleanup_dir DIR *d = NULL;
        struct dirent *e;
        int fd;

        *mask = 0;
        if (rootfs_open(err, c->fd, "/dev", O_RDONLY | O_DIRECTORY, &fd) < 0) {
                if (err->code != ENOENT)
                        return -1;
                error_reset(err);
                return 0;
        }
        if ((d = fdopendir(fd)) == NULL) {
                close(fd);
                return error_set(err, "read `/dev` in the container");
        }
        while ((e = readdir(d)) != NULL)
                if (gpu_node(e->d_name))
                        add_minor(mask, dirfd(d), e->d_name);
        return 0;
}

static int update(struct error *err, const char *state)
{
        cleanup_free char *text = NULL;
        cleanup_close int dirfd = -1;
        struct ctk_container c;
        uint64_t mask;
        int rv;

        if (ctk_container_open(err, state, &c) < 0)
                return -1;
        rv = gpu_mask(err, &c, &mask);
        if (rv == 0 && mask == 0) {
                ctk_log(CTK_DEBUG, "No GPU device node in the container");
        } else if (rv == 0 && (text = ctk_profile_content(mask)) == NULL) {
                rv = error_set(err, "write `%s/%s`", PROFILE_DIR, PROFILE_FILE);
        } else if (rv == 0 && ctk_mkdirs(err, &c, PROFILE_DIR, &dirfd) == 0) {
                rv = ctk_write_at(err, &c, dirfd, PROFILE_FILE, text, strlen(text), 0444, true);
        } else {
                rv = -1;
        }
        ctk_container_close(&c);
        return rv;
}

int ctk_hook_update_application_profile(int argc, char **argv)
{
        return ctk_hook_state_only(argc, argv, "failed to update application profile", update);
}
