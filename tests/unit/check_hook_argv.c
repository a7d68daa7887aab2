/* The nvidia-container-cli call the hook builds (hook.h): one table of
 * config.toml texts and container environments, each with the exact argv
 * (or the exact error, or no call at all for a non-GPU container), run
 * through the hook's own pipeline (config file, policy, request, mode,
 * argv); then the CLI's lookup PATH, its lookup, its environment, and the
 * ldconfig rules on configs the loader never produces. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"
#include "common/error.h"
#include "common/image.h"
#include "common/strv.h"
#include "hook/hook.h"
#include "unit.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

#define CLI "/usr/bin/nvidia-container-cli"
#define PID 4242
#define ROOTFS "/var/lib/bundle/rootfs"
/* Replaced by the host's normalized default (".real" where it exists). */
#define LDC "@/sbin/ldconfig"

/* The defaults: upstream's argv for `docker run --gpus all` on a stock config. */
#define HEAD CLI " --load-kmods"
#define CONF " configure --cuda-compat-mode=ldconfig --ldconfig=" LDC
#define TAIL " --pid=4242 " ROOTFS
#define CU " --compute --utility"
#define ALLCAPS " --compat32 --compute --display --graphics --ngx --utility --video"
#define DEF(mid) HEAD CONF mid TAIL

#define NVD "NVIDIA_VISIBLE_DEVICES="
#define NDC "NVIDIA_DRIVER_CAPABILITIES="
#define VM "/var/run/nvidia-container-devices/"
#define CLI_T "[nvidia-container-cli]\n"
#define MODE_ERR                                                                                                 \
        "error: invoking the NVIDIA Container Runtime Hook directly (e.g. specifying the docker --gpus flag) is " \
        "not supported. Please use the NVIDIA Container Runtime (e.g. specify the --runtime=nvidia flag) instead"

struct argv_case {
        const char *name;
        const char *toml;  /* config.toml */
        const char *env[8];
        const char *mount; /* a /dev/null volume mount onto this destination */
        bool priv;         /* CAP_SYS_ADMIN in the bounding set */
        bool debug;        /* the hook's -debug */
        /* The argv joined with ' '; "" when the hook calls nothing; "error: MSG"
         * (config.toml's path shows as "config.toml"). */
        const char *want;
};

