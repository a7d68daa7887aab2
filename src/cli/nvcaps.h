/* The nvidia-caps device nodes behind MIG capabilities. The driver publishes
 * each capability as a /proc file ("DeviceFileMinor: N") and, when it makes
 * /dev/nvidia-caps/nvidia-cap<N> nodes for them (the "dev" style, announced
 * by /proc/driver/nvidia-caps/mig-minors), containers need those nodes too.
 * Paths are read inside the driver root; paths printed are in-root paths. */
#ifndef CLI_NVCAPS_H
#define CLI_NVCAPS_H

#include <stdbool.h>
#include <stdio.h>

#define NVCAPS_MIG_MINORS "/proc/driver/nvidia-caps/mig-minors"
#define NVCAPS_DEVICE_DIR "/dev/nvidia-caps"
#define NVCAPS_MIG_CAPS_DIR "/proc/driver/nvidia/capabilities/mig"

/* Whether the driver under `root` (NULL: "/") makes nvidia-caps nodes. */
bool nvcaps_dev_style(const char *root);

/* The node of the capability file `proc_path` (in-root); -1 when it cannot
 * be read or has no "DeviceFileMinor:" line. */
int nvcaps_node_of(const char *root, const char *proc_path, char **node);

/* Prints the node of every capability mig-minors lists for the GPU with
 * this minor ("gpu<minor>/..." lines), one per line; -1 when mig-minors
 * cannot be read. */
int nvcaps_print_gpu_nodes(FILE *out, const char *root, unsigned gpu_minor);

#endif
