/* The parts of `nvidia-ctk config` that the unit tests reach. */
#ifndef CTK_CONFIG_CMD_H
#define CTK_CONFIG_CMD_H

#include "common/error.h"
#include "common/toml_edit.h"

/* The text `nvidia-ctk config default` writes on this host: NVIDIA's
 * default config.toml, optional keys commented out, with this host's
 * ldconfig (and user, on SUSE). malloc'd, or NULL (errno set). */
char *ctk_config_default_text(void);

/* Applies one --set option to doc: "KEY=VALUE", the value read as the
 * key's type (booleans as Go's strconv.ParseBool, lists split on commas);
 * "KEY" alone sets a boolean to true; "KEY=" removes the key. An unknown
 * key or a bad value is an error naming the option. */
int ctk_config_apply_set(struct error *err, struct toml_doc *doc, const char *set) __attribute__((nonnull));

#endif
