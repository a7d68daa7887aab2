#!/bin/bash
# The fake driver as our stack and users see it: the setup tool, the files it
# installs, nvidia-smi and a CUDA device query inside the driver's root, and
# the device cgroup deciding which GPUs a container can use.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

setup="$BUILD/bin/fake-nvidia-setup"
work=$(scratch_dir)

smi_lines() {  # the lines nvidia-smi -L prints for GPUs 0..n-1 with these UUID numbers
        local i=0 u
        for u in "$@"; do
                echo "GPU $i: $MODEL (UUID: GPU-$u-FAKE-UUID)"
                i=$((i + 1))
        done
}

# --- arguments ------------------------------------------------------------
t_bad_arguments() {
        local out rc ok=true
        while IFS='|' read -r args want; do
                # shellcheck disable=SC2086
                out=$("$setup" $args 2>&1 >/dev/null); rc=$?
                if [ $rc -ne 1 ] || [ "$out" != "fake-nvidia-setup: $want" ]; then
                        fail bad_arguments "'$args': exit $rc, stderr '$out', want 'fake-nvidia-setup: $want'"
                        ok=false
                fi
        done <<'CASES'
--gpus 2|one of --root DIR or --system is required (see --help)
--root /nonexistent-parent/x/y --gpus nine|invalid value for --gpus: 'nine' (expected 0-64)
--root /tmp/x --cuda-version twelve|invalid value for --cuda-version: 'twelve' (expected MAJOR.MINOR, e.g. 12.2)
--root /tmp/x --mig 0=9g.1gb|invalid MIG profile '9g.1gb' in --mig '0=9g.1gb' (expected e.g. 1g.5gb)
--root /tmp/x --frobnicate|unknown or incomplete option '--frobnicate' (see --help)
CASES
        [ -e /tmp/x ] && { fail bad_arguments "a failed run created /tmp/x"; ok=false; }
        $ok && pass bad_arguments
}

# --- a bare driver root ---------------------------------------------------
t_driver_root_layout() {
        local root=$work/root out
        out=$("$setup" --root "$root" 2>&1) || { fail driver_root_layout "setup failed: $out"; return; }
        expect_contains driver_root_layout "installed driver 575.57.08 (CUDA 12.2) with 4 x NVIDIA Tesla T4" "$out" || return
        local want got
        want=$(printf '%s\n' "c 195:255 nvidiactl" "c 195:254 nvidia-modeset" "c 510:0 nvidia-uvm" \
                "c 510:1 nvidia-uvm-tools" "c 195:0 nvidia0" "c 195:1 nvidia1" "c 195:2 nvidia2" "c 195:3 nvidia3" | sort)
        got=$(cd "$root/dev" && for f in *; do
                printf 'c %d:%d %s\n' "0x$(stat -c %t "$f")" "0x$(stat -c %T "$f")" "$f"
        done | sort)
        expect_eq driver_root_devices "$want" "$got"
        grep -qx 'ModifyDeviceFiles: 1' "$root/proc/driver/nvidia/params" &&
        grep -q 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  575.57.08' "$root/proc/driver/nvidia/version" &&
        grep -q $'GPU UUID: \t GPU-2-FAKE-UUID' "$root/proc/driver/nvidia/gpus/0000:03:00.0/information" &&
        [ "$(find "$root/proc/driver/nvidia/gpus" -mindepth 1 -maxdepth 1 | wc -l)" = 4 ] &&
        [ -f "$root/lib/firmware/nvidia/575.57.08/gsp_tu10x.bin" ] &&
        [ -x "$root/usr/bin/nvidia-persistenced" ] &&
        [ -f "$root/usr/lib64/xorg/modules/extensions/libglxserver_nvidia.so.575.57.08" ] &&
        [ -f "$root/etc/vulkan/icd.d/nvidia_icd.json" ] &&
        pass driver_root_procfs_and_files || fail driver_root_procfs_and_files "see $root"
}

