/* NVIDIA's image semantics (image.h): one table of environments, mounts,
 * annotations, privilege and config.toml policies, each with the request
 * (or the exact error) NVIDIA's toolkit computes for it. Cases marked
 * "upstream" are the ones of the toolkit's own container_config_test.go. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cdi_name.h"
#include "common/error.h"
#include "common/image.h"
#include "common/oci.h"
#include "unit.h"

#define ALL_CAPS "compat32,compute,display,graphics,ngx,utility,video"
#define DEFAULT_CAPS "compute,utility"
#define NVD "NVIDIA_VISIBLE_DEVICES="
#define NDC "NVIDIA_DRIVER_CAPABILITIES="
#define NRC "NVIDIA_REQUIRE_CUDA="
#define CV "CUDA_VERSION="
#define MIGC "NVIDIA_MIG_CONFIG_DEVICES="
#define MIGM "NVIDIA_MIG_MONITOR_DEVICES="
#define IMEX "NVIDIA_IMEX_CHANNELS="
#define VM "/var/run/nvidia-container-devices/"
#define BAD_VERSION "failed to get requirements: failed to get version: invalid CUDA version "

/* Policies, from NVIDIA's defaults (image_policy_init) onwards. */
#define DEFAULTS .accept_envvar_unprivileged = true
static const struct image_policy def = {DEFAULTS};
static const struct image_policy reject_env = {.accept_envvar_unprivileged = false};
static const struct image_policy volumes = {DEFAULTS, .accept_volume_mounts = true};
static const struct image_policy volumes_reject = {.accept_volume_mounts = true};
static const struct image_policy no_require = {DEFAULTS, .disable_require = true};
static const struct image_policy sup_vd = {DEFAULTS, .supported_capabilities = "video,display"};
static const struct image_policy sup_vdcu = {DEFAULTS, .supported_capabilities = "video,display,compute,utility"};
static const struct image_policy sup_all = {DEFAULTS, .supported_capabilities = "all"};
static const struct image_policy sup_empty = {DEFAULTS, .supported_capabilities = ""};
static const struct image_policy sup_bad = {DEFAULTS, .supported_capabilities = "compute,foo"};
static const struct image_policy sup_all_plus = {DEFAULTS, .supported_capabilities = "all,compute"};
static const struct image_policy swarm = {DEFAULTS, .swarm_resource = "DOCKER_SWARM_RESOURCE"};
static const struct image_policy swarm2 = {DEFAULTS, .swarm_resource = "NOT_DOCKER_SWARM_RESOURCE, DOCKER_SWARM_RESOURCE,"};
static const struct image_policy swarm_reject = {.swarm_resource = "DOCKER_SWARM_RESOURCE"};
static const struct image_policy no_imex = {DEFAULTS, .ignore_imex_channel_requests = true};
static const char *const cdi_prefixes[] = {"cdi.k8s.io/", NULL};
static const struct image_policy annotations = {DEFAULTS, .annotation_prefixes = cdi_prefixes};

struct image_case {
        const char *name;
        const char *env[10];
        const char *mounts[5][2]; /* {source, destination} */
        const char *ann[3][2];    /* {key, value} */
        bool priv;
        const struct image_policy *policy;
        /* expected */
        const char *err;
        bool gpu;
        enum image_devices kind;
        const char *devices; /* device_list */
        bool cdi;
        bool legacy;
        const char *caps;
        const char *reqs;   /* joined with '|' */
        const char *mig_config, *mig_monitor;
        const char *imex;   /* joined with ',' */
        const char *warn;   /* the one warning */
};

#define GPU(k, d) .gpu = true, .kind = IMAGE_DEVICES_##k, .devices = d
#define LEGACY(d, v) GPU(ALL, d), .legacy = true, .caps = ALL_CAPS, .reqs = "cuda>=" v

