/* Install and remove: the order of the steps, and the rollback that keeps
 * a failed install from leaving anything behind. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "setup.h"

int setup_remove(const struct setup_options *opts, bool *found, struct error *err)
{
        if (manifest_remove_all(opts->root, found, err) < 0)
                return -1;
        /* A cache that was not ours (a whole rootfs, or the system's) must
         * stop naming the removed libraries. */
        if (*found && ldcache_refresh(opts->root, opts->system, err) < 0)
                return -1;
        return opts->system ? system_umount_procfs(err) : 0;
}

static int install_all(struct installer *in, const struct setup_options *opts, const struct fake_inventory *inv,
                       struct error *err)
{
        char payload[PATH_MAX];

        if (payload_dir(payload, sizeof(payload), err) < 0)
                return -1;
        if (opts->system && system_mount_procfs(err) < 0)
                return -1;
        if (install_devices(in, inv, err) < 0 || install_procfs(in, inv, err) < 0 ||
            install_driver_files(in, inv, payload, err) < 0 || install_ldcache(in, opts->system, err) < 0)
                return -1;
        return 0;
}

int setup_install(const struct setup_options *opts, struct install_stats *stats, struct error *err)
{
        struct fake_inventory *inv = NULL;
        struct installer in = {.root = opts->root};
        bool found;
        int rv = -1;

        if ((inv = malloc(sizeof(*inv))) == NULL)
                return error_set(err, "allocate inventory");
        if (profile_build(opts, inv, err) < 0 || setup_remove(opts, &found, err) < 0 ||
            (!opts->system && mkdir(opts->root, 0755) < 0 && errno != EEXIST) ||
            manifest_open(&in.manifest, opts->root, err) < 0) {
                if (err->msg == NULL)
                        error_set(err, "create `%s`", opts->root);
                goto out;
        }
        if (install_all(&in, opts, inv, err) < 0) {
                struct error ignored = {0};
                /* Undo what was made so far: nothing half-installed stays. */
                if (manifest_commit(in.manifest, &ignored) == 0)
                        setup_remove(opts, &found, &ignored);
                error_reset(&ignored);
                goto out;
        }
        if (manifest_commit(in.manifest, err) < 0)
                goto out;
        *stats = (struct install_stats){in.files, in.links, in.nodes, inv->gpu_count, 0};
        for (unsigned i = 0; i < inv->gpu_count; i++)
                stats->migs += inv->gpus[i].mig_count;
        rv = 0;
out:
        manifest_free(in.manifest);
        free(inv);
        return rv;
}

