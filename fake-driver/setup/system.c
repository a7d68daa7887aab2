/* --system: /proc/driver cannot be written, so a tmpfs is mounted over it
 * for the lifetime of the install (until --remove or a reboot). */
#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "setup.h"

#define PROC_DRIVER "/proc/driver"
#define TMPFS_MAGIC 0x01021994

static bool is_tmpfs(const char *path)
{
        struct statfs st;

        return statfs(path, &st) == 0 && st.f_type == TMPFS_MAGIC;
}

int system_mount_procfs(struct error *err)
{
        if (is_tmpfs(PROC_DRIVER))
                return 0;
        if (mount("tmpfs", PROC_DRIVER, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555") < 0)
                return error_set(err, "mount tmpfs on `%s`", PROC_DRIVER);
        return 0;
}

int system_umount_procfs(struct error *err)
{
        if (!is_tmpfs(PROC_DRIVER))
                return 0;
        if (umount2(PROC_DRIVER, MNT_DETACH) < 0)
                return error_set(err, "unmount `%s`", PROC_DRIVER);
        return 0;
}
