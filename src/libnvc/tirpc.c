/* libtirpc, loaded when the driver process first starts instead of by the
 * dynamic linker at every exec. A container start through the driver's proc
 * tree makes no RPC at all, yet libtirpc and the Kerberos libraries it pulls
 * in (eight shared objects) cost ~0.45 ms to map and relocate in every
 * process linked with it: the runtime shim and the CLI of each start.
 *
 * The functions below are the libtirpc functions this library calls (the
 * rpcgen output and driver*.c), by their own names, each forwarding to the
 * loaded library's. They are hidden: never exported from libnvidia-container
 * nor from a program linking these objects, so libtirpc's own internal calls
 * still reach libtirpc. Calling one before tirpc_load is a bug (the driver
 * loads it before its process starts), caught by the assert. The sanitizer
 * build links libtirpc all the same (see the Makefile). */
#include "tirpc.h"

#include <assert.h>
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "dl_table.h"

#define SONAME_LIBTIRPC "libtirpc.so.3"

static struct {
        bool_t (*xdr_void)(void);
        bool_t (*xdr_int)(XDR *, int *);
        bool_t (*xdr_u_int)(XDR *, u_int *);
        bool_t (*xdr_bool)(XDR *, bool_t *);
        bool_t (*xdr_string)(XDR *, char **, u_int);
        bool_t (*xdr_array)(XDR *, char **, u_int *, u_int, u_int, xdrproc_t);
        void (*xdr_free)(xdrproc_t, void *);
        CLIENT *(*clnt_vc_create)(int, const struct netbuf *, const rpcprog_t, const rpcvers_t, u_int, u_int);
        char *(*clnt_spcreateerror)(const char *);
        char *(*clnt_sperrno)(enum clnt_stat);
        SVCXPRT *(*svc_fd_create)(int, u_int, u_int);
        void (*svc_getreq_common)(int);
        bool_t (*svc_register)(SVCXPRT *, u_long, u_long, void (*)(struct svc_req *, SVCXPRT *), int);
        bool_t (*svc_sendreply)(SVCXPRT *, xdrproc_t, void *);
        void (*svcerr_decode)(SVCXPRT *);
        void (*svcerr_noproc)(SVCXPRT *);
        void (*svcerr_systemerr)(SVCXPRT *);
} fn;

#define ENTRY(name) DL_SYMBOL(__typeof__(fn), name, #name)
static const struct dl_symbol entries[] = {
        ENTRY(xdr_void),          ENTRY(xdr_int),          ENTRY(xdr_u_int),          ENTRY(xdr_bool),
        ENTRY(xdr_string),        ENTRY(xdr_array),        ENTRY(xdr_free),           ENTRY(clnt_vc_create),
        ENTRY(clnt_spcreateerror), ENTRY(clnt_sperrno),    ENTRY(svc_fd_create),      ENTRY(svc_getreq_common),
        ENTRY(svc_register),      ENTRY(svc_sendreply),    ENTRY(svcerr_decode),      ENTRY(svcerr_noproc),
        ENTRY(svcerr_systemerr),
};

static void *lib;

int tirpc_load(struct error *err)
{
        const char *missing;
        void *h;

        if (lib != NULL)
                return 0;
        if ((h = dlopen(SONAME_LIBTIRPC, RTLD_NOW | RTLD_LOCAL)) == NULL)
                return error_setx(err, "load library failed: %s", dlerror());
        if ((missing = dl_table_fill(h, entries, sizeof(entries) / sizeof(entries[0]), &fn)) != NULL) {
                error_setx(err, "load library failed: %s: no %s", SONAME_LIBTIRPC, missing);
                memset(&fn, 0, sizeof(fn));
                dlclose(h);
                return -1;
        }
        lib = h;
        return 0;
}

#define CALL(name, ...) (assert(fn.name != NULL), fn.name(__VA_ARGS__))
#define HIDDEN __attribute__((visibility("hidden")))

HIDDEN bool_t xdr_void(void)
{
        return CALL(xdr_void);
}

HIDDEN bool_t xdr_int(XDR *x, int *p)
{
        return CALL(xdr_int, x, p);
}

HIDDEN bool_t xdr_u_int(XDR *x, u_int *p)
{
        return CALL(xdr_u_int, x, p);
}

HIDDEN bool_t xdr_bool(XDR *x, bool_t *p)
{
        return CALL(xdr_bool, x, p);
}

HIDDEN bool_t xdr_string(XDR *x, char **p, u_int max)
{
        return CALL(xdr_string, x, p, max);
}

HIDDEN bool_t xdr_array(XDR *x, char **p, u_int *n, u_int max, u_int size, xdrproc_t elem)
{
        return CALL(xdr_array, x, p, n, max, size, elem);
}

HIDDEN void xdr_free(xdrproc_t proc, void *p)
{
        CALL(xdr_free, proc, p);
}

HIDDEN CLIENT *clnt_vc_create(const int fd, const struct netbuf *peer, const rpcprog_t prog, const rpcvers_t vers, u_int sz,
                       u_int rz)
{
        return CALL(clnt_vc_create, fd, peer, prog, vers, sz, rz);
}

HIDDEN char *clnt_spcreateerror(const char *msg)
{
        return CALL(clnt_spcreateerror, msg);
}

HIDDEN char *clnt_sperrno(enum clnt_stat stat)
{
        return CALL(clnt_sperrno, stat);
}

HIDDEN SVCXPRT *svc_fd_create(const int fd, const u_int sz, const u_int rz)
{
        return CALL(svc_fd_create, fd, sz, rz);
}

HIDDEN void svc_getreq_common(int fd)
{
        CALL(svc_getreq_common, fd);
}

HIDDEN bool_t svc_register(SVCXPRT *x, u_long prog, u_long vers, void (*dispatch)(struct svc_req *, SVCXPRT *), int proto)
{
        return CALL(svc_register, x, prog, vers, dispatch, proto);
}

HIDDEN bool_t svc_sendreply(SVCXPRT *x, xdrproc_t proc, void *p)
{
        return CALL(svc_sendreply, x, proc, p);
}

HIDDEN void svcerr_decode(SVCXPRT *x)
{
        CALL(svcerr_decode, x);
}

HIDDEN void svcerr_noproc(SVCXPRT *x)
{
        CALL(svcerr_noproc, x);
}

HIDDEN void svcerr_systemerr(SVCXPRT *x)
{
        CALL(svcerr_systemerr, x);
}
