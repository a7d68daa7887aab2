/* libtirpc loaded on demand (see tirpc.c): the driver calls tirpc_load
 * before its first RPC, which then reaches libtirpc through the forwarding
 * functions defined there under libtirpc's own names. */
#ifndef NVC_TIRPC_H
#define NVC_TIRPC_H

#include <rpc/rpc.h>

#include "common/error.h"

/* Loads libtirpc.so.3 once ("load library failed: ..." when it cannot). */
int tirpc_load(struct error *err);

#endif
