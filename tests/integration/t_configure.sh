#!/bin/bash
# nvidia-container-cli configure with real engines (issue 4, "Must show" 1, 2,
# 3, 5 and 7's container part; the hostile images are t_configure_hostile.sh):
# a runc container created, configured through --pid, then started sees
# exactly its GPUs and its capabilities' driver files, read-only; the same as
# a prestart hook (before pivot_root); containerd's own `ctr run --gpus`;
# standalone in a private mount namespace (enroot, Apptainer); failures leave
# no mount behind and repeated runs leak nothing; failed requirements and bad
# input are one line and exit 1.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib/configure.sh
. "$IT_LIB/configure.sh"

smi_line() { echo "GPU $1: NVIDIA Tesla T4 (UUID: GPU-$2-FAKE-UUID)"; }

# --- 1. runc create, configure --pid, runc start ----------------------------------
t_runc() {
        local n=runc out cg want
        cnt_prepare $n /bin/sh -c "$ns_probe
/usr/bin/nvidia-smi -L
probe open /dev/nvidiactl /dev/nvidia0 /dev/nvidia1 /dev/nvidia2 /dev/nvidia3
probe write /usr/bin/nvidia-smi $LIBDIR/libcuda.so.$VER $LIBDIR/libnvidia-ml.so.$VER
sha256sum /usr/bin/nvidia-smi $LIBDIR/libcuda.so.$VER $LIBDIR/libnvidia-ml.so.$VER
ldconfig -p
cat /proc/driver/nvidia/params" && cnt_create $n || { fail runc_create "runc create failed"; return; }
        cnt_configure $n --device=0,2 --compute --utility
        [ "$CFG_RC" = 0 ] && [ -z "$CFG_ERR$CFG_OUT" ] && pass configure_pid_runc ||
                fail configure_pid_runc "exit $CFG_RC: $CFG_ERR"
        # The rules the library added, as the v1 devices controller lists them.
        cg=$(sed -n 's/^[0-9]*:devices:\(.*\)$/\1/p' "/proc/$CNT_PID/cgroup")
        if [ -n "$cg" ] && [ -r "/sys/fs/cgroup/devices$cg/devices.list" ]; then
                expect_eq configure_cgroup_v1_rules "c 195:0 rw
c 195:2 rw
c 195:255 rw" "$(grep '^c 195:' "/sys/fs/cgroup/devices$cg/devices.list" | grep -v 195:254 | sort)"
        else
                skip configure_cgroup_v1_rules "no v1 devices controller for the container"
        fi
        out=$(cnt_start $n)
        expect_eq runc_smi_lists_selected "$(smi_line 0 0; smi_line 1 2)" "$(grep '^GPU ' <<<"$out")"
        expect_eq runc_selected_nodes_enxio_others_absent "open /dev/nvidiactl: ENXIO
open /dev/nvidia0: ENXIO
open /dev/nvidia1: ENOENT
open /dev/nvidia2: ENXIO
open /dev/nvidia3: ENOENT" "$(grep '^open ' <<<"$out")"
        expect_eq runc_driver_files_erofs "write /usr/bin/nvidia-smi: EROFS
write $LIBDIR/libcuda.so.$VER: EROFS
write $LIBDIR/libnvidia-ml.so.$VER: EROFS" "$(grep '^write ' <<<"$out")"
        want=$(cd "$drv" && sha256sum "./usr/bin/nvidia-smi" ".$LIBDIR/libcuda.so.$VER" ".$LIBDIR/libnvidia-ml.so.$VER" |
                cut -d' ' -f1)
        expect_eq runc_driver_files_are_the_drivers "$want" "$(grep -E '^[0-9a-f]{64} ' <<<"$out" | cut -d' ' -f1)"
        expect_eq runc_ldconfig_lists_driver "libcuda.so.1 (libc6,x86-64) => $LIBDIR/libcuda.so.1
libnvidia-ml.so.1 (libc6,x86-64) => $LIBDIR/libnvidia-ml.so.1" \
                "$(grep -E '^\s*(libcuda|libnvidia-ml)\.so\.1 ' <<<"$out" | sed 's/^\s*//' | sort)"
        expect_contains runc_params_modify_device_files_0 "ModifyDeviceFiles: 0" "$(grep '^ModifyDeviceFiles' <<<"$out")"
        cnt_delete $n
}

