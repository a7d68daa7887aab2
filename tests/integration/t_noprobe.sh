#!/bin/bash
# Starting GPU containers without waking the GPUs (issue 10). The fake driver
# root has 4 GPUs whose first open by a process takes 1.5 s each
# (--open-delay), as a GPU without persistence mode; NVML opens all of them.
#  - configure --device=0,2 takes GPU identity from the driver's proc tree:
#    fast, and no GPU node is opened by the CLI or its NVML process (strace);
#    the container still sees GPUs 0 and 2;
#  - a requirement on arch needs NVML: the delay is paid and the requirement
#    is enforced; `info` still prints Architecture and Brand;
#  - the CUDA version is the one answer only the driver process gives: configure
#    starts that process (and loads libtirpc for it) only when a requirement names
#    cuda, and then enforces it;
#  - the runtime in legacy and jit-cdi modes creates the container fast.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib/configure.sh
. "$IT_LIB/configure.sh"

require_root noprobe || exit 0
command -v strace >/dev/null || { skip noprobe "strace is not installed"; exit 0; }

DELAY=1500
work=$(scratch_dir)
cli=$BUILD/bin/nvidia-container-cli
rt=$BUILD/bin/nvidia-container-runtime
drv=$work/drv
base=$work/base
fake_root_create "$drv" --gpus 4 --open-delay "$DELAY" || { fail noprobe_setup "fake driver setup failed"; exit 0; }
rootfs_glibc "$base" && touch "$base/etc/debian_version" || { fail noprobe_setup "rootfs setup failed"; exit 0; }

smi_line() { echo "GPU $1: NVIDIA Tesla T4 (UUID: GPU-$2-FAKE-UUID)"; }
now_ms() { date +%s%3N; }

# gpu_opens LOG: the opens of a GPU node in an strace log (an O_PATH lookup
# never reaches the driver, so it is not one).
gpu_opens() { grep -E 'open(at2?)?\(.*"/?dev/nvidia[0-9]+"' "$1" | grep -v O_PATH; }

# timed NAME CMD...: runs CMD, sets RC and MS (its wall time), OUT and ERR.
timed() {
        local t0 name=$1
        shift
        t0=$(now_ms)
        OUT=$("$@" 2>"$work/$name.err")
        RC=$?
        MS=$(($(now_ms) - t0))
        ERR=$(cat "$work/$name.err")
        echo "  $name: ${MS} ms" >&2
}

# --- configure: identity from the proc tree ------------------------------------------
t_configure() {
        local out
        cnt_prepare fast /bin/sh -c 'nvidia-smi -L' && cnt_create fast || { fail noprobe_configure "runc create failed"; return; }
        timed fast_cfg "$cli" --root "$drv" configure --pid="$CNT_PID" --device=0,2 --compute --utility \
                "$work/fast/rootfs"
        [ "$RC" = 0 ] && [ -z "$ERR" ] && pass noprobe_configure_ok || fail noprobe_configure_ok "exit $RC: $ERR"
        [ "$MS" -lt 1000 ] && pass noprobe_configure_under_1s || fail noprobe_configure_under_1s "took $MS ms"
        out=$(cnt_start fast)
        expect_eq noprobe_container_sees_gpus_0_2 "$(smi_line 0 0; smi_line 1 2)" "$(grep '^GPU ' <<<"$out")"
        cnt_delete fast

        # The same under strace: neither the CLI nor its NVML process opens a GPU.
        cnt_prepare traced && cnt_create traced || { fail noprobe_configure_traced "runc create failed"; return; }
        # (LeakSanitizer cannot work under ptrace: off for this run of an ASan build.)
        ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat,openat2 -o "$work/configure.strace" \
                "$cli" --root "$drv" configure --pid="$CNT_PID" --device=0,2 --compute --utility \
                "$work/traced/rootfs" 2>"$work/traced.err" && pass noprobe_configure_traced ||
                fail noprobe_configure_traced "$(cat "$work/traced.err")"
        out=$(gpu_opens "$work/configure.strace")
        [ -z "$out" ] && grep -q 'dev/nvidia0"' "$work/configure.strace" && pass noprobe_configure_opens_no_gpu ||
                { fail noprobe_configure_opens_no_gpu "GPU nodes opened (or no lookup traced)"; it_indent <<<"$out"; }
        cnt_delete traced
}

# --- NVML when only it knows ------------------------------------------------------------
t_nvml_needed() {
        cnt_prepare arch && cnt_create arch || { fail noprobe_arch "runc create failed"; return; }
        timed arch_cfg "$cli" --root "$drv" configure --pid="$CNT_PID" --device=0 --utility --require='arch>=7.0' \
                "$work/arch/rootfs"
        [ "$RC" = 0 ] && [ "$MS" -ge "$DELAY" ] && pass noprobe_require_arch_uses_nvml ||
                fail noprobe_require_arch_uses_nvml "exit $RC in $MS ms: $ERR"
        cnt_delete arch
        cnt_prepare arch9 && cnt_create arch9 || { fail noprobe_arch "runc create failed"; return; }
        timed arch9_cfg "$cli" --root "$drv" configure --pid="$CNT_PID" --device=0 --utility --require='arch>=9.0' \
                "$work/arch9/rootfs"
        expect_eq noprobe_require_arch_enforced "1
nvidia-container-cli: requirement error: unsatisfied condition: arch>=9.0" "$RC
$ERR"
        cnt_delete arch9

        timed info "$cli" --root "$drv" info
        [ "$RC" = 0 ] && grep -q '^Architecture:.*7\.5$' <<<"$OUT" && grep -q '^Brand: *Tesla$' <<<"$OUT" &&
                pass noprobe_info_prints_arch_and_brand || fail noprobe_info_prints_arch_and_brand "exit $RC: $ERR"
}

