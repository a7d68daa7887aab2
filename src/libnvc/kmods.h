/* load-kmods: load the NVIDIA kernel modules and create the control device
 * nodes as libnvidia-container does (through nvidia-modprobe's logic). With
 * no modules available it logs that and goes on. */
#ifndef NVC_KMODS_H
#define NVC_KMODS_H

#include "common/error.h"

int kmods_load(struct error *err, const char *root);

#endif