static const struct image_case cases[] = {
        /* --- visible devices ------------------------------------------------ */
        {"no env, unprivileged (upstream)", .env = {NULL}},
        {"no env, privileged (upstream)", .env = {NULL}, .priv = true},
        {"NVD empty", .env = {NVD}},
        {"NVD void", .env = {NVD "void"}},
        {"NVD none", .env = {NVD "none"}, GPU(NONE, ""), .caps = DEFAULT_CAPS},
        {"NVD all (upstream: no cuda envs)", .env = {NVD "all"}, GPU(ALL, "all"), .caps = DEFAULT_CAPS},
        {"NVD indexes", .env = {NVD "0,1"}, GPU(LIST, "0,1"), .caps = DEFAULT_CAPS},
        {"NVD trimmed, empties dropped", .env = {NVD " 0 , ,1 ,"}, GPU(LIST, "0,1"), .caps = DEFAULT_CAPS},
        {"NVD uuids and MIG ids", .env = {NVD "GPU-0-FAKE-UUID,MIG-GPU-1/0/0,1:0"},
         GPU(LIST, "GPU-0-FAKE-UUID,MIG-GPU-1/0/0,1:0"), .caps = DEFAULT_CAPS},
        {"NVD all beats ids", .env = {NVD "0,all"}, GPU(ALL, "all"), .caps = DEFAULT_CAPS},
        {"NVD none beats all", .env = {NVD "all,none"}, GPU(NONE, ""), .caps = DEFAULT_CAPS},
        {"NVD void beats none", .env = {NVD "none,void"}},
        {"NVD only commas", .env = {NVD ",, ,"}},
        {"NVD duplicates kept", .env = {NVD "1,1"}, GPU(LIST, "1,1"), .caps = DEFAULT_CAPS},
        {"NVD last entry wins", .env = {NVD "0", NVD "1"}, GPU(LIST, "1"), .caps = DEFAULT_CAPS},
        {"NVD last entry empties", .env = {NVD "all", NVD}},
        {"NVD CDI names", .env = {NVD "nvidia.com/gpu=all"}, GPU(LIST, "nvidia.com/gpu=all"), .cdi = true,
         .caps = DEFAULT_CAPS},
        {"NVD CDI and plain mixed", .env = {NVD "runtime.nvidia.com/gpu=0,1"}, GPU(LIST, "runtime.nvidia.com/gpu=0,1"),
         .caps = DEFAULT_CAPS},
        {"env entry without =", .env = {NVD "all", "FOO"}, .err = "invalid environment variable: FOO"},
        {"env entry without = in a non-GPU container", .env = {"FOO"}, .err = "invalid environment variable: FOO"},
        /* --- legacy images ---------------------------------------------------- */
        {"legacy, nothing else (upstream)", .env = {CV "9.0"}, LEGACY("all", "9.0")},
        {"legacy, NVD all (upstream)", .env = {CV "9.0", NVD "all"}, LEGACY("all", "9.0")},
        {"legacy, NVD empty (upstream)", .env = {CV "9.0", NVD}, .legacy = true},
        {"legacy, NVD void (upstream)", .env = {CV "9.0", NVD "void"}, .legacy = true},
        {"legacy, NVD none (upstream)", .env = {CV "9.0", NVD "none"}, GPU(NONE, ""), .legacy = true,
         .caps = ALL_CAPS, .reqs = "cuda>=9.0"},
        {"legacy, NVD ids (upstream)", .env = {CV "9.0", NVD "gpu0,gpu1"}, GPU(LIST, "gpu0,gpu1"), .legacy = true,
         .caps = ALL_CAPS, .reqs = "cuda>=9.0"},
        {"legacy, NDC empty (upstream)", .env = {CV "9.0", NVD "gpu0", NDC}, GPU(LIST, "gpu0"), .legacy = true,
         .caps = DEFAULT_CAPS, .reqs = "cuda>=9.0"},
        {"legacy, NDC all (upstream)", .env = {CV "9.0", NDC "all"}, LEGACY("all", "9.0")},
        {"legacy, NDC set (upstream)", .env = {CV "9.0", NDC "video,display"}, GPU(ALL, "all"), .legacy = true,
         .caps = "display,video", .reqs = "cuda>=9.0"},
        {"legacy, requirements (upstream)", .env = {CV "9.0", "NVIDIA_REQUIRE_REQ1=req1=false", "NVIDIA_REQUIRE_REQ0=req0=true"},
         GPU(ALL, "all"), .legacy = true, .caps = ALL_CAPS, .reqs = "req0=true|req1=false|cuda>=9.0"},
        {"legacy, requirements disabled (upstream)",
         .env = {CV "9.0", "NVIDIA_REQUIRE_REQ0=req0=true", "NVIDIA_DISABLE_REQUIRE=true"}, GPU(ALL, "all"),
         .legacy = true, .caps = ALL_CAPS},
        {"legacy, full version", .env = {CV "12.2.0"}, LEGACY("all", "12.2")},
        {"legacy, v and major only", .env = {CV "v11"}, LEGACY("all", "11.0")},
        {"legacy, prerelease", .env = {CV "10.1.243-rc.1"}, LEGACY("all", "10.1")},
        {"legacy, empty NVIDIA_REQUIRE_CUDA kept", .env = {CV "9.0", NRC}, GPU(ALL, "all"), .legacy = true,
         .caps = ALL_CAPS, .reqs = "|cuda>=9.0"},
        {"legacy, bad version", .env = {CV "abc"}, .err = BAD_VERSION "abc: invalid version string"},
        {"legacy, leading zero", .env = {CV "09.0"}, .err = BAD_VERSION "09.0: invalid version string"},
        {"legacy, prerelease without patch", .env = {CV "9.0-rc1"}, .err = BAD_VERSION "9.0-rc1: invalid version string"},
        {"legacy, major too large", .env = {CV "4294967296.0"}, .err = BAD_VERSION "4294967296.0: invalid major version"},
        {"legacy, minor too large", .env = {CV "1.4294967296"}, .err = BAD_VERSION "1.4294967296: invalid minor version"},
        {"legacy, bad version, requirements disabled", .env = {CV "abc", "NVIDIA_DISABLE_REQUIRE=1"}, GPU(ALL, "all"),
         .legacy = true, .caps = ALL_CAPS},
        {"legacy, bad version, not a GPU container", .env = {CV "abc", NVD "void"}, .legacy = true},
        {"modern, no devices (upstream)", .env = {NRC "cuda>=9.0"}},
        {"modern with CUDA_VERSION, no devices (upstream)", .env = {CV "9.0", NRC "cuda>=9.0"}},
        {"modern, NVD all (upstream)", .env = {NRC "cuda>=9.0", NVD "all"}, GPU(ALL, "all"), .caps = DEFAULT_CAPS,
         .reqs = "cuda>=9.0"},
        {"modern, NDC all (upstream)", .env = {NRC "cuda>=9.0", NVD "gpu0,gpu1", NDC "all"}, GPU(LIST, "gpu0,gpu1"),
         .caps = ALL_CAPS, .reqs = "cuda>=9.0"},
        /* --- requirements ------------------------------------------------------ */
        {"requirements sorted by name", .env = {NVD "all", "NVIDIA_REQUIRE_B=b", NRC "c", "NVIDIA_REQUIRE_A=a"},
         GPU(ALL, "all"), .caps = DEFAULT_CAPS, .reqs = "a|b|c"},
        {"requirements: JETPACK left out", .env = {NVD "all", "NVIDIA_REQUIRE_JETPACK=j", "NVIDIA_REQUIRE_JETPACK_X=y", "NVIDIA_REQUIRE_Z=z"},
         GPU(ALL, "all"), .caps = DEFAULT_CAPS, .reqs = "z"},
        {"requirements: last entry per name", .env = {NVD "all", "NVIDIA_REQUIRE_A=1", "NVIDIA_REQUIRE_A=2"},
         GPU(ALL, "all"), .caps = DEFAULT_CAPS, .reqs = "2"},
        {"requirements: bare prefix counts", .env = {NVD "all", "NVIDIA_REQUIRE_=x", "NVIDIA_REQUIRE=y"}, GPU(ALL, "all"),
         .caps = DEFAULT_CAPS, .reqs = "x"},
        {"NVIDIA_DISABLE_REQUIRE=false keeps them", .env = {NVD "all", NRC "c", "NVIDIA_DISABLE_REQUIRE=false"},
         GPU(ALL, "all"), .caps = DEFAULT_CAPS, .reqs = "c"},
        {"NVIDIA_DISABLE_REQUIRE=yes is not a bool", .env = {NVD "all", NRC "c", "NVIDIA_DISABLE_REQUIRE=yes"},
         GPU(ALL, "all"), .caps = DEFAULT_CAPS, .reqs = "c"},
        {"NVIDIA_DISABLE_REQUIRE=TRUE", .env = {NVD "all", NRC "c", "NVIDIA_DISABLE_REQUIRE=TRUE"}, GPU(ALL, "all"),
         .caps = DEFAULT_CAPS},
        {"NVIDIA_DISABLE_REQUIRE=t", .env = {NVD "all", NRC "c", "NVIDIA_DISABLE_REQUIRE=t"}, GPU(ALL, "all"),
         .caps = DEFAULT_CAPS},
        {"disable-require", .env = {NVD "all", NRC "c"}, .policy = &no_require,
         GPU(ALL, "all"), .caps = DEFAULT_CAPS},
        /* --- capabilities ------------------------------------------------------ */
        {"NDC unsupported one", .env = {NVD "all", NDC "compute,foo"},
         .err = "unsupported capabilities found in 'compute,foo' (allowed 'compute')"},
        {"NDC only unsupported", .env = {NVD "all", NDC "video,zz,aa"},
         .err = "unsupported capabilities found in 'aa,video,zz' (allowed 'video')"},
        {"NDC none is no capability name", .env = {NVD "all", NDC "none"},
         .err = "unsupported capabilities found in 'none' (allowed '')"},
        {"NDC is case-sensitive", .env = {NVD "all", NDC "Compute"},
         .err = "unsupported capabilities found in 'Compute' (allowed '')"},
        {"NDC all with junk is all", .env = {NVD "all", NDC "all,foo"}, GPU(ALL, "all"), .caps = ALL_CAPS},
        {"NDC only commas: no capability", .env = {NVD "all", NDC ", ,"}, GPU(ALL, "all"), .caps = ""},
        {"NDC trimmed, deduplicated, sorted", .env = {NVD "all", NDC " video , compute ,video"}, GPU(ALL, "all"),
         .caps = "compute,video"},
        {"NDC every one", .env = {NVD "all", NDC "video,utility,ngx,graphics,display,compute,compat32"},
         GPU(ALL, "all"), .caps = ALL_CAPS},
        {"supported video,display, NDC all (upstream)", .env = {NVD "all", NDC "all"}, .priv = true, .policy = &sup_vd,
         GPU(ALL, "all"), .caps = "display,video"},
        {"supported 4, NDC set (upstream)", .env = {NVD "all", NDC "video,display"}, .priv = true, .policy = &sup_vdcu,
         GPU(ALL, "all"), .caps = "display,video"},
        {"supported 4, NDC unset (upstream)", .env = {NVD "all"}, .priv = true, .policy = &sup_vdcu, GPU(ALL, "all"),
         .caps = DEFAULT_CAPS},
        {"supported video,display, NDC unset", .env = {NVD "all"}, .policy = &sup_vd, GPU(ALL, "all"), .caps = ""},
        {"supported video,display, NDC compute", .env = {NVD "all", NDC "compute"}, .policy = &sup_vd,
         .err = "unsupported capabilities found in 'compute' (allowed '')"},
        {"supported video,display, legacy", .env = {CV "9.0"}, .policy = &sup_vd, GPU(ALL, "all"), .legacy = true,
         .caps = "display,video", .reqs = "cuda>=9.0"},
        {"supported all", .env = {CV "9.0"}, .policy = &sup_all, LEGACY("all", "9.0")},
        {"supported empty", .env = {NVD "all", NDC "all"}, .policy = &sup_empty, GPU(ALL, "all"), .caps = ""},
        {"supported with an unknown name, even without a GPU", .env = {NULL}, .policy = &sup_bad,
         .err = "Invalid value for config option 'supported-driver-capabilities'; compute,foo (supported: " ALL_CAPS ")"},
        {"supported: only the exact value all", .env = {NVD "all"}, .policy = &sup_all_plus,
         .err = "Invalid value for config option 'supported-driver-capabilities'; all,compute (supported: " ALL_CAPS
                ")"},
        /* --- MIG --------------------------------------------------------------- */
        {"MIG config, privileged (upstream)", .env = {NRC "cuda>=9.0", NVD "all", MIGC "mig0,mig1"}, .priv = true,
         GPU(ALL, "all"), .caps = DEFAULT_CAPS, .reqs = "cuda>=9.0", .mig_config = "mig0,mig1"},
        {"MIG config, unprivileged (upstream)", .env = {NVD "all", MIGC "mig0,mig1"},
         .err = "cannot set MIG_CONFIG_DEVICES in non privileged container"},
        {"MIG monitor, privileged (upstream)", .env = {NVD "all", MIGM "all"}, .priv = true, GPU(ALL, "all"),
         .caps = DEFAULT_CAPS, .mig_monitor = "all"},
        {"MIG monitor, unprivileged (upstream)", .env = {NVD "all", MIGM "mig0"},
         .err = "cannot set MIG_MONITOR_DEVICES in non privileged container"},
        {"MIG empty, unprivileged", .env = {NVD "all", MIGC, MIGM}, GPU(ALL, "all"), .caps = DEFAULT_CAPS},
        {"MIG set, not a GPU container", .env = {MIGC "0", MIGM "0"}},
        {"MIG config error comes before monitor and capabilities", .env = {NVD "all", NDC "foo", MIGM "0", MIGC "0"},
         .err = "cannot set MIG_CONFIG_DEVICES in non privileged container"},
        {"MIG error comes before capabilities", .env = {NVD "all", NDC "foo", MIGM "0"},
         .err = "cannot set MIG_MONITOR_DEVICES in non privileged container"},
        {"capabilities error comes before requirements", .env = {CV "abc", NDC "foo"},
         .err = "unsupported capabilities found in 'foo' (allowed '')"},
        /* --- the unprivileged rule ---------------------------------------------- */
        {"env refused when unprivileged", .env = {NVD "all"}, .policy = &reject_env,
         .warn = "Ignoring devices requested by environment variable(s) in unprivileged container: [NVIDIA_VISIBLE_DEVICES]"},
        {"env accepted when privileged", .env = {NVD "all"}, .priv = true, .policy = &reject_env, GPU(ALL, "all"),
         .caps = DEFAULT_CAPS},
        {"legacy default refused when unprivileged", .env = {CV "9.0"}, .policy = &reject_env, .legacy = true,
         .warn = "Ignoring devices requested by environment variable(s) in unprivileged container: [NVIDIA_VISIBLE_DEVICES]"},
        {"none refused when unprivileged", .env = {NVD "none"}, .policy = &reject_env,
         .warn = "Ignoring devices requested by environment variable(s) in unprivileged container: [NVIDIA_VISIBLE_DEVICES]"},
        {"void: nothing to refuse", .env = {NVD "void"}, .policy = &reject_env},
        {"swarm variable refused when unprivileged", .env = {NVD "all", "DOCKER_SWARM_RESOURCE=GPU1"},
         .policy = &swarm_reject,
         .warn = "Ignoring devices requested by environment variable(s) in unprivileged container: [DOCKER_SWARM_RESOURCE]"},
        /* --- swarm resource ------------------------------------------------------ */
        {"swarm resource overrides NVD (upstream)", .env = {NVD "all", "DOCKER_SWARM_RESOURCE=GPU1,GPU2"}, .priv = true,
         .policy = &swarm, GPU(LIST, "GPU1,GPU2"), .caps = DEFAULT_CAPS},
        {"swarm resource list is split (upstream)", .env = {NVD "all", "DOCKER_SWARM_RESOURCE=GPU1,GPU2"},
         .policy = &swarm2, GPU(LIST, "GPU1,GPU2"), .caps = DEFAULT_CAPS},
        {"swarm resources that are set are joined", .env = {"DOCKER_SWARM_RESOURCE=GPU2", "NOT_DOCKER_SWARM_RESOURCE=GPU1"},
         .policy = &swarm2, GPU(LIST, "GPU1,GPU2"), .caps = DEFAULT_CAPS},
        {"swarm resource unset: NVD", .env = {NVD "3"}, .policy = &swarm, GPU(LIST, "3"), .caps = DEFAULT_CAPS},
        {"swarm resource set empty: no GPU", .env = {NVD "all", "DOCKER_SWARM_RESOURCE="}, .policy = &swarm},
        /* --- volume mounts ---------------------------------------------------------- */
        {"volume mounts win over env", .env = {NVD "all"}, .policy = &volumes,
         .mounts = {{"/dev/null", VM "GPU-1"}, {"/dev/null", VM "0"}}, GPU(LIST, "GPU-1,0"), .caps = DEFAULT_CAPS},
        {"volume mounts ignored unless accepted", .env = {NVD "1"}, .mounts = {{"/dev/null", VM "0"}}, GPU(LIST, "1"),
         .caps = DEFAULT_CAPS},
        {"volume mounts: none, env used", .env = {NVD "1"}, .policy = &volumes, .mounts = {{"/x", "/y"}}, GPU(LIST, "1"),
         .caps = DEFAULT_CAPS},
        {"volume mounts: source must be /dev/null", .env = {NULL}, .policy = &volumes,
         .mounts = {{"/dev/zero", VM "0"}, {NULL, VM "1"}}},
        {"volume mounts: below the root only", .env = {NULL}, .policy = &volumes,
         .mounts = {{"/dev/null", "/var/run/nvidia-container-devices"}, {"/dev/null", "/var/run/nvidia-container-devicesX"},
                    {"/dev/null", "/run/nvidia-container-devices/0"}}},
        {"volume mounts: paths cleaned, duplicates once", .env = {NULL}, .policy = &volumes,
         .mounts = {{"/dev//null", "/var/run/../run/nvidia-container-devices/./3/"}, {"/dev/null", VM "3"},
                    {"/dev/null", VM "4"}},
         GPU(LIST, "3,4"), .caps = DEFAULT_CAPS},
        {"volume mounts: all", .env = {NULL}, .policy = &volumes, .mounts = {{"/dev/null", VM "all"}}, GPU(ALL, "all"),
         .caps = DEFAULT_CAPS},
        {"volume mounts: CDI names", .env = {NULL}, .policy = &volumes,
         .mounts = {{"/dev/null", VM "cdi/nvidia.com/gpu=all"}, {"/dev/null", VM "cdi/nvidia.com/gpu/0"}},
         GPU(LIST, "nvidia.com/gpu=all,nvidia.com/gpu=0"), .cdi = true, .caps = DEFAULT_CAPS},
        {"volume mounts: bad CDI request skipped", .env = {NULL}, .policy = &volumes,
         .mounts = {{"/dev/null", VM "cdi/bad"}, {"/dev/null", VM "1"}}, GPU(LIST, "1"), .caps = DEFAULT_CAPS,
         .warn = "Ignoring invalid mount request for CDI device cdi/bad: invalid mount CDI device request: cdi/bad"},
        {"volume mounts: no privilege needed", .env = {NVD "all"}, .policy = &volumes_reject,
         .mounts = {{"/dev/null", VM "2"}}, GPU(LIST, "2"), .caps = DEFAULT_CAPS},
        {"volume mounts: IMEX channels", .env = {NVD "0"}, .policy = &volumes,
         .mounts = {{"/dev/null", VM "imex/3"}, {"/dev/null", VM "imex/4"}}, GPU(LIST, "0"), .caps = DEFAULT_CAPS,
         .imex = "3,4"},
        /* --- CDI annotations (the runtime's) -------------------------------------- */
        {"annotations win over env", .env = {NVD "all"}, .policy = &annotations,
         .ann = {{"other", "x/y=z"}, {"cdi.k8s.io/b", "nvidia.com/gpu=1"}, {"cdi.k8s.io/a", "nvidia.com/gpu=0"}},
         GPU(LIST, "nvidia.com/gpu=0,nvidia.com/gpu=1"), .cdi = true, .caps = DEFAULT_CAPS},
        {"annotations kept as written", .env = {NULL}, .policy = &annotations, .ann = {{"cdi.k8s.io/x", "all, b"}},
         GPU(LIST, "all, b"), .caps = DEFAULT_CAPS},
        {"annotations ignored by the hook", .env = {NVD "2"}, .ann = {{"cdi.k8s.io/a", "nvidia.com/gpu=0"}},
         GPU(LIST, "2"), .caps = DEFAULT_CAPS},
        /* --- IMEX channels ----------------------------------------------------------- */
        {"IMEX channels", .env = {NVD "all", IMEX "0, 1"}, GPU(ALL, "all"), .caps = DEFAULT_CAPS, .imex = "0,1"},
        {"IMEX all asks none", .env = {NVD "all", IMEX "all"}, GPU(ALL, "all"), .caps = DEFAULT_CAPS},
        {"IMEX none asks none", .env = {NVD "all", IMEX "none"}, GPU(ALL, "all"), .caps = DEFAULT_CAPS},
        {"IMEX ignored by config", .env = {NVD "all", IMEX "0"}, .policy = &no_imex, GPU(ALL, "all"),
         .caps = DEFAULT_CAPS},
        {"IMEX legacy default asks none", .env = {CV "9.0"}, LEGACY("all", "9.0")},
        {"IMEX refused when unprivileged", .env = {IMEX "0"}, .policy = &volumes_reject,
         .mounts = {{"/dev/null", VM "0"}}, GPU(LIST, "0"), .caps = DEFAULT_CAPS,
         .warn = "Ignoring request by environment variable(s) in unprivileged container: [NVIDIA_IMEX_CHANNELS]"},
};