# Without our cgroup rule the node is there but denied (EPERM): the ENXIO
# above is the device cgroup's doing.  --no-devbind: allowed but no node.
t_runc_cgroup_control() {
        local n out
        for n in nocg nodevbind; do
                cnt_prepare $n /bin/sh -c "$ns_probe
probe open /dev/nvidia0 /dev/nvidia1" && cnt_create $n || { fail "runc_${n}_create" "runc create failed"; return; }
                if [ $n = nocg ]; then
                        cnt_configure $n --device=0 --utility --no-cgroups
                else
                        cnt_configure $n --device=0 --utility --no-devbind
                fi || fail "runc_$n" "exit $CFG_RC: $CFG_ERR"
        done
        out=$(cnt_start nocg)
        expect_eq runc_no_cgroups_node_eperm "open /dev/nvidia0: EPERM
open /dev/nvidia1: ENOENT" "$(grep '^open ' <<<"$out")"
        out=$(cnt_start nodevbind)
        expect_eq runc_no_devbind_no_node "open /dev/nvidia0: ENOENT
open /dev/nvidia1: ENOENT" "$(grep '^open ' <<<"$out")"
        cnt_delete nocg
        cnt_delete nodevbind
}

# --- 1. each capability brings exactly its files --------------------------------------
# libnvidia-container's tables (nvc_info.c), by capability.
CAPLIBS_utility="libnvidia-ml.so libnvidia-cfg.so libnvidia-nscq.so"
CAPLIBS_compute="libcuda.so libcudadebugger.so libnvidia-opencl.so libnvidia-gpucomp.so
 libnvidia-ptxjitcompiler.so libnvidia-fatbinaryloader.so libnvidia-allocator.so libnvidia-compiler.so
 libnvidia-pkcs11.so libnvidia-pkcs11-openssl3.so libnvidia-nvvm.so libnvidia-tileiras.so"
CAPLIBS_video="libvdpau_nvidia.so libnvidia-encode.so libnvidia-opticalflow.so libnvcuvid.so"
CAPLIBS_graphics="libnvidia-eglcore.so libnvidia-glcore.so libnvidia-tls.so libnvidia-glsi.so
 libnvidia-fbc.so libnvidia-ifr.so libnvidia-rtcore.so libnvoptix.so libGLX_nvidia.so libEGL_nvidia.so
 libGLESv2_nvidia.so libGLESv1_CM_nvidia.so libnvidia-glvkspirv.so libnvidia-cbl.so"
CAPLIBS_ngx="libnvidia-ngx.so"
CAPBINS_utility="nvidia-smi nvidia-debugdump nvidia-persistenced nv-fabricmanager"
CAPBINS_compute="nvidia-cuda-mps-control nvidia-cuda-mps-server"

# want_files FLAG...: the container paths `list` reports for these flags
# (video also brings the compute libraries, display the graphics ones).
want_files() {
        local libs="" bins="" f all64 all32 p compat32=false
        for f in "$@"; do
                case $f in
                --utility) libs+=" $CAPLIBS_utility" bins+=" $CAPBINS_utility" ;;
                --compute) libs+=" $CAPLIBS_compute" bins+=" $CAPBINS_compute" ;;
                --video) libs+=" $CAPLIBS_video $CAPLIBS_compute" ;;
                --graphics | --display) libs+=" $CAPLIBS_graphics" ;;
                --ngx) libs+=" $CAPLIBS_ngx" ;;
                --compat32) compat32=true ;;
                esac
        done
        all64=$("$cli" --root "$drv" list -l)
        all32=$(comm -13 <(sort <<<"$all64") <("$cli" --root "$drv" list -l --compat32 | sort))
        {
                for p in $all64; do prefixed "${p##*/}" "$libs" && echo "$LIBDIR/${p##*/}"; done
                if $compat32; then
                        for p in $all32; do prefixed "${p##*/}" "$libs" && echo "$LIB32DIR/${p##*/}"; done
                fi
                for p in $("$cli" --root "$drv" list -b); do
                        prefixed "${p##*/}" "$bins" && echo "/usr/bin/${p##*/}"
                done
        } | sort
}

prefixed() {  # NAME "PREFIX...": NAME starts with one of the prefixes
        local p
        for p in $2; do
                case $1 in "$p"*) return 0 ;; esac
        done
        return 1
}

