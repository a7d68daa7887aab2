# shellcheck shell=bash
# A private dockerd for the integration tests (sourced by lib.sh).
#
# dockerd 20.10 runs with its own socket, data root, exec root, pidfile,
# config file (DIR/daemon.json) and cgroup parent, without iptables, IP
# forwarding, masquerading or a bridge.  It gets a private containerd
# (--containerd) instead of starting its managed one, because that one writes
# /opt/containerd; the trust key goes to DIR ("deprecated-key-path") instead of
# /etc/docker/key.json.  dockerd 20.10 creates /run/docker/plugins whatever
# the exec root is; dockerd_stop removes it again when it was not there before.
# The client is always /usr/bin/docker: /usr/local/bin/docker may be another one.

IT_DOCKER=${IT_DOCKER:-/usr/bin/docker}
IT_DOCKERD=${IT_DOCKERD:-/usr/sbin/dockerd}

# _it_dockerd_launch DIR DRIVER [dockerd args]
_it_dockerd_launch() {
        local dir=$1 driver=$2
        shift 2
        "$IT_PYTHON" "$IT_LIB/json_edit.py" "$dir/daemon.json" \
                "c.setdefault('deprecated-key-path', args[0])" "$dir/key.json" || return 1
        env PATH="$ENGINE_PATH" DOCKER_TMPDIR="$dir/data/tmp" "$IT_DOCKERD" \
                -H "unix://$dir/docker.sock" --data-root "$dir/data" --exec-root "$dir/exec" \
                --pidfile "$dir/docker.pid" --config-file "$dir/daemon.json" \
                --containerd "$dir/containerd/containerd.sock" \
                --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false \
                --bridge=none --userland-proxy=false \
                --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "$DOCKERD_CGROUP" \
                --storage-driver "$driver" "$@" </dev/null >>"$dir/dockerd.log" 2>&1 &
        echo $! >"$dir/dockerd.launch.pid"
        if ! _it_wait_for "$IT_START_TIMEOUT" "$IT_DOCKER" -H "unix://$dir/docker.sock" info; then
                it_log "dockerd ($driver) did not come up in ${IT_START_TIMEOUT}s:"
                tail -n 20 "$dir/dockerd.log" | it_indent
                return 1
        fi
}

# _it_dockerd_halt DIR: remove its containers, stop dockerd and its
# containerd, kill what is left, unmount what is left under DIR.
_it_dockerd_halt() {
        local dir=$1 pid ids
        pid=$(cat "$dir/dockerd.launch.pid" 2>/dev/null)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                ids=$(timeout 10 "$IT_DOCKER" -H "unix://$dir/docker.sock" ps -aq 2>/dev/null)
                # shellcheck disable=SC2086
                [ -z "$ids" ] || timeout 30 "$IT_DOCKER" -H "unix://$dir/docker.sock" rm -f $ids >/dev/null 2>&1
        fi
        _it_stop_pid "$pid"
        rm -f "$dir/dockerd.launch.pid"
        _it_containerd_halt "$dir/containerd"
        _it_kill_under "$dir"
        _it_umount_under "$dir"
}

# dockerd_start DIR [dockerd args]: a private dockerd.  Storage driver:
# $DOCKERD_STORAGE_DRIVER, else overlay2 and, if that fails, vfs.  Exports
# DOCKERD_DIR, DOCKER_HOST, DOCKER_CONFIG (private client config),
# DOCKERD_STORAGE_DRIVER.
dockerd_start() {
        local dir driver cg
        dir=$(mkdir -p "$1" && cd "$1" && pwd) || return 1
        shift
        DOCKERD_DIR=$dir
        DOCKER_HOST=unix://$dir/docker.sock
        DOCKER_CONFIG=$dir/client
        DOCKERD_CGROUP=/it-docker-$$-${dir##*/}
        export DOCKERD_DIR DOCKER_HOST DOCKER_CONFIG DOCKERD_CGROUP
        mkdir -p "$DOCKER_CONFIG"
        on_exit "dockerd_stop $(_it_q "$dir")"
        mapfile -t cg < <(_it_cgroup_dirs "$DOCKERD_CGROUP")
        _it_host_note "$dir/.host-created" /run/docker /run/docker/plugins "${cg[@]}"
        _it_containerd_launch "$dir/containerd" || return 1
        for driver in ${DOCKERD_STORAGE_DRIVER:-overlay2 vfs}; do
                if _it_dockerd_launch "$dir" "$driver" "$@"; then
                        export DOCKERD_STORAGE_DRIVER=$driver
                        return 0
                fi
                _it_stop_pid "$(cat "$dir/dockerd.launch.pid" 2>/dev/null)"
                _it_umount_under "$dir/data"
        done
        return 1
}

# dockerd_stop [DIR]: stop it (default: the last one started), remove DIR.
dockerd_stop() {
        local dir=${1:-${DOCKERD_DIR:-}}
        [ -n "$dir" ] && [ -d "$dir" ] || return 0
        _it_dockerd_halt "$dir"
        _it_host_restore "$dir/.host-created"
        _it_host_restore "$dir/containerd/.host-created"
        _it_rm_tree "$dir"
        if [ "$dir" = "${DOCKERD_DIR:-}" ]; then
                unset DOCKER_HOST DOCKER_CONFIG
        fi
}

# docker_cmd ARGS: the Debian client against the private daemon.
docker_cmd() {
        [ -n "${DOCKER_HOST:-}" ] || { it_log "docker_cmd: no dockerd_start"; return 1; }
        timeout -k 5 "$IT_CMD_TIMEOUT" "$IT_DOCKER" -H "$DOCKER_HOST" "$@"
}

# docker_run ARGS: docker run --pull never --network none ARGS (stdin /dev/null)
docker_run() { docker_cmd run --pull never --network none "$@" </dev/null; }
