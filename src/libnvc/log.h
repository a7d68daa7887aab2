/* The debug log: glog-style lines ("I1125 03:40:00.123456 4242 file.c:12] msg")
 * written to the file named by NVC_DEBUG_FILE (the CLI's --debug sets it),
 * opened by nvc_init and closed by nvc_shutdown. Nothing is written when no
 * file is set. */
#ifndef NVC_LOG_H
#define NVC_LOG_H

void log_open(const char *path);
void log_close(void);
void log_write(char level, const char *file, int line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#define log_info(...) log_write('I', __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...) log_write('W', __FILE__, __LINE__, __VA_ARGS__)
#define log_err(...) log_write('E', __FILE__, __LINE__, __VA_ARGS__)

#endif