static char *join(char **items, size_t n, const char *sep)
{
        size_t len = 1;
        char *out;

        for (size_t i = 0; i < n; i++)
                len += strlen(items[i]) + strlen(sep);
        out = calloc(1, len);
        for (size_t i = 0; i < n; i++) {
                if (i > 0)
                        strcat(out, sep);
                strcat(out, items[i]);
        }
        return out;
}

static void check_list(const char *what, const char *name, char **items, size_t n, const char *sep, const char *want)
{
        char *got = join(items, n, sep);

        if (want == NULL)
                ck_assert_msg(n == 0, "%s: %s: got %zu: %s", name, what, n, got);
        else
                ck_assert_msg(strcmp(got, want) == 0, "%s: %s: got \"%s\", want \"%s\"", name, what, got, want);
        free(got);
}

static void check_str(const char *what, const char *name, const char *got, const char *want)
{
        if (want == NULL)
                ck_assert_msg(got == NULL, "%s: %s: got \"%s\", want none", name, what, got);
        else
                ck_assert_msg(got != NULL && strcmp(got, want) == 0, "%s: %s: got \"%s\", want \"%s\"", name, what,
                              got != NULL ? got : "(null)", want);
}

static void fill_input(const struct image_case *c, struct image_input *in, struct oci_mount *mounts,
                       struct oci_annotation *ann)
{
        memset(in, 0, sizeof(*in));
        in->env = c->env;
        while (c->env[in->nenv] != NULL)
                in->nenv++;
        for (; in->nmounts < 5 && c->mounts[in->nmounts][1] != NULL; in->nmounts++)
                mounts[in->nmounts] = (struct oci_mount){c->mounts[in->nmounts][1], c->mounts[in->nmounts][0]};
        for (; in->nannotations < 3 && c->ann[in->nannotations][0] != NULL; in->nannotations++)
                ann[in->nannotations] = (struct oci_annotation){c->ann[in->nannotations][0], c->ann[in->nannotations][1]};
        in->mounts = mounts;
        in->annotations = ann;
        in->privileged = c->priv;
}

