# shellcheck shell=bash
# A private containerd for the integration tests (sourced by lib.sh).
#
# containerd_start DIR runs /usr/bin/containerd with a generated config
# (version 2) whose root, state, temp, opt dir and sockets are all in DIR, with
# the CRI plugin and the snapshotters and tracing that would touch the host
# disabled.  dockerd_start uses the same launcher for dockerd's containerd.
# Things no setting moves: the runc-v2 shims bind their sockets in
# /run/containerd/s (containerd 1.6 hard-codes it); ctr puts the stdio FIFOs in
# /run/containerd/fifo and the shim runc's state in /run/containerd/runc
# unless told otherwise (ctr_run does).  The stop functions remove these dirs
# again when they created them.

IT_CONTAINERD=${IT_CONTAINERD:-/usr/bin/containerd}
IT_CTR=${IT_CTR:-/usr/bin/ctr}

# unix socket paths are limited to 108 bytes
_it_sock_ok() {
        [ ${#1} -lt 100 ] && return 0
        it_log "socket path too long (${#1} chars): $1 (use a shorter TMPDIR)"
        return 1
}

# _it_containerd_launch DIR: start containerd with its state in DIR (socket
# DIR/containerd.sock, pid in DIR/containerd.pid) and wait until it answers.
_it_containerd_launch() {
        local dir=$1 sock=$1/containerd.sock cg pid
        _it_sock_ok "$sock.ttrpc" || return 1
        mkdir -p "$dir/root" "$dir/state" "$dir/tmp" "$dir/opt" || return 1
        mapfile -t cg < <(_it_cgroup_dirs "${CTR_NAMESPACE:-default}")
        _it_host_note "$dir/.host-created" /run/containerd /run/containerd/s \
                /run/containerd/fifo /run/containerd/runc "${cg[@]}"
        cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
temp = "$dir/tmp"
plugin_dir = ""
disabled_plugins = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing",
]

[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$dir/opt"
EOF
        # Async commands of a non-interactive shell ignore SIGINT: on ^C the
        # daemon lives until the EXIT trap stops it.
        env PATH="$ENGINE_PATH" TMPDIR="$dir/tmp" "$IT_CONTAINERD" --config "$dir/config.toml" \
                </dev/null >"$dir/containerd.log" 2>&1 &
        pid=$!
        echo "$pid" >"$dir/containerd.pid"
        if ! _it_wait_for "$IT_START_TIMEOUT" "$IT_CTR" -a "$sock" version ||
                ! kill -0 "$pid" 2>/dev/null; then
                it_log "containerd did not come up in ${IT_START_TIMEOUT}s:"
                tail -n 20 "$dir/containerd.log" | it_indent
                return 1
        fi
}

# _it_containerd_halt DIR: kill and delete its tasks, stop containerd, kill
# what outlives it (shims, containers), unmount what is left under DIR.
_it_containerd_halt() {
        local dir=$1 sock=$1/containerd.sock pid ns id
        pid=$(cat "$dir/containerd.pid" 2>/dev/null)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                for ns in $(timeout 10 "$IT_CTR" -a "$sock" namespaces ls -q 2>/dev/null); do
                        for id in $(timeout 10 "$IT_CTR" -a "$sock" -n "$ns" tasks ls -q 2>/dev/null); do
                                timeout 10 "$IT_CTR" -a "$sock" -n "$ns" tasks kill -s SIGKILL "$id"
                                timeout 10 "$IT_CTR" -a "$sock" -n "$ns" tasks delete -f "$id"
                        done >/dev/null 2>&1
                        for id in $(timeout 10 "$IT_CTR" -a "$sock" -n "$ns" containers ls -q 2>/dev/null); do
                                timeout 10 "$IT_CTR" -a "$sock" -n "$ns" containers rm "$id"
                        done >/dev/null 2>&1
                done
        fi
        _it_stop_pid "$pid"
        rm -f "$dir/containerd.pid"
        _it_kill_under "$dir"
        _it_umount_under "$dir"
}

# containerd_start DIR: a private containerd; exports CONTAINERD_DIR,
# CONTAINERD_SOCK, CTR_NAMESPACE (default "default") and, when the overlayfs
# snapshotter cannot work here, CTR_SNAPSHOTTER=native.
containerd_start() {
        CONTAINERD_DIR=$(mkdir -p "$1" && cd "$1" && pwd) || return 1
        CONTAINERD_SOCK=$CONTAINERD_DIR/containerd.sock
        CTR_NAMESPACE=${CTR_NAMESPACE:-default}
        export CONTAINERD_DIR CONTAINERD_SOCK CTR_NAMESPACE
        on_exit "containerd_stop $(_it_q "$CONTAINERD_DIR")"
        _it_containerd_launch "$CONTAINERD_DIR" || return 1
        if ! ctr_cmd plugins ls 2>/dev/null |
                grep -Eq '^io\.containerd\.snapshotter\.v1 +overlayfs +.* ok *$'; then
                export CTR_SNAPSHOTTER=native
                it_log "containerd: overlayfs snapshotter unavailable, using native"
        fi
}

# containerd_stop [DIR]: stop it (default: the last one started), remove DIR.
containerd_stop() {
        local dir=${1:-${CONTAINERD_DIR:-}}
        [ -n "$dir" ] && [ -d "$dir" ] || return 0
        _it_containerd_halt "$dir"
        _it_host_restore "$dir/.host-created"
        _it_rm_tree "$dir"
        if [ "$dir" = "${CONTAINERD_DIR:-}" ]; then
                unset CONTAINERD_SOCK CTR_SNAPSHOTTER
        fi
}

# ctr_cmd ARGS: ctr against the private containerd, with PATH=$ENGINE_PATH
# (`ctr run --gpus` resolves nvidia-container-cli and containerd there).
ctr_cmd() {
        [ -n "${CONTAINERD_SOCK:-}" ] || { it_log "ctr_cmd: no containerd_start"; return 1; }
        PATH=$ENGINE_PATH timeout -k 5 "$IT_CMD_TIMEOUT" \
                "$IT_CTR" -a "$CONTAINERD_SOCK" -n "${CTR_NAMESPACE:-default}" "$@"
}

# ctr_run ARGS: `ctr run` (stdin /dev/null) with the shim's runc state and the
# stdio FIFOs under CONTAINERD_DIR; e.g. ctr_run --rm --rootfs DIR ID /bin/sh -c ...
# (no PATH in a --rootfs container: use absolute paths).  Other ctr task
# commands need --fifo-dir "$CONTAINERD_DIR/fifo" too.
ctr_run() {
        ctr_cmd run --runc-root "$CONTAINERD_DIR/runc" --fifo-dir "$CONTAINERD_DIR/fifo" \
                ${CTR_SNAPSHOTTER:+--snapshotter "$CTR_SNAPSHOTTER"} "$@" </dev/null
}
