#!/bin/bash
# The sandboxed ldconfig of nvc_ldcache_update (src/libnvc/ldconfig.c),
# driven by build/tests/ldconfig-run: standalone (a rootfs in a private
# mount namespace, the enroot/Apptainer way) and supervised (a runc
# container, after create and from a prestart hook); what the sandboxed
# process is, seen from the host and from inside (build/tests/ldconfig-spy
# in ldconfig's place); hostile images; refusals and failures.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck disable=SC2016  # sh -c scripts take their values as arguments
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_root ldconfig || exit 0

run=$BUILD/tests/ldconfig-run
spy=$BUILD/tests/ldconfig-spy
libdir=/usr/lib/$IT_MULTIARCH
extra=$libdir/extra   # not in the images' ld.so.conf
if [ ! -x "$run" ] || [ ! -x "$spy" ]; then
        fail ldconfig "build/tests/ldconfig-run or ldconfig-spy is missing (make all)"
        exit 0
fi
# The library we add to images: the host's zlib under its real name, so
# ldconfig must create the libz.so.1 link too.
zlib=$(readlink -f "$(ldconfig -p | awk '$1 == "libz.so.1" && /x86-64/ { print $NF; exit }')")
[ -f "$zlib" ] || { fail ldconfig "the host has no libz.so.1"; exit 0; }

# new_rootfs NAME: a fresh glibc rootfs, printed.
new_rootfs() {
        local r
        r=$(scratch_dir "$1")/rootfs || return 1
        rootfs_glibc "$r" && printf '%s\n' "$r"
}

add_lib() { mkdir -p "$1$2" && cp "$zlib" "$1$2/"; }

# cache_has NAME ROOT DIR: ROOT's cache maps libz.so.1 to DIR/libz.so.1 and the link exists.
cache_has() {
        expect_match "$1" "^[[:space:]]libz\.so\.1 \(libc6,x86-64\) => $3/libz\.so\.1\$" \
                "$(ldconfig -p -C "$2/etc/ld.so.cache")" &&
                check "$1_link" test -L "$2$3/libz.so.1"
}

# expect_run NAME RC LINE ARGS...: ldconfig-run ARGS exits RC, printing LINE.
expect_run() {
        local name=$1 want="$2|$3" out rc
        shift 3
        out=$("$run" "$@" 2>&1)
        rc=$?
        expect_eq "$name" "$want" "$rc|$out"
}

# --- (a) standalone ------------------------------------------------------------
t_standalone() {
        local r
        r=$(new_rootfs standalone) || { fail ldconfig_standalone "no glibc rootfs"; return; }
        add_lib "$r" "$extra"
        check ldconfig_standalone unshare -m "$run" --rootfs "$r" "$extra" /usr/lib/i386-linux-gnu &&
                cache_has ldconfig_standalone_cache "$r" "$extra"

        r=$(new_rootfs no-pivot) || { fail ldconfig_no_pivot "no glibc rootfs"; return; }
        add_lib "$r" "$extra"
        check ldconfig_no_pivot unshare -m "$run" --no-pivot --rootfs "$r" "$extra" &&
                cache_has ldconfig_no_pivot_cache "$r" "$extra"
        # Repeated runs leave no descriptor or child behind (failing ones: t_failures).
        check ldconfig_repeat_no_leaks "$run" --rootfs "$r" --repeat 25 "$extra"
}

# --- (b) supervised -------------------------------------------------------------
# runc_pid ID: the container's init pid.
runc_pid() {
        runc_cmd state "$1" | "$IT_PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["pid"])'
}

