/* `nvidia-ctk system check` (ours; NVIDIA's toolkit has no such command):
 * looks at everything GPU containers depend on, says what is wrong and how
 * to fix it, one finding per line. The checks run in a fixed order (see
 * system_check.h for the files behind them); stdout gets the report (text,
 * or JSON with --format=json), stderr only bad usage. Exit status 1 when
 * any finding fails, else 0 (warnings allowed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/path_clean.h"
#include "ctk/ctk.h"
#include "ctk/system_check.h"

static ctk_check_fn *const checks[] = {
        ctk_check_driver,     ctk_check_nvml,       ctk_check_devices,     ctk_check_persistence,
        ctk_check_toolkit_config, ctk_check_ldconfig, ctk_check_docker,    ctk_check_containerd,
        ctk_check_crio,       ctk_check_cdi_specs,  ctk_check_cdi_engines, ctk_check_cgroups,
        ctk_check_dev_char,
};

struct args {
        const char *root, *driver_root, *config, *docker, *containerd, *crio, *format;
        struct ctk_strings spec_dirs;
};

/* The strings the context points to that the command made. */
struct owned {
        char *root, *config, *docker, *containerd, *crio;
        char *spec_dirs[2];
        const char *dirs[2];
};

static void owned_free(struct owned *o)
{
        free(o->root);
        free(o->config);
        free(o->docker);
        free(o->containerd);
        free(o->crio);
        free(o->spec_dirs[0]);
        free(o->spec_dirs[1]);
}

/* A config file: the flag's value as given, else default_path in ROOT.
 * *is_default tells whether fixes may leave the path out. */
static const char *config_path(const char *given, const char *root, const char *default_path, char **owned,
                               bool *is_default)
{
        *is_default = given == NULL && strcmp(root, "/") == 0;
        if (given != NULL)
                return given;
        *owned = ctk_host_path(root, default_path);
        return *owned;
}

static int nomem(void)
{
        ctk_log(CTK_ERROR, "system check: out of memory");
        return -1;
}

/* The context from the flags; logs why it cannot be made. */
static int setup(struct ctk_check_ctx *c, const struct args *a, struct owned *o)
{
        const char *env = getenv(CONFIG_PATH_ENV);
        struct stat st;

        if ((o->root = path_clean(a->root)) == NULL)
                return nomem();
        if (stat(o->root, &st) < 0 || !S_ISDIR(st.st_mode)) {
                ctk_log(CTK_ERROR, "invalid --root \"%s\": not a directory", a->root);
                return -1;
        }
        c->root = o->root;
        c->driver_root = a->driver_root != NULL ? a->driver_root : o->root;
        c->config_path = config_path(a->config != NULL || env == NULL || env[0] == '\0' ? a->config : env, c->root,
                                     "/etc/" CONFIG_RELATIVE_PATH, &o->config, &c->config_default);
        c->docker_config = config_path(a->docker, c->root, "/etc/docker/daemon.json", &o->docker, &c->docker_default);
        c->containerd_config = config_path(a->containerd, c->root, "/etc/containerd/config.toml", &o->containerd,
                                           &c->containerd_default);
        c->crio_config = config_path(a->crio, c->root, "/etc/crio/crio.conf", &o->crio, &c->crio_default);
        if (a->spec_dirs.n > 0) {
                c->spec_dirs = (const char *const *)a->spec_dirs.v;
                c->nspec_dirs = a->spec_dirs.n;
        } else {
                o->dirs[0] = o->spec_dirs[0] = ctk_host_path(c->root, "/etc/cdi");
                o->dirs[1] = o->spec_dirs[1] = ctk_host_path(c->root, "/var/run/cdi");
                c->spec_dirs = o->dirs;
                c->nspec_dirs = 2;
        }
        if (c->config_path == NULL || c->docker_config == NULL || c->containerd_config == NULL ||
            c->crio_config == NULL || c->spec_dirs[0] == NULL || c->spec_dirs[c->nspec_dirs - 1] == NULL)
                return nomem();
        return 0;
}

static void ctx_free(struct ctk_check_ctx *c)
{
        free(c->driver_version);
        free(c->gpu_minors);
        config_free(&c->cfg);
        cdi_cache_free(c->cdi);
}

