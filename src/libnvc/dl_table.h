/* Tables of function pointers filled from a dlopen'd library by name: the
 * driver process' NVML entry points, libtirpc's for the RPC code. */
#ifndef NVC_DL_TABLE_H
#define NVC_DL_TABLE_H

#include <stddef.h>

struct dl_symbol {
        const char *name;
        size_t offset; /* of the pointer in the table */
};

#define DL_SYMBOL(type, field, name) {(name), offsetof(type, field)}

/* Sets each pointer of TABLE to HANDLE's symbol (NULL when missing) and
 * returns the name of the first missing one, or NULL when none is. */
const char *dl_table_fill(void *handle, const struct dl_symbol *syms, size_t n, void *table);

#endif
