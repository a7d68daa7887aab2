#!/bin/bash
# make demo: the stack working end to end on this machine. For now that is
# the fake driver: installed into a driver root inside a glibc root file
# system, seen by nvidia-smi and a CUDA device query, and GPUs given to (or
# withheld from) a real runc container by its device nodes and cgroup.
# usage: tests/demo.sh BUILD_DIR
set -u
BUILD=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
export BUILD
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/integration/lib.sh"

step() { printf '\n==> %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (device nodes and containers need it)"
setup="$BUILD/bin/fake-nvidia-setup"
work=$(scratch_dir demo)
root=$work/rootfs

if grep -qs 'NVRM version' /proc/driver/nvidia/version && [ ! -e /var/lib/fake-nvidia/manifest ]; then
        echo "A real NVIDIA driver is loaded: the toolkit layers will use it once they are built."
fi

step "A glibc root file system with a fake NVIDIA driver (4 x Tesla T4, driver 575.57.08, CUDA 12.2)"
rootfs_glibc "$root" || die "could not build the root file system"
cp "$BUILD/tests/deviceQuery" "$root/usr/bin/deviceQuery"
show "$setup" --root "$root"
echo "  The GPU inventory travels inside the fake libnvidia-ml and libcuda themselves:"
show readelf -d "$root/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.575.57.08" | grep -i soname

step "nvidia-smi inside the root"
show chroot "$root" /usr/bin/nvidia-smi -L
show chroot "$root" /usr/bin/nvidia-smi

step "A CUDA device query"
show chroot "$root" /usr/bin/deviceQuery

step "nvidia-container-cli reads the driver through a sandboxed NVML process"
show "$BUILD/bin/nvidia-container-cli" --root "$root" info

step "A runc container given GPUs 0 and 2 by nvidia-container-cli configure (runc create, configure, runc start)"
cp -a "$root" "$work/ctr-rootfs" && "$setup" --root "$work/ctr-rootfs" --remove --quiet &&
        touch "$work/ctr-rootfs/etc/debian_version" &&
        bundle_create "$work/two" "$work/ctr-rootfs" /bin/sh -c \
                'nvidia-smi -L; ls /dev | grep nvidia | tr "\n" " "; echo; grep ModifyDeviceFiles /proc/driver/nvidia/params' \
                >/dev/null || die "could not write the bundle"
bundle_edit "$work/two" "c['process']['env'].append('PATH=/usr/bin:/bin')"
runc_cmd create --bundle "$work/two" demo-two </dev/null || die "runc create failed"
on_exit 'runc_cmd delete -f demo-two >/dev/null 2>&1'
pid=$(runc_cmd state demo-two | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
show "$BUILD/bin/nvidia-container-cli" --root "$root" configure --pid="$pid" --device=0,2 --utility --compute \
        "$work/ctr-rootfs"
echo "  inside the container:"
runc_cmd start demo-two && sleep 1
runc_cmd delete -f demo-two >/dev/null 2>&1

step "A runc container whose device cgroup denies GPU 1 (what a cgroup reload does to legacy GPU containers)"
bundle_create "$work/deny" "$root" /usr/bin/nvidia-smi -L >/dev/null && bundle_add_gpus "$work/deny" 4 0 2 3 ||
        die "could not write the bundle"
show runc_run_bundle "$work/deny" demo-deny

step "Cleaning up"
show "$setup" --root "$root" --remove
echo
echo "demo: done"