static void check_request(const struct image_case *c, const struct image_request *r)
{
        ck_assert_msg(r->gpu == c->gpu, "%s: gpu %d", c->name, r->gpu);
        ck_assert_msg(r->legacy == c->legacy, "%s: legacy %d", c->name, r->legacy);
        ck_assert_msg(r->privileged == c->priv, "%s: privileged", c->name);
        check_list("warnings", c->name, r->warnings, r->nwarnings, "\n", c->warn);
        if (!c->gpu) {
                ck_assert_msg(r->kind == IMAGE_DEVICES_VOID && r->ndevices == 0 && r->capabilities == NULL &&
                                      r->nrequirements == 0,
                              "%s: request of a non-GPU container", c->name);
                return;
        }
        ck_assert_msg(r->kind == c->kind, "%s: kind %d", c->name, r->kind);
        check_str("devices", c->name, r->device_list, c->devices);
        check_list("device list", c->name, r->devices, r->ndevices, ",", *c->devices != '\0' ? c->devices : NULL);
        ck_assert_msg(r->cdi_only == c->cdi, "%s: cdi_only %d", c->name, r->cdi_only);
        check_str("capabilities", c->name, r->capabilities, c->caps);
        check_list("requirements", c->name, r->requirements, r->nrequirements, "|", c->reqs);
        check_str("MIG config", c->name, r->mig_config, c->mig_config);
        check_str("MIG monitor", c->name, r->mig_monitor, c->mig_monitor);
        check_list("IMEX channels", c->name, r->imex_channels, r->nimex_channels, ",", c->imex);
}

