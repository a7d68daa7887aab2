#include "fake_root.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "setup/setup.h"

void fake_root_install(const char *root, const char *const *extra)
{
        char *argv[16] = {"fake-nvidia-setup", "--quiet", "--root", (char *)root};
        struct setup_options opts;
        struct install_stats stats;
        struct error err = {0};
        int argc = 4;

        while (*extra != NULL && argc < 15)
                argv[argc++] = (char *)*extra++;
        if (setup_parse_args(argc, argv, &opts, &err) < 0 || setup_install(&opts, &stats, &err) < 0) {
                fprintf(stderr, "fake root %s: %s\n", root, error_msg(&err));
                abort();
        }
}

void fake_root_remove(const char *root)
{
        struct setup_options opts = {.root = root};
        struct error err = {0};
        bool found;

        setup_remove(&opts, &found, &err);
        error_reset(&err);
        rmdir(root);
}
