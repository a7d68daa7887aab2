/* Fuzz target oci_config: the input is a bundle's config.json, fed to
 * oci_spec_parse (src/common/oci.h) as the runtime shim and the hook read
 * it. A spec that parses must give every accessor a clean answer, must
 * yield a container request (image_request_from_spec, whose errors are
 * fine), and must serialise, as oci_spec_write_atomic does, to text that
 * parses again and serialises to the same bytes. Nothing is written to
 * disk. */
#include <json-c/json.h>

#include "common/image.h"
#include "common/oci.h"
#include "fuzz.h"

static const int write_flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

/* The accessors may fail only for memory on a parsed spec. */
static void read_fields(const struct oci_spec *spec)
{
        struct error err = {0};
        const char **env = NULL, **caps = NULL;
        struct oci_mount *mounts = NULL;
        struct oci_annotation *annotations = NULL;
        struct oci_hook *hooks = NULL;
        char *rootfs = NULL;
        size_t n = 0;

        FUZZ_ASSERT(oci_spec_env(&err, spec, &env, &n) == 0);
        FUZZ_ASSERT(oci_spec_bounding_caps(&err, spec, &caps, &n) == 0);
        FUZZ_ASSERT(oci_spec_mounts(&err, spec, &mounts, &n) == 0);
        FUZZ_ASSERT(oci_spec_annotations(&err, spec, &annotations, &n) == 0);
        FUZZ_ASSERT(oci_spec_hooks(&err, spec, "prestart", &hooks, &n) == 0);
        oci_hooks_free(hooks, n);
        if (oci_spec_has_root(spec))
                FUZZ_ASSERT(oci_spec_rootfs(&err, spec, &rootfs) == 0);
        (void)oci_spec_version(spec);
        (void)oci_spec_has_process(spec);
        (void)oci_spec_annotation(spec, "cdi.k8s.io/x");
        free(env);
        free(caps);
        free(mounts);
        free(annotations);
        free(rootfs);
        error_reset(&err);
}

static void request(const struct oci_spec *spec)
{
        static const char *const prefixes[] = {"cdi.k8s.io/", NULL};
        struct image_policy policy;
        struct image_request req = {0};
        struct error err = {0};

        image_policy_init(&policy);
        policy.annotation_prefixes = prefixes;
        policy.accept_volume_mounts = true;
        policy.swarm_resource = "DOCKER_RESOURCE_GPU";
        if (image_request_from_spec(&err, spec, &policy, &req) == 0)
                image_request_free(&req);
        error_reset(&err);
}

/* Writes spec as the shim does, parses the text back and writes it again. */
static void round_trip(const struct oci_spec *spec)
{
        struct oci_spec again = {0};
        struct error err = {0};
        size_t len = 0, len2 = 0;
        const char *text, *text2;
        char *copy;

        FUZZ_ASSERT(oci_spec_validate(&err, spec) == 0);
        text = json_object_to_json_string_length(spec->json, write_flags, &len);
        FUZZ_ASSERT(text != NULL && (copy = strndup(text, len)) != NULL);
        if (oci_spec_parse(&err, "again.json", copy, len, "/bundle", &again) < 0) {
                fprintf(stderr, "re-parse failed: %s\n%s\n", error_msg(&err), copy);
                abort();
        }
        text2 = json_object_to_json_string_length(again.json, write_flags, &len2);
        FUZZ_ASSERT(text2 != NULL && len2 == len && memcmp(text2, copy, len) == 0);
        oci_spec_free(&again);
        free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_spec spec = {0};
        struct error err = {0};
        char *text = fuzz_strndup(data, size);

        if (text == NULL)
                return 0;
        if (oci_spec_parse(&err, "config.json", text, size, "/bundle", &spec) == 0) {
                read_fields(&spec);
                request(&spec);
                round_trip(&spec);
                oci_spec_free(&spec);
        } else {
                FUZZ_ASSERT(err.msg != NULL);
        }
        error_reset(&err);
        free(text);
        return 0;
}
