#!/bin/bash
# libnvidia-container's driver process through the library's public API
# (build/tests/nvc-devinfo: nvc_init + nvc_device_info_new): the GPUs and MIG
# devices it reports, the sandbox it runs in (observed while a slow fake GPU
# open is in flight), its errors, and that no child is ever left behind.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tool="$BUILD/tests/nvc-devinfo"
require_root libnvc_driver || exit 0
[ -x "$tool" ] || { fail libnvc_driver "$tool is missing (make all)"; exit 0; }

# Roots under a world-traversable directory, so that an unprivileged caller
# can reach them too.
work=$(mktemp -d /tmp/t_libnvc_driver.XXXXXX) && chmod 755 "$work" || exit 1
on_exit "_it_rm_tree $(_it_q "$work")"

gpu_line() {  # gpu_line INDEX MINOR: a default (Tesla T4) GPU as nvc-devinfo prints it
        printf 'gpu %d: model=NVIDIA Tesla T4 brand=Tesla uuid=GPU-%d-FAKE-UUID busid=00000000:%02x:00.0 arch=7.5 node=/dev/nvidia%d (195:%d) mig_capable=0 mig_caps=/proc/driver/nvidia/capabilities/gpu%d\n' \
                "$1" "$2" $(($2 + 1)) "$2" "$2" "$2"
}

# The driver process of tool pid $1: its child, polled for up to 5 s.
driver_child() {
        local i c
        for i in $(seq 50); do
                c=$(pgrep -P "$1" | head -n1)
                [ -n "$c" ] && { echo "$c"; return 0; }
                sleep 0.1
        done
        return 1
}

# status_field PID NAME: the value of a /proc/PID/status line, tabs as spaces.
status_field() { awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ +/, ""); print }' "/proc/$1/status"; }

