/* CUDA_VISIBLE_DEVICES: selects and reorders the enumerated devices. */
#include "cuda/cuda_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *device_uuid(const struct cuda_device *d, size_t *max)
{
        *max = FAKE_UUID_LEN;
        return d->mig ? d->mig->uuid : d->gpu->uuid;
}

/* The device a token names, or -1: a decimal index, or a unique prefix of
 * a "GPU-..."/"MIG-..." UUID. */
static long find_device(const struct cuda_device *list, unsigned n, const char *tok, size_t len)
{
        long found = -1;

        if (len == 0)
                return -1;
        if (strspn(tok, "0123456789") >= len) {
                unsigned long idx = strtoul(tok, NULL, 10);

                return idx < n ? (long)idx : -1;
        }
        if (len < 4 || (strncmp(tok, "GPU-", 4) != 0 && strncmp(tok, "MIG-", 4) != 0))
                return -1;
        for (unsigned i = 0; i < n; i++) {
                size_t max;
                const char *uuid = device_uuid(&list[i], &max);

                if (len <= strnlen(uuid, max) && strncmp(uuid, tok, len) == 0) {
                        if (found >= 0)
                                return -1; /* ambiguous prefix */
                        found = (long)i;
                }
        }
        return found;
}

unsigned cuda_apply_visible_devices(struct cuda_device *list, unsigned n, const char *env)
{
        static struct cuda_device picked[CUDA_MAX_DEVICES];
        unsigned char used[CUDA_MAX_DEVICES] = { 0 };
        unsigned count = 0;
        const char *p = env;

        while (*p != '\0') {
                size_t len;
                long idx;

                p += strspn(p, " \t");
                len = strcspn(p, ",");
                while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
                        len--;
                idx = find_device(list, n, p, len);
                if (idx < 0 || used[idx])
                        break; /* the real driver ignores everything after */
                used[idx] = 1;
                picked[count++] = list[idx];
                p += strcspn(p, ",");
                if (*p == ',')
                        p++;
        }
        memcpy(list, picked, count * sizeof(list[0]));
        return count;
}
