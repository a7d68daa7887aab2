/* nvidia-smi for the fake driver: command line, NVML start-up and the
 * messages/exit codes users and scripts know from the real tool. */
#include "smi/smi.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct smi_options {
        int list;
        int version;
        const char *ids;
        const char *query;
        const char *format;
};

static void usage(void)
{
        printf("NVIDIA System Management Interface -- fake NVIDIA driver\n\n"
               "nvidia-smi [OPTION1 [ARG1]] [OPTION2 [ARG2]] ...\n\n"
               "    -h,   --help                Print usage information and exit.\n"
               "          --version             Print version information and exit.\n\n"
               "  LIST OPTIONS:\n\n"
               "    -L,   --list-gpus           Display a list of GPUs connected to the system.\n\n"
               "  SUMMARY OPTIONS:\n\n"
               "    <no arguments>              Show a summary of GPUs connected to the system.\n\n"
               "    [plus any of]\n\n"
               "    -i,   --id=                 Target a specific GPU (index, UUID or PCI bus id).\n\n"
               "  QUERY OPTIONS:\n\n"
               "    --query-gpu=                Information about GPU: index, name, uuid, pci.bus_id,\n"
               "                                driver_version, memory.total, memory.used,\n"
               "                                memory.free, compute_cap, mig.mode.current, count.\n"
               "    --format=                   csv, optionally with noheader and/or nounits.\n");
}

static int bad_option(const char *option, int missing_value)
{
        printf("ERROR: Option %s %s. Please run 'nvidia-smi -h' for help.\n", option,
               missing_value ? "is missing its value" : "is not recognized");
        return SMI_EXIT_BAD_ARGUMENT;
}

enum { OPT_VERSION = 256, OPT_QUERY_GPU, OPT_FORMAT };

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct smi_options *o)
{
        static const struct option longopts[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, OPT_VERSION },
                { "list-gpus", no_argument, NULL, 'L' },
                { "id", required_argument, NULL, 'i' },
                { "query-gpu", required_argument, NULL, OPT_QUERY_GPU },
                { "format", required_argument, NULL, OPT_FORMAT },
                { NULL, 0, NULL, 0 },
        };
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, ":hLi:", longopts, NULL)) != -1) {
                switch (c) {
                case 'h': usage(); return SMI_EXIT_OK;
                case OPT_VERSION: o->version = 1; break;
                case 'L': o->list = 1; break;
                case 'i': o->ids = optarg; break;
                case OPT_QUERY_GPU: o->query = optarg; break;
                case OPT_FORMAT: o->format = optarg; break;
                case ':': return bad_option(argv[optind - 1], 1);
                default: return bad_option(argv[optind - 1], 0);
                }
        }
        if (optind < argc || (o->list && o->query) || (o->format && !o->query)) {
                printf("Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.\n");
                return SMI_EXIT_BAD_ARGUMENT;
        }
        return -1;
}

/* nvmlInit failures, worded and numbered like the real tool's. */
static int init_failed(nvmlReturn_t ret)
{
        switch (ret) {
        case NVML_ERROR_DRIVER_NOT_LOADED:
                printf("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. "
                       "Make sure that the latest NVIDIA driver is installed and running.\n\n");
                return SMI_EXIT_DRIVER_NOT_LOADED;
        case NVML_ERROR_LIB_RM_VERSION_MISMATCH:
                printf("Failed to initialize NVML: %s\n", nv.nvmlErrorString(ret));
                return SMI_EXIT_VERSION_MISMATCH;
        case NVML_ERROR_NO_PERMISSION:
                printf("Failed to initialize NVML: %s\n", nv.nvmlErrorString(ret));
                return SMI_EXIT_NO_PERMISSION;
        default:
                printf("Failed to initialize NVML: %s\n", nv.nvmlErrorString(ret));
                return SMI_EXIT_OTHER;
        }
}

/* The index of the GPU an -i token names: an index, a UUID or a bus id. */
static int resolve_id(const char *tok, unsigned count, unsigned *index)
{
        nvmlDevice_t dev;
        char *end;
        unsigned long n = strtoul(tok, &end, 10);

        if (*tok != '\0' && *end == '\0')
                return n < count ? (*index = (unsigned)n, 0) : -1;
        if (NV_CALL(nvmlDeviceGetHandleByUUID, tok, &dev) != NVML_SUCCESS &&
            NV_CALL(nvmlDeviceGetHandleByPciBusId_v2, tok, &dev) != NVML_SUCCESS)
                return -1;
        return NV_CALL(nvmlDeviceGetIndex, dev, index) == NVML_SUCCESS ? 0 : -1;
}

/* Fills targets from -i (comma separated) or with every GPU. */
static int select_targets(const char *ids, struct smi_targets *t)
{
        unsigned count = 0;
        char *copy, *tok, *save = NULL;
        int ret = 0;

        if (nv.nvmlDeviceGetCount_v2(&count) != NVML_SUCCESS || count == 0)
                return -1;
        t->count = 0;
        if (ids == NULL) {
                for (unsigned i = 0; i < count && i < 64; i++)
                        t->index[t->count++] = i;
                return 0;
        }
        copy = strdup(ids);
        if (copy == NULL)
                return -1;
        for (tok = strtok_r(copy, ",", &save); tok && t->count < 64; tok = strtok_r(NULL, ",", &save)) {
                if (resolve_id(tok, count, &t->index[t->count]) != 0) {
                        ret = -1;
                        break;
                }
                t->count++;
        }
        free(copy);
        return ret == 0 && t->count > 0 ? 0 : -1;
}

void smi_cuda_version(char *buf, size_t len)
{
        int v = 0;

        if (NV_CALL(nvmlSystemGetCudaDriverVersion, &v) == NVML_SUCCESS)
                snprintf(buf, len, "%d.%d", v / 1000, v % 1000 / 10);
        else
                snprintf(buf, len, "N/A");
}

static int print_version(void)
{
        char driver[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = "N/A", cuda[16];
        int dots = 0;
        size_t nvml_len = 0;

        nv.nvmlSystemGetDriverVersion(driver, sizeof(driver));
        smi_cuda_version(cuda, sizeof(cuda));
        /* The NVML line shows the driver's major.minor ("575.57"). */
        while (driver[nvml_len] != '\0' && !(driver[nvml_len] == '.' && ++dots == 2))
                nvml_len++;
        printf("NVIDIA-SMI version  : %s\nNVML version        : %.*s\nDRIVER version      : %s\n"
               "CUDA Version        : %s\n",
               driver, (int)nvml_len, driver, driver, cuda);
        return SMI_EXIT_OK;
}

static int run(const struct smi_options *o)
{
        struct smi_targets targets;

        if (o->version)
                return print_version();
        if (select_targets(o->ids, &targets) != 0) {
                printf("No devices were found\n");
                return SMI_EXIT_NOT_FOUND;
        }
        if (o->query)
                return smi_query(&targets, o->query, o->format);
        if (o->list)
                return smi_list(&targets);
        return smi_summary(&targets);
}

int main(int argc, char **argv)
{
        struct smi_options opts = { 0 };
        nvmlReturn_t ret;
        int status = parse_args(argc, argv, &opts);

        if (status >= 0)
                return status;
        status = smi_load();
        if (status != SMI_EXIT_OK)
                return status;
        ret = nv.nvmlInit_v2();
        if (ret != NVML_SUCCESS) {
                status = init_failed(ret);
                smi_unload();
                return status;
        }
        status = run(&opts);
        fflush(stdout);
        nv.nvmlShutdown();
        smi_unload();
        return status;
}