# check_caps NAME "FLAGS" MUST...: the driver files mounted into the
# container's lib and bin dirs are exactly want_files FLAGS, and include MUST.
check_caps() {
        local name=$1 flags=$2 got want m
        shift 2
        # shellcheck disable=SC2086
        cnt_prepare "$name" && cnt_create "$name" && cnt_configure "$name" --device=0 $flags ||
                { fail "$name" "configure $flags: exit ${CFG_RC:-?}: ${CFG_ERR:-runc create failed}"; cnt_delete "$name"; return; }
        got=$(cnt_mounts "$CNT_PID" | grep -E "^($LIBDIR|$LIB32DIR|/usr/bin)/" | sort)
        # shellcheck disable=SC2086
        want=$(want_files $flags)
        for m; do
                grep -qxF -- "$m" <<<"$want" || { fail "$name" "the expected set lacks $m"; cnt_delete "$name"; return; }
        done
        expect_eq "$name" "$want" "$got"
        cnt_delete "$name"
}

t_capabilities() {
        check_caps caps_utility_only "--utility" "/usr/bin/nvidia-smi" "$LIBDIR/libnvidia-ml.so.$VER"
        check_caps caps_compute "--compute" "$LIBDIR/libcuda.so.$VER" /usr/bin/nvidia-cuda-mps-control
        check_caps caps_video "--video" "$LIBDIR/libnvcuvid.so.$VER" "$LIBDIR/libnvidia-encode.so.$VER"
        check_caps caps_graphics "--graphics" "$LIBDIR/libGLX_nvidia.so.$VER" "$LIBDIR/libEGL_nvidia.so.$VER"
        check_caps caps_display "--display" "$LIBDIR/libGLX_nvidia.so.$VER"
        check_caps caps_ngx "--ngx" "$LIBDIR/libnvidia-ngx.so.$VER"
        check_caps caps_compat32 "--compute --compat32" "$LIB32DIR/libcuda.so.$VER" "$LIBDIR/libcuda.so.$VER"
        check_caps caps_none ""
        # the forward-compatibility links beside the libraries
        local n=links out
        cnt_prepare $n /bin/sh -c "readlink $LIBDIR/libcuda.so; readlink $LIBDIR/libcuda.so.1" && cnt_create $n &&
                cnt_configure $n --device=0 --compute && out=$(cnt_start $n) ||
                fail caps_compute_libcuda_links "exit ${CFG_RC:-?}: $CFG_ERR"
        expect_eq caps_compute_libcuda_links "libcuda.so.1
libcuda.so.$VER" "$out"
        cnt_delete $n
}

# --- 1. as a real prestart hook (runc run; before pivot_root) ----------------------------
write_hook() {
        cat >"$work/hook.sh" <<EOF
#!/bin/sh
# runc gives prestart hooks the container state (JSON) on stdin, not its pid
# in argv: read the pid there and call the CLI as a hook would.
pid=\$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
exec $(printf %q "$cli") --root $(printf %q "$drv") --debug=$(printf %q "$work/hook.log") configure --pid="\$pid" "\$@"
EOF
        chmod 755 "$work/hook.sh"
}

# add_hook NAME ARGS...: hooks.prestart runs hook.sh ARGS ROOTFS.
add_hook() {
        local n=$1
        shift
        bundle_edit "$work/$n" "
c.setdefault('hooks', {})['prestart'] = [{'path': args[0], 'args': args,
    'env': ['PATH=/usr/sbin:/usr/bin:/sbin:/bin']}]" "$work/hook.sh" "$@" "$work/$n/rootfs"
}

