/* `info [--csv]`: the driver's versions and the GPUs it sees, in
 * libnvidia-container's layout ("%-15s %s" lines, or two CSV tables).
 *
 * MIG devices: upstream's info prints none. We list them after their GPU,
 * in the same layout, and only when there are some, so the output of a
 * machine without MIG stays byte for byte upstream's. */
#include <stdio.h>
#include <sys/sysmacros.h>

#include "cli/cli.h"
#include "cli/session.h"

enum {
        OPTION_CSV = 1000,
};

static error_t info_parser(int key, char *arg, struct argp_state *state);

static const struct argp_option info_options[] = {
        {NULL, 0, NULL, 0, "Options:", -1},
        {"csv", OPTION_CSV, NULL, 0, "Output in CSV format", -1},
        {0},
};

const struct argp info_usage = {
        info_options,
        info_parser,
        NULL,
        "Query the driver and report its information as well as the devices it detected.",
        NULL,
        NULL,
        NULL,
};

static error_t info_parser(int key, char *arg, struct argp_state *state)
{
        struct context *ctx = state->input;

        (void)arg;
        switch (key) {
        case OPTION_CSV:
                ctx->csv_output = true;
                break;
        default:
                return ARGP_ERR_UNKNOWN;
        }
        return 0;
}

/* A field the library left unset prints empty rather than "(null)". */
static const char *text(const char *s)
{
        return s != NULL ? s : "";
}

static void print_migs_text(size_t index, const struct nvc_device *gpu)
{
        for (size_t j = 0; j < gpu->mig_devices.ndevices; j++) {
                const struct nvc_mig_device *mig = &gpu->mig_devices.devices[j];

                printf("\n%-15s %zu:%zu\n%-15s %s\n%-15s %u\n%-15s %u\n", "MIG Device:", index, j, "MIG UUID:",
                       text(mig->uuid), "GI ID:", mig->gi, "CI ID:", mig->ci);
        }
}

static void print_text(const struct nvc_driver_info *drv, const struct nvc_device_info *dev)
{
        printf("%-15s %s\n%-15s %s\n", "NVRM version:", text(drv->nvrm_version), "CUDA version:",
               text(drv->cuda_version));
        for (size_t i = 0; i < dev->ngpus; i++) {
                const struct nvc_device *gpu = &dev->gpus[i];

                printf("\n%-15s %zu\n%-15s %u\n%-15s %s\n%-15s %s\n%-15s %s\n%-15s %s\n%-15s %s\n", "Device Index:", i,
                       "Device Minor:", minor(gpu->node.id), "Model:", text(gpu->model), "Brand:", text(gpu->brand),
                       "GPU UUID:", text(gpu->uuid), "Bus Location:", text(gpu->busid), "Architecture:",
                       text(gpu->arch));
                print_migs_text(i, gpu);
        }
}

static size_t count_migs(const struct nvc_device_info *dev)
{
        size_t n = 0;

        for (size_t i = 0; i < dev->ngpus; i++)
                n += dev->gpus[i].mig_devices.ndevices;
        return n;
}

static void print_csv(const struct nvc_driver_info *drv, const struct nvc_device_info *dev)
{
        printf("NVRM version,CUDA version\n%s,%s\n", text(drv->nvrm_version), text(drv->cuda_version));
        printf("\nDevice Index,Device Minor,Model,Brand,GPU UUID,Bus Location,Architecture\n");
        for (size_t i = 0; i < dev->ngpus; i++) {
                const struct nvc_device *gpu = &dev->gpus[i];

                printf("%zu,%u,%s,%s,%s,%s,%s\n", i, minor(gpu->node.id), text(gpu->model), text(gpu->brand),
                       text(gpu->uuid), text(gpu->busid), text(gpu->arch));
        }
        if (count_migs(dev) == 0)
                return;
        printf("\nMIG Device,MIG UUID,GI ID,CI ID\n");
        for (size_t i = 0; i < dev->ngpus; i++) {
                const struct nvc_mig_device_info *migs = &dev->gpus[i].mig_devices;

                for (size_t j = 0; j < migs->ndevices; j++)
                        printf("%zu:%zu,%s,%u,%u\n", i, j, text(migs->devices[j].uuid), migs->devices[j].gi,
                               migs->devices[j].ci);
        }
}

int info_command(const struct context *ctx, struct error *err)
{
        struct session s;
        int rv = -1;

        if (session_open(&s, ctx, false, err) == 0 && session_query(&s, NULL, NULL, err) == 0) {
                if (ctx->csv_output)
                        print_csv(s.drv, s.dev);
                else
                        print_text(s.drv, s.dev);
                rv = session_enter(&s, PERM_SHUTDOWN, err);
        }
        session_close(&s);
        return rv;
}
