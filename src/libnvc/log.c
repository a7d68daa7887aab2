#include "log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static FILE *log_file;
static unsigned log_users;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* Nested contexts share one file; the last log_close closes it. */
void log_open(const char *path)
{
        int fd;

        pthread_mutex_lock(&log_lock);
        if (log_users++ == 0 && path != NULL && path[0] != '\0' &&
            (fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644)) >= 0) {
                if ((log_file = fdopen(fd, "a")) == NULL)
                        close(fd);
                else
                        setvbuf(log_file, NULL, _IOLBF, 0);
        }
        pthread_mutex_unlock(&log_lock);
}

void log_close(void)
{
        pthread_mutex_lock(&log_lock);
        if (log_users > 0 && --log_users == 0 && log_file != NULL) {
                fclose(log_file);
                log_file = NULL;
        }
        pthread_mutex_unlock(&log_lock);
}

void log_write(char level, const char *file, int line, const char *fmt, ...)
{
        struct timeval tv;
        struct tm tm;
        const char *base = strrchr(file, '/');
        va_list ap;

        if (log_file == NULL)
                return;
        gettimeofday(&tv, NULL);
        localtime_r(&tv.tv_sec, &tm);
        pthread_mutex_lock(&log_lock);
        if (log_file != NULL) {
                fprintf(log_file, "%c%02d%02d %02d:%02d:%02d.%06ld %d %s:%d] ", level, tm.tm_mon + 1, tm.tm_mday,
                        tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec, (int)getpid(),
                        base != NULL ? base + 1 : file, line);
                va_start(ap, fmt);
                vfprintf(log_file, fmt, ap);
                va_end(ap);
                fputc('\n', log_file);
        }
        pthread_mutex_unlock(&log_lock);
}
