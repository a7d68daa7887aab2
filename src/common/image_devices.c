/* Which GPUs (and IMEX channels) a container asks for, as NVIDIA's toolkit
 * reads it (CUDA.VisibleDevices, ImexChannelRequests): from CDI annotations,
 * from /dev/null mounts under /var/run/nvidia-container-devices, or from
 * the environment. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cdi_name.h"
#include "common/image_internal.h"
#include "common/path_clean.h"

#define VOLUME_MOUNT_ROOT "/var/run/nvidia-container-devices"
#define MOUNT_PREFIX_CDI "cdi/"
#define MOUNT_PREFIX_IMEX "imex/"

int image_warn(struct image_request *out, const char *fmt, ...)
{
        char *msg = NULL, **grown;
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -1;
        if ((grown = realloc(out->warnings, (out->nwarnings + 1) * sizeof(*grown))) == NULL) {
                free(msg);
                return -1;
        }
        out->warnings = grown;
        out->warnings[out->nwarnings++] = msg;
        return 0;
}

static bool starts_with(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Annotation requests: every key with one of the prefixes, in sorted key
 * order, each value split at ',' as it is (the runtime's CDI requests). */
static int from_annotations(struct error *err, const struct image_input *in, const struct image_policy *policy,
                            struct image_list *out)
{
        struct image_list keys = {0};
        int rv = 0;

        for (size_t i = 0; policy->annotation_prefixes != NULL && i < in->nannotations && rv == 0; i++)
                for (const char *const *p = policy->annotation_prefixes; *p != NULL; p++)
                        if (starts_with(in->annotations[i].key, *p)) {
                                rv = image_list_push(&keys, in->annotations[i].key, strlen(in->annotations[i].key));
                                break;
                        }
        image_list_sort_unique(&keys);
        for (size_t k = 0; k < keys.n && rv == 0; k++)
                for (size_t i = 0; i < in->nannotations && rv == 0; i++)
                        if (strcmp(in->annotations[i].key, keys.items[k]) == 0)
                                rv = image_list_split(out, in->annotations[i].value, false);
        image_list_free(&keys);
        return rv < 0 ? error_set(err, "read device annotations") : 0;
}

/* The id a mount requests: /dev/null (after cleaning) mounted below the
 * volume-mount root; NULL otherwise. Upstream takes any destination that
 * merely starts with the root's text ("...-devicesX" requests "X"); here
 * the request must be below the root, so such a path requests nothing. */
static const char *mount_request(const char *source, const char *clean_dest)
{
        size_t len = strlen(VOLUME_MOUNT_ROOT);

        if (source == NULL || strcmp(source, "/dev/null") != 0)
                return NULL;
        if (strncmp(clean_dest, VOLUME_MOUNT_ROOT "/", len + 1) != 0)
                return NULL;
        return clean_dest + len + 1;
}

/* Every mount request, once per destination, in mount order. */
static int mount_requests(struct error *err, const struct image_input *in, struct image_list *out)
{
        struct image_list seen = {0};
        int rv = 0;

        for (size_t i = 0; i < in->nmounts && rv == 0; i++) {
                char *src = path_clean(in->mounts[i].source != NULL ? in->mounts[i].source : "");
                char *dst = path_clean(in->mounts[i].destination != NULL ? in->mounts[i].destination : "");
                const char *id = src != NULL && dst != NULL ? mount_request(src, dst) : NULL;

                if (src == NULL || dst == NULL)
                        rv = -1;
                else if (id != NULL && !image_list_contains(&seen, dst))
                        rv = image_list_push(&seen, dst, strlen(dst)) < 0 ? -1 : image_list_push(out, id, strlen(id));
                free(src);
                free(dst);
        }
        image_list_free(&seen);
        return rv < 0 ? error_set(err, "read device mounts") : 0;
}

/* "cdi/V/C=N" or "cdi/V/C/N" as "V/C=N" in *name; *name NULL (and a
 * warning) when it is neither. Only the first form is checked, as upstream
 * does. -1 when out of memory. */
static int cdi_mount_name(const char *request, struct image_request *out, char **name)
{
        const char *rest = request + strlen(MOUNT_PREFIX_CDI), *s1, *s2;

        *name = NULL;
        if (cdi_name_is_qualified(rest))
                return (*name = strdup(rest)) != NULL ? 0 : -1;
        s1 = strchr(rest, '/');
        s2 = s1 != NULL ? strchr(s1 + 1, '/') : NULL;
        if (s2 == NULL)
                return image_warn(out, "Ignoring invalid mount request for CDI device %s: "
                                       "invalid mount CDI device request: %s",
                                  request, request);
        if (asprintf(name, "%.*s=%s", (int)(s2 - rest), rest, s2 + 1) < 0) {
                *name = NULL;
                return -1;
        }
        return 0;
}