t_prestart_hook() {
        local n=hook out rc
        cnt_prepare $n /bin/sh -c "$ns_probe
/usr/bin/nvidia-smi -L; probe open /dev/nvidia0 /dev/nvidia1; grep ^ModifyDeviceFiles /proc/driver/nvidia/params
probe write /usr/bin/nvidia-smi" && add_hook $n --device=1 --utility || { fail prestart_hook "bundle failed"; return; }
        out=$(runc_run_bundle "$work/$n" $n 2>&1); rc=$?
        expect_eq prestart_hook_runc_run "0
$(smi_line 0 1)
open /dev/nvidia0: ENOENT
open /dev/nvidia1: ENXIO
ModifyDeviceFiles: 0
write /usr/bin/nvidia-smi: EROFS" "$rc
$out"
        # The library saw the rootfs at its host path, not as the process's "/".
        grep -q 'setting rootfs to' "$work/hook.log" 2>/dev/null && ! grep -q 'has pivoted into' "$work/hook.log" &&
                pass prestart_hook_before_pivot_root ||
                fail prestart_hook_before_pivot_root "the hook's log says otherwise: $work/hook.log"
        _it_rm_tree "$work/$n"

        # 7: a requirement the driver does not meet stops the container.
        n=hookreq
        cnt_prepare $n /bin/echo container-ran && add_hook $n --require 'cuda>=99.0' --utility ||
                { fail prestart_hook_requirement "bundle failed"; return; }
        out=$(runc_run_bundle "$work/$n" $n 2>&1); rc=$?
        if [ "$rc" -ne 0 ] && ! grep -q container-ran <<<"$out" && grep -qF "nvidia-container-cli: requirement error: \
unsatisfied condition: cuda>=99.0, please update your driver to a newer version, or use an earlier cuda container" <<<"$out"; then
                pass prestart_hook_requirement_fails_start
        else
                fail prestart_hook_requirement_fails_start "exit $rc"
                it_indent <<<"$out"
        fi
        _it_rm_tree "$work/$n"
}

# --- 7 and bad input: one line, exit 1, nothing mounted ------------------------------------
# check_cli_error NAME WANT ARGS...: exit 1, no stdout, stderr is exactly WANT.
check_cli_error() {
        local name=$1 want=$2 out err rc
        shift 2
        out=$("$cli" --root "$drv" configure "$@" 2>"$work/err"); rc=$?
        err=$(cat "$work/err")
        [ "$rc" = 1 ] && [ -z "$out" ] && [ "$err" = "$want" ] && pass "$name" ||
                { fail "$name" "exit $rc, stdout '$out', want stderr '$want'"; it_indent <<<"$err"; }
}

t_errors() {
        local n=errs before rootfs=$work/errs/rootfs out rc
        cnt_prepare $n && cnt_create $n || { fail configure_errors "runc create failed"; return; }
        before=$(cnt_mounts "$CNT_PID")
        check_cli_error requirement_unsatisfied "nvidia-container-cli: requirement error: unsatisfied condition: \
cuda>=99.0, please update your driver to a newer version, or use an earlier cuda container" \
                --pid="$CNT_PID" --require 'cuda>=99.0' --device=0 --compute "$rootfs"
        check_cli_error requirement_one_of_two_unsatisfied "nvidia-container-cli: requirement error: unsatisfied \
condition: brand=quadro" \
                --pid="$CNT_PID" -r 'cuda>=12.0' -r 'brand=quadro' --device=0 --compute "$rootfs"
        check_cli_error rootfs_is_slash "nvidia-container-cli: input error: invalid rootfs directory" \
                --pid="$CNT_PID" --utility /
        check_cli_error rootfs_relative "nvidia-container-cli: input error: invalid rootfs directory" \
                --pid="$CNT_PID" --utility rootfs
        check_cli_error rootfs_missing_standalone "nvidia-container-cli: container error: open container root \
\`$work/no-such-rootfs\`: No such file or directory" --no-cgroups --utility "$work/no-such-rootfs"
        check_cli_error pid_not_a_number "nvidia-container-cli: input error: invalid pid: 12x" --pid=12x "$rootfs"
        check_cli_error pid_zero "nvidia-container-cli: input error: invalid pid: 0" --pid=0 "$rootfs"
        check_cli_error pid_no_process "nvidia-container-cli: container error: stat \`/proc/4194304/root\`: \
No such file or directory" --pid=4194304 "$rootfs"
        check_cli_error cuda_compat_mode_bad "nvidia-container-cli: input error: invalid cuda-compat-mode: \
sometimes (expected disabled, mount or ldconfig)" --pid="$CNT_PID" --cuda-compat-mode=sometimes "$rootfs"
        check_cli_error unknown_device_id "nvidia-container-cli: device error: unknown device id: 7" \
                --pid="$CNT_PID" --device=0,7 --utility "$rootfs"
        check_cli_error unknown_device_uuid "nvidia-container-cli: device error: unknown device id: GPU-9-FAKE-UUID" \
                --pid="$CNT_PID" --device=GPU-9-FAKE-UUID --utility "$rootfs"
        # argp's usage error, as upstream: usage on stderr, exit 1
        out=$("$cli" --root "$drv" configure --pid="$CNT_PID" 2>&1); rc=$?
        [ "$rc" = 1 ] && [ "$(head -1 <<<"$out")" = "Usage: nvidia-container-cli configure [OPTION...] ROOTFS" ] &&
                pass rootfs_argument_missing || fail rootfs_argument_missing "exit $rc: $out"
        expect_eq errors_mount_nothing "$before" "$(cnt_mounts "$CNT_PID")"
        cnt_delete $n
}

