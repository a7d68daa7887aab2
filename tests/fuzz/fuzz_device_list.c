/* Fuzz target device_list: the input is up to three NUL-separated device
 * lists: what NVIDIA_VISIBLE_DEVICES or `nvidia-container-cli --device`
 * carries, then NVIDIA_MIG_CONFIG_DEVICES (--mig-config) and
 * NVIDIA_MIG_MONITOR_DEVICES (--mig-monitor). They go to the CLI's id
 * parser and selection against a fixed two-GPU inventory (src/cli/
 * devices.h), to the CDI name parser for each id (src/common/cdi_name.h),
 * and to the container request (image_request_compute, src/common/image.h)
 * as environment, a device-list volume mount and a CDI annotation. */
#include "cli/devices.h"
#include "common/cdi_name.h"
#include "common/image.h"
#include "fuzz.h"

static struct nvc_device gpus[2];
static struct nvc_mig_device migs[2] = {
        {.parent = &gpus[1], .uuid = "MIG-5a8e2f0b-0c8e-5c3e-9a51-4f6b1c1e3b7d", .gi = 1, .ci = 0},
        {.parent = &gpus[1], .uuid = "MIG-7d4c1a2b-3e5f-5a6b-8c9d-0e1f2a3b4c5d", .gi = 2, .ci = 0},
};
static struct nvc_device gpus[2] = {
        {.uuid = "GPU-0f1c2d3e-4a5b-6c7d-8e9f-a0b1c2d3e4f5", .busid = "00000000:01:00.0", .arch = "8.0",
         .brand = "Tesla", .node = {.path = "/dev/nvidia0"}},
        {.uuid = "GPU-1a2b3c4d-5e6f-7a8b-9c0d-e1f2a3b4c5d6", .busid = "00000000:02:00.0", .arch = "9.0",
         .brand = "Nvidia", .node = {.path = "/dev/nvidia1"}, .mig_capable = true,
         .mig_devices = {.devices = migs, .ndevices = 2}},
};
static const struct nvc_device_info inventory = {.gpus = gpus, .ngpus = 2};

/* Every comma-separated id through both parsers, which must agree on
 * what a qualified CDI name is. */
static void parse_ids(const char *list)
{
        char *copy = strdup(list), *save = NULL;

        if (copy == NULL)
                return;
        for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
                struct cdi_name name = {0};
                struct error err = {0};
                struct devid id;

                devid_parse(tok, &id);
                FUZZ_ASSERT(id.kind >= DEVID_INVALID && id.kind <= DEVID_MIG_INDEX);
                if (cdi_name_parse(&err, tok, &name) == 0) {
                        FUZZ_ASSERT(cdi_name_is_qualified(tok));
                        cdi_name_free(&name);
                } else {
                        FUZZ_ASSERT(!cdi_name_is_qualified(tok) && err.msg != NULL);
                }
                error_reset(&err);
        }
        free(copy);
}

static void select_devices(const char *devices, const char *mig_config, const char *mig_monitor)
{
        struct selection sel = {0};
        struct error err = {0};

        if (selection_make(&err, &sel, devices, mig_config, mig_monitor, &inventory) < 0)
                FUZZ_ASSERT(err.msg != NULL);
        selection_free(&sel);
        error_reset(&err);
}

static void compute(const struct image_input *in, const struct image_policy *policy)
{
        struct image_request req = {0};
        struct error err = {0};

        if (image_request_compute(&err, in, policy, &req) == 0)
                image_request_free(&req);
        error_reset(&err);
}

static void request(const char *devices, const char *mig_config, const char *imex)
{
        static const char *const prefixes[] = {"cdi.k8s.io/", NULL};
        char *env[3] = {NULL}, *dest = NULL;
        struct image_policy policy;

        image_policy_init(&policy);
        policy.annotation_prefixes = prefixes;
        policy.accept_volume_mounts = true;
        if (asprintf(&env[0], "NVIDIA_VISIBLE_DEVICES=%s", devices) > 0 &&
            asprintf(&env[1], "NVIDIA_MIG_CONFIG_DEVICES=%s", mig_config) > 0 &&
            asprintf(&env[2], "NVIDIA_IMEX_CHANNELS=%s", imex) > 0 &&
            asprintf(&dest, "/var/run/nvidia-container-devices/%s", devices) > 0) {
                struct oci_mount mount = {.destination = dest, .source = "/dev/null"};
                struct oci_annotation annotation = {.key = "cdi.k8s.io/fuzz", .value = devices};
                struct image_input in = {.env = (const char *const *)env, .nenv = 3, .privileged = true};

                compute(&in, &policy);
                in.mounts = &mount;
                in.nmounts = 1;
                in.annotations = &annotation;
                in.nannotations = 1;
                compute(&in, &policy);
        }
        for (size_t i = 0; i < 3; i++)
                free(env[i]);
        free(dest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *buf = NULL, **argv;
        int argc = 0;

        if ((argv = fuzz_argv(data, size, 3, &buf, &argc)) == NULL)
                return 0;
        parse_ids(argv[0]);
        select_devices(argv[0], argc > 1 ? argv[1] : NULL, argc > 2 ? argv[2] : NULL);
        request(argv[0], argc > 1 ? argv[1] : "", argc > 2 ? argv[2] : "");
        free(argv);
        free(buf);
        return 0;
}