static int from_mounts(struct error *err, const struct image_input *in, struct image_request *req,
                       struct image_list *out)
{
        struct image_list all = {0};
        int rv = 0;

        if (mount_requests(err, in, &all) < 0)
                return -1;
        for (size_t i = 0; i < all.n && rv == 0; i++) {
                const char *r = all.items[i];
                char *name = NULL;

                if (starts_with(r, MOUNT_PREFIX_IMEX))
                        continue;
                if (!starts_with(r, MOUNT_PREFIX_CDI))
                        rv = image_list_push(out, r, strlen(r));
                else if ((rv = cdi_mount_name(r, req, &name)) == 0 && name != NULL)
                        rv = image_list_push(out, name, strlen(name));
                free(name);
        }
        image_list_free(&all);
        return rv < 0 ? error_set(err, "read device mounts") : 0;
}

/* The env variables that select devices: the swarm-resource ones that are
 * set, else NVIDIA_VISIBLE_DEVICES. */
static int visible_env_names(struct error *err, const struct image_env *env, const struct image_policy *policy,
                             struct image_list *names)
{
        struct image_list swarm = {0};
        int rv = policy->swarm_resource != NULL ? image_list_split(&swarm, policy->swarm_resource, true) : 0;

        for (size_t i = 0; i < swarm.n && rv == 0; i++)
                if (image_env_get(env, swarm.items[i]) != NULL)
                        rv = image_list_push(names, swarm.items[i], strlen(swarm.items[i]));
        if (rv == 0 && names->n == 0)
                rv = image_list_push(names, "NVIDIA_VISIBLE_DEVICES", strlen("NVIDIA_VISIBLE_DEVICES"));
        image_list_free(&swarm);
        return rv < 0 ? error_set(err, "read visible devices") : 0;
}

/* What the values ask for (NewVisibleDevices): nothing or "void" is void,
 * then none, then all win over ids. */
static enum image_devices classify(const struct image_list *vals)
{
        if (vals->n == 0 || image_list_contains(vals, "void"))
                return IMAGE_DEVICES_VOID;
        if (image_list_contains(vals, "none"))
                return IMAGE_DEVICES_NONE;
        if (image_list_contains(vals, "all"))
                return IMAGE_DEVICES_ALL;
        return IMAGE_DEVICES_LIST;
}

/* devicesFromEnvvars: the values of the variables joined, and all for a
 * legacy image that sets none of them. out gets ["all"] or the ids. */
static int from_env_names(struct error *err, const struct image_env *env, const struct image_list *names,
                          bool legacy, enum image_devices *kind, struct image_list *out)
{
        struct image_list vals = {0};
        bool set = false;
        int rv = 0;

        for (size_t i = 0; i < names->n && rv == 0; i++) {
                const char *v = image_env_get(env, names->items[i]);

                set = set || v != NULL;
                if (v != NULL)
                        rv = image_list_split(&vals, v, true);
        }
        *kind = !set && vals.n == 0 && legacy ? IMAGE_DEVICES_ALL : classify(&vals);
        if (rv == 0 && *kind == IMAGE_DEVICES_ALL)
                rv = image_list_push(out, "all", 3);
        else if (rv == 0 && *kind == IMAGE_DEVICES_LIST)
                image_list_take(&vals, &out->items, &out->n);
        image_list_free(&vals);
        return rv < 0 ? error_set(err, "read visible devices") : 0;
}

/* Go's %v of a []string: "[A B]". */
static char *go_list(const struct image_list *names)
{
        char *joined = image_list_join(names), *out = NULL;

        for (char *p = joined; p != NULL && *p != '\0'; p++)
                if (*p == ',')
                        *p = ' ';
        if (joined != NULL && asprintf(&out, "[%s]", joined) < 0)
                out = NULL;
        free(joined);
        return out;
}

/* Env requests count only in a privileged container or when the config
 * accepts them from unprivileged ones; otherwise the container is no GPU
 * container, and the caller is told why. */
static int from_env(struct error *err, const struct image_env *env, const struct image_input *in,
                    const struct image_policy *policy, struct image_request *req, struct image_list *out)
{
        struct image_list names = {0};
        char *shown;
        int rv;

        if ((rv = visible_env_names(err, env, policy, &names)) == 0)
                rv = from_env_names(err, env, &names, req->legacy, &req->kind, out);
        if (rv == 0 && req->kind != IMAGE_DEVICES_VOID && !in->privileged && !policy->accept_envvar_unprivileged) {
                shown = go_list(&names);
                image_warn(req, "Ignoring devices requested by environment variable(s) in unprivileged container: %s",
                           shown != NULL ? shown : "");
                free(shown);
                req->kind = IMAGE_DEVICES_VOID;
                image_list_free(out);
        }
        image_list_free(&names);
        return rv;
}

