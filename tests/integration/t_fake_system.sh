#!/bin/bash
# fake-nvidia-setup --system: the driver installed into "/" — here the "/" of
# a chroot in a private mount namespace, so the host is never touched — with
# a tmpfs over /proc/driver, and removed again without a trace.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_root fake_system || exit 0
work=$(scratch_dir system)
r=$work/rootfs
rootfs_glibc "$r" || { fail fake_system "no glibc rootfs"; exit 0; }
mkdir -p "$r/opt/stack/lib" "$r/proc" && cp -a "$BUILD/lib/fake-nvidia" "$r/opt/stack/lib/" &&
        rootfs_add_program "$r" "$BUILD/bin/fake-nvidia-setup" /opt/stack/bin/fake-nvidia-setup ||
        { fail fake_system "could not copy the setup tool"; exit 0; }
find "$r" | sort >"$work/before"

# Everything below runs in one private mount namespace with its own /proc.
out=$(unshare -m --propagation private /bin/sh -s "$r" <<'SH' 2>&1
r=$1
mount -n -t proc proc "$r/proc" || exit 1
in_root() { chroot "$r" "$@"; }
echo "== install"; in_root /opt/stack/bin/fake-nvidia-setup --system --gpus 2
echo "== fstype"; stat -f -c %T "$r/proc/driver"
echo "== version"; in_root /bin/cat /proc/driver/nvidia/version
echo "== smi"; in_root /usr/bin/nvidia-smi -L
echo "== again"; in_root /opt/stack/bin/fake-nvidia-setup --system --gpus 3 --quiet && in_root /usr/bin/nvidia-smi -L
echo "== remove"; in_root /opt/stack/bin/fake-nvidia-setup --system --remove
echo "== after"; stat -f -c %T "$r/proc/driver"; [ -e "$r/proc/driver/nvidia" ] && echo present || echo absent
in_root /sbin/ldconfig -p | grep -c nvidia
umount -n "$r/proc"
SH
)
section() { sed -n "/^== $1\$/,/^== /p" <<<"$out" | sed '1d;/^== /d'; }

expect_contains system_install "installed driver 575.57.08 (CUDA 12.2) with 2 x NVIDIA Tesla T4 into /" "$(section install)"
expect_eq system_proc_driver_is_tmpfs tmpfs "$(section fstype)"
expect_contains system_proc_version "Kernel Module  575.57.08" "$(section version)"
expect_eq system_smi "GPU 0: NVIDIA Tesla T4 (UUID: GPU-0-FAKE-UUID)
GPU 1: NVIDIA Tesla T4 (UUID: GPU-1-FAKE-UUID)" "$(section smi)"
expect_contains system_reinstall "GPU 2: NVIDIA Tesla T4 (UUID: GPU-2-FAKE-UUID)" "$(section again)"
expect_contains system_remove "removed the fake driver from /" "$(section remove)"
# /proc/driver is procfs again (the tmpfs is gone), and the cache names no driver library.
expect_eq system_remove_unmounts_and_refreshes_cache "proc
absent
0" "$(section after)"
rm -f "$r/etc/ld.so.cache" "$r/var/cache/ldconfig/aux-cache"
ldconfig -r "$r"
find "$r" | sort >"$work/after"
expect_eq system_remove_leaves_nothing "" "$(diff "$work/before" "$work/after")"
assert_no_leaks system_no_mounts "$work"