# No driver process is left anywhere: none with its root in our scratch dir.
assert_no_driver_left() {
        local p left=""
        for p in $(pgrep -x 'nvc:\[driver\]'); do
                case $(readlink "/proc/$p/root") in "$work"/*) left="$left $p" ;; esac
        done
        [ -z "$left" ] && pass "$1" || fail "$1" "driver processes left:$left"
}

# --- what it reports ------------------------------------------------------
t_devices() {
        local root=$work/t4 out want
        fake_root_create "$root" || { fail devices "fake root"; return; }
        want=$(for i in 0 1 2 3; do gpu_line $i $i; done)
        out=$("$tool" --root "$root" 2>&1)
        expect_eq devices "$want" "$out"
        out=$("$tool" --root "$root" --repeat 20 2>&1 | grep -c '^gpu ')
        expect_eq devices_repeated 80 "$out"
        assert_no_driver_left devices_no_child
}

t_mig() {
        local root=$work/mig out
        fake_root_create "$root" --gpus 2 --mig 0=1g.5gb+2g.10gb || { fail mig "fake root"; return; }
        out=$("$tool" --root "$root" 2>&1)
        expect_eq mig "$(cat <<EOF
gpu 0: model=NVIDIA A100-SXM4-40GB brand=NVIDIA uuid=GPU-0-FAKE-UUID busid=00000000:01:00.0 arch=8.0 node=/dev/nvidia0 (195:0) mig_capable=1 mig_caps=/proc/driver/nvidia/capabilities/gpu0
  mig 0: uuid=MIG-0-0-FAKE-UUID gi=1 ci=0 gi_caps=/proc/driver/nvidia/capabilities/gpu0/mig/gi1 ci_caps=/proc/driver/nvidia/capabilities/gpu0/mig/gi1/ci0 parent=ok
  mig 1: uuid=MIG-0-1-FAKE-UUID gi=2 ci=0 gi_caps=/proc/driver/nvidia/capabilities/gpu0/mig/gi2 ci_caps=/proc/driver/nvidia/capabilities/gpu0/mig/gi2/ci0 parent=ok
gpu 1: model=NVIDIA A100-SXM4-40GB brand=NVIDIA uuid=GPU-1-FAKE-UUID busid=00000000:02:00.0 arch=8.0 node=/dev/nvidia1 (195:1) mig_capable=1 mig_caps=/proc/driver/nvidia/capabilities/gpu1
EOF
)" "$out"
}

# A driver root in which GPU 1's node is gone: NVML numbers what it sees.
t_missing_gpu() {
        local root=$work/gone out
        fake_root_create "$root" --gpus 3 || { fail missing_gpu "fake root"; return; }
        rm "$root/dev/nvidia1"
        out=$("$tool" --root "$root" 2>&1)
        expect_eq missing_gpu "$(gpu_line 0 0; gpu_line 1 2)" "$out"
}

# --- the sandbox, seen while nvmlInit opens a slow GPU (1.5 s) ---------------
# check_sandbox NAME ROOT UID [runner...]: the child is chrooted into ROOT,
# runs as UID, holds no capability, has no_new_privs and only fds 0-3.
check_sandbox() {
        local name=$1 root=$2 uid=$3 pid child out
        shift 3
        "$@" "$tool" --root "$root" >"$work/$name.out" 2>&1 &
        pid=$!
        if ! child=$(driver_child "$pid"); then
                wait "$pid"
                fail "$name" "no driver process seen"
                it_indent "$work/$name.out"
                return
        fi
        out=$(printf '%s\n' "name=$(status_field "$child" Name)" "uid=$(status_field "$child" Uid)" \
                "gid=$(status_field "$child" Gid)" "groups=$(status_field "$child" Groups)" \
                "cap=$(status_field "$child" CapInh) $(status_field "$child" CapPrm) $(status_field "$child" CapEff) $(status_field "$child" CapBnd) $(status_field "$child" CapAmb)" \
                "nnp=$(status_field "$child" NoNewPrivs)" "root=$(readlink "/proc/$child/root")" \
                "fds=$(cd "/proc/$child/fd" && printf '%s\n' * | sort -n | tr '\n' ' ')" "stdin=$(readlink "/proc/$child/fd/0")")
        local gid=$uid groups=""
        expect_eq "$name" "$(printf '%s\n' "name=nvc:[driver]" "uid=$uid $uid $uid $uid" "gid=$gid $gid $gid $gid" \
                "groups=$groups" "cap=0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000" \
                "nnp=1" "root=$root" "fds=0 1 2 3 " "stdin=/dev/null")" "$out"
        wait "$pid" && pass "${name}_query" || { fail "${name}_query" "nvc-devinfo failed"; it_indent "$work/$name.out"; }
        [ -z "$(pgrep -P "$pid")" ] && ! kill -0 "$child" 2>/dev/null && pass "${name}_reaped" ||
                fail "${name}_reaped" "driver process $child still there"
}

t_sandbox() {
        local root=$work/slow
        fake_root_create "$root" --gpus 1 --open-delay 1500 || { fail sandbox "fake root"; return; }
        check_sandbox sandbox_root "$root" 65534
        if ! command -v setpriv >/dev/null; then
                skip sandbox_unprivileged "setpriv is missing"
        elif ! setpriv --reuid=1000 --regid=1000 --clear-groups unshare -U true 2>/dev/null; then
                skip sandbox_unprivileged "unprivileged user namespaces are disabled"
        else
                # No root: the child keeps the caller's ids and chroots in a
                # user namespace of its own.
                check_sandbox sandbox_unprivileged "$root" 1000 setpriv --reuid=1000 --regid=1000 --clear-groups
        fi
}

# --- errors: one line, exit 1, no child ---------------------------------------
# check_error NAME ROOT MESSAGE
check_error() {
        local out rc
        out=$("$tool" --root "$2" 2>&1)
        rc=$?
        [ "$rc" = 1 ] && [ "$out" = "nvc-devinfo: $3" ] && pass "$1" ||
                fail "$1" "exit $rc, got '$out', want 'nvc-devinfo: $3'"
}

t_errors() {
        local nodrv=$work/nodrv locked=$work/locked
        mkdir -p "$work/empty"
        check_error error_no_nvml "$work/empty" \
                "load library failed: libnvidia-ml.so.1: cannot open shared object file: no such file or directory"
        fake_root_create "$nodrv" --gpus 1 && rm "$nodrv/dev/nvidiactl" &&
                check_error error_nvml_init "$nodrv" "nvml error: driver not loaded"
        check_error error_no_root "$work/nonexistent" \
                "change root failed: \`$work/nonexistent\`: No such file or directory"
        # Unreadable: root may chroot into it, nobody cannot look inside.
        fake_root_create "$locked" --gpus 1 && chmod 000 "$locked" &&
                check_error error_unreadable_root "$locked" \
                        "load library failed: libnvidia-ml.so.1: cannot open shared object file: permission denied"
        chmod 755 "$locked"
        assert_no_driver_left errors_no_child
}

# A call that outlives the 10 s timeout: the hung child is killed and reaped.
t_timeout() {
        local root=$work/hung start
        fake_root_create "$root" --gpus 1 --open-delay 12000 || { fail timeout "fake root"; return; }
        start=$SECONDS
        check_error timeout "$root" "driver rpc error: timed out"
        [ $((SECONDS - start)) -lt 13 ] && pass timeout_bounded || fail timeout_bounded "took $((SECONDS - start)) s"
        assert_no_driver_left timeout_no_child
}

t_valgrind() {
        local root=$work/t4 log=$work/valgrind.log
        command -v valgrind >/dev/null || { skip valgrind "valgrind is missing"; return; }
        build_sanitized && { skip valgrind "an ASan build (SANITIZE=1): valgrind runs in the plain build"; return; }
        if valgrind --trace-children=no --child-silent-after-fork=yes --leak-check=full --error-exitcode=9 \
                "$tool" --root "$root" --repeat 3 >/dev/null 2>"$log"; then
                pass valgrind
        else
                fail valgrind "memory errors or leaks"
                it_indent "$log"
        fi
}

t_devices
t_mig
t_missing_gpu
t_sandbox
t_errors
t_valgrind
t_timeout
assert_no_leaks no_leaks "$work"
