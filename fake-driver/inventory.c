/* The inventory section and the device-node probe shared by the fake NVML
 * and the fake CUDA driver. */
#include "fakelib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The setup tool overwrites the section with a struct it built itself, so
 * the layout must not depend on the ABI: only uint32 and char fields, no
 * padding, identical for the 64-bit and the -m32 builds. */
_Static_assert(sizeof(struct fake_mig) == 144, "fake_mig layout");
_Static_assert(sizeof(struct fake_gpu) == 1316, "fake_gpu layout");
_Static_assert(sizeof(struct fake_inventory) == 84296, "fake_inventory layout");
_Static_assert(_Alignof(struct fake_inventory) == 4, "fake_inventory alignment");

/* The one object in FAKE_INVENTORY_SECTION.  A non-zero initialiser makes the
 * section PROGBITS with real file bytes for the setup tool to overwrite; the
 * magic stays wrong until it does, so an unstamped library is detectable. */
__attribute__((section(FAKE_INVENTORY_SECTION), used))
static const struct fake_inventory fake_inventory_blob = {
        .magic = "UNSTAMPED",
};

const struct fake_inventory *fake_inventory_get(void)
{
        const struct fake_inventory *inv = &fake_inventory_blob;

        /* The compiler knows the initialiser above and would fold these
         * checks to "unstamped"; hide where the pointer came from. */
        __asm__("" : "+r"(inv));
        if (memcmp(inv->magic, FAKE_INVENTORY_MAGIC, sizeof(inv->magic)) != 0)
                return NULL;
        if (inv->version != FAKE_INVENTORY_VERSION || inv->gpu_count > FAKE_MAX_GPUS)
                return NULL;
        return inv;
}

enum fake_node fake_node_probe(const char *path)
{
        int saved = errno;
        enum fake_node result = FAKE_NODE_ABSENT;
        int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

        if (fd >= 0) {
                close(fd);
                result = FAKE_NODE_OK;
        } else if (errno == ENXIO) {
                /* Major 195 has no kernel driver: reaching the driver lookup
                 * means the device cgroup let us through. */
                result = FAKE_NODE_OK;
        } else if (errno == EPERM || errno == EACCES) {
                result = FAKE_NODE_DENIED;
        }
        errno = saved;
        return result;
}

static int cap_usable(uint32_t minor)
{
        char path[64];

        snprintf(path, sizeof(path), "/dev/nvidia-caps/nvidia-cap%u", minor);
        return fake_node_probe(path) == FAKE_NODE_OK;
}

/* A MIG device is usable when both its GPU-instance and compute-instance
 * access capabilities are, which is what the container toolkit grants. */
static int mig_usable(const struct fake_mig *mig)
{
        return cap_usable(mig->access_minor) && cap_usable(mig->ci_access_minor);
}

static void probe_migs(struct fake_visible_gpu *vis, int monitor)
{
        const struct fake_gpu *gpu = vis->gpu;
        unsigned n = gpu->mig_count < FAKE_MAX_MIGS ? gpu->mig_count : FAKE_MAX_MIGS;

        if (!gpu->mig_enabled)
                return;
        for (unsigned i = 0; i < n; i++) {
                if (monitor || mig_usable(&gpu->migs[i]))
                        vis->migs[vis->mig_count++] = &gpu->migs[i];
        }
}

/* Inventory GPUs in minor order (insertion sort: at most 64 entries). */
static unsigned sort_by_minor(const struct fake_inventory *inv, const struct fake_gpu **out)
{
        unsigned n = 0;

        for (unsigned i = 0; i < inv->gpu_count; i++) {
                unsigned j = n++;

                while (j > 0 && out[j - 1]->minor > inv->gpus[i].minor) {
                        out[j] = out[j - 1];
                        j--;
                }
                out[j] = &inv->gpus[i];
        }
        return n;
}

static int any_mig_enabled(const struct fake_inventory *inv)
{
        for (unsigned i = 0; i < inv->gpu_count; i++) {
                if (inv->gpus[i].mig_enabled && inv->gpus[i].mig_count > 0)
                        return 1;
        }
        return 0;
}

/* A GPU without persistence mode is initialised by the driver on the first
 * open of its node by a process, which takes a while; with --open-delay the
 * fake models that (and tests get a slow call to observe). */
static void open_delay(const struct fake_gpu *gpu)
{
        struct timespec t = {(time_t)(gpu->open_delay_ms / 1000), (long)(gpu->open_delay_ms % 1000) * 1000000L};

        while (nanosleep(&t, &t) < 0 && errno == EINTR)
                ;
}

static enum fake_status probe_gpus(struct fake_view *view, enum fake_mig_policy policy)
{
        const struct fake_gpu *sorted[FAKE_MAX_GPUS];
        unsigned n = sort_by_minor(view->inv, sorted);
        int monitor = policy == FAKE_MIG_MONITOR && any_mig_enabled(view->inv) &&
                      cap_usable(view->inv->mig_monitor_minor);

        for (unsigned i = 0; i < n; i++) {
                char path[32];
                struct fake_visible_gpu *vis;

                snprintf(path, sizeof(path), "/dev/nvidia%u", sorted[i]->minor);
                switch (fake_node_probe(path)) {
                case FAKE_NODE_ABSENT:
                        continue;
                case FAKE_NODE_DENIED:
                        view->count = 0;
                        return FAKE_DENIED;
                case FAKE_NODE_OK:
                        break;
                }
                open_delay(sorted[i]);
                vis = &view->gpus[view->count++];
                vis->gpu = sorted[i];
                probe_migs(vis, monitor);
        }
        return FAKE_OK;
}

enum fake_status fake_probe(struct fake_view *view, enum fake_mig_policy policy)
{
        memset(view, 0, sizeof(*view));
        switch (fake_node_probe("/dev/nvidiactl")) {
        case FAKE_NODE_ABSENT:
                return FAKE_NO_DRIVER;
        case FAKE_NODE_DENIED:
                return FAKE_DENIED;
        case FAKE_NODE_OK:
                break;
        }
        view->inv = fake_inventory_get();
        if (view->inv == NULL)
                return FAKE_UNSTAMPED;
        return probe_gpus(view, policy);
}

static int hex_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"; 0 on success. */
static int parse_canonical_uuid(const char *s, size_t len, unsigned char out[16])
{
        unsigned byte = 0;

        if (len != 36)
                return -1;
        for (size_t i = 0; i < len;) {
                int hi, lo;

                if (i == 8 || i == 13 || i == 18 || i == 23) {
                        if (s[i++] != '-')
                                return -1;
                        continue;
                }
                hi = hex_value(s[i]);
                lo = hex_value(s[i + 1]);
                if (hi < 0 || lo < 0)
                        return -1;
                out[byte++] = (unsigned char)(hi << 4 | lo);
                i += 2;
        }
        return 0;
}

void fake_uuid_bytes(const char *uuid, size_t max, unsigned char out[16])
{
        size_t len = strnlen(uuid, max);
        int prefixed = len >= 4 && (memcmp(uuid, "GPU-", 4) == 0 || memcmp(uuid, "MIG-", 4) == 0);
        const char *body = prefixed ? uuid + 4 : uuid;
        size_t body_len = prefixed ? len - 4 : len;

        memset(out, 0, 16);
        if (parse_canonical_uuid(body, body_len, out) == 0)
                return;
        memset(out, 0, 16);
        memcpy(out, body, body_len < 16 ? body_len : 16);
}
