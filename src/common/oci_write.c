/* Writing an OCI spec back (oci_spec_write_atomic). json-c keeps object
 * members in document order and numbers in the form they were read, so a
 * spec that was not changed comes out with the same content, only without
 * the whitespace. */
#include <string.h>
#include <sys/stat.h>

#include "common/atomic_file.h"
#include "common/json_util.h"
#include "common/oci.h"

int oci_spec_write_atomic(struct error *err, const struct oci_spec *spec, const char *path)
{
        size_t len = 0;
        const char *text;

        /* Validate first: nothing the runtime wrote may make the spec one
         * that this module would refuse to load. */
        if (oci_spec_validate(err, spec) < 0)
                return -1;
        text = json_object_to_json_string_length(spec->json, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
                                                 &len);
        if (text == NULL)
                return error_set(err, "write OCI spec `%s`", path);
        if (atomic_write_file_unsynced(err, path, text, len, 0644) < 0)
                return error_prefix(err, "write OCI spec `%s`", path);
        return 0;
}
