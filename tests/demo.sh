#!/bin/bash
# make demo: the stack installed into a private prefix and working end to
# end: nvidia-container-cli info, docker run --gpus=all and --runtime=nvidia
# through a private dockerd, nvidia-ctk cdi generate and podman with CDI,
# nvidia-smi -L inside every container. It uses the machine's NVIDIA driver
# when one is loaded, else a fake driver; it leaves nothing behind.
# usage: tests/demo.sh BUILD_DIR
set -u
BUILD=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export BUILD SRCDIR
# shellcheck source=tests/integration/lib.sh
. "$SRCDIR/tests/integration/lib.sh"

started=$SECONDS
step() { printf '\n==> %s\n' "$*"; }
# show CMD...: the command as a user would type it (the prefix's binaries
# and the harness's engine wrappers by their names, $DEMO for the work
# directory), then its output, indented.
show() {
        local cmd=${1##*/} shown
        case $cmd in docker_run) cmd="docker run" ;; podman_run) cmd="podman run" ;; esac
        shown="$cmd ${*:2}"
        printf '$ %s\n' "${shown//$work/\$DEMO}"
        "$@" 2>&1 | sed -e "s|$work|\$DEMO|g" -e 's/^/    /'
        return "${PIPESTATUS[0]}"
}
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (device nodes, mounts and container engines need it)"
work=$(scratch_dir demo)
prefix=$work/prefix
conf=$prefix/etc/nvidia-container-runtime/config.toml
IMG=gpu-stack-demo:latest
echo "Working in \$DEMO=$work (removed at the end)"

step "Installing the stack into a private prefix (\$DEMO/prefix)"
make -s -C "$SRCDIR" BUILD="$BUILD" install PREFIX="$prefix" SYSCONFDIR="$prefix/etc" >"$work/install.log" 2>&1 ||
        { cat "$work/install.log" >&2; die "make install failed"; }
ls "$prefix/bin" | grep -v fake-nvidia | sed 's/^/    /'

if grep -qs 'NVRM version' /proc/driver/nvidia/version && [ ! -e /var/lib/fake-nvidia/manifest ]; then
        step "Using this machine's NVIDIA driver"
        drv=/
else
        step "No NVIDIA driver here: a fake one (4 x NVIDIA Tesla T4, driver 575.57.08) in \$DEMO/driver"
        drv=$work/driver
        fake_root_create "$drv" || die "fake-nvidia-setup failed"
fi

# The toolkit's config, pointed at the prefix's binaries and the driver.
mkdir -p "$(dirname "$conf")"
"$prefix/bin/nvidia-ctk" --quiet config default --output="$conf" &&
        "$prefix/bin/nvidia-ctk" --quiet config --config-file="$conf" --in-place \
                --set "nvidia-container-cli.root=$drv" \
                --set "nvidia-container-cli.path=$prefix/bin/nvidia-container-cli" \
                --set "nvidia-container-runtime-hook.path=$prefix/bin/nvidia-container-runtime-hook" \
                --set "nvidia-ctk.path=$prefix/bin/nvidia-ctk" || die "could not write $conf"
export NVIDIA_CTK_CONFIG_FILE_PATH=$conf ENGINE_PATH="$prefix/bin:$PATH"

step "What the driver offers, read through a sandboxed NVML process"
show "$prefix/bin/nvidia-container-cli" --root "$drv" info || die "nvidia-container-cli info failed"

# An image without any driver file: the stack brings them in.
rootfs_glibc "$work/rootfs" && touch "$work/rootfs/etc/debian_version" &&
        rootfs_tarball "$work/rootfs" "$work/rootfs.tar" || die "could not build the image's root file system"

step "Docker: a private dockerd with the nvidia runtime added by nvidia-ctk"
mkdir -p "$work/docker"
show "$prefix/bin/nvidia-ctk" runtime configure --runtime=docker --config="$work/docker/daemon.json" ||
        die "nvidia-ctk runtime configure failed"
dockerd_start "$work/docker" || die "dockerd did not start"
image_import_docker "$work/rootfs.tar" "$IMG" >/dev/null || die "docker import failed"

step "docker run --gpus=all (dockerd runs nvidia-container-runtime-hook as a prestart hook)"
show docker_run --rm --gpus=all "$IMG" nvidia-smi -L || die "docker run --gpus=all failed"

step "docker run --runtime=nvidia (nvidia-container-runtime adds the GPUs to the container's spec)"
show docker_run --rm --runtime=nvidia -e NVIDIA_VISIBLE_DEVICES=0,2 "$IMG" nvidia-smi -L ||
        die "docker run --runtime=nvidia failed"
dockerd_stop "$work/docker"

step "Podman with CDI: a spec from nvidia-ctk cdi generate"
mkdir -p "$work/cdi"
show "$prefix/bin/nvidia-ctk" --quiet cdi generate --driver-root="$drv" \
        --nvidia-cdi-hook-path="$prefix/bin/nvidia-cdi-hook" --output="$work/cdi/nvidia.yaml" ||
        die "nvidia-ctk cdi generate failed"
show "$prefix/bin/nvidia-ctk" cdi list --spec-dir="$work/cdi"
podman_init "$work/podman" || die "podman did not start"
image_import_podman "$work/rootfs.tar" demo >/dev/null || die "podman import failed"
podman_cdi_dir "$work/cdi"
show podman_run --rm --device nvidia.com/gpu=all localhost/demo nvidia-smi -L ||
        die "podman run --device nvidia.com/gpu=all failed"
show podman_run --rm --device nvidia.com/gpu=GPU-3-FAKE-UUID localhost/demo nvidia-smi -L ||
        die "podman run --device nvidia.com/gpu=GPU-3-FAKE-UUID failed"
podman_cleanup "$work/podman"

step "Cleaning up: daemons stopped, the fake driver and \$DEMO removed"
printf '\ndemo: done in %ss\n' "$((SECONDS - started))"
