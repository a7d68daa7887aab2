/* The container's request (image.h), in the order NVIDIA's hook works it
 * out, so that the same input fails with the same first error. */
#include "common/image.h"

#include <stdlib.h>
#include <string.h>

#include "common/image_internal.h"

void image_policy_init(struct image_policy *policy)
{
        memset(policy, 0, sizeof(*policy));
        policy->accept_envvar_unprivileged = true;
}

/* A MIG variable is honoured only in a privileged container. */
static int mig_devices(struct error *err, const struct image_env *env, bool privileged, const char *name,
                       char **out)
{
        const char *value = image_env_get(env, name);

        if (value == NULL || *value == '\0')
                return 0;
        if (!privileged)
                return error_setx(err, "cannot set %s in non privileged container", name + strlen("NVIDIA_"));
        if ((*out = strdup(value)) == NULL)
                return error_set(err, "read %s", name);
        return 0;
}

static int gpu_request(struct error *err, const struct image_input *in, const struct image_env *env,
                       const struct image_policy *policy, struct image_request *out)
{
        struct image_list reqs = {0};

        if (mig_devices(err, env, in->privileged, "NVIDIA_MIG_CONFIG_DEVICES", &out->mig_config) < 0 ||
            mig_devices(err, env, in->privileged, "NVIDIA_MIG_MONITOR_DEVICES", &out->mig_monitor) < 0 ||
            image_capabilities(err, env, out->legacy, policy->supported_capabilities, &out->capabilities) < 0)
                return -1;
        if (image_requirements(err, env, policy->disable_require, &reqs) < 0) {
                image_list_free(&reqs);
                return -1;
        }
        image_list_take(&reqs, &out->requirements, &out->nrequirements);
        return image_imex_channels(err, in, env, policy, out);
}

int image_request_compute(struct error *err, const struct image_input *in, const struct image_policy *policy,
                          struct image_request *out)
{
        struct image_env env = {in->env, in->nenv};
        int rv;

        memset(out, 0, sizeof(*out));
        out->privileged = in->privileged;
        if (image_check_supported(err, policy->supported_capabilities) < 0 || image_env_check(err, &env) < 0)
                return -1;
        out->legacy = image_env_is_legacy(&env);
        rv = image_devices(err, in, &env, policy, out);
        out->gpu = rv == 0 && out->kind != IMAGE_DEVICES_VOID;
        if (out->gpu)
                rv = gpu_request(err, in, &env, policy, out);
        if (rv < 0)
                image_request_free(out);
        return rv;
}

int image_spec_privileged(struct error *err, const struct oci_spec *spec, bool *privileged)
{
        const char **caps = NULL;
        size_t n = 0;

        *privileged = false;
        if (oci_spec_bounding_caps(err, spec, &caps, &n) < 0)
                return -1;
        for (size_t i = 0; i < n && !*privileged; i++)
                *privileged = strcmp(caps[i], "CAP_SYS_ADMIN") == 0;
        free(caps);
        return 0;
}

int image_request_from_spec(struct error *err, const struct oci_spec *spec, const struct image_policy *policy,
                            struct image_request *out)
{
        struct image_input in = {0};
        const char **env = NULL;
        struct oci_mount *mounts = NULL;
        struct oci_annotation *annotations = NULL;
        int rv = -1;

        memset(out, 0, sizeof(*out));
        if (oci_spec_env(err, spec, &env, &in.nenv) == 0 &&
            oci_spec_mounts(err, spec, &mounts, &in.nmounts) == 0 &&
            oci_spec_annotations(err, spec, &annotations, &in.nannotations) == 0 &&
            image_spec_privileged(err, spec, &in.privileged) == 0) {
                in.env = env;
                in.mounts = mounts;
                in.annotations = annotations;
                rv = image_request_compute(err, &in, policy, out);
        }
        free(env);
        free(mounts);
        free(annotations);
        return rv;
}

static void free_list(char **items, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(items[i]);
        free(items);
}

void image_request_free(struct image_request *req)
{
        free_list(req->devices, req->ndevices);
        free(req->device_list);
        free(req->mig_config);
        free(req->mig_monitor);
        free_list(req->imex_channels, req->nimex_channels);
        free(req->capabilities);
        free_list(req->requirements, req->nrequirements);
        free_list(req->warnings, req->nwarnings);
        memset(req, 0, sizeof(*req));
}
