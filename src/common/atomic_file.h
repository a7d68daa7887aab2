/* Replacing a file so that readers see either the old or the new content,
 * never a part: the toolkit rewrites a bundle's config.json (and config
 * files) that a runtime or a user may read at any moment. */
#ifndef COMMON_ATOMIC_FILE_H
#define COMMON_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* Writes data to a temporary file in path's directory, fsyncs it, renames it
 * over path and fsyncs the directory. The new file keeps the mode and owner
 * of the file it replaces; a new file gets mode (less the umask). On failure
 * path is untouched, the temporary file is removed, and *err names the step.
 * A symbolic link at path is replaced, not followed. */
int atomic_write_file(struct error *err, const char *path, const void *data, size_t len, mode_t mode)
        __attribute__((nonnull(1, 2)));

/* The same, but the new file gets exactly mode (not less the umask, not the
 * replaced file's), set before it becomes visible: what generated files
 * such as CDI specs (0644) need. */
int atomic_write_file_mode(struct error *err, const char *path, const void *data, size_t len, mode_t mode)
        __attribute__((nonnull(1, 2)));

/* As atomic_write_file, without the two fsyncs: still all or nothing for
 * readers, but not made durable. For a bundle's config.json, which the
 * runtime reads at once and which a crash makes moot (the container is gone
 * and the engine writes the bundle again); a sync there costs every start
 * a disk flush. */
int atomic_write_file_unsynced(struct error *err, const char *path, const void *data, size_t len, mode_t mode)
        __attribute__((nonnull(1, 2)));

#endif