/* kind for a list taken as it is (annotations, mounts). */
static enum image_devices list_kind(const struct image_list *list)
{
        return list->n == 1 && strcmp(list->items[0], "all") == 0 ? IMAGE_DEVICES_ALL : IMAGE_DEVICES_LIST;
}

static bool all_cdi(const struct image_list *list)
{
        for (size_t i = 0; i < list->n; i++)
                if (!cdi_name_is_qualified(list->items[i]))
                        return false;
        return list->n > 0;
}

/* Annotations, then mounts (when accepted), then the environment. */
static int select_devices(struct error *err, const struct image_input *in, const struct image_env *env,
                          const struct image_policy *policy, struct image_request *out, struct image_list *list)
{
        if (from_annotations(err, in, policy, list) < 0)
                return -1;
        if (list->n == 0 && policy->accept_volume_mounts && from_mounts(err, in, out, list) < 0)
                return -1;
        if (list->n > 0) {
                out->kind = list_kind(list);
                return 0;
        }
        return from_env(err, env, in, policy, out, list);
}

int image_devices(struct error *err, const struct image_input *in, const struct image_env *env,
                  const struct image_policy *policy, struct image_request *out)
{
        struct image_list list = {0};

        out->kind = IMAGE_DEVICES_VOID;
        if (select_devices(err, in, env, policy, out, &list) < 0) {
                image_list_free(&list);
                return -1;
        }
        out->cdi_only = all_cdi(&list);
        if (out->kind != IMAGE_DEVICES_VOID && (out->device_list = image_list_join(&list)) == NULL) {
                image_list_free(&list);
                return error_set(err, "read visible devices");
        }
        image_list_take(&list, &out->devices, &out->ndevices);
        return 0;
}

static int imex_from_mounts(struct error *err, const struct image_input *in, struct image_list *list)
{
        struct image_list all = {0};
        size_t len = strlen(MOUNT_PREFIX_IMEX);
        int rv = mount_requests(err, in, &all);

        for (size_t i = 0; i < all.n && rv == 0; i++)
                if (starts_with(all.items[i], MOUNT_PREFIX_IMEX) &&
                    image_list_push(list, all.items[i] + len, strlen(all.items[i] + len)) < 0)
                        rv = error_set(err, "read IMEX channels");
        image_list_free(&all);
        return rv;
}

/* NVIDIA_IMEX_CHANNELS read as a device list: "all" (also what a legacy
 * image gets without the variable) asks for no channel; a request ("none"
 * included) is refused like a device request in an unprivileged container. */
static int imex_from_env(struct error *err, const struct image_input *in, const struct image_env *env,
                         const struct image_policy *policy, struct image_request *out, struct image_list *list)
{
        struct image_list names = {0};
        enum image_devices kind = IMAGE_DEVICES_VOID;
        int rv;

        if (image_list_push(&names, "NVIDIA_IMEX_CHANNELS", strlen("NVIDIA_IMEX_CHANNELS")) < 0)
                return error_set(err, "read IMEX channels");
        rv = from_env_names(err, env, &names, out->legacy, &kind, list);
        image_list_free(&names);
        if (rv < 0)
                return -1;
        if (kind == IMAGE_DEVICES_ALL) {
                image_list_free(list);
        } else if (kind != IMAGE_DEVICES_VOID && !in->privileged && !policy->accept_envvar_unprivileged) {
                image_warn(out, "Ignoring request by environment variable(s) in unprivileged container: "
                                "[NVIDIA_IMEX_CHANNELS]");
                image_list_free(list);
        }
        return 0;
}

int image_imex_channels(struct error *err, const struct image_input *in, const struct image_env *env,
                        const struct image_policy *policy, struct image_request *out)
{
        struct image_list list = {0};
        int rv = 0;

        if (policy->ignore_imex_channel_requests)
                return 0;
        if (policy->accept_volume_mounts)
                rv = imex_from_mounts(err, in, &list);
        if (rv == 0 && list.n == 0)
                rv = imex_from_env(err, in, env, policy, out, &list);
        if (rv == 0)
                image_list_take(&list, &out->imex_channels, &out->nimex_channels);
        image_list_free(&list);
        return rv;
}