START_TEST(image_table)
{
        const struct image_case *c = &cases[_i];
        struct oci_mount mounts[5];
        struct oci_annotation ann[3];
        struct image_input in;
        struct image_request req;
        struct error err = {0};
        int rv;

        fill_input(c, &in, mounts, ann);
        rv = image_request_compute(&err, &in, c->policy != NULL ? c->policy : &def, &req);
        if (c->err != NULL) {
                ck_assert_msg(rv == -1, "%s: no error", c->name);
                ck_assert_msg(strcmp(error_msg(&err), c->err) == 0, "%s: error \"%s\"", c->name, error_msg(&err));
                ck_assert_msg(req.devices == NULL && req.warnings == NULL, "%s: request left behind", c->name);
                error_reset(&err);
                return;
        }
        ck_assert_msg(rv == 0, "%s: %s", c->name, error_msg(&err));
        check_request(c, &req);
        image_request_free(&req);
}
END_TEST

START_TEST(policy_defaults)
{
        struct image_policy p;

        image_policy_init(&p);
        ck_assert(p.accept_envvar_unprivileged && !p.accept_volume_mounts && !p.disable_require &&
                  !p.ignore_imex_channel_requests);
        ck_assert_ptr_null(p.supported_capabilities);
        ck_assert_ptr_null(p.swarm_resource);
        ck_assert_ptr_null(p.annotation_prefixes);
}
END_TEST

