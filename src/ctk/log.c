/* logrus' text format, as nvidia-ctk prints it (see ctk.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctk/ctk.h"

static enum ctk_level current = CTK_INFO;
static struct timespec started;

/* logrus measures from its package initialisation; the first line's
 * "[0000]" comes from starting the clock with the program. */
__attribute__((constructor)) static void start_clock(void)
{
        clock_gettime(CLOCK_MONOTONIC, &started);
}

void ctk_log_level(enum ctk_level level)
{
        current = level;
}

enum ctk_level ctk_log_get_level(void)
{
        return current;
}

static const char *const names[] = {"PANI", "FATA", "ERRO", "WARN", "INFO", "DEBU", "TRAC"};

char *ctk_log_format(enum ctk_level level, unsigned seconds, const char *msg)
{
        char *line = NULL;

        if (asprintf(&line, "%s[%04u] %-44s \n", names[level], seconds, msg) < 0)
                return NULL;
        return line;
}

void ctk_log(enum ctk_level level, const char *fmt, ...)
{
        struct timespec now;
        char *msg = NULL, *line;
        va_list ap;
        int rv;

        if (level > current)
                return;
        va_start(ap, fmt);
        rv = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (rv < 0)
                return;
        clock_gettime(CLOCK_MONOTONIC, &now);
        line = ctk_log_format(level, (unsigned)(now.tv_sec - started.tv_sec), msg);
        if (line != NULL)
                fputs(line, stderr);
        free(line);
        free(msg);
}

int ctk_fail(struct error *err, const char *what)
{
        ctk_log(CTK_ERROR, "%s: %s", what, error_msg(err));
        error_reset(err);
        return 1;
}