# --- 2. containerd's own GPU path: ctr run --gpus ----------------------------------------------
t_ctr() {
        local bin=$work/ctr-bin out rootfs=$work/ctr-rootfs
        mkdir -p "$bin" && cp -al "$base" "$rootfs" || return
        # ctr resolves nvidia-container-cli on its PATH and passes no --root; our
        # fake driver lives in a driver root, not in /, so this stand-in adds it.
        printf '#!/bin/sh\n# The fake driver is installed in a driver root, not in /: add --root.\nexec %q --root %q "$@"\n' \
                "$cli" "$drv" >"$bin/nvidia-container-cli"
        chmod 755 "$bin/nvidia-container-cli"
        containerd_start "$work/containerd" || { fail ctr_gpus "containerd did not start"; return; }
        out=$(ENGINE_PATH=$bin:$ENGINE_PATH ctr_run --rm --gpus 0 --rootfs "$rootfs" it-ctr-gpus \
                /bin/sh -c "$ns_probe
/usr/bin/nvidia-smi -L; probe open /dev/nvidia0 /dev/nvidia1; /bin/ls $LIB32DIR" 2>&1)
        expect_eq ctr_run_gpus_0_lists_gpu_0_only "$(smi_line 0 0)
open /dev/nvidia0: ENXIO
open /dev/nvidia1: ENOENT" "$(grep -E '^(GPU|open) ' <<<"$out")" || it_indent <<<"$out"
        expect_contains ctr_run_gpus_compat32 "libcuda.so.$VER" "$out"
        containerd_stop "$CONTAINERD_DIR"
        _it_rm_tree "$rootfs"
}

# --- 3. standalone in a private mount namespace (enroot, Apptainer) --------------------------
t_standalone() {
        local rootfs=$work/standalone out
        cp -al "$base" "$rootfs" || return
        # shellcheck disable=SC2016
        out=$(unshare -m --propagation private sh -c '
                mount --bind "$1" "$1" &&
                "$2" --root "$3" configure --no-cgroups --device=1 --utility "$1" &&
                chroot "$1" /usr/bin/nvidia-smi -L' sh "$rootfs" "$cli" "$drv" 2>&1)
        expect_eq standalone_private_namespace "$(smi_line 0 1)" "$out"
        expect_eq standalone_no_host_mount "" "$(_it_mounts_under "$work")"
        [ ! -e "$rootfs/usr/bin/nvidia-smi" ] || [ ! -s "$rootfs/usr/bin/nvidia-smi" ] &&
                pass standalone_mounts_only_in_namespace ||
                fail standalone_mounts_only_in_namespace "nvidia-smi has content outside the namespace"
        _it_rm_tree "$rootfs"
}

# --- 5. failure midway: nothing left mounted; no leaks over repeated runs ---------------------
# fail_midway NAME WANT_ERE PREP: PREP (a shell command in the rootfs) makes
# configure fail after some mounts; exit 1, one line matching WANT_ERE, the
# container's mount table as before.
fail_midway() {
        local n=$1 want=$2 prep=$3 before
        cnt_prepare "$n" && (cd "$work/$n/rootfs" && eval "$prep") && cnt_create "$n" ||
                { fail "$n" "setup failed"; return; }
        before=$(cnt_mounts "$CNT_PID")
        cnt_configure "$n" --device=0 --compute --utility
        if [ "$CFG_RC" = 1 ] && [ "$(wc -l <<<"$CFG_ERR")" = 1 ] && grep -Eq -- "$want" <<<"$CFG_ERR"; then
                expect_eq "$n" "$before" "$(cnt_mounts "$CNT_PID")"
        else
                fail "$n" "exit $CFG_RC, want /$want/: $CFG_ERR"
        fi
        cnt_delete "$n"
}

t_fail_midway() {
        local i host_before before fds rc=0
        host_before=$(host_mounts)
        fail_midway midway_first_binary_is_dir "^nvidia-container-cli: mount error: .*/usr/bin/nvidia-smi.* is a directory" \
                "rm usr/bin/nvidia-smi 2>/dev/null; mkdir -p usr/bin/nvidia-smi"
        fail_midway midway_last_firmware_is_dir "^nvidia-container-cli: mount error: .*gsp_tu10x\.bin.* is a directory" \
                "mkdir -p usr/lib/firmware/nvidia/$VER/gsp_tu10x.bin"
        fail_midway midway_ldconfig_fails "^nvidia-container-cli: ldcache error: " \
                "rm etc/ld.so.cache && mkdir etc/ld.so.cache"
        # 20 fresh containers, alternately failing midway and succeeding.
        for ((i = 0; i < 20; i++)); do
                cnt_prepare loop || { rc=1; break; }
                ((i % 2)) && mkdir -p "$work/loop/rootfs$LIBDIR/libcuda.so.$VER"
                cnt_create loop || { rc=1; break; }
                before=$(cnt_mounts "$CNT_PID")
                cnt_configure loop --device=all --compute --utility --video --graphics --compat32
                [ "$CFG_RC" = $((i % 2)) ] || { rc=1; it_log "run $i: exit $CFG_RC: $CFG_ERR"; }
                if [ "$CFG_RC" != 0 ] && [ "$before" != "$(cnt_mounts "$CNT_PID")" ]; then
                        rc=1
                        it_log "run $i: mounts left in the container"
                fi
                cnt_delete loop
        done
        [ $rc = 0 ] && pass repeated_configure_runs || fail repeated_configure_runs "unexpected results"
        expect_eq repeated_runs_no_host_mount "$host_before" "$(host_mounts)"
        fds=$(fds_under "$drv"; fds_under "$base")
        expect_eq repeated_runs_no_open_fd "" "$fds"
        expect_eq repeated_runs_no_cli_process "" "$(pgrep -f -- "$cli" || true)"
        assert_no_leaks repeated_runs_no_leaks "$drv"
}

# MIG: a MIG device by index pair or UUID gets its two nvidia-caps nodes and
# proc access files; --mig-config / --mig-monitor give the global rights.
mig_case() {  # NAME WANT CONFIGURE-ARGS...
        local name=$1 want=$2 out
        shift 2
        cnt_prepare "$name" /bin/sh -c '/usr/bin/nvidia-smi -L; ls /dev/nvidia-caps' && cnt_create "$name" ||
                { fail "$name" "runc create failed"; return; }
        if cnt_configure "$name" "$@" --utility; then
                out=$(cnt_start "$name")
                expect_eq "$name" "$want" "$out"
        else
                fail "$name" "exit $CFG_RC: $CFG_ERR"
        fi
        cnt_delete "$name"
}

t_mig() {
        local saved=$drv a100="NVIDIA A100-SXM4-40GB"
        drv=$work/drvmig
        fake_root_create "$drv" --gpus 2 --mig 0=1g.5gb+2g.10gb || { fail mig_setup "no MIG driver root"; drv=$saved; return; }
        mig_case mig_device_by_index "GPU 0: $a100 (UUID: GPU-0-FAKE-UUID)
  MIG 2g.10gb     Device  0: (UUID: MIG-0-1-FAKE-UUID)
nvidia-cap21
nvidia-cap22" --device=0:1
        mig_case mig_device_by_uuid "GPU 0: $a100 (UUID: GPU-0-FAKE-UUID)
  MIG 1g.5gb     Device  0: (UUID: MIG-0-0-FAKE-UUID)
nvidia-cap12
nvidia-cap13" --device=MIG-0-0-FAKE-UUID
        mig_case mig_monitor_all "GPU 0: $a100 (UUID: GPU-0-FAKE-UUID)
  MIG 1g.5gb     Device  0: (UUID: MIG-0-0-FAKE-UUID)
  MIG 2g.10gb     Device  1: (UUID: MIG-0-1-FAKE-UUID)
GPU 1: $a100 (UUID: GPU-1-FAKE-UUID)
nvidia-cap2" --device=all --mig-monitor=all
        # The config right alone lets a tool create instances, not see them (monitor does).
        mig_case mig_config_all "GPU 0: $a100 (UUID: GPU-0-FAKE-UUID)
nvidia-cap1" --device=0 --mig-config=all
        drv=$saved
}

require_root configure || exit 0
cfg_init || { fail configure_setup "fake driver or rootfs setup failed"; exit 0; }
write_hook
t_runc
t_runc_cgroup_control
t_capabilities
t_prestart_hook
t_errors
t_ctr
t_standalone
t_fail_midway
t_mig
