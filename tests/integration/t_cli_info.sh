#!/bin/bash
# nvidia-container-cli info and list on fake driver roots: the seed's layout
# byte for byte, listings computed from the roots' own files, clear errors
# for broken roots and bad ids, non-root runs, and no process left behind.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

cli="$BUILD/bin/nvidia-container-cli"
VER=575.57.08

# --- smoke: no driver needed ------------------------------------------------
t_version_and_help() {
        local out rc
        out=$("$cli" -V); rc=$?
        [ $rc -eq 0 ] &&
        [ "$(sed -n 's/^\([a-z -]*\): .*/\1/p' <<<"$out" | tr '\n' ,)" = \
          "cli-version,lib-version,build date,build revision,build compiler,build platform,build flags," ] &&
        grep -qx "cli-version: $(sed -n 's/^#define NVC_VERSION "\(.*\)"/\1/p' "$SRCDIR/include/nvc.h")" <<<"$out" &&
        pass cli_version || { fail cli_version "exit $rc"; it_indent <<<"$out"; }
        out=$("$cli" --help); rc=$?
        [ $rc -eq 0 ] && grep -q '^Usage: nvidia-container-cli \[OPTION...\] COMMAND \[ARG...\]$' <<<"$out" &&
        grep -q -- '-u, --user\[=UID\[:GID\]\]' <<<"$out" && grep -q '^  list  ' <<<"$out" &&
        pass cli_help || { fail cli_help "exit $rc"; it_indent <<<"$out"; }
        out=$("$cli" list --help) && grep -q -- '--mig-monitor=ID' <<<"$out" &&
        pass cli_list_help || fail cli_list_help "no --mig-monitor in list --help"
        out=$("$cli" 2>&1); rc=$?
        [ $rc -eq 1 ] && grep -q '^Usage: ' <<<"$out" && pass cli_no_command_is_usage_error ||
                fail cli_no_command_is_usage_error "exit $rc: $out"
        out=$("$cli" frobnicate 2>&1); rc=$?
        [ $rc -eq 1 ] && [ "$(head -1 <<<"$out")" = "nvidia-container-cli: unknown command: frobnicate" ] &&
                pass cli_unknown_command || fail cli_unknown_command "exit $rc: $out"
        out=$("$cli" --user=no-such-user-xyz info 2>&1); rc=$?
        expect_eq cli_bad_user "1 nvidia-container-cli: input error: parse user/group failed: No such file or directory" \
                "$rc $out"
}

# --- expected output, from the seed and from the roots' files -------------------

# The seed's `info` for the default profile, bus ids as the fake numbers them.
seed_info() {
        cat <<'EOF'
NVRM version:   575.57.08
CUDA version:   12.2

Device Index:   0
Device Minor:   0
Model:          NVIDIA Tesla T4
Brand:          Tesla
GPU UUID:       GPU-0-FAKE-UUID
Bus Location:   00000000:01:00.0
Architecture:   7.5

Device Index:   1
Device Minor:   1
Model:          NVIDIA Tesla T4
Brand:          Tesla
GPU UUID:       GPU-1-FAKE-UUID
Bus Location:   00000000:02:00.0
Architecture:   7.5

Device Index:   2
Device Minor:   2
Model:          NVIDIA Tesla T4
Brand:          Tesla
GPU UUID:       GPU-2-FAKE-UUID
Bus Location:   00000000:03:00.0
Architecture:   7.5

Device Index:   3
Device Minor:   3
Model:          NVIDIA Tesla T4
Brand:          Tesla
GPU UUID:       GPU-3-FAKE-UUID
Bus Location:   00000000:04:00.0
Architecture:   7.5
EOF
}

seed_csv() {
        cat <<'EOF'
NVRM version,CUDA version
575.57.08,12.2

Device Index,Device Minor,Model,Brand,GPU UUID,Bus Location,Architecture
0,0,NVIDIA Tesla T4,Tesla,GPU-0-FAKE-UUID,00000000:01:00.0,7.5
1,1,NVIDIA Tesla T4,Tesla,GPU-1-FAKE-UUID,00000000:02:00.0,7.5
2,2,NVIDIA Tesla T4,Tesla,GPU-2-FAKE-UUID,00000000:03:00.0,7.5
3,3,NVIDIA Tesla T4,Tesla,GPU-3-FAKE-UUID,00000000:04:00.0,7.5
EOF
}

