/* NVIDIA's default config.toml as `nvidia-ctk config default` writes it
 * (toolkit 1.17.8): go-toml's layout of upstream's defaults, keys sorted
 * within each table, and the optional keys that are unset or at their
 * default written as comments. Two values depend on the host, as in
 * config_defaults: ldconfig (ldconfig.real where Ubuntu has it) and, on
 * SUSE, the user (then written as a key). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/config.h"
#include "common/toml.h"
#include "ctk/config_cmd.h"

static const char head[] = "#accept-nvidia-visible-devices-as-volume-mounts = false\n"
                           "#accept-nvidia-visible-devices-envvar-when-unprivileged = true\n"
                           "disable-require = false\n"
                           "supported-driver-capabilities = \"compat32,compute,display,graphics,ngx,utility,video\"\n"
                           "#swarm-resource = \"DOCKER_RESOURCE_GPU\"\n"
                           "\n"
                           "[nvidia-container-cli]\n"
                           "#debug = \"/var/log/nvidia-container-toolkit.log\"\n"
                           "environment = []\n"
                           "#ldcache = \"/etc/ld.so.cache\"\n";

/* Then: ldconfig = ... */

static const char middle[] = "load-kmods = true\n"
                             "#no-cgroups = false\n"
                             "#path = \"/usr/bin/nvidia-container-cli\"\n"
                             "#root = \"/run/nvidia/driver\"\n";

/* Then: user = ..., commented out unless set. */

static const char tail[] = "\n"
                           "[nvidia-container-runtime]\n"
                           "#debug = \"/var/log/nvidia-container-runtime.log\"\n"
                           "log-level = \"info\"\n"
                           "mode = \"auto\"\n"
                           "runtimes = [\"runc\", \"crun\"]\n"
                           "\n"
                           "[nvidia-container-runtime.modes]\n"
                           "\n"
                           "[nvidia-container-runtime.modes.cdi]\n"
                           "annotation-prefixes = [\"cdi.k8s.io/\"]\n"
                           "default-kind = \"nvidia.com/gpu\"\n"
                           "spec-dirs = [\"/etc/cdi\", \"/var/run/cdi\"]\n"
                           "\n"
                           "[nvidia-container-runtime.modes.csv]\n"
                           "mount-spec-path = \"/etc/nvidia-container-runtime/host-files-for-container.d\"\n"
                           "\n"
                           "[nvidia-container-runtime.modes.legacy]\n"
                           "cuda-compat-mode = \"ldconfig\"\n"
                           "\n"
                           "[nvidia-container-runtime-hook]\n"
                           "path = \"nvidia-container-runtime-hook\"\n"
                           "skip-mode-detection = false\n"
                           "\n"
                           "[nvidia-ctk]\n"
                           "path = \"nvidia-ctk\"\n";

char *ctk_config_default_text(void)
{
        struct config cfg;
        cleanup_free char *ldconfig = NULL, *user = NULL;
        char *text = NULL;
        const char *u;
        bool has_user;

        if (config_defaults(&cfg) < 0)
                return NULL;
        has_user = cfg.cli.user[0] != '\0';
        u = has_user ? cfg.cli.user : "root:video";
        ldconfig = toml_quote(cfg.cli.ldconfig, strlen(cfg.cli.ldconfig));
        user = toml_quote(u, strlen(u));
        if (ldconfig == NULL || user == NULL ||
            asprintf(&text, "%sldconfig = %s\n%s%suser = %s\n%s", head, ldconfig, middle, has_user ? "" : "#", user,
                     tail) < 0)
                text = NULL;
        config_free(&cfg);
        if (text == NULL)
                errno = ENOMEM;
        return text;
}
