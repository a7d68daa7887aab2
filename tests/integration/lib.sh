# shellcheck shell=bash source-path=SCRIPTDIR
# tests/integration/lib.sh: helpers for the integration tests (bash, set -u safe).
#
# A test is tests/integration/t_NAME.sh, run by tests/run-tests.sh as
#   BUILD=<abs build dir> SRCDIR=<abs repo> bash tests/integration/t_NAME.sh
# and looks like
#   . "$(dirname "$0")/lib.sh"
#   require_root NAME || exit 0
#   d=$(scratch_dir docker); dockerd_start "$d" || fail ...
#   check NAME cmd...; expect_eq NAME WANT "$(docker_run --rm img cmd)"
# Each check prints one "PASS: name" / "FAIL: name: reason" / "SKIP: name:
# reason" line on stdout (run-tests.sh counts them); all other output of the
# helpers (logs, diffs) goes to stderr, indented, so it is never counted.
# Never set an EXIT trap yourself: use on_exit.  Needs python3 (JSON edits).
#
#   results   pass/fail/skip NAME [REASON]; check NAME CMD...; check_fails NAME
#             CMD...; expect_eq NAME WANT GOT; expect_match NAME ERE GOT;
#             expect_contains NAME TEXT GOT;
#             require_root NAME (SKIP + return 1 unless uid 0); IT_FAILED
#   cleanup   on_exit 'CMD': LIFO stack run at exit, also when the test dies
#             midway (each subshell gets its own stack).  scratch_dir [SUB]:
#             a dir in the per-test $IT_SCRATCH (under $TMPDIR or /tmp),
#             unmounted and removed at exit.
#   driver    fake_root_create DIR [fake-nvidia-setup args] (removed at exit),
#             fake_root_remove DIR
#   leaks     assert_no_leaks NAME DIR (no process, mount or socket under DIR);
#             assert_host_clean NAME (no engine state appeared on the host
#             since lib.sh was sourced: /run, /var/lib, /opt, cgroups, docker0)
# and, in lib/ (one file per concern, each with its own notes):
#   rootfs.sh rootfs_busybox DIR; rootfs_glibc DIR (copies of builds cached in
#             $IT_CACHE = $BUILD/tests/cache); rootfs_tarball DIR OUT.tar;
#             rootfs_add_program ROOTFS SRC DEST;
#             image_import_docker|podman|containerd TAR NAME (docker: [import args]);
#             image_oci_archive
#   runc.sh   bundle_create DIR ROOTFS [CMD...]; bundle_edit DIR CODE [ARG...];
#             runc_cmd ARGS (private --root $RUNC_ROOT; RUNC_BIN=shim runs a
#             shim instead); runc_run_bundle DIR ID; cgroup_reload_devices
#             STATE_JSON (a daemon-reload of a container's device cgroup);
#             runc_cleanup [ROOT]; bundle_add_gpus DIR NGPUS [ALLOWED_MINOR...]
#   docker.sh dockerd_start DIR [dockerd args] / dockerd_stop [DIR]; docker_cmd;
#             docker_run (= run --pull never --network none); DOCKER_HOST.
#             Write DIR/daemon.json first to add runtimes etc.
#   containerd.sh containerd_start DIR / containerd_stop [DIR]; ctr_cmd;
#             ctr_run (= run with runc state and FIFOs under DIR); CONTAINERD_SOCK
#   podman.sh podman_init DIR / podman_cleanup [DIR]; podman_cmd; podman_run
#             (= run --pull never --network none --ulimit ...); podman_cdi_dir
#             DIR (the CDI specs podman sees); PODMAN_RUNTIME (default runc)
#
# Engines keep all their state under the DIR given (socket, data/exec root,
# pidfile, runc root) and never use /var/lib/docker, /run/docker.sock,
# /run/containerd, /var/lib/containers, iptables or bridges; their stop
# functions kill what is left (shims, conmon, containers), unmount, remove
# DIR, and remove the few host directories that no flag moves
# (/run/containerd/s, /run/docker/plugins) and the empty cgroups they created.
# ENGINE_PATH (default $PATH) is the PATH engines and ctr get: put our
# binaries first for --gpus tests.  Waits are bounded (IT_START_TIMEOUT=60 s)
# and client commands run under `timeout $IT_CMD_TIMEOUT` (120 s).  Start
# functions register their stop with on_exit; stops are idempotent.

[ -n "${_IT_LIB_LOADED:-}" ] && return 0
_IT_LIB_LOADED=1