# The same layout for N T4s (GPU i on PCI bus i+1, lower-case hex as the
# library reports bus ids).
t4_info() {
        local i
        printf '%-15s %s\n' "NVRM version:" "$VER" "CUDA version:" 12.2
        for ((i = 0; i < $1; i++)); do
                printf '\n'
                printf '%-15s %s\n' "Device Index:" "$i" "Device Minor:" "$i" "Model:" "NVIDIA Tesla T4" \
                        "Brand:" Tesla "GPU UUID:" "GPU-$i-FAKE-UUID" \
                        "Bus Location:" "$(printf '00000000:%02x:00.0' $((i + 1)))" "Architecture:" 7.5
        done
}

# libnvidia-container's library and binary tables (nvc_info.c), in order.
UPSTREAM_LIBS=(libnvidia-ml.so libnvidia-cfg.so libnvidia-nscq.so
        libcuda.so libcudadebugger.so libnvidia-opencl.so libnvidia-gpucomp.so libnvidia-ptxjitcompiler.so
        libnvidia-fatbinaryloader.so libnvidia-allocator.so libnvidia-compiler.so libnvidia-pkcs11.so
        libnvidia-pkcs11-openssl3.so libnvidia-nvvm.so libnvidia-tileiras.so
        libnvidia-ngx.so
        libvdpau_nvidia.so libnvidia-encode.so libnvidia-opticalflow.so libnvcuvid.so
        libnvidia-eglcore.so libnvidia-glcore.so libnvidia-tls.so libnvidia-glsi.so libnvidia-fbc.so
        libnvidia-ifr.so libnvidia-rtcore.so libnvoptix.so
        libGLX_nvidia.so libEGL_nvidia.so libGLESv2_nvidia.so libGLESv1_CM_nvidia.so libnvidia-glvkspirv.so
        libnvidia-cbl.so)
UPSTREAM_BINS=(nvidia-smi nvidia-debugdump nvidia-persistenced nv-fabricmanager
        nvidia-cuda-mps-control nvidia-cuda-mps-server)

# want_nodes ROOT [MINOR...]: control nodes the root has, then those GPUs.
want_nodes() {
        local root=$1 n
        shift
        echo /dev/nvidiactl
        for n in nvidia-uvm nvidia-uvm-tools nvidia-modeset; do
                [ -e "$root/dev/$n" ] && echo "/dev/$n"
        done
        for n in "$@"; do echo "/dev/nvidia$n"; done
}

all_minors() {
        find "$1/dev" -maxdepth 1 -name 'nvidia[0-9]*' -printf '%f\n' | sed 's/^nvidia//' | sort -n
}

# The binaries along our PATH inside the root.
want_bins() {
        local root=$1 b d
        local -a dirs
        IFS=: read -ra dirs <<<"$PATH"
        for b in "${UPSTREAM_BINS[@]}"; do
                for d in "${dirs[@]}"; do
                        [ -e "$root$d/$b" ] && { echo "$d/$b"; break; }
                done
        done
}

# want_libs ROOT 64|32: per table entry, the versioned file behind the
# first matching entry of the root's own ld.so.cache for that class.
want_libs() {
        local root=$1 class=$2 cache name d
        cache=$(ldconfig -p -C "$root/etc/ld.so.cache" | awk -v c="$class" \
                '(c == 64 && $2 ~ /x86-64/) || (c == 32 && $2 == "(libc6)") { print $1, $4 }')
        for name in "${UPSTREAM_LIBS[@]}"; do
                while read -r d; do
                        [ -f "$root$d/$name.$VER" ] && { echo "$d/$name.$VER"; break; }
                done < <(awk -v n="$name." 'index($1, n) == 1 { sub("/[^/]*$", "", $2); print $2 }' <<<"$cache")
        done
}

want_ipcs() {
        local p
        for p in /var/run/nvidia-persistenced/socket /var/run/nvidia-fabricmanager/socket /tmp/nvidia-mps; do
                [ -e "$1$p" ] && echo "$p"
        done
}

want_firmware() {
        (cd "$1" && find "lib/firmware/nvidia/$VER" -name 'gsp*.bin' | sort | sed 's|^|/|')
}

# The nvidia-caps node behind a capability file of the root.
cap_node() {
        sed -n 's|^DeviceFileMinor: \([0-9]*\)$|/dev/nvidia-caps/nvidia-cap\1|p' "$1$2"
}

# Access files (and their nodes) of every MIG device of GPU 0, gi order.
want_mig_access() {
        local root=$1 caps=/proc/driver/nvidia/capabilities/gpu0/mig gi
        for gi in $(find "$root$caps" -maxdepth 1 -name 'gi*' -printf '%f\n' | sed 's/^gi//' | sort -n); do
                echo "$caps/gi$gi/access"
                echo "$caps/gi$gi/ci0/access"
                cap_node "$root" "$caps/gi$gi/access"
                cap_node "$root" "$caps/gi$gi/ci0/access"
        done
}