/* From a spec: env, mounts, annotations and privilege as the hook and the
 * runtime read them, the pre-rc5 capabilities form included. */
static const struct {
        const char *spec;
        bool privileged;
        const char *devices;
} spec_cases[] = {
        {"{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=all\",\"NVIDIA_MIG_CONFIG_DEVICES=all\"],"
         "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"],\"effective\":[]}}}",
         true, "all"},
        {"{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=0\"],"
         "\"capabilities\":{\"effective\":[\"CAP_SYS_ADMIN\"]}}}",
         false, "0"},
        {"{\"ociVersion\":\"1.0.0-rc2-dev\",\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=1\"],"
         "\"capabilities\":[\"CAP_SYS_ADMIN\"]}}",
         true, "1"},
        {"{\"ociVersion\":\"1.0.0-rc4\",\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=1\"],\"capabilities\":[]}}", false,
         "1"},
        {"{\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=all\"]},\"mounts\":[{\"destination\":"
         "\"/var/run/nvidia-container-devices/GPU-2\",\"source\":\"/dev/null\"}]}",
         false, "GPU-2"},
        {"{\"annotations\":{\"cdi.k8s.io/x\":\"nvidia.com/gpu=3\"},\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=all\"]}}",
         false, "nvidia.com/gpu=3"},
};