# --- settings ---------------------------------------------------------------
IT_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
SRCDIR=${SRCDIR:-$(cd "$IT_LIB/../../.." && pwd)}
BUILD=${BUILD:-$SRCDIR/build}
IT_CACHE=${IT_CACHE:-$BUILD/tests/cache}
IT_START_TIMEOUT=${IT_START_TIMEOUT:-60}
IT_CMD_TIMEOUT=${IT_CMD_TIMEOUT:-120}
ENGINE_PATH=${ENGINE_PATH:-$PATH}
if [ -z "${IT_PYTHON:-}" ]; then
        # not a pyenv shim that may pick another interpreter
        if [ -x /usr/bin/python3 ]; then IT_PYTHON=/usr/bin/python3
        else IT_PYTHON=$(command -v python3 || echo python3); fi
fi
IT_RUNC=${IT_RUNC:-$(command -v runc || echo /usr/sbin/runc)}
IT_FAILED=0
export LC_ALL=C

# --- results ----------------------------------------------------------------
pass() { printf 'PASS: %s\n' "$1"; }
fail() {
        printf 'FAIL: %s: %s\n' "$1" "${2:-failed}"
        IT_FAILED=$((IT_FAILED + 1))
}
skip() { printf 'SKIP: %s: %s\n' "$1" "${2:-skipped}"; }

