/* nvidia-ctk and nvidia-cdi-hook: what their files share. Both are
 * urfave/cli programs upstream, so flags are Go-style ("-f", "--f",
 * "--f=v", "--f v"; booleans take "=true"/"=false" only), string lists are
 * repeatable and split on commas, and logs are logrus' text format on
 * stderr ("INFO[0000] message"). Errors are logged once, at the level
 * ERROR, by the code that gives up, which then returns exit status 1.
 *
 * Every file but main.c and cdi_hook_main.c is also linked into the unit
 * runner, so global names start with ctk_. */
#ifndef CTK_CTK_H
#define CTK_CTK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/error.h"

#define CTK_VERSION "1.17.8"

/* --- logging (log.c) ------------------------------------------------------- */

/* logrus' levels, most severe first. */
enum ctk_level {
        CTK_PANIC,
        CTK_FATAL,
        CTK_ERROR,
        CTK_WARN,
        CTK_INFO,
        CTK_DEBUG,
        CTK_TRACE,
};

/* Lines above level are dropped (default: CTK_INFO). */
void ctk_log_level(enum ctk_level level);
enum ctk_level ctk_log_get_level(void);

/* One line on stderr as logrus' text formatter writes it for a terminal
 * without colours: the level's first four letters in capitals, the seconds
 * since the program started, the message padded to 44 columns and a space
 * ("INFO[0000] Found 9 CDI devices                          "). */