t_supervised() {
        local b r pid before out
        b=$(scratch_dir supervised)
        r=$(new_rootfs supervised) || { fail ldconfig_supervised "no glibc rootfs"; return; }
        bundle_create "$b" "$r" /bin/sleep 600 &&
                runc_cmd create --bundle "$b" it-ldconfig </dev/null >/dev/null 2>&1 &&
                pid=$(runc_pid it-ldconfig) || { fail ldconfig_supervised "runc create failed"; return; }
        on_exit "runc_cmd delete -f it-ldconfig >/dev/null 2>&1"
        add_lib "$r" "$extra"
        before=$(cat "/proc/$pid/mountinfo")
        check ldconfig_supervised "$run" --pid "$pid" --rootfs "/proc/$pid/root" "$extra"
        expect_eq ldconfig_supervised_no_mount_left "$before" "$(cat "/proc/$pid/mountinfo")"
        # A root that is not in the container's namespace (here: the host's path).
        expect_run ldconfig_supervised_foreign_root 1 "ldconfig-run: sandbox of /sbin/ldconfig: clone the container root (not in the container's mount namespace?): Invalid argument" \
                --pid "$pid" --rootfs "$r" "$extra"
        runc_cmd start it-ldconfig >/dev/null 2>&1
        out=$(runc_cmd exec it-ldconfig /sbin/ldconfig -p 2>&1)
        expect_match ldconfig_supervised_inside "^[[:space:]]libz\.so\.1 .*=> $extra/libz\.so\.1\$" "$out"
        runc_cmd delete -f it-ldconfig >/dev/null 2>&1
}

# From a prestart hook, as the CLI runs: runc has mounted the container's
# /proc but not pivoted yet, so the rootfs is reached through the host-like
# root of the container's namespace, and there /proc/1/root is the host's
# root. The image's ld.so.conf points through it at a host library
# directory. (ldconfig could not follow that link anyway, having fewer
# capabilities than runc's init; t_hostile shows a link it could follow.)
t_prestart() {
        local b r h hook snap
        b=$(scratch_dir prestart)
        h=$(scratch_dir prestart-host)
        r=$(new_rootfs prestart) || { fail ldconfig_prestart "no glibc rootfs"; return; }
        add_lib "$r" "$extra"
        add_lib "$h" /lib
        echo "/proc/1/root$h/lib" >>"$r/etc/ld.so.conf"
        hook=$b/hook.sh
        cat >"$hook" <<'EOF'
pid=$("$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
test -d "/proc/$pid/root$ROOTFS/proc/1/root$HOST" || echo "no route to the host" >>"$OUT"
"$RUN" --pid "$pid" --rootfs "/proc/$pid/root$ROOTFS" "$EXTRA" >>"$OUT" 2>&1
echo "rc=$?" >>"$OUT"
EOF
        bundle_create "$b" "$r" /bin/sleep 600 &&
                bundle_edit "$b" "c['hooks'] = {'prestart': [{'path': '/bin/sh', 'args': ['sh', args[0]],
    'env': ['PYTHON=' + args[1], 'RUN=' + args[2], 'ROOTFS=' + args[3], 'EXTRA=' + args[4], 'OUT=' + args[5],
            'HOST=' + args[6]]}]}" \
                        "$hook" "$IT_PYTHON" "$run" "$r" "$extra" "$b/hook.out" "$h/lib" ||
                { fail ldconfig_prestart "cannot make the bundle"; return; }
        snap=$(find "$h" -printf '%p %y %s %T@\n' | sort)
        on_exit "runc_cmd delete -f it-ldconfig-pre >/dev/null 2>&1"
        runc_cmd create --bundle "$b" it-ldconfig-pre </dev/null >/dev/null 2>&1
        expect_eq ldconfig_prestart "rc=0" "$(cat "$b/hook.out" 2>&1)"
        cache_has ldconfig_prestart_cache "$r" "$extra"
        expect_eq ldconfig_prestart_host_untouched "$snap" "$(find "$h" -printf '%p %y %s %T@\n' | sort)"
        runc_cmd delete -f it-ldconfig-pre >/dev/null 2>&1
}

# --- (c) the sandbox, seen by a spy in ldconfig's place ------------------------------
# spy_start ROOT ARGS...: runs ldconfig-run ARGS with the spy working in
# ROOT/spy; returns once the spy waits on its FIFO (SPY_RUN: ldconfig-run,
# SPY_PID: the spy).
spy_start() {
        local root=$1
        shift
        mkdir -m 1777 "$root/spy" && mkfifo -m 666 "$root/spy/go" && touch "$root/MARKER" || return 1
        "$run" --rootfs "$root" --timeout 60000 "$@" /spy /usr/lib32 >"$root.out" 2>&1 &
        SPY_RUN=$!
        on_exit "kill $SPY_RUN 2>/dev/null"
        for _ in $(seq 100); do
                [ -e "$root/spy/ready" ] && break
                sleep 0.1
        done
        SPY_PID=$(pgrep -P "$SPY_RUN")
        [ -n "$SPY_PID" ] && [ -e "$root/spy/ready" ]
}

