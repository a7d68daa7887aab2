/* GPU identity from the kernel module's /proc tree of the driver root
 * (/proc/driver/nvidia/gpus/<busid>/information, /proc/driver/nvidia/version):
 * what a container start needs to know about a GPU without opening its node,
 * which waits for a GPU without persistence mode to initialise. The files
 * belong to the driver root, so every field is checked before it is used. */
#ifndef NVC_GPU_PROC_H
#define NVC_GPU_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct gpu_proc {
        char *model;       /* "Tesla T4" */
        char *uuid;        /* "GPU-..."; NULL while the driver shows a placeholder */
        char *busid;       /* NVML's format, "00000000:01:00.0" */
        unsigned int minor;
        bool excluded;     /* "GPU Excluded: Yes": NVML does not list it */
        bool mig_capable;  /* the driver has a capabilities/gpu<minor>/mig directory */
};

/* Parses the text of one information file (NAME is for errors). */
int gpu_proc_parse(struct error *err, const char *name, const char *text, struct gpu_proc *gpu);
void gpu_proc_clear(struct gpu_proc *gpu);

/* The kernel module's version from the text of the version file. */
int gpu_proc_parse_version(struct error *err, const char *name, const char *text, char **version);

/* The GPUs of ROOT's proc tree NVML would list (not excluded, with a node in
 * ROOT's /dev), in bus order. Returns 1, with nothing set, when ROOT has no
 * such tree or a GPU's UUID is not known yet: only NVML can tell then. */
int gpu_proc_list(struct error *err, const char *root, struct gpu_proc **gpus, size_t *n);
void gpu_proc_list_free(struct gpu_proc *gpus, size_t n);

/* Whether ROOT has /dev/nvidiactl (looked up, never opened): without it
 * nvmlInit fails, and only NVML's own error says how. */
bool gpu_proc_has_control(const char *root);

/* The kernel module's version from ROOT's proc tree; 1 when there is none. */
int gpu_proc_version(struct error *err, const char *root, char **version);

#endif
