#include "dl_table.h"

#include <dlfcn.h>
#include <string.h>

const char *dl_table_fill(void *handle, const struct dl_symbol *syms, size_t n, void *table)
{
        const char *missing = NULL;

        for (size_t i = 0; i < n; i++) {
                void *sym = dlsym(handle, syms[i].name);

                if (sym == NULL && missing == NULL)
                        missing = syms[i].name;
                memcpy((char *)table + syms[i].offset, &sym, sizeof(sym));
        }
        return missing;
}