static const struct argv_case cases[] = {
        /* --- devices --------------------------------------------------------------------- */
        {"defaults, all", "", {NVD "all"}, .want = DEF(" --device=all" CU)},
        {"no env: not a GPU container", "", {NULL}, .want = ""},
        {"empty: not a GPU container", "", {NVD}, .want = ""},
        {"void: not a GPU container", "", {NVD "void"}, .want = ""},
        {"none: driver only, no --device", "", {NVD "none"}, .want = DEF(CU)},
        {"indexes", "", {NVD "1,2"}, .want = DEF(" --device=1,2" CU)},
        {"UUIDs", "", {NVD "GPU-1-FAKE-UUID,GPU-3-FAKE-UUID"}, .want = DEF(" --device=GPU-1-FAKE-UUID,GPU-3-FAKE-UUID" CU)},
        {"list trimmed", "", {NVD " 0 , 2 ,"}, .want = DEF(" --device=0,2" CU)},
        {"MIG device ids", "", {NVD "MIG-0-1-FAKE-UUID,0:1"}, .want = DEF(" --device=MIG-0-1-FAKE-UUID,0:1" CU)},
        {"last value wins", "", {NVD "none", NVD "all"}, .want = DEF(" --device=all" CU)},
        {"unprivileged env refused", "accept-nvidia-visible-devices-envvar-when-unprivileged = false\n", {NVD "all"},
         .want = ""},
        {"privileged env accepted", "accept-nvidia-visible-devices-envvar-when-unprivileged = false\n", {NVD "all"},
         .priv = true, .want = DEF(" --device=all" CU)},
        {"swarm resource", "swarm-resource = \"DOCKER_RESOURCE_GPU\"\n", {NVD "all", "DOCKER_RESOURCE_GPU=GPU-0-FAKE-UUID"},
         .want = DEF(" --device=GPU-0-FAKE-UUID" CU)},
        {"swarm resource unset: NVD", "swarm-resource = \"DOCKER_RESOURCE_GPU\"\n", {NVD "3"},
         .want = DEF(" --device=3" CU)},
        {"volume mounts accepted", "accept-nvidia-visible-devices-as-volume-mounts = true\n", {NVD "all"},
         .mount = VM "GPU-1-FAKE-UUID", .want = DEF(" --device=GPU-1-FAKE-UUID" CU)},
        {"volume mounts ignored by default", "", {NVD "all"}, .mount = VM "GPU-1-FAKE-UUID",
         .want = DEF(" --device=all" CU)},
        {"volume mount alone", "accept-nvidia-visible-devices-as-volume-mounts = true\n", {NULL}, .mount = VM "0",
         .want = DEF(" --device=0" CU)},

        /* --- [nvidia-container-cli] ------------------------------------------------------ */
        {"root", CLI_T "root = \"/run/nvidia/driver\"\n", {NVD "all"},
         .want = CLI " --root=/run/nvidia/driver --load-kmods" CONF " --device=all" CU TAIL},
        {"path", CLI_T "path = \"/opt/nvidia/bin/nvidia-container-cli\"\n", {NVD "all"},
         .want = "/opt/nvidia/bin/nvidia-container-cli --load-kmods" CONF " --device=all" CU TAIL},
        {"debug", CLI_T "debug = \"/var/log/nvidia-container-toolkit.log\"\n", {NVD "all"},
         .want = HEAD " --debug=/var/log/nvidia-container-toolkit.log" CONF " --device=all" CU TAIL},
        {"-debug wins over debug", CLI_T "debug = \"/var/log/x.log\"\n", {NVD "all"}, .debug = true,
         .want = HEAD " --debug=/dev/stderr" CONF " --device=all" CU TAIL},
        {"ldcache", CLI_T "ldcache = \"/etc/ld.so.cache.nvidia\"\n", {NVD "all"},
         .want = HEAD " --ldcache=/etc/ld.so.cache.nvidia" CONF " --device=all" CU TAIL},
        {"user", CLI_T "user = \"root:video\"\n", {NVD "all"},
         .want = HEAD " --user=root:video" CONF " --device=all" CU TAIL},
        {"no load-kmods", CLI_T "load-kmods = false\n", {NVD "all"},
         .want = CLI CONF " --device=all" CU TAIL},
        {"no-pivot", CLI_T "no-pivot = true\n", {NVD "all"},
         .want = HEAD " --no-pivot" CONF " --device=all" CU TAIL},
        {"no-cgroups", CLI_T "no-cgroups = true\n", {NVD "all"},
         .want = HEAD CONF " --no-cgroups --device=all" CU TAIL},
        {"every global flag, in order",
         "[features]\ndisable-imex-channel-creation = true\n" CLI_T
         "root = \"/drv\"\nno-pivot = true\ndebug = \"/d.log\"\nldcache = \"/c\"\nuser = \"1:2\"\n",
         {NVD "0"},
         .want = CLI " --root=/drv --load-kmods --no-create-imex-channels --no-pivot --debug=/d.log --ldcache=/c "
                     "--user=1:2" CONF " --device=0" CU TAIL},

        /* --- ldconfig -------------------------------------------------------------------- */
        {"ldconfig on the host", CLI_T "ldconfig = \"@/opt/nvidia/ldconfig\"\n", {NVD "all"},
         .want = HEAD " configure --cuda-compat-mode=ldconfig --ldconfig=@/opt/nvidia/ldconfig --device=all" CU TAIL},
        {"ldconfig .real kept when missing", CLI_T "ldconfig = \"@/opt/nvidia/ldconfig.real\"\n", {NVD "all"},
         .want = HEAD " configure --cuda-compat-mode=ldconfig --ldconfig=@/opt/nvidia/ldconfig --device=all" CU TAIL},
        {"ldconfig empty, allowed: no flag", "[features]\nallow-ldconfig-from-container = true\n" CLI_T "ldconfig = \"\"\n",
         {NVD "all"}, .want = HEAD " configure --cuda-compat-mode=ldconfig --device=all" CU TAIL},
        {"ldconfig empty, refused", CLI_T "ldconfig = \"\"\n", {NVD "all"},
         .want = "error: failed to load config: config.toml:2:12: nvidia-container-cli.ldconfig: value \"\" is not "
                 "host-relative (does not start with a '@')"},
        {"ldconfig in the container, allowed",
         "[features]\nallow-ldconfig-from-container = true\n" CLI_T "ldconfig = \"/sbin/ldconfig\"\n", {NVD "all"},
         .want = HEAD " configure --cuda-compat-mode=ldconfig --ldconfig=/sbin/ldconfig --device=all" CU TAIL},
        {"ldconfig in the container, refused", CLI_T "ldconfig = \"/sbin/ldconfig\"\n", {NVD "all"},
         .want = "error: failed to load config: config.toml:2:12: nvidia-container-cli.ldconfig: value "
                 "\"/sbin/ldconfig\" is not host-relative (does not start with a '@')"},

        /* --- CUDA compat mode ------------------------------------------------------------ */
        {"compat mount", "[nvidia-container-runtime.modes.legacy]\ncuda-compat-mode = \"mount\"\n", {NVD "all"},
         .want = HEAD " configure --cuda-compat-mode=mount --ldconfig=" LDC " --device=all" CU TAIL},
        {"compat disabled", "[nvidia-container-runtime.modes.legacy]\ncuda-compat-mode = \"disabled\"\n", {NVD "all"},
         .want = HEAD " configure --cuda-compat-mode=disabled --ldconfig=" LDC " --device=all" CU TAIL},
        {"compat hook: disabled here", "[nvidia-container-runtime.modes.legacy]\ncuda-compat-mode = \"hook\"\n",
         {NVD "all"}, .want = HEAD " configure --cuda-compat-mode=disabled --ldconfig=" LDC " --device=all" CU TAIL},
        {"compat unset: disabled", "[nvidia-container-runtime.modes.legacy]\ncuda-compat-mode = \"\"\n", {NVD "all"},
         .want = HEAD " configure --cuda-compat-mode=disabled --ldconfig=" LDC " --device=all" CU TAIL},
        {"compat unset, container libs allowed",
         "[features]\nallow-cuda-compat-libs-from-container = true\n"
         "[nvidia-container-runtime.modes.legacy]\ncuda-compat-mode = \"\"\n",
         {NVD "all"}, .want = HEAD " configure --ldconfig=" LDC " --device=all" CU TAIL},

        /* --- MIG ------------------------------------------------------------------------- */
        {"MIG config and monitor, privileged", "",
         {NVD "all", "NVIDIA_MIG_CONFIG_DEVICES=all", "NVIDIA_MIG_MONITOR_DEVICES=0,1"}, .priv = true,
         .want = DEF(" --device=all --mig-config=all --mig-monitor=0,1" CU)},
        {"MIG config, unprivileged", "", {NVD "all", "NVIDIA_MIG_CONFIG_DEVICES=all"},
         .want = "error: cannot set MIG_CONFIG_DEVICES in non privileged container"},
        {"MIG monitor, unprivileged", "", {NVD "all", "NVIDIA_MIG_MONITOR_DEVICES=all"},
         .want = "error: cannot set MIG_MONITOR_DEVICES in non privileged container"},
        {"MIG empty, unprivileged", "", {NVD "all", "NVIDIA_MIG_CONFIG_DEVICES="}, .want = DEF(" --device=all" CU)},

        /* --- IMEX channels (the CLI has no --imex-channel yet) ------------------------------ */
        {"IMEX channels after MIG", "",
         {NVD "all", "NVIDIA_MIG_CONFIG_DEVICES=0", "NVIDIA_MIG_MONITOR_DEVICES=1", "NVIDIA_IMEX_CHANNELS=0,1"},
         .priv = true, .want = DEF(" --device=all --mig-config=0 --mig-monitor=1 --imex-channel=0,1" CU)},
        {"IMEX requests ignored", "[features]\nignore-imex-channel-requests = true\n",
         {NVD "all", "NVIDIA_IMEX_CHANNELS=0"}, .want = DEF(" --device=all" CU)},

        /* --- capabilities ---------------------------------------------------------------- */
        {"compute", "", {NVD "all", NDC "compute"}, .want = DEF(" --device=all --compute")},
        {"utility", "", {NVD "all", NDC "utility"}, .want = DEF(" --device=all --utility")},
        {"video", "", {NVD "all", NDC "video"}, .want = DEF(" --device=all --video")},
        {"graphics", "", {NVD "all", NDC "graphics"}, .want = DEF(" --device=all --graphics")},
        {"display", "", {NVD "all", NDC "display"}, .want = DEF(" --device=all --display")},
        {"compat32", "", {NVD "all", NDC "compat32"}, .want = DEF(" --device=all --compat32")},
        {"ngx", "", {NVD "all", NDC "ngx"}, .want = DEF(" --device=all --ngx")},
        {"all", "", {NVD "all", NDC "all"}, .want = DEF(" --device=all" ALLCAPS)},
        {"sorted, deduplicated", "", {NVD "all", NDC "video,compute,video, utility"},
         .want = DEF(" --device=all --compute --utility --video")},
        {"empty: the defaults", "", {NVD "all", NDC ""}, .want = DEF(" --device=all" CU)},
        {"all within supported", "supported-driver-capabilities = \"utility,graphics\"\n", {NVD "all", NDC "all"},
         .want = DEF(" --device=all --graphics --utility")},
        {"defaults within supported", "supported-driver-capabilities = \"utility\"\n", {NVD "all"},
         .want = DEF(" --device=all --utility")},
        {"unsupported", "", {NVD "all", NDC "compute,foo"},
         .want = "error: unsupported capabilities found in 'compute,foo' (allowed 'compute')"},

        /* --- requirements ---------------------------------------------------------------- */
        {"requirements, sorted by name", "",
         {NVD "all", "NVIDIA_REQUIRE_DRIVER=driver>=500", "NVIDIA_REQUIRE_CUDA=cuda>=12.0 brand=tesla"},
         .want = DEF(" --device=all" CU " --require=cuda>=12.0 brand=tesla --require=driver>=500")},
        {"legacy CUDA image: all GPUs, all capabilities", "", {"CUDA_VERSION=12.0"},
         .want = DEF(" --device=all" ALLCAPS " --require=cuda>=12.0")},
        {"legacy CUDA image, devices and capabilities asked", "", {"CUDA_VERSION=11.8.0", NVD "1", NDC "utility"},
         .want = DEF(" --device=1 --utility --require=cuda>=11.8")},
        {"not legacy with NVIDIA_REQUIRE_CUDA", "", {"CUDA_VERSION=12.2.0", "NVIDIA_REQUIRE_CUDA=cuda>=12.2"},
         .want = ""},
        {"NVIDIA_DISABLE_REQUIRE", "", {"CUDA_VERSION=12.0", "NVIDIA_DISABLE_REQUIRE=true", "NVIDIA_REQUIRE_X=y"},
         .want = DEF(" --device=all" ALLCAPS)},
        {"disable-require", "disable-require = true\n", {"CUDA_VERSION=12.0", "NVIDIA_REQUIRE_X=y"},
         .want = DEF(" --device=all" ALLCAPS)},
        {"bad CUDA_VERSION", "", {"CUDA_VERSION=x"},
         .want = "error: failed to get requirements: failed to get version: invalid CUDA version x: invalid version "
                 "string"},

        /* --- modes ----------------------------------------------------------------------- */
        {"mode legacy", "[nvidia-container-runtime]\nmode = \"legacy\"\n", {NVD "all"},
         .want = DEF(" --device=all" CU)},
        {"mode cdi", "[nvidia-container-runtime]\nmode = \"cdi\"\n", {NVD "all"}, .want = MODE_ERR},
        {"mode cdi, not a GPU container", "[nvidia-container-runtime]\nmode = \"cdi\"\n", {NULL}, .want = ""},
        {"auto with CDI names", "", {NVD "nvidia.com/gpu=all"}, .want = MODE_ERR},
        {"auto with CDI names, detection skipped", "[nvidia-container-runtime-hook]\nskip-mode-detection = true\n",
         {NVD "nvidia.com/gpu=0"}, .want = DEF(" --device=nvidia.com/gpu=0" CU)},
        {"mode csv, detection skipped",
         "[nvidia-container-runtime]\nmode = \"csv\"\n[nvidia-container-runtime-hook]\nskip-mode-detection = true\n",
         {NVD "all"}, .want = DEF(" --device=all" CU)},

        /* --- config errors --------------------------------------------------------------- */
        {"broken config.toml", CLI_T "root = \n", {NVD "all"},
         .want = "error: failed to load config: config.toml:2:8: expected a value"},
        {"bad supported capabilities", "supported-driver-capabilities = \"compute,foo\"\n", {NULL},
         .want = "error: Invalid value for config option 'supported-driver-capabilities'; compute,foo (supported: "
                 "compat32,compute,display,graphics,ngx,utility,video)"},
};

