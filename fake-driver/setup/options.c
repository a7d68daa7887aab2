#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "setup.h"

enum {
        OPT_ROOT = 1000,
        OPT_SYSTEM,
        OPT_REMOVE,
        OPT_GPUS,
        OPT_MODEL,
        OPT_DRIVER_VERSION,
        OPT_CUDA_VERSION,
        OPT_COMPUTE_CAPABILITY,
        OPT_MIG,
        OPT_OPEN_DELAY,
        OPT_QUIET,
        OPT_HELP,
};

static const struct option long_options[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"system", no_argument, NULL, OPT_SYSTEM},
        {"remove", no_argument, NULL, OPT_REMOVE},
        {"gpus", required_argument, NULL, OPT_GPUS},
        {"model", required_argument, NULL, OPT_MODEL},
        {"driver-version", required_argument, NULL, OPT_DRIVER_VERSION},
        {"cuda-version", required_argument, NULL, OPT_CUDA_VERSION},
        {"compute-capability", required_argument, NULL, OPT_COMPUTE_CAPABILITY},
        {"mig", required_argument, NULL, OPT_MIG},
        {"open-delay", required_argument, NULL, OPT_OPEN_DELAY},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
};

static const char usage[] =
        "Usage: fake-nvidia-setup (--root DIR | --system) [--remove] [options]\n"
        "Install (or remove) a fake NVIDIA driver: device nodes, /proc/driver/nvidia,\n"
        "driver libraries with an ld.so.cache, binaries and firmware.\n"
        "\n"
        "  --root DIR                 install into the driver root DIR\n"
        "  --system                   install into / (a tmpfs is mounted over /proc/driver)\n"
        "  --remove                   remove what an earlier run installed\n"
        "  --gpus N                   number of GPUs, 0-64 (default 4)\n"
        "  --model NAME               GPU model (default \"NVIDIA Tesla T4\")\n"
        "  --driver-version V         driver version (default 575.57.08)\n"
        "  --cuda-version V           CUDA driver version (default 12.2)\n"
        "  --compute-capability X.Y   for models not in the built-in table\n"
        "  --mig INDEX=PROFILE[+PROFILE...]\n"
        "                             enable MIG on GPU INDEX with these GPU instances,\n"
        "                             e.g. 0=1g.5gb+1g.5gb+3g.20gb (repeatable)\n"
        "  --open-delay MS            every open of a GPU's device node first takes MS\n"
        "                             milliseconds, 0-60000 (a GPU without persistence\n"
        "                             mode being initialised; default 0)\n"
        "  --quiet                    print nothing on success\n"
        "  --help                     show this help\n";

static int parse_gpus(const char *s, unsigned *out, struct error *err)
{
        char *end = NULL;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0' || v < 0 || v > FAKE_MAX_GPUS)
                return error_setx(err, "invalid value for --gpus: '%s' (expected 0-%d)", s, FAKE_MAX_GPUS);
        *out = (unsigned)v;
        return 0;
}

static int parse_open_delay(const char *s, unsigned *out, struct error *err)
{
        char *end = NULL;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0' || v < 0 || v > FAKE_MAX_OPEN_DELAY_MS)
                return error_setx(err, "invalid value for --open-delay: '%s' (expected 0-%d milliseconds)", s,
                                  FAKE_MAX_OPEN_DELAY_MS);
        *out = (unsigned)v;
        return 0;
}

static int check_version(const char *opt, const char *s, struct error *err)
{
        size_t len = strlen(s);

        if (len == 0 || len >= FAKE_VERSION_LEN || strspn(s, "0123456789.") != len || s[0] == '.' ||
            s[len - 1] == '.' || strstr(s, "..") != NULL)
                return error_setx(err, "invalid value for %s: '%s' (expected digits and dots, e.g. 575.57.08)",
                                  opt, s);
        return 0;
}

static int apply_option(int c, const char *arg, struct setup_options *opts, struct error *err)
{
        switch (c) {
        case OPT_ROOT:
                if (arg[0] == '\0')
                        return error_setx(err, "invalid value for --root: empty path");
                opts->root = arg;
                return 0;
        case OPT_SYSTEM: opts->system = true; return 0;
        case OPT_REMOVE: opts->remove = true; return 0;
        case OPT_QUIET: opts->quiet = true; return 0;
        case OPT_GPUS: return parse_gpus(arg, &opts->gpus, err);
        case OPT_MODEL:
                if (arg[0] == '\0' || strlen(arg) >= FAKE_NAME_LEN)
                        return error_setx(err, "invalid value for --model: '%s' (1-%d characters)", arg,
                                          FAKE_NAME_LEN - 1);
                opts->model = arg;
                return 0;
        case OPT_DRIVER_VERSION:
                opts->driver_version = arg;
                return check_version("--driver-version", arg, err);
        case OPT_CUDA_VERSION: {
                unsigned v;
                opts->cuda_version = arg;
                return profile_parse_cuda_version(arg, &v, err);
        }
        case OPT_COMPUTE_CAPABILITY: opts->compute_capability = arg; return 0;
        case OPT_OPEN_DELAY: return parse_open_delay(arg, &opts->open_delay_ms, err);
        case OPT_MIG:
                if (opts->mig_count == FAKE_MAX_MIG_SPECS)
                        return error_setx(err, "too many --mig options (at most %d)", FAKE_MAX_MIG_SPECS);
                opts->mig[opts->mig_count++] = arg;
                return 0;
        default: return error_setx(err, "unknown option (see --help)");
        }
}

int setup_parse_args(int argc, char **argv, struct setup_options *opts, struct error *err)
{
        int c;

        *opts = (struct setup_options){
                .gpus = 4,
                .model = "NVIDIA Tesla T4",
                .driver_version = "575.57.08",
                .cuda_version = "12.2",
        };
        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
                if (c == OPT_HELP) {
                        fputs(usage, stdout);
                        return SETUP_PARSE_EXIT;
                }
                if (c == '?' || c == ':')
                        return error_setx(err, "unknown or incomplete option '%s' (see --help)",
                                          argv[optind - 1]);
                if (apply_option(c, optarg, opts, err) < 0)
                        return -1;
        }
        if (optind < argc)
                return error_setx(err, "unexpected argument '%s' (see --help)", argv[optind]);
        if (opts->system && opts->root != NULL)
                return error_setx(err, "--root and --system are mutually exclusive");
        if (!opts->system && opts->root == NULL)
                return error_setx(err, "one of --root DIR or --system is required (see --help)");
        if (opts->system)
                opts->root = "/";
        return SETUP_PARSE_OK;
}
