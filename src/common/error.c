#include "common/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Used when the message itself cannot be allocated: the caller still learns
 * that something failed, and why. */
static char out_of_memory[] = "out of memory while formatting an error";

static void replace_msg(struct error *err, char *msg, int code)
{
        if (err->msg != out_of_memory)
                free(err->msg);
        err->msg = msg != NULL ? msg : out_of_memory;
        err->code = code;
}

static int set_va(struct error *err, int code, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));

static int set_va(struct error *err, int code, const char *fmt, va_list ap)
{
        char *head = NULL, *msg = NULL;

        if (vasprintf(&head, fmt, ap) < 0)
                head = NULL;
        if (head != NULL && code != 0) {
                if (asprintf(&msg, "%s: %s", head, strerror(code)) < 0)
                        msg = NULL;
                free(head);
        } else {
                msg = head;
        }
        replace_msg(err, msg, code);
        return -1;
}

int error_set(struct error *err, const char *fmt, ...)
{
        int code = errno != 0 ? errno : EIO;
        va_list ap;

        va_start(ap, fmt);
        set_va(err, code, fmt, ap);
        va_end(ap);
        errno = code;
        return -1;
}

int error_setx(struct error *err, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        set_va(err, 0, fmt, ap);
        va_end(ap);
        return -1;
}

int error_prefix(struct error *err, const char *fmt, ...)
{
        char *prefix = NULL, *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&prefix, fmt, ap) < 0)
                prefix = NULL;
        va_end(ap);
        if (prefix == NULL || asprintf(&msg, "%s: %s", prefix, error_msg(err)) < 0)
                msg = NULL;
        free(prefix);
        replace_msg(err, msg, err->code);
        return -1;
}

void error_reset(struct error *err)
{
        replace_msg(err, NULL, 0);
        err->msg = NULL;
}

const char *error_msg(const struct error *err)
{
        return err->msg != NULL ? err->msg : "unknown error";
}