# it_indent [FILE]: show text on stderr, indented so it never counts as a result.
it_indent() { sed 's/^/    | /' "$@" >&2; }
it_log() { printf '    # %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" = 0 ]; }
# build_sanitized: the build under test is `make SANITIZE=1` (ASan/UBSan).
build_sanitized() { readelf -d "$BUILD/bin/nvidia-container-cli" 2>/dev/null | grep -q 'libasan'; }
require_root() {
        is_root && return 0
        skip "$1" "needs root (uid 0)"
        return 1
}

# check NAME CMD...: PASS when CMD succeeds, else FAIL with its output shown.
check() {
        local name=$1 out rc
        shift
        out=$(mktemp "$IT_SCRATCH/check.XXXXXX")
        "$@" >"$out" 2>&1
        rc=$?
        if [ "$rc" -eq 0 ]; then
                pass "$name"
        else
                fail "$name" "exit $rc: $*"
                it_indent "$out"
        fi
        rm -f "$out"
        return "$rc"
}

# check_fails NAME CMD...: PASS when CMD fails.
check_fails() {
        local name=$1 out rc
        shift
        out=$(mktemp "$IT_SCRATCH/check.XXXXXX")
        "$@" >"$out" 2>&1
        rc=$?
        if [ "$rc" -ne 0 ]; then
                pass "$name"
        else
                fail "$name" "unexpectedly succeeded: $*"
                it_indent "$out"
        fi
        rm -f "$out"
        [ "$rc" -ne 0 ]
}

# expect_eq NAME WANT GOT
expect_eq() {
        if [ "$2" = "$3" ]; then
                pass "$1"
                return 0
        fi
        fail "$1" "output differs from expected"
        diff -u --label want --label got <(printf '%s\n' "$2") <(printf '%s\n' "$3") | it_indent
        return 1
}

# expect_match NAME ERE GOT: a line of GOT matches the extended regex ERE.
expect_match() {
        if printf '%s\n' "$3" | grep -Eq -- "$2"; then
                pass "$1"
                return 0
        fi
        fail "$1" "no line matches /$2/"
        printf '%s\n' "$3" | it_indent
        return 1
}

# expect_contains NAME TEXT GOT: GOT holds TEXT (a fixed string).
expect_contains() {
        if printf '%s\n' "$3" | grep -Fq -- "$2"; then
                pass "$1"
                return 0
        fi
        fail "$1" "output lacks '$2'"
        printf '%s\n' "$3" | it_indent
        return 1
}

# --- cleanup stack ------------------------------------------------------------
_IT_EXIT_CMDS=()
_IT_TRAP_PID=

_it_run_exit() {
        local rc=$? i
        set +eu
        for ((i = ${#_IT_EXIT_CMDS[@]} - 1; i >= 0; i--)); do
                eval "${_IT_EXIT_CMDS[i]}" || true
        done
        _IT_EXIT_CMDS=()
        exit "$rc"
}

# on_exit 'CMD': eval CMD at exit, last registered first.
on_exit() {
        if [ "$_IT_TRAP_PID" != "$BASHPID" ]; then
                # First use in this (sub)shell: a fresh stack; the parent's
                # commands are the parent's to run.
                _IT_EXIT_CMDS=()
                _IT_TRAP_PID=$BASHPID
                trap _it_run_exit EXIT
                trap 'exit 130' INT
                trap 'exit 143' TERM
        fi
        _IT_EXIT_CMDS+=("$1")
}

# _it_q ARGS...: the arguments as one shell-quoted string (for on_exit).
_it_q() { printf '%q ' "$@"; }

# --- mounts and processes -------------------------------------------------------

# Mount points at or below DIR, in mount order (mountinfo escapes decoded).
_it_mounts_under() {
        local dir mp
        dir=$(realpath -m "$1")
        while read -r _ _ _ _ mp _; do
                printf -v mp '%b' "$mp"
                case $mp in "$dir" | "$dir"/*) printf '%s\n' "$mp" ;; esac
        done </proc/self/mountinfo
}

# Unmount everything at or below DIR, latest first.  -n: no /run/mount/utab.
_it_umount_under() {
        local dir=$1 mp left
        [ -n "$dir" ] && [ "$dir" != / ] || return 1
        for _ in 1 2 3 4 5; do
                left=$(_it_mounts_under "$dir" | tac)
                [ -z "$left" ] && return 0
                while IFS= read -r mp; do
                        umount -n "$mp" 2>/dev/null || umount -n -l "$mp" 2>/dev/null
                done <<<"$left"
        done
        [ -z "$(_it_mounts_under "$dir")" ]
}

# Remove DIR after unmounting what is below it.  Refuses when a mount stays
# (it could be a bind mount of host files) or DIR is not a scratch place.
_it_rm_tree() {
        local dir
        dir=$(realpath -m "$1")
        [ -e "$dir" ] || return 0
        case $dir in
        /tmp/?* | /var/tmp/?* | "${TMPDIR:-/nonexistent}"/?* | "$IT_CACHE"/?* | "$BUILD"/?*) ;;
        *) it_log "refusing to remove $dir"; return 1 ;;
        esac
        if ! _it_umount_under "$dir"; then
                it_log "mounts remain under $dir, not removing it:"
                _it_mounts_under "$dir" | it_indent
                return 1
        fi
        rm -rf "$dir"
}

_it_scan() { "$IT_PYTHON" "$IT_LIB/scan.py" "$@"; }

# SIGKILL every process using DIR (cwd, exe, root, command line) and its
# descendants: shims and conmon outlive their daemons by design.
_it_kill_under() {
        local pids
        for _ in 1 2 3; do
                pids=$(_it_scan pids "$1")
                [ -z "$pids" ] && return 0
                # shellcheck disable=SC2086
                kill -KILL $pids 2>/dev/null
                sleep 0.2
        done
}

# _it_wait_for SECONDS CMD...: until CMD succeeds; each try bounded too.
_it_wait_for() {
        local end=$((SECONDS + $1))
        shift
        while [ "$SECONDS" -lt "$end" ]; do
                timeout -k 2 10 "$@" >/dev/null 2>&1 && return 0
                sleep 0.2
        done
        return 1
}

_it_wait_gone() {
        local end=$((SECONDS + $2))
        while kill -0 "$1" 2>/dev/null; do
                [ "$SECONDS" -ge "$end" ] && return 1
                sleep 0.1
        done
}

# Stop a daemon we started: SIGTERM, wait, SIGKILL.
_it_stop_pid() {
        local pid=$1
        [ -n "$pid" ] || return 0
        kill -TERM "$pid" 2>/dev/null || return 0
        _it_wait_gone "$pid" 20 || { kill -KILL "$pid" 2>/dev/null; _it_wait_gone "$pid" 5; }
        wait "$pid" 2>/dev/null
        return 0
}

# --- host state -------------------------------------------------------------------

# Where engines keep state by default, and the cgroup names they use.
_IT_HOST_PATHS=(/run/containerd /run/docker /run/runc /run/docker.sock
        /var/lib/docker /var/lib/containerd /var/lib/containers /var/cache/containers
        /opt/containerd /etc/docker/key.json /etc/cdi /run/cdi /run/libpod
        /run/containers /var/lib/cni /run/netns)
_IT_CGROUP_NAMES=(docker libpod_parent default moby machine.slice)

_it_host_state() {
        local p
        for p in "${_IT_HOST_PATHS[@]}"; do
                [ -e "$p" ] && printf '%s\n' "$p"
        done
        for p in $(_it_cgroup_dirs "${_IT_CGROUP_NAMES[@]}"); do
                [ -d "$p" ] && printf '%s\n' "$p"
        done
        [ -e /sys/class/net/docker0 ] && echo "link docker0"
        return 0
}

# The cgroup directory NAME in every hierarchy (v1 controllers + unified,
# or the single v2 tree).
_it_cgroup_dirs() {
        local n h
        for n in "$@"; do
                n=${n#/}
                if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
                        printf '%s\n' "/sys/fs/cgroup/$n"
                        continue
                fi
                for h in /sys/fs/cgroup/*/; do
                        printf '%s\n' "$h$n"
                done
        done
}

# _it_host_note FILE PATH...: remember in FILE which PATHs do not exist yet.
_it_host_note() {
        local file=$1 p
        shift
        for p in "$@"; do
                [ -e "$p" ] || printf '%s\n' "$p"
        done >>"$file"
}

# _it_host_restore FILE: rmdir what _it_host_note recorded, if empty now
# (cgroups: with their empty children).
_it_host_restore() {
        local p
        [ -r "$1" ] || return 0
        sort -ru "$1" | while IFS= read -r p; do
                [ -d "$p" ] || continue
                case $p in
                /sys/fs/cgroup/*) find "$p" -depth -type d -exec rmdir {} + 2>/dev/null ;;
                *) rmdir "$p" 2>/dev/null ;;
                esac
        done
        return 0
}

# --- scratch --------------------------------------------------------------------

_it_scratch_remove() {
        [ -d "$1" ] || return 0
        _it_kill_under "$1"
        _it_rm_tree "$1"
}

# scratch_dir [SUB]: print a new directory inside the test's scratch dir
# ($IT_SCRATCH/SUB, or a unique one).
scratch_dir() {
        local d
        if [ -n "${1:-}" ]; then
                d=$IT_SCRATCH/$1
                mkdir -p "$d" || return 1
        else
                d=$(mktemp -d "$IT_SCRATCH/d.XXXXXX") || return 1
        fi
        printf '%s\n' "$d"
}

# --- fake driver roots -------------------------------------------------------------

# fake_root_create DIR [fake-nvidia-setup args...]: a fake driver root in DIR,
# removed again at exit.  The setup tool's output is shown only on failure.
fake_root_create() {
        local dir=$1 log
        shift
        log=$(mktemp "$(scratch_dir logs)/fake-setup.XXXXXX")
        mkdir -p "$dir"
        on_exit "fake_root_remove $(_it_q "$dir")"
        if ! "$BUILD/bin/fake-nvidia-setup" --root "$dir" "$@" >"$log" 2>&1; then
                it_log "fake-nvidia-setup --root $dir $* failed:"
                it_indent "$log"
                return 1
        fi
}

fake_root_remove() {
        local dir=$1 log
        [ -e "$dir" ] || return 0
        log=$(mktemp "$(scratch_dir logs)/fake-remove.XXXXXX")
        if ! "$BUILD/bin/fake-nvidia-setup" --root "$dir" --remove >"$log" 2>&1; then
                it_log "fake-nvidia-setup --root $dir --remove failed:"
                it_indent "$log"
        fi
        _it_rm_tree "$dir"
}

# --- leak checks ------------------------------------------------------------------

# assert_no_leaks NAME DIR: no process has its cwd, exe, root or command line
# under DIR, no mount mentions DIR, no socket is bound or left under DIR.
assert_no_leaks() {
        local out
        out=$(_it_scan leaks "$2")
        if [ -z "$out" ]; then
                pass "$1"
                return 0
        fi
        fail "$1" "leftovers under $2"
        printf '%s\n' "$out" | it_indent
        return 1
}

# assert_host_clean NAME: no engine state (_IT_HOST_PATHS, engine cgroups,
# docker0) appeared on the host since lib.sh was sourced.
assert_host_clean() {
        local new
        new=$(comm -13 <(printf '%s\n' "$_IT_HOST_BEFORE" | sort) \
                <(_it_host_state | sort) | sed '/^$/d')
        if [ -z "$new" ]; then
                pass "$1"
                return 0
        fi
        fail "$1" "new host state: $(echo "$new" | tr '\n' ' ')"
        return 1
}

# --- the rest, and init ---------------------------------------------------------------
# shellcheck source=lib/rootfs.sh
. "$IT_LIB/rootfs.sh"
# shellcheck source=lib/runc.sh
. "$IT_LIB/runc.sh"
# shellcheck source=lib/containerd.sh
. "$IT_LIB/containerd.sh"
# shellcheck source=lib/docker.sh
. "$IT_LIB/docker.sh"
# shellcheck source=lib/podman.sh
. "$IT_LIB/podman.sh"

_IT_HOST_BEFORE=$(_it_host_state)
if [ -z "${IT_SCRATCH:-}" ]; then
        IT_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/it.XXXXXX") || {
                echo "lib.sh: cannot create a scratch dir" >&2
                exit 1
        }
        on_exit "_it_scratch_remove $(_it_q "$IT_SCRATCH")"  # first in, last out
fi
mkdir -p "$IT_SCRATCH"
on_exit _it_runc_cleanup_all