static char tmp[64];

static void make_tmp(void)
{
        strcpy(tmp, "/tmp/check-hook.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void remove_tmp(void)
{
        char cmd[PATH_MAX + 16];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        ck_assert_int_eq(system(cmd), 0);
}

static char *tmp_path(const char *name)
{
        char *p;

        ck_assert_int_ge(asprintf(&p, "%s/%s", tmp, name), 0);
        return p;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
        FILE *f = fopen(path, "we");

        ck_assert_ptr_nonnull(f);
        ck_assert_int_ge(fputs(text, f), 0);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(chmod(path, mode), 0);
}

/* s with every `from` replaced by `to` (allocated). */
static char *replace(const char *s, const char *from, const char *to)
{
        size_t size = 0;
        char *out = NULL;
        const char *hit;
        FILE *f = open_memstream(&out, &size);

        ck_assert_ptr_nonnull(f);
        while ((hit = strstr(s, from)) != NULL) {
                fprintf(f, "%.*s%s", (int)(hit - s), s, to);
                s = hit + strlen(from);
        }
        fputs(s, f);
        ck_assert_int_eq(fclose(f), 0);
        return out;
}

static char *join(char *const *argv)
{
        size_t size = 0;
        char *out = NULL;
        FILE *f = open_memstream(&out, &size);

        ck_assert_ptr_nonnull(f);
        for (size_t i = 0; argv[i] != NULL; i++)
                fprintf(f, "%s%s", i > 0 ? " " : "", argv[i]);
        ck_assert_int_eq(fclose(f), 0);
        return out;
}

/* What prestart does after reading the spec, with the case's input. */
static char *run_case(const struct argv_case *c, const char *config_path, struct error *err)
{
        struct config cfg;
        struct image_policy policy;
        struct image_request req = {0};
        struct oci_mount mount = {c->mount, "/dev/null"};
        struct image_input in = {.env = c->env, .mounts = &mount, .nmounts = c->mount != NULL, .privileged = c->priv};
        struct hook_call call = {.cli_path = CLI, .debug = c->debug, .pid = PID, .rootfs = ROOTFS};
        char **argv = NULL, *out = NULL;

        while (c->env[in.nenv] != NULL)
                in.nenv++;
        if (config_load_file(err, config_path, true, &cfg) < 0) {
                error_prefix(err, "failed to load config");
                return NULL;
        }
        if (cfg.cli.path[0] != '\0')
                call.cli_path = cfg.cli.path;
        toolkit_image_policy(&cfg, &policy);
        if (image_request_compute(err, &in, &policy, &req) == 0) {
                if (!req.gpu)
                        out = strdup("");
                else if (hook_check_mode(err, &cfg, &req) == 0 && hook_cli_argv(err, &cfg, &req, &call, &argv) == 0)
                        out = join(argv);
        }
        strv_free(argv);
        image_request_free(&req);
        config_free(&cfg);
        return out;
}

START_TEST(argv_table)
{
        const struct argv_case *c = &cases[_i];
        char *path, *got, *want, *ldc = config_ldconfig_normalize(LDC);
        struct error err = {0};

        make_tmp();
        path = tmp_path("config.toml");
        write_file(path, c->toml, 0644);
        got = run_case(c, path, &err);
        if (got == NULL) {
                char *msg = replace(error_msg(&err), path, "config.toml");

                ck_assert_int_ge(asprintf(&got, "error: %s", msg), 0);
                free(msg);
        }
        want = replace(c->want, LDC, ldc);
        ck_assert_msg(strcmp(got, want) == 0, "%s:\n want %s\n  got %s", c->name, want, got);
        free(want);
        free(got);
        free(ldc);
        free(path);
        error_reset(&err);
        remove_tmp();
}
END_TEST

/* Without a file the defaults give the stock call. */
START_TEST(argv_defaults_struct)
{
        struct config cfg;
        struct image_request req = {.gpu = true, .device_list = (char *)"all", .capabilities = (char *)"compute,utility"};
        struct hook_call call = {.cli_path = CLI, .pid = PID, .rootfs = ROOTFS};
        struct error err = {0};
        char **argv, *got, *want, *ldc = config_ldconfig_normalize(LDC);

        ck_assert_int_eq(config_defaults(&cfg), 0);
        ck_assert_int_eq(hook_check_mode(&err, &cfg, &req), 0);
        ck_assert_int_eq(hook_cli_argv(&err, &cfg, &req, &call, &argv), 0);
        got = join(argv);
        want = replace(DEF(" --device=all" CU), LDC, ldc);
        ck_assert_str_eq(got, want);
        strv_free(argv);
        free(got);
        free(want);
        free(ldc);
        config_free(&cfg);
}
END_TEST

/* The loader refuses a container ldconfig; the argv builder refuses it too
 * for a config made some other way, with upstream's words. */
START_TEST(argv_ldconfig_container_refused)
{
        struct config cfg;
        struct image_request req = {.gpu = true, .device_list = (char *)"all", .capabilities = (char *)"utility"};
        struct hook_call call = {.cli_path = CLI, .pid = PID, .rootfs = ROOTFS};
        struct error err = {0};
        char **argv = (char **)&call;

        ck_assert_int_eq(config_defaults(&cfg), 0);
        free(cfg.cli.ldconfig);
        cfg.cli.ldconfig = strdup("/usr/sbin/ldconfig");
        ck_assert_int_eq(hook_cli_argv(&err, &cfg, &req, &call, &argv), -1);
        ck_assert_ptr_null(argv);
        ck_assert_str_eq(error_msg(&err), "nvidia-container-cli.ldconfig value \"/usr/sbin/ldconfig\" is not "
                                          "host-relative (does not start with a '@')");
        error_reset(&err);
        config_free(&cfg);
}
END_TEST

/* "@X" becomes "@X.real" when the host has X.real (Ubuntu's wrapper). */
START_TEST(argv_ldconfig_real)
{
        struct config cfg;
        struct image_request req = {.gpu = true, .device_list = (char *)"", .capabilities = (char *)""};
        struct hook_call call = {.cli_path = CLI, .pid = 1, .rootfs = "/r"};
        struct error err = {0};
        char **argv, *real, *want, *got;

        make_tmp();
        real = tmp_path("ldconfig.real");
        write_file(real, "", 0755);
        ck_assert_int_eq(config_defaults(&cfg), 0);
        free(cfg.cli.ldconfig);
        ck_assert_int_ge(asprintf(&cfg.cli.ldconfig, "@%s/ldconfig", tmp), 0);
        cfg.cli.load_kmods = false;
        ck_assert_int_eq(hook_cli_argv(&err, &cfg, &req, &call, &argv), 0);
        got = join(argv);
        ck_assert_int_ge(asprintf(&want, CLI " configure --cuda-compat-mode=ldconfig --ldconfig=@%s --pid=1 /r", real),
                         0);
        ck_assert_str_eq(got, want);
        strv_free(argv);
        free(got);
        free(want);
        free(real);
        config_free(&cfg);
        remove_tmp();
}
END_TEST

START_TEST(argv_unknown_capability)
{
        struct config cfg;
        struct image_request req = {.gpu = true, .device_list = (char *)"0", .capabilities = (char *)"compute,gpu"};
        struct hook_call call = {.cli_path = CLI, .pid = 1, .rootfs = "/r"};
        struct error err = {0};
        char **argv;

        ck_assert_int_eq(config_defaults(&cfg), 0);
        ck_assert_int_eq(hook_cli_argv(&err, &cfg, &req, &call, &argv), -1);
        ck_assert_str_eq(error_msg(&err), "unknown driver capability: gpu");
        error_reset(&err);
        config_free(&cfg);
}
END_TEST

START_TEST(search_path)
{
        static const char *const plain[] = {NULL, "", "/"};
        char *p;

        for (size_t i = 0; i < NITEMS(plain); i++) {
                p = hook_search_path(plain[i]);
                ck_assert_str_eq(p, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
                free(p);
        }
        p = hook_search_path("/run/nvidia/driver//");
        ck_assert_str_eq(p, "/run/nvidia/driver/usr/local/sbin:/run/nvidia/driver/usr/local/bin:"
                            "/run/nvidia/driver/usr/sbin:/run/nvidia/driver/usr/bin:/run/nvidia/driver/sbin:"
                            "/run/nvidia/driver/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        free(p);
}
END_TEST

/* The CLI is looked for under the driver root first; a file that is not
 * executable, or a directory, is passed over. */
START_TEST(find_cli)
{
        static const char *const dirs[] = {"usr",      "usr/local", "usr/local/sbin", "usr/local/bin",
                                           "usr/local/bin/nvidia-container-cli", "usr/sbin", "usr/bin"};
        struct config cfg;
        struct error err = {0};
        char *found, *p;

        make_tmp();
        ck_assert_int_eq(config_defaults(&cfg), 0);
        free(cfg.cli.root);
        cfg.cli.root = strdup(tmp);
        for (size_t i = 0; i < NITEMS(dirs); i++) {
                p = tmp_path(dirs[i]);
                ck_assert_int_eq(mkdir(p, 0755), 0);
                free(p);
        }
        p = tmp_path("usr/sbin/nvidia-container-cli");
        write_file(p, "", 0644);
        free(p);
        p = tmp_path("usr/bin/nvidia-container-cli");
        write_file(p, "#!/bin/sh\n", 0755);
        ck_assert_int_eq(hook_find_cli(&err, &cfg, &found), 0);
        ck_assert_str_eq(found, p);
        free(found);
        free(p);

        free(cfg.cli.path);
        cfg.cli.path = strdup("/opt/x/nvidia-container-cli");
        ck_assert_int_eq(hook_find_cli(&err, &cfg, &found), 0);
        ck_assert_str_eq(found, "/opt/x/nvidia-container-cli");
        free(found);
        config_free(&cfg);
        remove_tmp();
}
END_TEST

START_TEST(find_cli_missing)
{
        struct config cfg;
        struct error err = {0};
        char *found = (char *)"x";

        make_tmp();
        ck_assert_int_eq(config_defaults(&cfg), 0);
        /* On a host that may have the CLI: only when it has none is "not
         * found" the answer. */
        if (access("/usr/bin/nvidia-container-cli", X_OK) != 0 && access("/usr/local/bin/nvidia-container-cli", X_OK) != 0 &&
            access("/usr/sbin/nvidia-container-cli", X_OK) != 0 && access("/usr/local/sbin/nvidia-container-cli", X_OK) != 0 &&
            access("/sbin/nvidia-container-cli", X_OK) != 0 && access("/bin/nvidia-container-cli", X_OK) != 0) {
                ck_assert_int_eq(hook_find_cli(&err, &cfg, &found), -1);
                ck_assert_ptr_null(found);
                ck_assert_str_eq(error_msg(&err), "couldn't find binary nvidia-container-cli in PATH: "
                                                  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
                error_reset(&err);
        }
        config_free(&cfg);
        remove_tmp();
}
END_TEST

START_TEST(cli_env)
{
        static const char *const extra[] = {"FOO=1", "PATH=/opt/bin", "BAR=", "FOO=2", NULL};
        static const char *const bad[] = {"FOO=1", "NOVALUE", NULL};
        static const char *const noname[] = {"=x", NULL};
        struct config cfg;
        struct error err = {0};
        char **env;

        ck_assert_int_eq(config_defaults(&cfg), 0);
        ck_assert_int_eq(hook_cli_env(&err, &cfg, &env), 0);
        ck_assert_str_eq(env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        ck_assert_ptr_null(env[1]);
        strv_free(env);

        strv_free(cfg.cli.environment);
        cfg.cli.environment = strv_dup(extra);
        ck_assert_int_eq(hook_cli_env(&err, &cfg, &env), 0);
        ck_assert_str_eq(env[0], "PATH=/opt/bin");
        ck_assert_str_eq(env[1], "FOO=2");
        ck_assert_str_eq(env[2], "BAR=");
        ck_assert_ptr_null(env[3]);
        strv_free(env);

        strv_free(cfg.cli.environment);
        cfg.cli.environment = strv_dup(bad);
        ck_assert_int_eq(hook_cli_env(&err, &cfg, &env), -1);
        ck_assert_ptr_null(env);
        ck_assert_str_eq(error_msg(&err), "nvidia-container-cli.environment: invalid entry 'NOVALUE' (want NAME=VALUE)");
        error_reset(&err);
        strv_free(cfg.cli.environment);
        cfg.cli.environment = strv_dup(noname);
        ck_assert_int_eq(hook_cli_env(&err, &cfg, &env), -1);
        error_reset(&err);
        config_free(&cfg);
}
END_TEST

Suite *hook_argv_suite(void)
{
        Suite *s = suite_create("hook_argv");
        TCase *table = tcase_create("table"), *parts = tcase_create("parts");

        tcase_add_loop_test(table, argv_table, 0, NITEMS(cases));
        tcase_add_test(table, argv_defaults_struct);
        tcase_add_test(parts, argv_ldconfig_container_refused);
        tcase_add_test(parts, argv_ldconfig_real);
        tcase_add_test(parts, argv_unknown_capability);
        tcase_add_test(parts, search_path);
        tcase_add_test(parts, find_cli);
        tcase_add_test(parts, find_cli_missing);
        tcase_add_test(parts, cli_env);
        suite_add_tcase(s, table);
        suite_add_tcase(s, parts);
        return s;
}
