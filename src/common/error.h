/* The one error type of the project: a code (an errno value, or 0 when the
 * failure is not a system error) and a message, carried out of every call
 * and reported once, at the top. */
#ifndef COMMON_ERROR_H
#define COMMON_ERROR_H

struct error {
        int code;
        char *msg;
};

/* Sets *err from the format plus ": strerror(errno)"; keeps errno as the
 * code. Returns -1 so a failure is one line: `return error_set(err, ...);`. */
int error_set(struct error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3), nonnull(1, 2)));

/* Sets *err from the format alone, with code 0. Returns -1. */
int error_setx(struct error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3), nonnull(1, 2)));

/* Puts "<prefix>: " in front of the current message; keeps the code. Returns -1. */
int error_prefix(struct error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3), nonnull(1, 2)));

/* Frees the message and clears the error. */
void error_reset(struct error *err) __attribute__((nonnull(1)));

/* The message, or a fixed text when none was set. */
const char *error_msg(const struct error *err) __attribute__((nonnull(1)));

#endif