# --- the driver process only for the CUDA version ----------------------------------------
# cfg_req NAME REQ [VAR=VALUE...]: configure a fresh container of GPU 0 with requirement
# REQ and a debug log ($work/NAME.log), in an environment with VARs; RC and ERR as timed's.
cfg_req() {
        local name=$1 req=$2
        shift 2
        cnt_prepare "$name" && cnt_create "$name" || { RC=-1 ERR="runc create failed"; return; }
        timed "$name" env "$@" "$cli" --root "$drv" --debug="$work/$name.log" configure --pid="$CNT_PID" \
                --device=0 --utility --require="$req" "$work/$name/rootfs"
        cnt_delete "$name"
}

t_cuda_version() {
        local started='starting driver rpc service'
        # (The loader's debug output would land on the driver process' socket, which takes
        # the lowest free descriptor: only the run that starts none is traced.)
        cfg_req nocuda 'driver>=400' LD_DEBUG=files LD_DEBUG_OUTPUT="$work/nocuda.ld"
        [ "$RC" = 0 ] && ! grep -q "$started" "$work/nocuda.log" && pass noprobe_no_cuda_requirement_no_process ||
                fail noprobe_no_cuda_requirement_no_process "exit $RC: $ERR"
        # libtirpc comes with the driver process, not with the program (the sanitizer
        # build links it: its xdr interceptors need it at start-up).
        if build_sanitized; then
                skip noprobe_no_process_no_libtirpc "the ASan/UBSan build links libtirpc"
        else
                grep -q 'file=libc\.so' "$work"/nocuda.ld.* && ! grep -q 'file=libtirpc' "$work"/nocuda.ld.* &&
                        pass noprobe_no_process_no_libtirpc || fail noprobe_no_process_no_libtirpc "libtirpc loaded (or no trace)"
        fi
        cfg_req cuda 'cuda>=11.0'
        [ "$RC" = 0 ] && grep -q "$started" "$work/cuda.log" && pass noprobe_cuda_requirement_asks_driver ||
                fail noprobe_cuda_requirement_asks_driver "exit $RC: $ERR"

        cfg_req cuda99 'cuda>=99.0'
        expect_eq noprobe_cuda_requirement_enforced "1
nvidia-container-cli: requirement error: unsatisfied condition: cuda>=99.0, please update your driver to a newer version, or use an earlier cuda container" "$RC
$ERR"
}

# --- the runtime: legacy and jit-cdi -----------------------------------------------------
# shim_create CONF BUNDLE ID: `create` through the runtime in runc's place.
shim_create() {
        NVIDIA_CTK_CONFIG_FILE_PATH=$1 PATH="$work/bin:$PATH" RUNC_BIN=$rt runc_cmd create --bundle "$2" "$3" \
                </dev/null >"$2/out" 2>&1 || { cat "$2/out" >&2; return 1; }
}

# rt_create MODE NAME: creates (not starts) a container with GPUs 0 and 2
# through the runtime in MODE, timed (RC, MS, ERR).
rt_create() {
        local mode=$1 name=$2 b=$work/$2 conf=$work/$2.toml
        printf '[nvidia-container-cli]\nroot = "%s"\npath = "%s"\n[nvidia-container-runtime]\nmode = "%s"\n[nvidia-ctk]\npath = "%s"\n' \
                "$drv" "$cli" "$mode" "$BUILD/bin/nvidia-ctk" >"$conf"
        mkdir -p "$b" && cp -al "$base" "$b/rootfs" && bundle_create "$b" "$b/rootfs" /usr/bin/nvidia-smi -L &&
                bundle_edit "$b" "c['process']['env'] = ['PATH=/usr/bin:/bin', 'NVIDIA_VISIBLE_DEVICES=0,2']" ||
                return 1
        timed "$name" shim_create "$conf" "$b" "$name"
}

t_runtime() {
        local mode out
        mkdir -p "$work/bin" && ln -sf "$BUILD/bin/nvidia-container-runtime-hook" "$work/bin/" &&
                ln -sf "$cli" "$work/bin/"
        for mode in legacy jit-cdi; do
                if ! rt_create "$mode" "rt-$mode-$$" || [ "$RC" != 0 ]; then
                        fail "noprobe_runtime_${mode}_create" "exit ${RC:-?}: ${ERR:-bundle}"
                        continue
                fi
                [ "$MS" -lt 1500 ] && pass "noprobe_runtime_${mode}_create_fast" ||
                        fail "noprobe_runtime_${mode}_create_fast" "took $MS ms"
                out=$(cnt_start "rt-$mode-$$")
                expect_eq "noprobe_runtime_${mode}_sees_gpus_0_2" "$(smi_line 0 0; smi_line 1 2)" \
                        "$(grep '^GPU ' <<<"$out")"
                runc_cmd delete -f "rt-$mode-$$" >/dev/null 2>&1
        done
}

t_configure
t_nvml_needed
t_cuda_version
t_runtime
assert_no_leaks noprobe_no_leaks "$work"
