/* The container a CDI hook acts on (its OCI state, bundle and root) and the
 * command line every hook shares. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/oci.h"
#include "ctk/hook_internal.h"

static bool is_stdin(const char *path)
{
        return path == NULL || path[0] == '\0' || strcmp(path, "-") == 0;
}

/* NVIDIA's --container-spec names a state file despite its name; a
 * config.json (or its bundle) given there is taken as the spec itself. */
static int load_spec(struct error *err, const char *state_path, struct oci_spec *spec)
{
        struct oci_state state = {0};
        struct error ignored = {0};
        cleanup_file FILE *f = NULL;
        int rv;

        if (is_stdin(state_path)) {
                rv = oci_state_read(err, stdin, &state);
        } else if ((f = fopen(state_path, "re")) == NULL) {
                return error_set(err, "open container state `%s`", state_path);
        } else if ((rv = oci_state_read(err, f, &state)) < 0 && oci_spec_load(&ignored, state_path, spec) == 0) {
                if (oci_spec_has_root(spec)) {
                        error_reset(err);
                        return 0;
                }
                oci_spec_free(spec);
        }
        error_reset(&ignored);
        if (rv == 0)
                rv = oci_spec_load(err, state.bundle, spec);
        oci_state_free(&state);
        return rv;
}

int ctk_container_open(struct error *err, const char *state_path, struct ctk_container *c)
{
        struct oci_spec spec = {0};
        struct stat st;
        int rv;

        *c = (struct ctk_container){.fd = -1};
        if (load_spec(err, state_path, &spec) < 0)
                return -1;
        rv = oci_spec_rootfs(err, &spec, &c->root);
        oci_spec_free(&spec);
        if (rv < 0)
                return error_prefix(err, "failed to determine container root");
        if ((c->fd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 || fstat(c->fd, &st) < 0) {
                error_set(err, "open container root `%s`", c->root);
                ctk_container_close(c);
                return -1;
        }
        c->uid = st.st_uid;
        c->gid = st.st_gid;
        return 0;
}

void ctk_container_close(struct ctk_container *c)
{
        if (c->fd >= 0)
                close(c->fd);
        free(c->root);
        *c = (struct ctk_container){.fd = -1};
}

static void usage(FILE *out, const char *name, const struct ctk_flag *flags)
{
        const struct ctk_command *c = ctk_hooks;

        while (c->name != NULL && strcmp(c->name, name) != 0)
                c++;
        fprintf(out, "NAME:\n   %s - %s\n\nUSAGE:\n   %s [command options]\n\n", name,
                c->usage != NULL ? c->usage : "", name);
        ctk_flags_usage(out, flags);
}

bool ctk_hook_flags(const struct ctk_flag *flags, int argc, char **argv, int *status)
{
        struct error err = {0};
        char **pos = NULL;
        bool help;

        *status = 0;
        if (ctk_flags_parse(&err, flags, argc - 1, argv + 1, &pos, &help) < 0) {
                *status = ctk_fail(&err, "incorrect usage");
                return true;
        }
        /* urfave/cli keeps extra arguments for the action, which ignores them. */
        for (size_t i = 0; pos[i] != NULL; i++)
                ctk_log(CTK_DEBUG, "Ignoring argument \"%s\"", pos[i]);
        free(pos);
        if (!help)
                return false;
        usage(stdout, argv[0], flags);
        return true;
}

int ctk_hook_state_only(int argc, char **argv, const char *what, int (*fn)(struct error *err, const char *state))
{
        const char *state = NULL;
        const struct ctk_flag flags[] = {
                CTK_HOOK_STATE_FLAG(state),
                {NULL, NULL, CTK_FLAG_BOOL, NULL, NULL, NULL},
        };
        struct error err = {0};
        int status;

        if (!ctk_hook_flags(flags, argc, argv, &status) && fn(&err, state) < 0)
                status = ctk_fail(&err, what);
        return status;
}