# --mig-config / --mig-monitor all: the global capability FILE, then per
# MIG-capable GPU its capability directory and every nvidia-caps node
# mig-minors has for it. The fake's mig-minors lists exactly the MIG-capable
# GPUs (all its A100s, MIG enabled or not).
want_mig_caps() {
        local root=$1 caps=/proc/driver/nvidia/capabilities minors=$1/proc/driver/nvidia-caps/mig-minors m
        echo "$caps/mig/$2"
        cap_node "$root" "$caps/mig/$2"
        for m in $(all_minors "$root"); do
                grep -q "^gpu$m/" "$minors" || continue
                echo "$caps/gpu$m"
                echo /dev/nvidia-caps
                sed -n "s|^gpu$m/[^ ]* \\([0-9]*\\)\$|/dev/nvidia-caps/nvidia-cap\\1|p" "$minors"
        done
}

# Everything, as `list` without selection flags prints it.
want_all() {
        local root=$1
        # shellcheck disable=SC2046
        want_nodes "$root" $(all_minors "$root")
        [ -d "$root/proc/driver/nvidia/capabilities/gpu0/mig" ] && want_mig_access "$root"
        want_bins "$root"
        want_libs "$root" 64
        want_libs "$root" 32
        want_ipcs "$root"
        want_firmware "$root"
}

# Every listed path exists in the root.
all_exist() {
        local p
        while IFS= read -r p; do
                [ -e "$1$p" ] || { echo "$p"; return 1; }
        done <<<"$2"
}

# --- info -------------------------------------------------------------------------
t_info() {
        local root=$work/default got
        got=$("$cli" --root "$root" info) &&
        expect_eq info_seed_layout "$(seed_info)" "$got" || it_log "exit $?"
        got=$("$cli" --root "$root" info --csv)
        expect_eq info_csv_seed_layout "$(seed_csv)" "$got"
        # What the hook passes for features.disable-imex-channel-creation.
        got=$("$cli" --root "$root" --no-create-imex-channels info)
        expect_eq info_no_create_imex_channels_accepted "$(seed_info)" "$got"
        assert_no_leaks info_no_process_left "$root"

        got=$("$cli" --root "$work/zero" info)
        expect_eq info_zero_gpus "$(t4_info 0)" "$got"
        got=$("$cli" --root "$work/zero" info --csv)
        expect_eq info_csv_zero_gpus "$(seed_csv | head -4)" "$got"
        got=$("$cli" --root "$work/sixteen" info)
        expect_eq info_sixteen_gpus "$(t4_info 16)" "$got"
        got=$("$cli" --root "$work/sixteen" info --csv | tail -1)
        expect_eq info_csv_sixteen_gpus "15,15,NVIDIA Tesla T4,Tesla,GPU-15-FAKE-UUID,00000000:10:00.0,7.5" "$got"
}

mig_block() {  # ID UUID GI: one MIG device as info prints it
        printf '%-15s %s\n' "MIG Device:" "$1" "MIG UUID:" "$2" "GI ID:" "$3" "CI ID:" 0
}

t_info_mig() {
        local root=$work/mig got want
        got=$("$cli" --root "$root" info)
        want=$(mig_block 0:0 MIG-0-0-FAKE-UUID 1; echo; mig_block 0:1 MIG-0-1-FAKE-UUID 2; echo
                printf '%-15s %s\n' "Device Index:" 1)
        expect_contains info_mig_devices_under_gpu0 "Architecture:   8.0

$want" "$got"
        got=$("$cli" --root "$root" info --csv | tail -4)
        expect_eq info_csv_mig_table "
MIG Device,MIG UUID,GI ID,CI ID
0:0,MIG-0-0-FAKE-UUID,1,0
0:1,MIG-0-1-FAKE-UUID,2,0" "$got"
        assert_no_leaks info_mig_no_process_left "$root"
}

# --- list -------------------------------------------------------------------------

# check_list NAME ROOT WANT ARGS...: the listing equals WANT and every path
# in it exists in the root.
check_list() {
        local name=$1 root=$2 want=$3 got missing
        shift 3
        got=$("$cli" --root "$root" list "$@") || { fail "$name" "exit $?"; return; }
        expect_eq "$name" "$want" "$got" || return
        missing=$(all_exist "$root" "$got") || fail "${name}_paths_exist" "missing in root: $missing"
}

