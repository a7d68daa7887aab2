#!/bin/bash
# Runs a podman command with host paths shadowed (helper of lib.sh: podman_cmd).
#
# usage: unshare --mount --propagation private bash podman-ns.sh STATE_DIR CDI_DIR|'' CMD...
#
# podman 4.3 running as root writes /var/lib/containers/cache (c/image's blob
# info cache, on every import) and /var/cache/containers (short-name aliases)
# whatever --root says, and reads CDI specs only from /etc/cdi and
# /var/run/cdi.  In this private mount namespace those paths show directories
# of STATE_DIR instead (CDI_DIR for /etc/cdi, an empty dir for /var/run/cdi),
# so the host is neither read nor written.  A path that does not exist is
# created inside an overlay of its parent, so nothing is created on the host.
set -u
state=$1 cdi=$2
shift 2
layer=0

# shadow TARGET SOURCE: SOURCE appears at TARGET, in this namespace only.
shadow() {
        local target=$1 source=$2 parent up
        if [ ! -d "$target" ]; then
                parent=$(dirname "$target")
                layer=$((layer + 1))
                # One per podman command: concurrent commands cannot share an
                # overlay's workdir (the mount fails with EBUSY).
                up=$state/shadow/overlay$layer.$$
                mkdir -p "$up/upper" "$up/work" || return 1
                mount -n -t overlay overlay \
                        -o "lowerdir=$parent,upperdir=$up/upper,workdir=$up/work" "$parent" || return 1
                mkdir -p "$target" || return 1
        fi
        mount -n --bind "$source" "$target"
}

mkdir -p "$state/shadow/varlib" "$state/shadow/varcache" "$state/shadow/empty"
if ! shadow /var/lib/containers "$state/shadow/varlib" ||
        ! shadow /var/cache/containers "$state/shadow/varcache"; then
        echo "podman-ns.sh: cannot shadow podman's host caches" >&2
        exit 125
fi
if [ -n "$cdi" ]; then
        shadow /etc/cdi "$cdi" || { echo "podman-ns.sh: cannot shadow /etc/cdi" >&2; exit 125; }
        if [ -d /var/run/cdi ]; then
                shadow /var/run/cdi "$state/shadow/empty" || exit 125
        fi
fi
exec "$@"
