# shellcheck shell=bash
# Podman with private state for the integration tests (sourced by lib.sh).
#
# podman_init DIR writes a containers.conf, storage.conf and registries.conf
# in DIR (passed through CONTAINERS_CONF & co., so /etc/containers and
# /usr/share/containers are not read) and podman_cmd passes --root, --runroot,
# --tmpdir, --network-config-dir in DIR, the cgroupfs manager and the file
# events backend.  Quirks of podman 4.3 as root handled here:
#  - no --cdi-spec-dir / cdi_spec_dirs (4.4+); caches written to
#    /var/lib/containers/cache and /var/cache/containers whatever --root says:
#    every podman command runs in a private mount namespace where those paths,
#    and /etc/cdi for podman_cdi_dir, show dirs of DIR (lib/podman-ns.sh).  A
#    container's rootfs mount is thus only visible in the namespace of the
#    podman command that made it: prefer `podman_run --rm ...` to separate
#    create/start/mount commands.
#  - it passes runc no --root, so runc would keep its state in /run/runc: the
#    runtime is DIR/bin/runc, a wrapper adding --root DIR/runc.
#  - it needs --runtime runc and explicit --ulimit nofile/nproc on these
#    machines (podman_run adds them); run with --pull never so it never
#    contacts a registry (registries.conf has none anyway).

IT_PODMAN=${IT_PODMAN:-/usr/bin/podman}

_it_podman_conf() {
        local dir=$1
        cat >"$dir/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/events.log"
runtime = "$dir/bin/runc"
image_copy_tmp_dir = "$dir/tmp"
[network]
network_config_dir = "$dir/net"
EOF
        printf '%s\n' 'unqualified-search-registries = []' 'short-name-mode = "disabled"' \
                >"$dir/registries.conf"
        echo '{"auths": {}}' >"$dir/auth.json"
        printf '#!/bin/sh\nexec %q --root %q "$@"\n' "$IT_RUNC" "$dir/runc" >"$dir/bin/runc"
        chmod 755 "$dir/bin/runc"
}

# podman_init DIR: private podman state in DIR; the storage driver is
# $PODMAN_STORAGE_DRIVER, else overlay and, if `podman info` fails, vfs.
# Exports PODMAN_DIR.
podman_init() {
        local dir driver cg
        dir=$(mkdir -p "$1" && cd "$1" && pwd) || return 1
        PODMAN_DIR=$dir
        PODMAN_CDI_DIR=
        export PODMAN_DIR
        on_exit "podman_cleanup $(_it_q "$dir")"
        mapfile -t cg < <(_it_cgroup_dirs libpod_parent)
        _it_host_note "$dir/.host-created" "${cg[@]}"
        mkdir -p "$dir"/{storage,run,tmp,net,runc,bin} || return 1
        _it_podman_conf "$dir"
        for driver in ${PODMAN_STORAGE_DRIVER:-overlay vfs}; do
                printf '[storage]\ndriver = "%s"\ngraphroot = "%s"\nrunroot = "%s"\n' \
                        "$driver" "$dir/storage" "$dir/run" >"$dir/storage.conf"
                echo "$driver" >"$dir/driver"
                if podman_cmd info >"$dir/info.log" 2>&1; then
                        export PODMAN_STORAGE_DRIVER=$driver
                        return 0
                fi
                it_log "podman with storage driver $driver failed:"
                tail -n 5 "$dir/info.log" | it_indent
                _it_umount_under "$dir/storage"
                rm -rf "${dir:?}/storage" "${dir:?}/run" && mkdir -p "$dir/storage" "$dir/run"
        done
        return 1
}

# podman_cdi_dir DIR: the following podman commands see the CDI specs of DIR
# (and no others).
podman_cdi_dir() {
        PODMAN_CDI_DIR=$(cd "$1" && pwd)
}

# podman_cmd ARGS: podman with the private state of podman_init, its OCI
# runtime $PODMAN_RUNTIME (a path; default: runc with its state in DIR).
podman_cmd() {
        local d=${PODMAN_DIR:-} driver
        if [ -z "$d" ] || ! read -r driver <"$d/driver"; then
                it_log "podman_cmd: no podman_init"
                return 1
        fi
        env -u DOCKER_CONFIG -u XDG_RUNTIME_DIR -u XDG_CONFIG_HOME \
                CONTAINERS_CONF="$d/containers.conf" CONTAINERS_STORAGE_CONF="$d/storage.conf" \
                CONTAINERS_REGISTRIES_CONF="$d/registries.conf" REGISTRY_AUTH_FILE="$d/auth.json" \
                TMPDIR="$d/tmp" PATH="$ENGINE_PATH" \
                timeout -k 5 "$IT_CMD_TIMEOUT" \
                unshare --mount --propagation private \
                bash "$IT_LIB/podman-ns.sh" "$d" "${PODMAN_CDI_DIR:-}" \
                "$IT_PODMAN" --root "$d/storage" --runroot "$d/run" --tmpdir "$d/tmp" \
                --network-config-dir "$d/net" --storage-driver "$driver" \
                --cgroup-manager=cgroupfs --events-backend=file \
                --runtime "${PODMAN_RUNTIME:-$d/bin/runc}" "$@"
}

# podman_run ARGS: podman run with what these machines need (stdin /dev/null).
podman_run() {
        podman_cmd run --pull never --network none \
                --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@" </dev/null
}

# podman_cleanup [DIR]: remove all containers and images of the private state
# (default: the last podman_init), kill what is left, unmount, remove DIR.
podman_cleanup() {
        local dir=${1:-${PODMAN_DIR:-}}
        [ -n "$dir" ] && [ -d "$dir" ] || return 0
        PODMAN_DIR=$dir podman_cmd rm --all --force --time 0 >/dev/null 2>&1
        PODMAN_DIR=$dir podman_cmd rmi --all --force >/dev/null 2>&1
        _it_kill_under "$dir"
        runc_cleanup "$dir/runc"
        _it_umount_under "$dir"
        _it_host_restore "$dir/.host-created"
        _it_rm_tree "$dir"
        [ "$dir" = "${PODMAN_DIR:-}" ] && PODMAN_CDI_DIR=
        return 0
}
