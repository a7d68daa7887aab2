/* Which driver files belong to which capability: the one place that knows
 * the names (libnvidia-container's tables of src/nvc_info.c). Names are
 * prefixes: "libcuda.so" matches "libcuda.so.1" and "libcuda.so.575.57.08".
 *
 * Two uses: driver discovery asks which names to look up (in
 * libnvidia-container's order, which is the order of every list it
 * prints), and the container setup asks whether a found file belongs to
 * the capabilities a container was given (the OPT_*_LIBS/BINS, OPT_DISPLAY,
 * OPT_COMPAT32 container options of options.h). */
#ifndef NVC_LIBTABLES_H
#define NVC_LIBTABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upper bounds of the lists below, for callers' arrays. */
#define LIBTABLES_MAX_LIBS 64
#define LIBTABLES_MAX_BINS 16

/* The library names to look up for the driver options (options.h
 * OPT_NO_*): utility, compute, ngx, video, graphics, then the GLVND vendor
 * libraries or, with OPT_NO_GLVND, the legacy GL/EGL/GLES libraries.
 * Returns how many were written to names (at most size). */
size_t libtables_driver_libs(int32_t driver_flags, const char *names[], size_t size);

/* The binary names to look up: utility, then compute unless OPT_NO_MPS. */
size_t libtables_driver_bins(int32_t driver_flags, const char *names[], size_t size);

/* Whether lib is one of the legacy GL/EGL/GLES names (libGL.so ...), which
 * other vendors ship too: only NVIDIA's are selected. */
bool libtables_is_compat_gl(const char *lib);

/* Whether a library or binary file name belongs to the capabilities in
 * container_flags. Graphics covers the GLVND and the legacy names alike. */
bool match_library_flags(const char *lib, int32_t container_flags);
bool match_binary_flags(const char *bin, int32_t container_flags);

#endif
