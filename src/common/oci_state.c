/* The OCI state a hook reads on stdin (oci.h). It decides which process and
 * which bundle a root process acts on, so it is checked strictly: every
 * field the spec requires, with its type and a sane value. */
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_util.h"
#include "common/oci.h"

/* A state is a few hundred bytes; annotations may add some. */
#define STATE_MAX (1u << 20)

static const char *const statuses[] = {"creating", "created", "running", "stopped"};

/* A required, non-empty string member, copied into *out. */
static int take_string(struct error *err, struct json_object *json, const char *key, char **out)
{
        struct json_object *val = json_util_member(json, key);

        if (val == NULL)
                return error_setx(err, "%s: missing", key);
        if (json_util_expect(err, val, json_type_string, key) < 0)
                return -1;
        if (json_object_get_string_len(val) == 0)
                return error_setx(err, "%s: empty", key);
        if ((*out = strdup(json_object_get_string(val))) == NULL)
                return error_set(err, "%s", key);
        return 0;
}

static int check_status(struct error *err, const char *status)
{
        for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
                if (strcmp(status, statuses[i]) == 0)
                        return 0;
        return error_setx(err, "status: unknown status \"%s\"", status);
}

/* pid: an integer in 1..INT_MAX. */
static int take_pid(struct error *err, struct json_object *json, int *pid)
{
        struct json_object *val = json_util_member(json, "pid");
        int64_t n;

        if (val == NULL)
                return error_setx(err, "pid: missing");
        if (!json_object_is_type(val, json_type_int))
                return error_setx(err, "pid: expected a positive integer, got %s", json_util_type_name(val));
        n = json_object_get_int64(val);
        if (n <= 0)
                return error_setx(err, "pid: expected a positive integer, got %s", json_object_get_string(val));
        /* json-c clamps what does not fit 64 bits, so its text is not the
         * input's: such a value is only called out of range. */
        if (n == INT64_MAX || json_object_get_uint64(val) == UINT64_MAX)
                return error_setx(err, "pid: out of range");
        if (n > INT_MAX)
                return error_setx(err, "pid: out of range: %s", json_object_get_string(val));
        *pid = (int)n;
        return 0;
}

static int take_fields(struct error *err, struct json_object *json, struct oci_state *state)
{
        struct json_object *annotations;

        if (json_util_expect(err, json, json_type_object, "document") < 0 ||
            take_string(err, json, "ociVersion", &state->oci_version) < 0 ||
            take_string(err, json, "id", &state->id) < 0 || take_string(err, json, "status", &state->status) < 0 ||
            check_status(err, state->status) < 0 || take_pid(err, json, &state->pid) < 0 ||
            take_string(err, json, "bundle", &state->bundle) < 0)
                return -1;
        if (state->bundle[0] != '/')
                return error_setx(err, "bundle: not an absolute path: %s", state->bundle);
        annotations = json_util_member(json, "annotations");
        if (annotations != NULL && json_util_expect_string_map(err, annotations, "annotations") < 0)
                return -1;
        return 0;
}

int oci_state_parse(struct error *err, const char *text, size_t len, struct oci_state *state)
{
        struct json_object *json = NULL;
        int rv;

        memset(state, 0, sizeof(*state));
        rv = json_util_parse(err, text, len, &json);
        if (rv == 0)
                rv = take_fields(err, json, state);
        json_object_put(json);
        if (rv < 0) {
                oci_state_free(state);
                return error_prefix(err, "container state");
        }
        return 0;
}

int oci_state_read(struct error *err, FILE *in, struct oci_state *state)
{
        char *text = NULL;
        size_t len;
        int rv;

        memset(state, 0, sizeof(*state));
        if (json_util_read_stream(err, in, STATE_MAX, &text, &len) < 0)
                return error_prefix(err, "container state");
        rv = oci_state_parse(err, text, len, state);
        free(text);
        return rv;
}

void oci_state_free(struct oci_state *state)
{
        free(state->oci_version);
        free(state->id);
        free(state->status);
        free(state->bundle);
        memset(state, 0, sizeof(*state));
}