void ctk_log(enum ctk_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The formatted line (with its newline), for tests. malloc'd. */
char *ctk_log_format(enum ctk_level level, unsigned seconds, const char *msg) __attribute__((nonnull));

/* Logs err's message at ERROR, prefixed by what failed, and returns 1 (the
 * exit status): `return ctk_fail(&err, "failed to generate CDI spec");`. */
int ctk_fail(struct error *err, const char *what) __attribute__((nonnull));

/* --- flags (flags.c) ----------------------------------------------------- */

enum ctk_flag_type {
        CTK_FLAG_BOOL,    /* value: bool * */
        CTK_FLAG_STRING,  /* value: const char ** (points into argv or the default) */
        CTK_FLAG_STRINGS, /* value: struct ctk_strings *; repeatable, comma-split */
};

/* A list flag's values in order; v is NULL-terminated. Free with
 * ctk_strings_free. */
struct ctk_strings {
        char **v;
        size_t n;
        bool set;      /* given on the command line (even as "") */
        bool from_env; /* holds the environment's value, which the command line replaces */
};

struct ctk_flag {
        const char *name;  /* "output" */
        const char *alias; /* "o", or NULL */
        enum ctk_flag_type type;
        void *value;
        const char *usage; /* one line for --help */
        /* Set by the parser when the flag was given (NULL: not recorded). */
        bool *given;
};

/* Parses argv[0..argc) against flags (a table ending with name NULL).
 * Flags may come before and after positional arguments; "--" ends flags.
 * Positional arguments are returned in order in *pos (pointers into argv,
 * NULL-terminated, malloc'd array). "-h"/"--help" sets *help. Unknown flags
 * and missing values are errors ("flag provided but not defined: -x"). */
int ctk_flags_parse(struct error *err, const struct ctk_flag *flags, int argc, char **argv, char ***pos, bool *help)
        __attribute__((nonnull(1, 2, 5, 6)));

/* A flag that also takes its value from an environment variable, as
 * urfave/cli's EnvVars (how systemd units and env files set them). */
struct ctk_flag_env {
        const char *flag; /* the flag's name */
        const char *env;  /* NVIDIA_CTK_CDI_OUTPUT_FILE_PATH */
};

/* Sets the flags named in envs (a table ending with flag NULL) from their
 * variables where those are set; call it before ctk_flags_parse, whose
 * command line then overrides them. A bad value names the variable. */
int ctk_flags_apply_env(struct error *err, const struct ctk_flag *flags, const struct ctk_flag_env *envs)
        __attribute__((nonnull));

/* Adds one value (comma-split) to a list flag. */
int ctk_strings_add(struct ctk_strings *s, const char *value) __attribute__((nonnull));
void ctk_strings_free(struct ctk_strings *s) __attribute__((nonnull));

/* The OPTIONS block of --help for a flag table. */
void ctk_flags_usage(FILE *out, const struct ctk_flag *flags) __attribute__((nonnull));

/* The global flags of nvidia-ctk and nvidia-cdi-hook, before the command
 * (--debug/-d, --quiet, --version/-v printing banner; NVIDIA_CTK_DEBUG and
 * NVIDIA_CTK_QUIET from the environment): sets the log level and returns
 * the index of the command in argv, or -1 with *status when the program is
 * done (the banner printed, or a bad flag logged). */
int ctk_global_flags(int argc, char **argv, const char *banner, int *status) __attribute__((nonnull));

/* Replaces the config file at path with text atomically (config_file.c),
 * making its missing parent directories (0755); a symbolic link there (as
 * config management tools make) is written through, as upstream's plain
 * write; a new file gets mode less the umask, an existing one keeps its. */
int ctk_write_config(struct error *err, const char *path, const char *text, size_t len, mode_t mode)
        __attribute__((nonnull));

/* Makes the missing directories above path (0755), as upstream's
 * os.MkdirAll before it writes a config file or a CDI spec. */
int ctk_mkdir_parents(struct error *err, const char *path) __attribute__((nonnull));

/* --- commands ------------------------------------------------------------ */

/* A (sub)command: either run (argv[0] is the command's own name) or subs (a
 * table ending with name NULL). */
struct ctk_command {
        const char *name;
        const char *usage;
        int (*run)(int argc, char **argv);
        const struct ctk_command *subs;
};

/* Finds argv[0] among cmds and runs it (descending into subs); prints the
 * list of commands for "help", "-h", "--help" or no argument; an unknown
 * command is an error. prog names the caller in messages. Returns the exit
 * status. */
int ctk_dispatch(const char *prog, const struct ctk_command *cmds, int argc, char **argv) __attribute__((nonnull(1, 2)));

/* --- the commands, one file each ------------------------------------------ */

int ctk_cdi_generate(int argc, char **argv);  /* cdi_generate.c */
int ctk_cdi_list(int argc, char **argv);      /* cdi_list.c */
int ctk_cdi_validate(int argc, char **argv);  /* cdi_validate.c */
int ctk_runtime_configure(int argc, char **argv); /* runtime_configure.c */
int ctk_config(int argc, char **argv);        /* config_cmd.c ("config" and "config default") */
int ctk_system_create_device_nodes(int argc, char **argv);    /* system_devices.c */
int ctk_system_create_dev_char_symlinks(int argc, char **argv); /* system_devices.c */
int ctk_system_check(int argc, char **argv);  /* system_check.c */

/* The character major of driver in the driver root's /proc/devices (at
 * rootfd; the host's when it has none), or -1 (system_devices.c). */
long ctk_chardev_major(int rootfd, const char *driver);

/* The CDI hooks (hook_*.c; the table in hook_table.c), shared by
 * nvidia-cdi-hook and `nvidia-ctk hook`: argv[0] is the hook's name. */
extern const struct ctk_command ctk_hooks[];

/* Runs the hook named argv[0] (hook_dispatch.c); an unknown name is a
 * warning and status 0, since a spec from a newer generator may name hooks
 * this version lacks. */
int ctk_hook_run(const char *prog, int argc, char **argv) __attribute__((nonnull));
/* A hook's exit: returns status, except in a sanitizer build, where it
 * leaves at once, skipping LeakSanitizer's exit check. Hooks run in the
 * container's PID namespace, where that check cannot list the process'
 * threads in /proc and would fail every start; the unit suites check the
 * hooks' code for leaks instead. */
int ctk_hook_exit(int status);

/* The `nvidia-ctk hook` command (argv[0] is "hook"). */
int ctk_hook_command(int argc, char **argv);

#endif
