/* The container's environment as NVIDIA's toolkit reads it (image.h):
 * a map from name to value where a later entry wins, legacy CUDA images,
 * and the requirements passed on as --require. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/image_internal.h"
#include "common/semver.h"

#define REQUIRE_PREFIX "NVIDIA_REQUIRE_"
#define REQUIRE_JETPACK_PREFIX "NVIDIA_REQUIRE_JETPACK"

int image_env_check(struct error *err, const struct image_env *env)
{
        for (size_t i = 0; i < env->n; i++)
                if (strchr(env->vars[i], '=') == NULL)
                        return error_setx(err, "invalid environment variable: %s", env->vars[i]);
        return 0;
}

/* Whether entry is named key ("KEY=..."). */
static bool has_name(const char *entry, const char *key, size_t keylen)
{
        return strncmp(entry, key, keylen) == 0 && entry[keylen] == '=';
}

const char *image_env_get(const struct image_env *env, const char *key)
{
        size_t keylen = strlen(key);

        for (size_t i = env->n; i-- > 0;)
                if (has_name(env->vars[i], key, keylen))
                        return env->vars[i] + keylen + 1;
        return NULL;
}

bool image_env_is_legacy(const struct image_env *env)
{
        const char *version = image_env_get(env, "CUDA_VERSION");
        const char *require = image_env_get(env, "NVIDIA_REQUIRE_CUDA");

        return version != NULL && *version != '\0' && (require == NULL || *require == '\0');
}

/* Go's strconv.ParseBool, true side (anything unparsable is false). */
static bool parse_bool_true(const char *s)
{
        static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};

        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
                if (strcmp(s, yes[i]) == 0)
                        return true;
        return false;
}

/* Whether a decimal string without leading zeros fits strconv.ParseUint(s,
 * 10, 32). */
static bool fits_u32(const char *s)
{
        return strlen(s) <= 10 && strtoull(s, NULL, 10) <= UINT32_MAX;
}

/* Why CUDA_VERSION has no MAJOR.MINOR (upstream's parseMajorMinorVersion),
 * or NULL with *out = "cuda>=MAJOR.MINOR" ("12.2.0" -> 12.2, "v9" -> 9.0). */
static const char *legacy_cuda(const char *cuda, char **out)
{
        char *v = NULL, *mm, *dot;
        const char *why;

        *out = NULL;
        if (asprintf(&v, "v%s", cuda[0] == 'v' ? cuda + 1 : cuda) < 0)
                return "out of memory";
        /* "vM.m" is at most two characters longer than v ("v9" -> "v9.0"). */
        if ((mm = malloc(strlen(v) + 3)) == NULL || semver_major_minor(v, mm, strlen(v) + 3) < 0) {
                why = mm == NULL ? "out of memory" : "invalid version string";
                free(mm);
                free(v);
                return why;
        }
        free(v);
        dot = strchr(mm, '.');
        *dot = '\0';
        why = !fits_u32(mm + 1) ? "invalid major version" : !fits_u32(dot + 1) ? "invalid minor version" : NULL;
        if (why == NULL && asprintf(out, "cuda>=%s.%s", mm + 1, dot + 1) < 0) {
                *out = NULL;
                why = "out of memory";
        }
        free(mm);
        return why;
}

/* Appends "cuda>=MAJOR.MINOR" for a legacy image. */
static int legacy_requirement(struct error *err, const char *cuda, struct image_list *out)
{
        char *req = NULL;
        const char *why = legacy_cuda(cuda, &req);
        int rv = 0;

        if (why != NULL)
                return error_setx(err, "failed to get requirements: failed to get version: invalid CUDA version %s: %s",
                                  cuda, why);
        if (image_list_push(out, req, strlen(req)) < 0)
                rv = error_set(err, "collect requirements");
        free(req);
        return rv;
}

struct named {
        const char *entry;
        size_t keylen;
};

static int compare_named(const void *a, const void *b)
{
        const struct named *x = a, *y = b;
        int c = strncmp(x->entry, y->entry, x->keylen < y->keylen ? x->keylen : y->keylen);

        return c != 0 ? c : (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

/* Whether a later entry has the same name (the map keeps the last). */
static bool overridden(const struct image_env *env, size_t i, size_t keylen)
{
        for (size_t j = i + 1; j < env->n; j++)
                if (has_name(env->vars[j], env->vars[i], keylen))
                        return true;
        return false;
}

/* The NVIDIA_REQUIRE_* entries but the JETPACK ones, one per name. */
static int collect_requires(struct error *err, const struct image_env *env, struct named **out, size_t *n)
{
        struct named *list = calloc(env->n + 1, sizeof(*list));

        if (list == NULL)
                return error_set(err, "collect requirements");
        *n = 0;
        for (size_t i = 0; i < env->n; i++) {
                const char *e = env->vars[i];
                size_t keylen = strcspn(e, "=");

                if (strncmp(e, REQUIRE_PREFIX, strlen(REQUIRE_PREFIX)) != 0 ||
                    strncmp(e, REQUIRE_JETPACK_PREFIX, strlen(REQUIRE_JETPACK_PREFIX)) == 0 ||
                    keylen < strlen(REQUIRE_PREFIX) || overridden(env, i, keylen))
                        continue;
                list[(*n)++] = (struct named){e, keylen};
        }
        qsort(list, *n, sizeof(*list), compare_named);
        *out = list;
        return 0;
}

int image_requirements(struct error *err, const struct image_env *env, bool disable_require, struct image_list *out)
{
        const char *disable = image_env_get(env, "NVIDIA_DISABLE_REQUIRE");
        struct named *reqs = NULL;
        size_t n = 0;

        if (disable_require || (disable != NULL && parse_bool_true(disable)))
                return 0;
        if (collect_requires(err, env, &reqs, &n) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                const char *value = reqs[i].entry + reqs[i].keylen + 1;

                if (image_list_push(out, value, strlen(value)) < 0) {
                        free(reqs);
                        return error_set(err, "collect requirements");
                }
        }
        free(reqs);
        if (image_env_is_legacy(env))
                return legacy_requirement(err, image_env_get(env, "CUDA_VERSION"), out);
        return 0;
}
