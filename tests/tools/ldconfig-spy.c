/* A stand-in for ldconfig that reports what it can see from inside the
 * sandbox of src/libnvc/ldconfig.c (t_ldconfig.sh). Built statically: it
 * runs in container roots without their loader, and the sandbox refuses a
 * dynamic host program.
 *
 * It is called with ldconfig's argv (-f /etc/ld.so.conf -C /etc/ld.so.cache
 * DIR...) and works in DIR, the first directory (a path in the container):
 *   DIR/started  created first thing;
 *   DIR/exit     if present, exit at once (saying so on stderr) with the
 *                number it holds; or crash (SIGSEGV) when it holds "crash",
 *                or make a system call of another ABI when it holds "x32"
 *                or "i386";
 *   DIR/ready    created next, then it blocks opening the FIFO
 *                DIR/go until the test writes to it (the test inspects the
 *                process from the host meanwhile);
 *   DIR/report   written last: what it saw (see report()). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

extern char **environ;

static volatile uintptr_t crash_address;

static void path_in(char *buf, size_t size, const char *dir, const char *name)
{
        snprintf(buf, size, "%s/%s", dir, name);
}

/* getpid through the x32 ABI or the i386 one (int 0x80): the sandbox's
 * filter allows only native calls, and kills the process for these. */
static void foreign_syscall(const char *how)
{
#if defined(__x86_64__)
        long rv = 20; /* getpid in the i386 table */

        if (strncmp(how, "x32", 3) == 0)
                syscall(0x40000000 | SYS_getpid);
        else if (strncmp(how, "i386", 4) == 0)
                __asm__ volatile("int $0x80" : "+a"(rv) : : "memory");
#else
        (void)how;
#endif
}

static void maybe_exit(const char *dir)
{
        char path[4096], text[64] = "";
        FILE *f;

        path_in(path, sizeof(path), dir, "exit");
        if ((f = fopen(path, "r")) == NULL)
                return;
        if (fgets(text, sizeof(text), f) == NULL)
                text[0] = '\0';
        fclose(f);
        /* A real fault: as PID 1 of its namespace the spy would not get a
         * signal it sends itself. */
        if (strncmp(text, "crash", 5) == 0)
                *(volatile int *)crash_address = 1;
        foreign_syscall(text);
        fprintf(stderr, "ldconfig-spy: exit %d\n", atoi(text));
        exit(atoi(text));
}

static void touch(const char *dir, const char *name)
{
        char path[4096];
        int fd;

        path_in(path, sizeof(path), dir, name);
        if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0)
                close(fd);
}

static void wait_for_go(const char *dir)
{
        char path[4096], c;
        int fd;

        touch(dir, "ready");
        path_in(path, sizeof(path), dir, "go");
        if ((fd = open(path, O_RDONLY)) >= 0) {
                while (read(fd, &c, 1) > 0)
                        ;
                close(fd);
        }
}

/* "name: entry entry ..." for a directory, or "name: error <errno text>". */
static void list_dir(FILE *out, const char *label, const char *path)
{
        DIR *d = opendir(path);
        struct dirent *e;

        fprintf(out, "%s:", label);
        if (d == NULL) {
                fprintf(out, " error %s\n", strerror(errno));
                return;
        }
        while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                        fprintf(out, " %s", e->d_name);
        }
        closedir(d);
        fputc('\n', out);
}

/* The result of a system call the sandbox should refuse: "ok" or errno's name. */
static const char *outcome(long rv)
{
        return rv < 0 ? strerrorname_np(errno) : "ok";
}

/* fsync of no descriptor fails (EBADF): "ok" means the filter answered the
 * call without the kernel seeing it, as it should for ldconfig's flushes. */
static const char *fsync_outcome(void)
{
        return outcome(fsync(-1));
}

static void report(FILE *out, int argc, char *argv[])
{
        struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct data[2];
        size_t nenv = 0;

        fprintf(out, "argv:");
        for (int i = 1; i < argc; i++)
                fprintf(out, " %s", argv[i]);
        for (char **e = environ; e != NULL && *e != NULL; e++)
                nenv++;
        fprintf(out, "\nids: %u %u %u %u\n", getuid(), geteuid(), getgid(), getegid());
        fprintf(out, "pid: %d\nenv: %zu\n", getpid(), nenv);
        list_dir(out, "root", "/");
        list_dir(out, "proc", "/proc");
        list_dir(out, "sys", "/sys");
        list_dir(out, "dev", "/dev");
        fprintf(out, "fds:");
        for (int fd = 0; fd < 1024; fd++) {
                if (fcntl(fd, F_GETFD) >= 0)
                        fprintf(out, " %d", fd);
        }
        fprintf(out, "\ncapget: %s\n", outcome(syscall(SYS_capget, &hdr, data)));
        /* "/" cannot be executed: EACCES unless the filter refuses first. */
        fprintf(out, "execve: %s\n", outcome(execve("/", argv, environ)));
        fprintf(out, "socket: %s\n", outcome(syscall(SYS_socket, 1, 1, 0)));
        fprintf(out, "mount: %s\n", outcome(syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL)));
        fprintf(out, "fsync: %s\n", fsync_outcome());
}

int main(int argc, char *argv[])
{
        char path[4096];
        const char *dir = NULL;
        FILE *out;

        /* The first argument that is not an option or an option's value. */
        for (int i = 1; i < argc && dir == NULL; i++) {
                if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "-C") == 0)
                        i++;
                else if (argv[i][0] == '/')
                        dir = argv[i];
        }
        if (dir == NULL)
                return 64;
        touch(dir, "started");
        maybe_exit(dir);
        wait_for_go(dir);
        path_in(path, sizeof(path), dir, "report");
        if ((out = fopen(path, "w")) == NULL)
                return 65;
        report(out, argc, argv);
        return fclose(out) == 0 ? 0 : 66;
}