# spy_finish ROOT: lets the spy write its report; the exit code of ldconfig-run.
spy_finish() {
        timeout 10 sh -c 'echo go >"$1"' sh "$1/spy/go"
        wait "$SPY_RUN"
}

status_fields() {
        local k
        for k in Uid Gid Groups CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs Seccomp; do
                printf '%s %s\n' "$k" "$(awk -v k="$k:" '$1 == k { $1 = ""; sub(/^ /, ""); print }' \
                        "/proc/$SPY_PID/status")"
        done
}

# What the host sees of the spy while it runs.
spy_host_view() {
        local root=$1 name=$2 n ok=true
        for n in pid ipc uts mnt; do
                [ "$(readlink "/proc/$SPY_PID/ns/$n")" != "$(readlink "/proc/$$/ns/$n")" ] || ok=false
        done
        $ok && pass "${name}_namespaces" || fail "${name}_namespaces" "shares a namespace with the host"
        expect_eq "${name}_pid1" 1 "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$SPY_PID/status")"
        check "${name}_empty_environment" test ! -s "/proc/$SPY_PID/environ"
        expect_eq "${name}_only_stdio" "0 1 2" "$(find "/proc/$SPY_PID/fd" -mindepth 1 -printf '%f\n' | sort -n | xargs)"
        expect_eq "${name}_root_is_the_container" "$(stat -c %d:%i "$root")" "$(stat -L -c %d:%i "/proc/$SPY_PID/root")"
        expect_eq "${name}_mounts" "/ /dev /proc /sys" \
                "$(awk '{ print $5 }' "/proc/$SPY_PID/mountinfo" | sort | xargs)"
        expect_eq "${name}_tmpfs_read_only" "/dev /proc /sys" "$(awk '{
                for (i = 7; $i != "-"; i++);
                if ($6 ~ /^ro,nosuid,nodev,noexec/ && $(i + 1) == "tmpfs") print $5 }' "/proc/$SPY_PID/mountinfo" | sort | xargs)"
        expect_eq "${name}_limits" "10 1048576 64 2147483648" "$(awk '/^Max (cpu time|file size|open files|address space)/ {
                print $(NF - 2) }' "/proc/$SPY_PID/limits" | xargs)"
}

# What the spy saw from inside; EXEC is what execve gives it.
spy_inside_view() {
        local root=$1 name=$2 exec=$3 rep
        rep=$(cat "$root/spy/report" 2>&1)
        expect_eq "${name}_inside" "argv: -f /etc/ld.so.conf -C /etc/ld.so.cache /spy /usr/lib32
pid: 1
env: 0
proc:
sys:
dev:
capget: EPERM
execve: $exec
socket: EPERM
mount: EPERM
fsync: ok" "$(printf '%s\n' "$rep" | grep -E '^(argv|pid|env|proc|sys|dev|capget|execve|socket|mount|fsync):')"
        expect_match "${name}_inside_root" '^root:.* MARKER( |$)' "$rep"
}

# The host's ldconfig for a non-root owner: only CAP_DAC_OVERRIDE (see
# ldconfig_sandbox.c), as ambient capability across the uid change.
t_spy_host() {
        local r name=ldconfig_sandbox
        r=$(new_rootfs spy-host) || { fail $name "no glibc rootfs"; return; }
        spy_start "$r" --ldconfig "@$spy" --uid 1000 --gid 1000 || { fail $name "the spy did not start"; return; }
        expect_eq "${name}_credentials" "Uid 1000 1000 1000 1000
Gid 1000 1000 1000 1000
Groups 1000
CapInh 0000000000000002
CapPrm 0000000000000002
CapEff 0000000000000002
CapBnd 0000000000000000
CapAmb 0000000000000002
NoNewPrivs 1
Seccomp 2" "$(status_fields)"
        spy_host_view "$r" $name
        spy_finish "$r" && pass "${name}_run" || fail "${name}_run" "$(cat "$r.out")"
        spy_inside_view "$r" $name EPERM
}

