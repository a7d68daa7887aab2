/* bench-run: time a command repeatedly and print one line of statistics.
 *
 *   bench-run [-n RUNS] [-w WARMUP] [-j COPIES] [-s SETUP] [-i STDIN] [-o OUT] -- CMD [ARG...]
 *
 * Each round runs COPIES instances of CMD at once (fork/exec, reaped with
 * wait4) and times the round from the first fork to the last reap. WARMUP
 * rounds are run and dropped first. Before each round SETUP, if given, runs
 * untimed as `/bin/sh -c SETUP`; the first line it prints replaces "{}" in
 * the arguments, and "{j}" is replaced by the copy's index. Output:
 *
 *   median_ms min_ms max_ms maxrss_kib
 *
 * where maxrss is the largest ru_maxrss of any copy (it includes what the
 * copy itself reaped, as wait4 reports it). A failing copy or setup stops
 * the tool with one line on stderr and exit 1. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COPIES 256

struct options {
        unsigned runs, warmup, copies;
        const char *setup, *input, *output;
        char **argv;
};

struct round {
        double ms;
        long maxrss;
};

static double now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static unsigned parse_count(const char *s, unsigned min, unsigned max)
{
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max) {
                fprintf(stderr, "bench-run: bad count `%s` (%u-%u)\n", s, min, max);
                exit(2);
        }
        return (unsigned)v;
}

static void usage(void)
{
        fputs("usage: bench-run [-n RUNS] [-w WARMUP] [-j COPIES] [-s SETUP] [-i STDIN] [-o OUT] -- CMD [ARG...]\n",
              stderr);
        exit(2);
}

static void parse_options(int argc, char **argv, struct options *o)
{
        int c;

        *o = (struct options){.runs = 20, .warmup = 3, .copies = 1, .input = "/dev/null", .output = "/dev/null"};
        while ((c = getopt(argc, argv, "+n:w:j:s:i:o:")) != -1) {
                switch (c) {
                case 'n': o->runs = parse_count(optarg, 1, 100000); break;
                case 'w': o->warmup = parse_count(optarg, 0, 100000); break;
                case 'j': o->copies = parse_count(optarg, 1, MAX_COPIES); break;
                case 's': o->setup = optarg; break;
                case 'i': o->input = optarg; break;
                case 'o': o->output = optarg; break;
                default: usage();
                }
        }
        if (optind >= argc)
                usage();
        o->argv = argv + optind;
}

/* The first line SETUP printed, without its newline ("" when none). */
static char *run_setup(const char *setup)
{
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        FILE *p;

        if ((p = popen(setup, "r")) == NULL) {
                fprintf(stderr, "bench-run: run setup: %s\n", strerror(errno));
                exit(1);
        }
        n = getline(&line, &cap, p);
        while (fgetc(p) != EOF)
                ;
        if (pclose(p) != 0) {
                fprintf(stderr, "bench-run: setup `%s` failed\n", setup);
                exit(1);
        }
        if (n <= 0)
                return strdup("");
        line[strcspn(line, "\n")] = '\0';
        return line;
}

/* ARG with every "{}" replaced by VALUE and every "{j}" by INDEX. */
static char *expand(const char *arg, const char *value, unsigned index)
{
        char idx[16], *out, *o;
        size_t vlen = strlen(value), ilen;

        ilen = (size_t)snprintf(idx, sizeof(idx), "%u", index);
        if ((out = malloc(strlen(arg) * (vlen + ilen + 1) + 1)) == NULL)
                abort();
        for (o = out; *arg != '\0';) {
                if (strncmp(arg, "{}", 2) == 0) {
                        o = mempcpy(o, value, vlen);
                        arg += 2;
                } else if (strncmp(arg, "{j}", 3) == 0) {
                        o = mempcpy(o, idx, ilen);
                        arg += 3;
                } else {
                        *o++ = *arg++;
                }
        }
        *o = '\0';
        return out;
}

static void child_exec(const struct options *o, const char *value, unsigned index)
{
        size_t n = 0, i;
        char **args;
        int in, out;

        while (o->argv[n] != NULL)
                n++;
        if ((args = calloc(n + 1, sizeof(*args))) == NULL)
                _exit(127);
        for (i = 0; i < n; i++)
                args[i] = expand(o->argv[i], value, index);
        in = open(o->input, O_RDONLY);
        out = open(o->output, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
                _exit(127);
        execvp(args[0], args);
        _exit(127);
}

static struct round run_round(const struct options *o, const char *value)
{
        pid_t pids[MAX_COPIES];
        struct round r = {0};
        struct rusage ru;
        double t0;
        unsigned i;
        int status;

        t0 = now_ms();
        for (i = 0; i < o->copies; i++) {
                if ((pids[i] = fork()) < 0) {
                        fprintf(stderr, "bench-run: fork: %s\n", strerror(errno));
                        exit(1);
                }
                if (pids[i] == 0)
                        child_exec(o, value, i);
        }
        for (i = 0; i < o->copies; i++) {
                if (wait4(pids[i], &status, 0, &ru) < 0) {
                        fprintf(stderr, "bench-run: wait4: %s\n", strerror(errno));
                        exit(1);
                }
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                        fprintf(stderr, "bench-run: `%s` (copy %u) failed with status %d\n", o->argv[0], i, status);
                        exit(1);
                }
                if (ru.ru_maxrss > r.maxrss)
                        r.maxrss = ru.ru_maxrss;
        }
        r.ms = now_ms() - t0;
        return r;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
        struct options o;
        struct round r;
        double *ms;
        long maxrss = 0;
        unsigned i, n;
        char *value;

        parse_options(argc, argv, &o);
        if ((ms = calloc(o.runs, sizeof(*ms))) == NULL)
                return 1;
        for (i = 0; i < o.warmup + o.runs; i++) {
                value = o.setup != NULL ? run_setup(o.setup) : strdup("");
                r = run_round(&o, value != NULL ? value : "");
                free(value);
                if (i < o.warmup)
                        continue;
                ms[i - o.warmup] = r.ms;
                if (r.maxrss > maxrss)
                        maxrss = r.maxrss;
        }
        n = o.runs;
        qsort(ms, n, sizeof(*ms), cmp_double);
        printf("%.2f %.2f %.2f %ld\n", n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2, ms[0], ms[n - 1], maxrss);
        free(ms);
        return 0;
}
