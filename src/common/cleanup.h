/* Scope-bound cleanup for the resources every file uses. Ownership leaves a
 * variable explicitly: `*out = buf; buf = NULL;`. fds start at -1. */
#ifndef COMMON_CLEANUP_H
#define COMMON_CLEANUP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
        free(*(void **)p);
}

static inline void cleanup_closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}

static inline void cleanup_filep(FILE **f)
{
        if (*f != NULL)
                fclose(*f);
}

static inline void cleanup_dirp(DIR **d)
{
        if (*d != NULL)
                closedir(*d);
}

#define cleanup_free __attribute__((cleanup(cleanup_freep)))
#define cleanup_close __attribute__((cleanup(cleanup_closep)))
#define cleanup_file __attribute__((cleanup(cleanup_filep)))
#define cleanup_dir __attribute__((cleanup(cleanup_dirp)))

#endif