t_list() {
        local root=$work/default
        check_list list_everything "$root" "$(want_all "$root")"
        check_list list_device_1 "$root" "$(want_nodes "$root" 1)" -d 1
        check_list list_devices_by_uuid_and_bus "$root" "$(want_nodes "$root" 2 0)" \
                -d GPU-2-FAKE-UUID --device 0000:01:00.0
        check_list list_libraries "$root" "$(want_libs "$root" 64)" -l
        check_list list_libraries_compat32 "$root" "$(want_libs "$root" 64; want_libs "$root" 32)" -l --compat32
        check_list list_binaries "$root" "$(want_bins "$root")" -b
        check_list list_firmwares "$root" "$(want_firmware "$root")" -f
        check_list list_order "$root" "$(want_nodes "$root" 3; want_bins "$root"; want_libs "$root" 64;
                want_firmware "$root")" -f -l -d 3 -b
        local got
        got=$("$cli" --root "$root" list --compat32) && expect_eq list_compat32_alone_is_empty "" "$got"
        [ "$(want_libs "$root" 64 | wc -l)" -ge 20 ] && [ "$(want_libs "$root" 32 | wc -l)" -ge 10 ] &&
                pass list_oracle_sane || fail list_oracle_sane "the expected library lists look empty"
        check_list list_zero_gpus "$work/zero" "$(want_all "$work/zero")"
        check_list list_zero_gpus_ignores_ids "$work/zero" "$(want_nodes "$work/zero")" -d 5
        assert_no_leaks list_no_process_left "$root"
}

t_list_ipcs() {
        local root=$work/default sock
        mkdir -p "$root/var/run/nvidia-persistenced" "$root/var/run/nvidia-fabricmanager" "$root/tmp/nvidia-mps"
        for sock in nvidia-persistenced nvidia-fabricmanager; do
                "$IT_PYTHON" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
                        "$root/var/run/$sock/socket"
        done
        check_list list_ipcs "$root" "/var/run/nvidia-persistenced/socket
/var/run/nvidia-fabricmanager/socket
/tmp/nvidia-mps" -i
        check_list list_ipcs_no_persistenced "$root" "/var/run/nvidia-fabricmanager/socket
/tmp/nvidia-mps" -i --no-persistenced
        check_list list_ipcs_no_fabricmanager "$root" "/var/run/nvidia-persistenced/socket
/tmp/nvidia-mps" -i --no-fabricmanager
        check_list list_everything_no_persistenced "$root" \
                "$(want_all "$root" | grep -v persistenced/socket)" --no-persistenced
        rm -rf "$root/var/run/nvidia-persistenced" "$root/var/run/nvidia-fabricmanager" "$root/tmp/nvidia-mps"
        assert_no_leaks list_ipcs_no_process_left "$root"
}

t_list_mig() {
        local root=$work/mig caps=/proc/driver/nvidia/capabilities
        check_list list_mig_everything "$root" "$(want_all "$root")"
        check_list list_mig_device "$root" "$(want_nodes "$root" 0
                echo "$caps/gpu0/mig/gi2/access"; echo "$caps/gpu0/mig/gi2/ci0/access"
                cap_node "$root" "$caps/gpu0/mig/gi2/access"; cap_node "$root" "$caps/gpu0/mig/gi2/ci0/access")" \
                -d MIG-0-1-FAKE-UUID
        check_list list_mig_device_by_index "$root" "$("$cli" --root "$root" list -d MIG-0-1-FAKE-UUID)" -d 0:1
        local got
        got=$("$cli" --root "$root" list -d all --mig-config all)
        expect_eq list_mig_config "$(want_nodes "$root" 0 1; want_mig_caps "$root" config)" "$got"
        got=$("$cli" --root "$root" list -d all --mig-monitor all)
        expect_eq list_mig_monitor "$(want_nodes "$root" 0 1; want_mig_caps "$root" monitor)" "$got"
        assert_no_leaks list_mig_no_process_left "$root"
}

# --- errors -------------------------------------------------------------------------

# check_error NAME WANT_STDERR ROOT ARGS...: exit 1, nothing on stdout, and
# one line on stderr that contains WANT.
check_error() {
        local name=$1 want=$2 root=$3 out err rc
        shift 3
        err=$(mktemp "$IT_SCRATCH/err.XXXXXX")
        out=$("$cli" --root "$root" "$@" 2>"$err"); rc=$?
        if [ $rc -eq 1 ] && [ -z "$out" ] && [ "$(wc -l <"$err")" -eq 1 ] && grep -qF -- "$want" "$err"; then
                pass "$name"
        else
                fail "$name" "exit $rc, stdout '$out', want '$want' on stderr:"
                it_indent "$err"
        fi
        rm -f "$err"
        assert_no_leaks "${name}_no_process_left" "$root"
}

