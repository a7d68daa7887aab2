/* The shim's log, as NVIDIA's (internal/runtime/logger.go): lines go to
 * the file nvidia-container-runtime.debug names and to the file runc was
 * given with --log, in runc's format (--log-format json: logrus' JSON, which
 * containerd reads back to report a failed create), at the config's
 * log-level (debug with runc's --debug). With neither file, nothing is
 * logged. Each line is one write(2) to an O_APPEND file, so lines of the
 * shim and of runc after it never interleave. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/runtime.h"

static const char *const level_names[] = {
        [RTLOG_PANIC] = "panic", [RTLOG_FATAL] = "fatal", [RTLOG_ERROR] = "error", [RTLOG_WARN] = "warning",
        [RTLOG_INFO] = "info",   [RTLOG_DEBUG] = "debug", [RTLOG_TRACE] = "trace",
};

int rtlog_parse_level(const char *name, enum rtlog_level *level)
{
        if (strcasecmp(name, "warn") == 0) {
                *level = RTLOG_WARN;
                return 0;
        }
        for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
                if (strcasecmp(name, level_names[i]) == 0) {
                        *level = (enum rtlog_level)i;
                        return 0;
                }
        }
        return -1;
}

/* Go's time.RFC3339 in local time: "Z" for a zero offset. */
static void format_time(time_t when, char *buf, size_t size)
{
        struct tm tm;
        long off;
        size_t n;

        if (localtime_r(&when, &tm) == NULL) {
                snprintf(buf, size, "0001-01-01T00:00:00Z");
                return;
        }
        n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
        off = tm.tm_gmtoff / 60;
        if (off == 0)
                snprintf(buf + n, size - n, "Z");
        else
                snprintf(buf + n, size - n, "%c%02ld:%02ld", off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

/* logrus' TextFormatter quotes a value holding anything but these. */
static bool needs_quoting(const char *s)
{
        for (; *s != '\0'; s++)
                if (!isalnum((unsigned char)*s) && strchr("-._/@^+", *s) == NULL)
                        return true;
        return false;
}

/* Go's strconv.Quote, for the text format (UTF-8 passes as it is). */
static void put_go_quoted(FILE *f, const char *s)
{
        static const char esc[] = {['\a'] = 'a', ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
                                   ['\r'] = 'r', ['\t'] = 't', ['\v'] = 'v'};
        unsigned char c;

        fputc('"', f);
        for (; (c = (unsigned char)*s) != '\0'; s++) {
                if (c == '"' || c == '\\')
                        fprintf(f, "\\%c", c);
                else if (c < sizeof(esc) && esc[c] != 0)
                        fprintf(f, "\\%c", esc[c]);
                else if (c < 0x20 || c == 0x7f)
                        fprintf(f, "\\x%02x", c);
                else
                        fputc(c, f);
        }
        fputc('"', f);
}

static void put_text_value(FILE *f, const char *s)
{
        if (needs_quoting(s))
                put_go_quoted(f, s);
        else
                fputs(s, f);
}

/* A JSON string as Go's encoding/json writes it (HTML-safe, as logrus'
 * JSONFormatter leaves it). */
static void put_json_string(FILE *f, const char *s)
{
        unsigned char c;

        fputc('"', f);
        for (; (c = (unsigned char)*s) != '\0'; s++) {
                if (c == '"' || c == '\\')
                        fprintf(f, "\\%c", c);
                else if (c == '\n')
                        fputs("\\n", f);
                else if (c == '\r')
                        fputs("\\r", f);
                else if (c == '\t')
                        fputs("\\t", f);
                else if (c < 0x20 || c == '<' || c == '>' || c == '&')
                        fprintf(f, "\\u%04x", c);
                else if (c == 0xe2 && (unsigned char)s[1] == 0x80 && ((unsigned char)s[2] & 0xfe) == 0xa8) {
                        /* U+2028 and U+2029, which JavaScript reads as line ends. */
                        fprintf(f, "\\u%04x", 0x2028 + ((unsigned char)s[2] & 1));
                        s += 2;
                } else {
                        fputc(c, f);
                }
        }
        fputc('"', f);
}

char *rtlog_format(bool json, enum rtlog_level level, time_t when, const char *msg)
{
        char stamp[40], *line = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&line, &size);

        if (f == NULL)
                return NULL;
        format_time(when, stamp, sizeof(stamp));
        if (json) {
                fprintf(f, "{\"level\":\"%s\",\"msg\":", level_names[level]);
                put_json_string(f, msg);
                fprintf(f, ",\"time\":\"%s\"}\n", stamp);
        } else {
                fprintf(f, "time=\"%s\" level=%s msg=", stamp, level_names[level]);
                put_text_value(f, msg);
                fputc('\n', f);
        }
        if (fclose(f) != 0) {
                free(line);
                return NULL;
        }
        return line;
}

/* --- the process's log ------------------------------------------------------- */

static struct {
        int fds[2];
        size_t nfds;
        enum rtlog_level level;
        bool json;
        bool version; /* --version: no files */
        bool debug;   /* --debug: the level is fixed */
} rt_log = {.level = RTLOG_INFO};

/* mkdir -p of the file's directory (0755), as upstream's createLogFile. */
static void make_parents(const char *file)
{
        char *dir = strdup(file), *p;

        if (dir == NULL)
                return;
        for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
                *p = '\0';
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        break;
                *p = '/';
        }
        free(dir);
}

