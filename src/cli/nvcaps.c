#include "cli/nvcaps.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"

/* `path` inside `root`; "/" and NULL are the host's root. */
static char *in_root(const char *root, const char *path)
{
        char *full = NULL;
        size_t len = root != NULL ? strlen(root) : 0;

        while (len > 0 && root[len - 1] == '/')
                len--;
        if (asprintf(&full, "%.*s%s", (int)len, len > 0 ? root : "", path) < 0)
                return NULL;
        return full;
}

bool nvcaps_dev_style(const char *root)
{
        cleanup_free char *path = in_root(root, NVCAPS_MIG_MINORS);

        return path != NULL && access(path, F_OK) == 0;
}

int nvcaps_node_of(const char *root, const char *proc_path, char **node)
{
        cleanup_free char *path = in_root(root, proc_path);
        cleanup_file FILE *f = NULL;
        cleanup_free char *line = NULL;
        size_t size = 0;
        unsigned minor;

        if (path == NULL || (f = fopen(path, "re")) == NULL)
                return -1;
        while (getline(&line, &size, f) >= 0) {
                if (sscanf(line, "DeviceFileMinor: %u", &minor) != 1)
                        continue;
                return asprintf(node, NVCAPS_DEVICE_DIR "/nvidia-cap%u", minor) < 0 ? -1 : 0;
        }
        return -1;
}

/* "gpu<g>/gi<i>/access <minor>" and "gpu<g>/gi<i>/ci<c>/access <minor>":
 * the minor of a capability of GPU g. "config" and "monitor" lines do not
 * start with "gpu" and never match. */
static bool parse_minors_line(const char *line, unsigned *gpu, unsigned *minor)
{
        char rest[256];

        return sscanf(line, "gpu%u%255s %u", gpu, rest, minor) == 3;
}

int nvcaps_print_gpu_nodes(FILE *out, const char *root, unsigned gpu_minor)
{
        cleanup_free char *path = in_root(root, NVCAPS_MIG_MINORS);
        cleanup_file FILE *f = NULL;
        cleanup_free char *line = NULL;
        size_t size = 0;
        unsigned gpu, minor;

        if (path == NULL || (f = fopen(path, "re")) == NULL)
                return -1;
        while (getline(&line, &size, f) >= 0)
                if (parse_minors_line(line, &gpu, &minor) && gpu == gpu_minor)
                        fprintf(out, NVCAPS_DEVICE_DIR "/nvidia-cap%u\n", minor);
        return 0;
}
