/* bench-run: time commands repeatedly and print one line of statistics each.
 *
 *   bench-run [-n RUNS] [-w WARMUP] [-j COPIES] [-p] [-s SETUP] [-i STDIN] [-o OUT] -- CMD [ARG...] [::: CMD...]
 *
 * Each round runs COPIES instances of CMD at once (fork/exec, reaped with
 * wait4) and times the round from the first fork to the last reap. WARMUP
 * rounds are run and dropped first. Before each round SETUP, if given, runs
 * untimed as `/bin/sh -c SETUP`; the first line it prints replaces "{}" in
 * the arguments, and "{j}" is replaced by the copy's index. Leading
 * NAME=VALUE words of a command are set in its environment, as env(1) does
 * but without another exec. Output:
 *
 *   median_ms min_ms max_ms maxrss_kib
 *
 * where maxrss is the largest ru_maxrss of any copy (it includes what the
 * copy itself reaped, as wait4 reports it). Commands separated by ":::" are
 * interleaved: every round runs each in turn ("{k}" in SETUP is replaced by
 * the command's index), so a slow spell of the machine hits all of them
 * alike; one line per command, each with a fifth field, the median over the
 * rounds of its time minus the first command's in the same round. With -p
 * every timed run follows an untimed run of the same command: on a VM a run
 * that follows another command, even an idle sleep, is slower than one that
 * follows itself (caches, the vCPU's state), so without the primer the light
 * commands of a mix pay for the heavy ones. A failing copy or setup stops the
 * tool with one line on stderr and exit 1. */
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
#define MAX_CMDS 16

struct options {
        unsigned runs, warmup, copies, ncmds;
        int prime;
        const char *setup, *input, *output;
        char **cmds[MAX_CMDS]; /* NULL-terminated, split at ":::" */
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
        fputs("usage: bench-run [-n RUNS] [-w WARMUP] [-j COPIES] [-p] [-s SETUP] [-i STDIN] [-o OUT] -- CMD [ARG...]"
              " [::: CMD...]\n",
              stderr);
        exit(2);
}

static void parse_options(int argc, char **argv, struct options *o)
{
        int c;

        *o = (struct options){.runs = 20, .warmup = 3, .copies = 1, .input = "/dev/null", .output = "/dev/null"};
        while ((c = getopt(argc, argv, "+n:w:j:ps:i:o:")) != -1) {
                switch (c) {
                case 'n': o->runs = parse_count(optarg, 1, 100000); break;
                case 'w': o->warmup = parse_count(optarg, 0, 100000); break;
                case 'j': o->copies = parse_count(optarg, 1, MAX_COPIES); break;
                case 'p': o->prime = 1; break;
                case 's': o->setup = optarg; break;
                case 'i': o->input = optarg; break;
                case 'o': o->output = optarg; break;
                default: usage();
                }
        }
        if (optind >= argc)
                usage();
        o->cmds[o->ncmds++] = argv + optind;
        for (int i = optind; i < argc; i++) {
                if (strcmp(argv[i], ":::") != 0)
                        continue;
                argv[i] = NULL;
                if (o->ncmds == MAX_CMDS || i + 1 >= argc || strcmp(argv[i + 1], ":::") == 0)
                        usage();
                o->cmds[o->ncmds++] = argv + i + 1;
        }
        for (unsigned k = 0; k < o->ncmds; k++)
                if (o->cmds[k][0] == NULL)
                        usage();
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

/* ARG with every "{}" replaced by VALUE and every KEY ("{j}", "{k}") by INDEX. */
static char *expand(const char *arg, const char *value, const char *key, unsigned index)
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
                } else if (strncmp(arg, key, 3) == 0) {
                        o = mempcpy(o, idx, ilen);
                        arg += 3;
                } else {
                        *o++ = *arg++;
                }
        }
        *o = '\0';
        return out;
}

/* NAME=VALUE, as env(1) takes it: a '=' after a name without '/'. */
static int is_assignment(const char *arg)
{
        size_t name = strcspn(arg, "=/");

        return name > 0 && arg[name] == '=';
}

static void child_exec(const struct options *o, char *const *argv, const char *value, unsigned index)
{
        size_t n = 0, i;
        char **args;
        int in, out;

        while (argv[n] != NULL)
                n++;
        if ((args = calloc(n + 1, sizeof(*args))) == NULL)
                _exit(127);
        for (i = 0; i < n; i++)
                args[i] = expand(argv[i], value, "{j}", index);
        while (args[0] != NULL && is_assignment(args[0])) {
                if (putenv(args[0]) != 0)
                        _exit(127);
                args++;
        }
        if (args[0] == NULL)
                _exit(127);
        in = open(o->input, O_RDONLY);
        out = open(o->output, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
                _exit(127);
        execvp(args[0], args);
        _exit(127);
}

static struct round run_round(const struct options *o, char *const *argv, const char *value)
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
                        child_exec(o, argv, value, i);
        }
        for (i = 0; i < o->copies; i++) {
                if (wait4(pids[i], &status, 0, &ru) < 0) {
                        fprintf(stderr, "bench-run: wait4: %s\n", strerror(errno));
                        exit(1);
                }
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                        fprintf(stderr, "bench-run: `%s` (copy %u) failed with status %d\n", argv[0], i, status);
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

static double median(double *v, unsigned n)
{
        qsort(v, n, sizeof(*v), cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One round of command K: its setup, then the timed run. */
static struct round run_cmd(const struct options *o, unsigned k)
{
        struct round r;
        char *setup = NULL, *value;

        /* ("{}" stays: only the setup's output fills it, in the arguments.) */
        if (o->setup != NULL)
                setup = expand(o->setup, "{}", "{k}", k);
        value = setup != NULL ? run_setup(setup) : strdup("");
        r = run_round(o, o->cmds[k], value != NULL ? value : "");
        free(value);
        free(setup);
        return r;
}

int main(int argc, char **argv)
{
        struct options o;
        struct round r;
        double *ms, *diff, paired[MAX_CMDS];
        long maxrss[MAX_CMDS] = {0};
        unsigned i, k, n;

        parse_options(argc, argv, &o);
        n = o.runs;
        if ((ms = calloc((size_t)n * o.ncmds, sizeof(*ms))) == NULL || (diff = calloc(n, sizeof(*diff))) == NULL)
                return 1;
        for (i = 0; i < o.warmup + n; i++) {
                for (k = 0; k < o.ncmds; k++) {
                        if (o.prime)
                                (void)run_cmd(&o, k);
                        r = run_cmd(&o, k);
                        if (i < o.warmup)
                                continue;
                        ms[k * n + i - o.warmup] = r.ms;
                        if (r.maxrss > maxrss[k])
                                maxrss[k] = r.maxrss;
                }
        }
        /* The paired differences first: sorting a command's times unpairs them. */
        for (k = o.ncmds; k-- > 0;) {
                for (i = 0; i < n; i++)
                        diff[i] = ms[(size_t)k * n + i] - ms[i];
                paired[k] = median(diff, n);
        }
        for (k = 0; k < o.ncmds; k++) {
                double *v = ms + (size_t)k * n, med = median(v, n);

                printf("%.2f %.2f %.2f %ld", med, v[0], v[n - 1], maxrss[k]);
                if (o.ncmds > 1)
                        printf(" %.2f", paired[k]);
                putchar('\n');
        }
        free(diff);
        free(ms);
        return 0;
}