static int report(const struct ctk_report *r, bool json)
{
        cleanup_free char *out = NULL;

        if (r->nomem || (out = json ? ctk_report_json(r) : ctk_report_text(r)) == NULL)
                return -nomem();
        if (fputs(out, stdout) < 0 || fflush(stdout) != 0) {
                ctk_log(CTK_ERROR, "system check: write the report: %m");
                return 1;
        }
        return ctk_report_count(r, CTK_CHECK_FAIL) > 0 ? 1 : 0;
}

static int run(const struct args *a)
{
        struct ctk_check_ctx c = {0};
        struct ctk_report r = {NULL, 0, false};
        struct owned o = {0};
        int rv = 1;

        if (setup(&c, a, &o) == 0) {
                for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
                        checks[i](&c, &r);
                rv = report(&r, strcmp(a->format, "json") == 0);
        }
        ctk_report_free(&r);
        ctx_free(&c);
        owned_free(&o);
        return rv;
}

static int usage(const struct ctk_flag *flags)
{
        printf("NAME:\n   nvidia-ctk system check - Check the host for what GPU containers need and say how to fix "
               "what is wrong\n\nUSAGE:\n   nvidia-ctk system check [command options]\n\n"
               "Each finding is ok, warn or fail, with why it matters and how to fix it. The exit status is 1 when "
               "anything fails.\n\n");
        ctk_flags_usage(stdout, flags);
        return 0;
}

int ctk_system_check(int argc, char **argv)
{
        struct args a = {"/", NULL, NULL, NULL, NULL, NULL, "text", {NULL, 0, false, false}};
        const struct ctk_flag flags[] = {
                {"root", NULL, CTK_FLAG_STRING, &a.root,
                 "the host root to check: its /etc, /dev, /proc/driver/nvidia, /var/run and PATH directories "
                 "(default: \"/\")", NULL},
                {"driver-root", NULL, CTK_FLAG_STRING, &a.driver_root,
                 "the root the NVIDIA driver is installed in, as nvidia-container-cli --root (default: the --root)",
                 NULL},
                {"config", NULL, CTK_FLAG_STRING, &a.config,
                 "the NVIDIA Container Toolkit's config file (default: $" CONFIG_PATH_ENV
                 ", else ROOT/etc/" CONFIG_RELATIVE_PATH ")", NULL},
                {"docker-config", NULL, CTK_FLAG_STRING, &a.docker,
                 "docker's config file (default: ROOT/etc/docker/daemon.json)", NULL},
                {"containerd-config", NULL, CTK_FLAG_STRING, &a.containerd,
                 "containerd's config file (default: ROOT/etc/containerd/config.toml)", NULL},
                {"crio-config", NULL, CTK_FLAG_STRING, &a.crio,
                 "CRI-O's config file; its drop-in directories are read too (default: ROOT/etc/crio/crio.conf)", NULL},
                {"cdi-spec-dir", NULL, CTK_FLAG_STRINGS, &a.spec_dirs,
                 "a directory of CDI specs, lowest priority first; repeatable (default: ROOT/etc/cdi, "
                 "ROOT/var/run/cdi)", NULL},
                {"format", NULL, CTK_FLAG_STRING, &a.format, "the report's format: text or json (default: \"text\")",
                 NULL},
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        cleanup_free char **pos = NULL;
        struct error err = {0};
        bool help;
        int rv = 1;

        if (ctk_flags_parse(&err, flags, argc - 1, argv + 1, &pos, &help) < 0)
                rv = ctk_fail(&err, "incorrect usage");
        else if (help)
                rv = usage(flags);
        else if (pos[0] != NULL)
                ctk_log(CTK_ERROR, "incorrect usage: unexpected argument \"%s\"", pos[0]);
        else if (strcmp(a.format, "text") != 0 && strcmp(a.format, "json") != 0)
                ctk_log(CTK_ERROR, "invalid --format \"%s\": use text or json", a.format);
        else
                rv = run(&a);
        ctk_strings_free(&a.spec_dirs);
        return rv;
}
