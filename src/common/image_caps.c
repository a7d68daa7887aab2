/* Driver capabilities (NVIDIA_DRIVER_CAPABILITIES) as NVIDIA's toolkit
 * computes them: sets of names (unknown names included, so that the error
 * can list them), printed sorted and comma-separated. */
#include <stdlib.h>
#include <string.h>

#include "common/image_internal.h"

/* Every capability the toolkit knows, sorted: the value of "all". */
#define ALL_CAPABILITIES "compat32,compute,display,graphics,ngx,utility,video"
#define DEFAULT_CAPABILITIES "utility,compute"

/* A set of names from a comma-separated value (NewDriverCapabilities). */
static int to_set(struct error *err, const char *value, struct image_list *set)
{
        if (image_list_split(set, value, true) < 0)
                return error_set(err, "read driver capabilities");
        image_list_sort_unique(set);
        return 0;
}

/* supported-driver-capabilities: only the exact value "all" means every
 * capability; anything else must name known ones (checked by the hook at
 * start, so even a non-GPU container fails on a bad config). */
static int supported_set(struct error *err, const char *supported, struct image_list *set)
{
        struct image_list all = {0};
        int rv;

        if (supported == NULL || strcmp(supported, "all") == 0)
                supported = ALL_CAPABILITIES;
        if ((rv = to_set(err, supported, set)) == 0 && (rv = to_set(err, ALL_CAPABILITIES, &all)) == 0) {
                for (size_t i = 0; i < set->n && rv == 0; i++)
                        if (!image_list_contains(&all, set->items[i]))
                                rv = error_setx(err,
                                                "Invalid value for config option 'supported-driver-capabilities'; %s "
                                                "(supported: %s)",
                                                supported, ALL_CAPABILITIES);
        }
        image_list_free(&all);
        return rv;
}

int image_check_supported(struct error *err, const char *supported)
{
        struct image_list set = {0};
        int rv = supported_set(err, supported, &set);

        image_list_free(&set);
        return rv;
}

/* The members of want that are in have (Intersection; never "all" here,
 * since a supported set never holds it). */
static int intersect(struct error *err, const struct image_list *have, const struct image_list *want,
                     struct image_list *out)
{
        for (size_t i = 0; i < want->n; i++)
                if (image_list_contains(have, want->items[i]) &&
                    image_list_push(out, want->items[i], strlen(want->items[i])) < 0)
                        return error_set(err, "read driver capabilities");
        return 0;
}

/* The requested set: "all" anywhere in it means every supported one; any
 * other unsupported name is refused, naming what was asked and allowed. */
static int requested(struct error *err, const char *value, const struct image_list *supported,
                     struct image_list *out)
{
        struct image_list want = {0};
        char *asked = NULL, *allowed = NULL;
        int rv;

        if ((rv = to_set(err, value, &want)) == 0 && image_list_contains(&want, "all"))
                rv = intersect(err, supported, supported, out);
        else if (rv == 0 && (rv = intersect(err, supported, &want, out)) == 0 && out->n != want.n) {
                asked = image_list_join(&want);
                allowed = image_list_join(out);
                rv = asked == NULL || allowed == NULL
                             ? error_set(err, "read driver capabilities")
                             : error_setx(err, "unsupported capabilities found in '%s' (allowed '%s')", asked, allowed);
        }
        free(asked);
        free(allowed);
        image_list_free(&want);
        return rv;
}

static int select_capabilities(struct error *err, const struct image_env *env, bool legacy,
                               const struct image_list *supported, struct image_list *out)
{
        const char *value = image_env_get(env, "NVIDIA_DRIVER_CAPABILITIES");
        struct image_list defaults = {0};
        int rv;

        if (value == NULL && legacy)
                return intersect(err, supported, supported, out);
        if (value != NULL && *value != '\0')
                return requested(err, value, supported, out);
        if ((rv = to_set(err, DEFAULT_CAPABILITIES, &defaults)) == 0)
                rv = intersect(err, supported, &defaults, out);
        image_list_free(&defaults);
        return rv;
}

int image_capabilities(struct error *err, const struct image_env *env, bool legacy, const char *supported,
                       char **out)
{
        struct image_list have = {0}, caps = {0};
        int rv;

        if ((rv = supported_set(err, supported, &have)) == 0 &&
            (rv = select_capabilities(err, env, legacy, &have, &caps)) == 0) {
                image_list_sort_unique(&caps);
                if ((*out = image_list_join(&caps)) == NULL)
                        rv = error_set(err, "read driver capabilities");
        }
        image_list_free(&have);
        image_list_free(&caps);
        return rv;
}
