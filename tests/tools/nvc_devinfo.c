/* nvc-devinfo: drives libnvidia-container's device query through its public
 * API alone (nvc_init, nvc_device_info_new), for the integration tests of
 * the driver process.
 *
 *   nvc-devinfo [--root DIR] [--user UID:GID] [--repeat N]
 *
 * Prints one line per GPU and per MIG device with every field of
 * struct nvc_device; on failure prints "nvc-devinfo: <error>" and exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "nvc.h"

static void print_info(const struct nvc_device_info *info)
{
        for (size_t i = 0; i < info->ngpus; i++) {
                const struct nvc_device *g = &info->gpus[i];

                printf("gpu %zu: model=%s brand=%s uuid=%s busid=%s arch=%s node=%s (%u:%u) mig_capable=%d "
                       "mig_caps=%s\n",
                       i, g->model, g->brand, g->uuid, g->busid, g->arch, g->node.path, major(g->node.id),
                       minor(g->node.id), g->mig_capable, g->mig_caps_path != NULL ? g->mig_caps_path : "-");
                for (size_t j = 0; j < g->mig_devices.ndevices; j++) {
                        const struct nvc_mig_device *m = &g->mig_devices.devices[j];

                        printf("  mig %zu: uuid=%s gi=%u ci=%u gi_caps=%s ci_caps=%s parent=%s\n", j, m->uuid, m->gi,
                               m->ci, m->gi_caps_path, m->ci_caps_path, m->parent == g ? "ok" : "WRONG");
                }
        }
}

static int run(struct nvc_config *cfg)
{
        struct nvc_context *ctx = nvc_context_new();
        struct nvc_device_info *info = NULL;
        int rv = -1;

        if (ctx == NULL) {
                fputs("nvc-devinfo: out of memory\n", stderr);
                return -1;
        }
        if (nvc_init(ctx, cfg, NULL) < 0 || (info = nvc_device_info_new(ctx, NULL)) == NULL) {
                fprintf(stderr, "nvc-devinfo: %s\n", nvc_error(ctx));
                goto out;
        }
        print_info(info);
        rv = 0;
out:
        nvc_device_info_free(info);
        if (nvc_shutdown(ctx) < 0) {
                fprintf(stderr, "nvc-devinfo: shutdown: %s\n", nvc_error(ctx));
                rv = -1;
        }
        nvc_context_free(ctx);
        return rv;
}

int main(int argc, char **argv)
{
        struct nvc_config *cfg = nvc_config_new();
        long repeat = 1;
        int rv = EXIT_SUCCESS;

        if (cfg == NULL)
                return EXIT_FAILURE;
        for (int i = 1; i + 1 < argc; i += 2) {
                if (strcmp(argv[i], "--root") == 0) {
                        cfg->root = argv[i + 1];
                } else if (strcmp(argv[i], "--user") == 0) {
                        unsigned uid, gid;
                        if (sscanf(argv[i + 1], "%u:%u", &uid, &gid) != 2)
                                return EXIT_FAILURE;
                        cfg->uid = uid;
                        cfg->gid = gid;
                } else if (strcmp(argv[i], "--repeat") == 0) {
                        repeat = strtol(argv[i + 1], NULL, 10);
                }
        }
        for (long i = 0; i < repeat && rv == EXIT_SUCCESS; i++)
                if (run(cfg) < 0)
                        rv = EXIT_FAILURE;
        nvc_config_free(cfg);
        return rv;
}
