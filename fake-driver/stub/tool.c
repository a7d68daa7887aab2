/* Stand-in for the driver's helper programs (nvidia-debugdump,
 * nvidia-persistenced, nvidia-cuda-mps-control, nvidia-cuda-mps-server):
 * installed under each of those names, it identifies itself when asked and
 * otherwise succeeds at once, so a daemon-style start "works". */
#include <stdio.h>
#include <string.h>

static const char *base_name(const char *path)
{
        const char *slash = strrchr(path, '/');

        return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
        const char *name = argc > 0 ? base_name(argv[0]) : "nvidia-tool";

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-h") == 0 ||
                    strcmp(argv[i], "--help") == 0) {
                        printf("%s: fake NVIDIA driver tool\n", name);
                        return 0;
                }
        }
        return 0;
}