# The image's own program, when allowed: no capability at all, and it may exec.
t_spy_container() {
        local r name=ldconfig_sandbox_container
        r=$(new_rootfs spy-container) || { fail $name "no glibc rootfs"; return; }
        cp "$spy" "$r/sbin/spy"
        spy_start "$r" --ldconfig /sbin/spy --allow-container || { fail $name "the spy did not start"; return; }
        expect_eq "${name}_credentials" "Uid 0 0 0 0
Gid 0 0 0 0
Groups 0
CapInh 0000000000000000
CapPrm 0000000000000000
CapEff 0000000000000000
CapBnd 0000000000000000
CapAmb 0000000000000000
NoNewPrivs 1
Seccomp 2" "$(status_fields)"
        spy_finish "$r" && pass "${name}_run" || fail "${name}_run" "$(cat "$r.out")"
        spy_inside_view "$r" $name EACCES
}

# --- (d) hostile images ------------------------------------------------------------
snapshot() { find "$1" -printf '%p %y %s %T@\n' | sort; sha256sum "$1/ld.so.cache"; }

# The image points its cache, its ld.so.conf.d and a library directory at
# host paths (absolute, through /proc/self/root, relative), and lists host
# directories through a procfs the runtime mounted where the image's /proc
# leads (/xproc), as runc does: /xproc/BAIT/root is the host's root, and
# BAIT (root without capabilities) is a process ldconfig may inspect, so
# only the tmpfs over /proc stands in the way.
t_hostile() {
        local r h snap target rc bait ok=true
        setpriv --bounding-set=-all -- sleep 600 &
        bait=$!
        on_exit "kill $bait 2>/dev/null"
        h=$(scratch_dir hostile-host)
        r=$(new_rootfs hostile) || { fail ldconfig_hostile "no glibc rootfs"; return; }
        add_lib "$h" /lib
        mkdir -p "$h/conf.d" && echo "$h/lib" >"$h/conf.d/evil.conf" && echo original >"$h/ld.so.cache"
        rm -rf "$r/etc/ld.so.conf.d" "$r/proc"
        ln -s "$h/conf.d" "$r/etc/ld.so.conf.d"
        mkdir "$r/xproc" && ln -s /xproc "$r/proc"
        ln -s "$h/lib" "$r/usr/lib/hostlib"
        printf '%s\n' 'include /etc/ld.so.conf.d/*.conf' "$h/lib" "/proc/$bait/root$h/lib" \
                "/xproc/$bait/root$h/lib" "/proc/self/root$h/lib" >>"$r/etc/ld.so.conf"
        snap=$(snapshot "$h")
        for target in "$h/ld.so.cache" "/proc/self/root$h/ld.so.cache" "../../../../../../..$h/ld.so.cache"; do
                ln -sfn "$target" "$r/etc/ld.so.cache"
                # The procfs really leads to the host, for a process without
                # capabilities (else this test proves nothing).
                unshare -m --propagation private sh -c 'mount -n -t proc proc "$1/xproc" &&
                        setpriv --bounding-set=-all -- test -e "$1/xproc/$4/root$3/$(basename "$5")" &&
                        exec "$2" --rootfs "$1" /usr/lib/hostlib' \
                        sh "$r" "$run" "$h/lib" "$bait" "$zlib" >"$r.out" 2>&1
                rc=$?
                [ $rc -eq 0 ] || { fail ldconfig_hostile "cache -> $target: exit $rc: $(cat "$r.out")"; ok=false; }
                [ -f "$r/etc/ld.so.cache" ] && [ ! -L "$r/etc/ld.so.cache" ] ||
                        { fail ldconfig_hostile "cache -> $target: the image's cache was not rewritten in place"; ok=false; }
        done
        $ok && pass ldconfig_hostile
        expect_eq ldconfig_hostile_host_untouched "$snap" "$(snapshot "$h")"
        check ldconfig_hostile_no_host_dir_cached sh -c '! ldconfig -p -C "$1/etc/ld.so.cache" | grep -F "$2"' sh "$r" "$h"
        kill "$bait" 2>/dev/null
        wait "$bait" 2>/dev/null
}

