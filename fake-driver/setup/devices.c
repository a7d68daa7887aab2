/* Device nodes as the kernel module (and nvidia-modprobe) create them. No
 * driver sits behind these majors, so opening one gives ENXIO where the
 * device cgroup allows it and EPERM where it does not. */
#include <limits.h>
#include <stdio.h>

#include "setup.h"

static int install_mig_nodes(struct installer *in, const struct fake_inventory *inv, struct error *err)
{
        char rel[PATH_MAX];
        bool any = false;

        for (unsigned i = 0; i < inv->gpu_count; i++) {
                const struct fake_gpu *g = &inv->gpus[i];

                any = any || g->mig_capable;
                for (unsigned j = 0; j < g->mig_count; j++) {
                        snprintf(rel, sizeof(rel), "dev/nvidia-caps/nvidia-cap%u", g->migs[j].access_minor);
                        if (inst_mknod(in, rel, FAKE_CAPS_MAJOR, g->migs[j].access_minor, err) < 0)
                                return -1;
                        snprintf(rel, sizeof(rel), "dev/nvidia-caps/nvidia-cap%u", g->migs[j].ci_access_minor);
                        if (inst_mknod(in, rel, FAKE_CAPS_MAJOR, g->migs[j].ci_access_minor, err) < 0)
                                return -1;
                }
        }
        if (!any)
                return 0;
        snprintf(rel, sizeof(rel), "dev/nvidia-caps/nvidia-cap%u", inv->mig_config_minor);
        if (inst_mknod(in, rel, FAKE_CAPS_MAJOR, inv->mig_config_minor, err) < 0)
                return -1;
        snprintf(rel, sizeof(rel), "dev/nvidia-caps/nvidia-cap%u", inv->mig_monitor_minor);
        return inst_mknod(in, rel, FAKE_CAPS_MAJOR, inv->mig_monitor_minor, err);
}

int install_devices(struct installer *in, const struct fake_inventory *inv, struct error *err)
{
        char rel[64];

        if (inst_mknod(in, "dev/nvidiactl", FAKE_NVIDIA_MAJOR, 255, err) < 0 ||
            inst_mknod(in, "dev/nvidia-modeset", FAKE_NVIDIA_MAJOR, 254, err) < 0 ||
            inst_mknod(in, "dev/nvidia-uvm", FAKE_UVM_MAJOR, 0, err) < 0 ||
            inst_mknod(in, "dev/nvidia-uvm-tools", FAKE_UVM_MAJOR, 1, err) < 0)
                return -1;
        for (unsigned i = 0; i < inv->gpu_count; i++) {
                snprintf(rel, sizeof(rel), "dev/nvidia%u", inv->gpus[i].minor);
                if (inst_mknod(in, rel, FAKE_NVIDIA_MAJOR, inv->gpus[i].minor, err) < 0)
                        return -1;
        }
        return install_mig_nodes(in, inv, err);
}