START_TEST(image_from_spec)
{
        struct oci_spec spec;
        struct image_policy policy;
        struct image_request req;
        struct error err = {0};
        const char *text = spec_cases[_i].spec;
        bool privileged;

        image_policy_init(&policy);
        policy.accept_volume_mounts = true;
        policy.annotation_prefixes = cdi_prefixes;
        ck_assert_int_eq(oci_spec_parse(&err, "t", text, strlen(text), "/b", &spec), 0);
        ck_assert_int_eq(image_spec_privileged(&err, &spec, &privileged), 0);
        ck_assert_int_eq(privileged, spec_cases[_i].privileged);
        if (image_request_from_spec(&err, &spec, &policy, &req) < 0)
                ck_abort_msg("%s", error_msg(&err));
        ck_assert(req.gpu);
        ck_assert_int_eq(req.privileged, spec_cases[_i].privileged);
        ck_assert_str_eq(req.device_list, spec_cases[_i].devices);
        image_request_free(&req);
        oci_spec_free(&spec);
}
END_TEST

/* CDI names as the CDI parser reads them. */
static const struct {
        const char *name, *err; /* err NULL: qualified */
} cdi_cases[] = {
        {"nvidia.com/gpu=all", NULL},
        {"runtime.nvidia.com/gpu=0", NULL},
        {"nvidia.com/gpu=MIG-GPU-1/0/0",
         "invalid device \"nvidia.com/gpu=MIG-GPU-1/0/0\": invalid character '/' in device name \"MIG-GPU-1/0/0\""},
        {"nvidia.com/gpu=GPU-0-FAKE-UUID", NULL},
        {"vendor.example/class_1=a:b.c-d_e", NULL},
        {"a/b=c", NULL},
        {"0", "unqualified device \"0\", missing vendor"},
        {"all", "unqualified device \"all\", missing vendor"},
        {"nvidia.com/gpu", "unqualified device \"nvidia.com/gpu\", missing vendor"},
        {"nvidia.com/gpu=", "unqualified device \"nvidia.com/gpu=\", missing vendor"},
        {"gpu=0", "unqualified device \"gpu=0\", missing vendor"},
        {"/gpu=0", "unqualified device \"/gpu=0\", missing vendor"},
        {"nvidia.com/=0", "unqualified device \"nvidia.com/=0\", missing vendor"},
        {"1nvidia.com/gpu=0", "invalid device \"1nvidia.com/gpu=0\": invalid vendor. \"1nvidia.com\", should start with letter"},
        {"nvidia.com./gpu=0", "invalid device \"nvidia.com./gpu=0\": invalid vendor. \"nvidia.com.\", should end with a letter or digit"},
        {"nv!dia.com/gpu=0", "invalid device \"nv!dia.com/gpu=0\": invalid vendor. invalid character '!' in name \"nv!dia.com\""},
        {"nvidia.com/g/pu=0", "invalid device \"nvidia.com/g/pu=0\": invalid class. invalid character '/' in name \"g/pu\""},
        {"nvidia.com/gpu=-0", "invalid device \"nvidia.com/gpu=-0\": invalid class \"-0\", should start with a letter or digit"},
        {"nvidia.com/gpu=0:", "invalid device \"nvidia.com/gpu=0:\": invalid name \"0:\", should end with a letter or digit"},
        {"nvidia.com/gpu=a b", "invalid device \"nvidia.com/gpu=a b\": invalid character ' ' in device name \"a b\""},
        {"nvidia.com/gpu=a=b", "invalid device \"nvidia.com/gpu=a=b\": invalid character '=' in device name \"a=b\""},
};