/* Returns -1 with errno set when the file cannot be opened. */
static int open_file(const char *file)
{
        int fd;

        if (file == NULL || file[0] == '\0' || strcmp(file, "/dev/null") == 0 || rt_log.version ||
            rt_log.nfds >= sizeof(rt_log.fds) / sizeof(rt_log.fds[0]))
                return 0;
        make_parents(file);
        if ((fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
                int saved = errno;

                rtlog(RTLOG_WARN, "Failed to open log file: open %s: %s", file, strerror(errno));
                errno = saved;
                return -1;
        }
        rt_log.fds[rt_log.nfds++] = fd;
        return 0;
}

int rtlog_setup(struct error *err, const struct runtime_args *args)
{
        rt_log.version = args->version;
        rt_log.debug = args->debug;
        rt_log.json = args->log_format != NULL && strcmp(args->log_format, "json") == 0;
        rt_log.level = args->debug ? RTLOG_DEBUG : RTLOG_INFO;
        if (open_file(args->log_file) < 0)
                return error_set(err, "open log file `%s`", args->log_file);
        return 0;
}

void rtlog_configure(const char *debug_file, const char *level)
{
        enum rtlog_level parsed;
        bool bad = false;

        if (!rt_log.debug) {
                bad = level == NULL || rtlog_parse_level(level, &parsed) < 0;
                rt_log.level = bad ? RTLOG_INFO : parsed;
        }
        (void)open_file(debug_file);
        if (bad)
                rtlog(RTLOG_WARN, "invalid log-level '%s'", level != NULL ? level : "");
}

void rtlog(enum rtlog_level level, const char *fmt, ...)
{
        char *msg = NULL, *line;
        va_list ap;
        int rv;

        if (level > rt_log.level || rt_log.nfds == 0)
                return;
        va_start(ap, fmt);
        rv = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (rv < 0)
                return;
        if ((line = rtlog_format(rt_log.json, level, time(NULL), msg)) != NULL) {
                for (size_t i = 0; i < rt_log.nfds; i++)
                        if (write(rt_log.fds[i], line, strlen(line)) < 0)
                                continue; /* a log that cannot be written is not the container's failure */
                free(line);
        }
        free(msg);
}

void rtlog_close(void)
{
        for (size_t i = 0; i < rt_log.nfds; i++)
                close(rt_log.fds[i]);
        rt_log.nfds = 0;
}