# --- (e) refusals, (f) failures ------------------------------------------------------
t_refused() {
        local r out rc
        r=$(new_rootfs refused) || { fail ldconfig_refused "no glibc rootfs"; return; }
        cp "$spy" "$r/sbin/spy" && mkdir -m 1777 "$r/spy" && echo 0 >"$r/spy/exit"
        out=$("$run" --rootfs "$r" --ldconfig /sbin/spy /spy 2>&1)
        rc=$?
        expect_eq ldconfig_refused "1|ldconfig-run: ldconfig \`/sbin/spy\` is not host-relative (does not start with a '@') and features.allow-ldconfig-from-container is not set" "$rc|$out"
        check ldconfig_refused_nothing_ran test ! -e "$r/spy/started"
        check ldconfig_allowed_container "$run" --rootfs "$r" --ldconfig /sbin/spy --allow-container /spy
        check ldconfig_allowed_container_ran test -e "$r/spy/started"
        check ldconfig_missing_container_ldconfig_is_fine "$run" --rootfs "$r" --ldconfig /sbin/no-ldconfig \
                --allow-container /spy
}

t_failures() {
        local r
        r=$(new_rootfs failures) || { fail ldconfig_failures "no glibc rootfs"; return; }
        mkdir -m 1777 "$r/spy" && mkfifo -m 666 "$r/spy/go"
        expect_run ldconfig_dynamic_refused 1 \
                "ldconfig-run: host ldconfig \`/bin/false\` is dynamically linked: it would run the container's loader" \
                --rootfs "$r" --ldconfig @/bin/false
        expect_run ldconfig_host_missing 1 "ldconfig-run: open host ldconfig \`/nonexistent\`: No such file or directory" \
                --rootfs "$r" --ldconfig @/nonexistent
        echo 3 >"$r/spy/exit"
        expect_run ldconfig_exit_code 1 "ldconfig-run: process $spy failed with error code: 3" \
                --rootfs "$r" --ldconfig "@$spy" --repeat 10 --debug "$r.log" /spy
        # What ldconfig prints goes to the debug log, as warnings.
        expect_match ldconfig_output_logged '^W[0-9]{4} .*\] ldconfig-spy: exit 3$' "$(cat "$r.log")"
        echo crash >"$r/spy/exit"
        expect_run ldconfig_signal 1 "ldconfig-run: process $spy terminated with signal 11" \
                --rootfs "$r" --ldconfig "@$spy" /spy
        # System calls of another ABI (x32, i386 through int 0x80) are killed.
        echo x32 >"$r/spy/exit"
        expect_run ldconfig_seccomp_x32 1 "ldconfig-run: process $spy terminated with signal 31" \
                --rootfs "$r" --ldconfig "@$spy" /spy
        echo i386 >"$r/spy/exit"
        expect_run ldconfig_seccomp_i386 1 "ldconfig-run: process $spy terminated with signal 31" \
                --rootfs "$r" --ldconfig "@$spy" /spy
        rm "$r/spy/exit"
        # Blocked on its FIFO: killed at the deadline, and reaped (--repeat checks).
        expect_run ldconfig_timeout 1 "ldconfig-run: process $spy timed out after 500 ms" \
                --rootfs "$r" --ldconfig "@$spy" --timeout 500 --repeat 2 /spy
        check ldconfig_timeout_killed sh -c '! pgrep -f "^$1 " >/dev/null' sh "$spy"
        expect_run ldconfig_bad_dir 1 "ldconfig-run: invalid library directory \`-v\`: not an absolute path" \
                --rootfs "$r" -- -v
        expect_run ldconfig_bad_pid 1 "ldconfig-run: open mount namespace \`/proc/2147483647/ns/mnt\`: No such file or directory" \
                --rootfs "$r" --pid 2147483647
}

t_standalone
t_supervised
t_prestart
t_spy_host
t_spy_container
t_hostile
t_refused
t_failures
runc_cleanup
assert_no_leaks ldconfig_no_leaks "$IT_SCRATCH"