START_TEST(cdi_names)
{
        struct cdi_name n;
        struct error err = {0};
        int rv = cdi_name_parse(&err, cdi_cases[_i].name, &n);

        ck_assert_int_eq(cdi_name_is_qualified(cdi_cases[_i].name), cdi_cases[_i].err == NULL);
        if (cdi_cases[_i].err != NULL) {
                ck_assert_int_eq(rv, -1);
                ck_assert_str_eq(error_msg(&err), cdi_cases[_i].err);
                error_reset(&err);
                return;
        }
        ck_assert_int_eq(rv, 0);
        ck_assert_uint_eq(strlen(n.vendor) + strlen(n.class) + strlen(n.name) + 2, strlen(cdi_cases[_i].name));
        cdi_name_free(&n);
}
END_TEST

#define NITEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *image_suite(void)
{
        Suite *s = suite_create("image");
        TCase *table = tcase_create("table"), *spec = tcase_create("spec"), *cdi = tcase_create("cdi_name");

        tcase_add_loop_test(table, image_table, 0, NITEMS(cases));
        tcase_add_test(table, policy_defaults);
        tcase_add_loop_test(spec, image_from_spec, 0, NITEMS(spec_cases));
        tcase_add_loop_test(cdi, cdi_names, 0, NITEMS(cdi_cases));
        suite_add_tcase(s, table);
        suite_add_tcase(s, spec);
        suite_add_tcase(s, cdi);
        return s;
}