t_errors() {
        local root=$work/broken
        check_error unknown_device_id "nvidia-container-cli: device error: unknown device id: 9" \
                "$work/default" list -d 1,9
        check_error unknown_device_name "nvidia-container-cli: device error: unknown device id: none" \
                "$work/default" list --device=none
        check_error mig_config_needs_all "nvidia-container-cli: mig-config error: 0: only 'all' devices are currently supported" \
                "$work/mig" list -d all --mig-config 0
        check_error mig_config_with_single_mig "nvidia-container-cli: mig-config error: all: cannot enable mig-config with specific MIG devices selected" \
                "$work/mig" list -d 0:0 --mig-config all

        fake_root_create "$root" --gpus 2 || { fail broken_root_setup "fake-nvidia-setup failed"; return; }
        mv "$root/etc/ld.so.cache" "$root/etc/ld.so.cache.moved"
        check_error missing_ldcache "nvidia-container-cli: detection error: " "$root" list
        check_error missing_ldcache_option "nvidia-container-cli: detection error: " "$root" --ldcache=/etc/nope info
        mv "$root/etc/ld.so.cache.moved" "$root/etc/ld.so.cache"

        mv "$root/dev/nvidiactl" "$root/dev/nvidiactl.moved"
        check_error nvml_init_failure "nvidia-container-cli: initialization error: nvml error: " "$root" info
        mv "$root/dev/nvidiactl.moved" "$root/dev/nvidiactl"

        chmod 000 "$root"
        check_error unreadable_root "nvidia-container-cli: initialization error: " "$root" info
        chmod 755 "$root"

        rm -f "$root"/usr/lib/x86_64-linux-gnu/libnvidia-ml.so*
        check_error root_without_nvml "initialization error: load library failed" "$root" info
        check_error missing_root "nvidia-container-cli: initialization error: " "$work/no-such-root" info
}

# Capabilities are managed when root: without CAP_SETPCAP the bounding set
# cannot be cut, and the CLI says so rather than run with more than it needs.
t_permissions() {
        local out rc
        out=$(setpriv --bounding-set -setpcap "$cli" --root "$work/default" info 2>&1); rc=$?
        expect_eq permission_error "1 nvidia-container-cli: permission error: capability change failed: Operation not permitted" \
                "$rc $out"
        out=$("$cli" --root "$work/default" --user=65534:65534 info) &&
        expect_eq info_with_user "$(seed_info)" "$out"
        "$cli" --root "$work/default" --debug="$work/debug.log" info >/dev/null 2>&1 &&
        grep -q '^I[0-9]\{4\} .*\] initializing library context' "$work/debug.log" &&
                pass debug_log_written || fail debug_log_written "no library log in $work/debug.log"
}

# --- not root -------------------------------------------------------------------------
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

t_non_root() {
        local got want
        # The library chroots unprivileged through a user namespace of its own.
        if ! as_nobody unshare --user true 2>/dev/null; then
                skip non_root_info "unprivileged user namespaces are not available"
                return
        fi
        chmod 755 "$IT_SCRATCH" "$work"
        got=$(as_nobody "$cli" --root "$work/default" info 2>&1)
        expect_eq non_root_info "$(seed_info)" "$got"
        got=$(as_nobody "$cli" --root "$work/default" list 2>&1)
        expect_eq non_root_list "$(want_all "$work/default")" "$got"
        got=$(as_nobody "$cli" --root "$work/mig" info --csv 2>&1)
        expect_contains non_root_info_mig "0:1,MIG-0-1-FAKE-UUID,2,0" "$got"
        assert_no_leaks non_root_no_process_left "$work/default"
        # On the host's own root, an unprivileged caller sees what root sees
        # (a driver's GPUs, or the same error without one).
        want=$("$cli" info 2>&1; echo "exit $?")
        got=$(as_nobody "$cli" info 2>&1; echo "exit $?")
        expect_eq non_root_host_root_like_root "$want" "$got"
}

t_version_and_help
require_root cli_info_fake_roots || exit 0
work=$(scratch_dir)
fake_root_create "$work/default" &&
fake_root_create "$work/zero" --gpus 0 &&
fake_root_create "$work/sixteen" --gpus 16 &&
fake_root_create "$work/mig" --gpus 2 --model "NVIDIA A100-SXM4-40GB" --mig 0=1g.5gb+2g.10gb || {
        fail cli_fake_roots "fake-nvidia-setup failed"
        exit 0
}
t_info
t_info_mig
t_list
t_list_ipcs
t_list_mig
t_errors
t_permissions
t_non_root
