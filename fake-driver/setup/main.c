/* fake-nvidia-setup: install or remove the fake NVIDIA driver. */
#include <stdio.h>
#include <stdlib.h>

#include "setup.h"

static void report(const struct install_stats *st, const struct setup_options *opts)
{
        printf("fake-nvidia-setup: installed driver %s (CUDA %s) with %u x %s into %s\n", opts->driver_version,
               opts->cuda_version, st->gpus, opts->mig_count > 0 ? "MIG-capable GPU" : opts->model, opts->root);
        if (st->migs > 0)
                printf("  MIG devices:  %u\n", st->migs);
        printf("  device nodes: %u (nvidiactl, nvidia-modeset, nvidia-uvm, nvidia-uvm-tools, one per GPU)\n",
               st->nodes);
        printf("  files:        %u (libraries in %s and %s, binaries, firmware, proc/driver/nvidia)\n", st->files,
               LIBDIR64, LIBDIR32);
        printf("  symlinks:     %u\n", st->links);
        printf("  ld.so.cache:  %s\n", opts->system ? "/etc/ld.so.cache updated" : "etc/ld.so.cache written");
}

int main(int argc, char **argv)
{
        struct setup_options opts;
        struct error err = {0};
        struct install_stats stats;
        bool found = false;
        int rv;

        rv = setup_parse_args(argc, argv, &opts, &err);
        if (rv == SETUP_PARSE_OK)
                rv = opts.remove ? setup_remove(&opts, &found, &err) : setup_install(&opts, &stats, &err);
        if (rv < 0) {
                fprintf(stderr, "fake-nvidia-setup: %s\n", error_msg(&err));
                error_reset(&err);
                return 1;
        }
        if (rv == SETUP_PARSE_OK && !opts.remove && !opts.quiet)
                report(&stats, &opts);
        if (rv == SETUP_PARSE_OK && opts.remove && !opts.quiet)
                printf("fake-nvidia-setup: %s %s\n", found ? "removed the fake driver from" : "nothing installed in",
                       opts.root);
        return 0;
}
