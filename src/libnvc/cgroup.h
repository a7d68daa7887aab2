/* Device cgroups: allowing a container's processes to open the GPU device
 * nodes we give it. Two backends behind one small table, as crun does it:
 * v1 writes "c MAJOR:MINOR rw" to devices.allow; v2 replaces the cgroup's
 * BPF_PROG_TYPE_CGROUP_DEVICE programs by copies that allow our devices
 * first and then run the original rules unchanged. */
#ifndef NVC_CGROUP_H
#define NVC_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

struct cgroup_rule {
        char type;           /* 'c' or 'b' */
        unsigned major, minor;
        const char *access;  /* subset of "rwm" */
};

struct cgroup_ops {
        const char *name;
        /* Allows the devices in the cgroup whose directory DIRFD is open
         * (O_RDONLY|O_DIRECTORY, opened on the host before entering any
         * container namespace); DIR names it in messages. */
        int (*allow)(struct error *err, int dirfd, const char *dir, const struct cgroup_rule *rules, size_t n);
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

/* Finds the device cgroup of a process, as the kernel shows it in
 * /proc/<pid>/{mountinfo,cgroup} under proc_root: the v1 devices controller
 * when one is mounted (hybrid hosts), else the unified hierarchy. *dir is
 * the absolute directory of the process's cgroup (to free). */
int cgroup_find(struct error *err, const char *proc_root, pid_t pid, const struct cgroup_ops **ops, char **dir);

/* Opens a cgroup directory for the ops above. */
int cgroup_open(struct error *err, const char *dir, int *fd);

#endif