# ldconfig -p on the root's cache lists the driver libraries, 64- and 32-bit.
t_ldcache() {
        local root=$work/root cache
        cache=$(ldconfig -p -C "$root/etc/ld.so.cache") || { fail ldcache "ldconfig -p failed"; return; }
        local lib missing=""
        for lib in "libnvidia-ml.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1" \
                   "libnvidia-ml.so.1 (libc6) => /usr/lib/i386-linux-gnu/libnvidia-ml.so.1" \
                   "libcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1" \
                   "libcuda.so (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so" \
                   "libnvidia-glcore.so.575.57.08 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libnvidia-glcore.so.575.57.08" \
                   "libnvidia-tls.so.575.57.08 (libc6) => /usr/lib/i386-linux-gnu/libnvidia-tls.so.575.57.08" \
                   "libnvidia-egl-gbm.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libnvidia-egl-gbm.so.1" \
                   "libEGL_nvidia.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libEGL_nvidia.so.0"; do
                grep -qF "$lib" <<<"$cache" || missing="$missing
  $lib"
        done
        [ -z "$missing" ] && pass ldcache_lists_driver_libs || fail ldcache_lists_driver_libs "missing:$missing"
}

# readelf -d shows the SONAMEs a real driver's libraries carry.
t_sonames() {
        local root=$work/root d=usr/lib/x86_64-linux-gnu bad="" f want got
        while read -r f want; do
                got=$(readelf -d "$root/$f" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
                [ "$got" = "$want" ] || bad="$bad $f:$got"
        done <<EOS
$d/libnvidia-ml.so.575.57.08 libnvidia-ml.so.1
$d/libcuda.so.575.57.08 libcuda.so.1
$d/libnvidia-nvvm.so.575.57.08 libnvidia-nvvm.so.4
$d/libGLESv2_nvidia.so.575.57.08 libGLESv2_nvidia.so.2
$d/libnvidia-glcore.so.575.57.08 libnvidia-glcore.so.575.57.08
$d/vdpau/libvdpau_nvidia.so.575.57.08 libvdpau_nvidia.so.1
$d/libnvidia-egl-wayland.so.1.1.19 libnvidia-egl-wayland.so.1
usr/lib/i386-linux-gnu/libcuda.so.575.57.08 libcuda.so.1
EOS
        [ -z "$bad" ] && pass readelf_sonames || fail readelf_sonames "wrong:$bad"
        readelf -h "$root/usr/lib/i386-linux-gnu/libnvidia-ml.so.575.57.08" | grep -q 'Class:.*ELF32' &&
        readelf -h "$root/$d/libnvidia-ml.so.575.57.08" | grep -q 'Class:.*ELF64' &&
        readelf -lW "$root/$d/libnvidia-tls.so.575.57.08" | grep -q '^ *TLS ' &&
        readelf -n "$root/$d/libnvidia-tls.so.575.57.08" | grep -q 'OS: Linux, ABI: 2.3.99' &&
        pass elf_classes_and_tls || fail elf_classes_and_tls "wrong ELF class or no TLS segment"
        [ "$(readlink "$root/$d/libnvidia-ml.so.1")" = libnvidia-ml.so.575.57.08 ] &&
        [ "$(readlink "$root/$d/libnvidia-ml.so")" = libnvidia-ml.so.1 ] &&
        pass soname_symlinks || fail soname_symlinks "libnvidia-ml.so links wrong"
}

t_remove_root() {
        local root=$work/root out
        out=$("$setup" --root "$root" --remove 2>&1) || { fail remove_root "$out"; return; }
        [ -z "$(ls -A "$root")" ] && pass remove_leaves_nothing ||
                fail remove_leaves_nothing "left: $(cd "$root" && find . | head -5)"
        out=$("$setup" --root "$root" --remove 2>&1) &&
        expect_contains remove_twice_is_fine "nothing installed in" "$out"
        rmdir "$root"
}

# --- nvidia-smi and CUDA inside a glibc rootfs that holds the driver -------
MODEL="NVIDIA Tesla T4"
t_smi_in_root() {
        local root=$work/glibc got
        rootfs_glibc "$root"
        cp "$BUILD/tests/deviceQuery" "$root/usr/bin/deviceQuery"
        "$setup" --root "$root" --quiet || { fail smi_default "setup failed"; return; }
        got=$(chroot "$root" /usr/bin/nvidia-smi -L 2>&1)
        expect_eq smi_lists_four "$(smi_lines 0 1 2 3)" "$got"

        got=$(chroot "$root" /usr/bin/deviceQuery 2>&1)
        expect_contains cuda_device_query 'Device 3: "NVIDIA Tesla T4"' "$got"

        rm "$root/dev/nvidia1"
        got=$(chroot "$root" /usr/bin/nvidia-smi -L 2>&1)
        expect_eq smi_without_nvidia1 "$(smi_lines 0 2 3)" "$got"

        MODEL="NVIDIA A10"
        "$setup" --root "$root" --quiet --gpus 8 --model "$MODEL" || { fail smi_eight "setup failed"; return; }
        got=$(chroot "$root" /usr/bin/nvidia-smi -L 2>&1)
        expect_eq smi_eight_a10 "$(smi_lines 0 1 2 3 4 5 6 7)" "$got"
        got=$(chroot "$root" /usr/bin/nvidia-smi --query-gpu=index,name,uuid,driver_version,memory.total \
                --format=csv,noheader 2>&1 | sed -n 8p)
        expect_eq smi_query_gpu "7, NVIDIA A10, GPU-7-FAKE-UUID, 575.57.08, 23028 MiB" "$got"

        MODEL="NVIDIA Tesla T4"
        "$setup" --root "$root" --quiet --driver-version 580.65.06 --cuda-version 13.0 ||
                { fail smi_version "setup failed"; return; }
        got=$(chroot "$root" /usr/bin/nvidia-smi 2>&1 | grep -o 'Driver Version: [0-9.]*.*CUDA Version: [0-9.]*')
        expect_contains smi_summary_versions "Driver Version: 580.65.06" "$got"
        expect_contains smi_summary_cuda "CUDA Version: 13.0" "$got"
        [ -f "$root/usr/lib/x86_64-linux-gnu/libcuda.so.580.65.06" ] &&
                [ ! -e "$root/usr/lib/x86_64-linux-gnu/libcuda.so.575.57.08" ] &&
                pass reinstall_replaces_version || fail reinstall_replaces_version "old files left"
}

t_mig_root() {
        local root=$work/glibc got
        "$setup" --root "$root" --quiet --gpus 2 --mig 0=1g.5gb+1g.5gb+2g.10gb ||
                { fail mig_setup "setup failed"; return; }
        got=$(chroot "$root" /usr/bin/nvidia-smi -L 2>&1)
        expect_contains mig_smi_gpu "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-0-FAKE-UUID)" "$got"
        expect_contains mig_smi_device "MIG-0-2-FAKE-UUID" "$got"
        [ "$(grep -c 'MIG-' <<<"$got")" = 3 ] && pass mig_smi_three || fail mig_smi_three "$got"
        local caps=$root/proc/driver/nvidia/capabilities
        grep -qx 'DeviceFileMinor: 1' "$caps/mig/config" &&
        grep -qx 'DeviceFileMinor: 12' "$caps/gpu0/mig/gi1/access" &&
        grep -qx 'DeviceFileMinor: 13' "$caps/gpu0/mig/gi1/ci0/access" &&
        grep -qx 'gpu0/gi1/access 12' "$root/proc/driver/nvidia-caps/mig-minors" &&
        [ -c "$root/dev/nvidia-caps/nvidia-cap12" ] &&
        pass mig_caps_tree || fail mig_caps_tree "caps files or nodes missing"
}

# --- the device cgroup decides, in a real runc container ------------------
t_cgroup_denies_gpu() {
        local root=$work/glibc got
        "$setup" --root "$root" --quiet || { fail cgroup_setup "setup failed"; return; }
        bundle_create "$work/b-all" "$root" /usr/bin/nvidia-smi -L && bundle_add_gpus "$work/b-all" 4 0 1 2 3
        got=$(runc_run_bundle "$work/b-all" fake-all 2>&1)
        expect_eq container_allowed_sees_four "$(smi_lines 0 1 2 3)" "$got"
        bundle_create "$work/b-deny" "$root" /usr/bin/nvidia-smi -L && bundle_add_gpus "$work/b-deny" 4 0 2 3
        got=$(runc_run_bundle "$work/b-deny" fake-deny 2>&1)
        expect_eq container_denied_gpu_nvml_error "Failed to initialize NVML: Unknown Error" "$got"
}

require_root fake_driver || exit 0
t_bad_arguments
t_driver_root_layout
t_ldcache
t_sonames
t_remove_root
t_smi_in_root
t_mig_root
t_cgroup_denies_gpu
"$setup" --root "$work/glibc" --remove --quiet
