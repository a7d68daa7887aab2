#!/bin/bash
# nvidia-container-cli configure on hostile images (issue 4, "Must show" 4):
# lib dirs, mount targets and CUDA compat libraries that are symlinks to host
# paths (absolute, relative ../.., through /proc/self/root and /proc/1/cwd),
# and a target swapped between a file and a symlink while configure runs.
# Every run either starts the container with its GPU and the driver's files
# (never a host file), or fails with one line and leaves the container's
# mount table as it was; the host's files are byte-identical, no file appears
# in the sentinel dir or in /, /usr/bin and the host's lib dir, no mount
# appears on the host.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib/configure.sh
. "$IT_LIB/configure.sh"

# What the container reports: its GPUs, GPU 0's node, the driver files at
# the paths the image tampered with, the compat library if any.
PROBE_CMD="$ns_probe
/usr/bin/nvidia-smi -L 2>&1 | head -3
probe open /dev/nvidia0
for f in /usr/bin/nvidia-smi $LIBDIR/libcuda.so.$VER $LIBDIR/libcuda.so.999.0.0; do
        if [ -f \$f ]; then echo \"file \$f \$(sha256sum <\$f | cut -c1-64)\"; else echo \"file \$f none\"; fi
done
cat $LIBDIR/libcuda.so.999.0.0 2>/dev/null | head -c 64"

host_state() {
        host_fingerprint "$sentinel"
        ls -a / /usr/bin "$LIBDIR"
        host_mounts
}

hash_of() { sha256sum <"$1" | cut -c1-64; }

# hostile NAME PREP [WANT...]: PREP runs in the image's rootfs (cwd) before
# `runc create`; then configure --device=0 --compute --utility.  Passes when
# the host is untouched and either configure fails with one line and no mount
# left in the container (unless MUST_START=1), or the container starts with
# GPU 0, the driver's nvidia-smi and libcuda, no host content, and its output
# has every WANT line.
hostile() {
        local n=$1 prep=$2 before after out line why=""
        shift 2
        cnt_prepare "$n" /bin/sh -c "$PROBE_CMD" && (cd "$work/$n/rootfs" && eval "$prep") && cnt_create "$n" ||
                { fail "$n" "setup failed"; cnt_delete "$n"; return; }
        before=$(cnt_mounts "$CNT_PID")
        cnt_configure "$n" --device=0 --compute --utility
        if [ "$CFG_RC" != 0 ]; then
                after=$(cnt_mounts "$CNT_PID")
                [ "$CFG_RC" = 1 ] && [ "$(wc -l <<<"$CFG_ERR")" = 1 ] && [[ $CFG_ERR = "nvidia-container-cli: "* ]] ||
                        why="exit $CFG_RC, not one line: $CFG_ERR"
                [ "$before" = "$after" ] || why+=" mounts left in the container: $(comm -13 <(sort <<<"$before") <(sort <<<"$after") | tr '\n' ' ')"
                out="configure failed: $CFG_ERR"
                [ "${MUST_START:-0}" = 1 ] && why+=" configure must succeed here;"
        else
                out=$(cnt_start "$n")
                for line in "GPU 0: NVIDIA Tesla T4 (UUID: GPU-0-FAKE-UUID)" "open /dev/nvidia0: ENXIO" \
                        "file /usr/bin/nvidia-smi $(hash_of "$drv/usr/bin/nvidia-smi")" \
                        "file $LIBDIR/libcuda.so.$VER $(hash_of "$drv$LIBDIR/libcuda.so.$VER")" "$@"; do
                        grep -qxF -- "$line" <<<"$out" || why+=" no '$line';"
                done
                grep -q HOST <<<"$out" && why+=" the container read a host file;"
        fi
        [ "$(host_state)" = "$host_before" ] || why+=" the host changed;"
        if [ -z "$why" ]; then
                pass "$n"
                it_log "$n: ${out%%$'\n'*}"
        else
                fail "$n" "$why"
                it_indent <<<"$out"
                diff <(printf '%s\n' "$host_before") <(host_state) | it_indent
        fi
        cnt_delete "$n"
}

NO_COMPAT="file $LIBDIR/libcuda.so.999.0.0 none"

t_lib_dirs() {
        local mv_libs="mkdir -p .$sentinel && mv .$LIBDIR/* .$sentinel/ && rmdir .$LIBDIR"
        hostile hostile_libdir_symlink_to_root \
                "mv .$LIBDIR/* . && rmdir .$LIBDIR && ln -s / .$LIBDIR"
        hostile hostile_libdir_symlink_to_host_dir "$mv_libs && ln -s $sentinel .$LIBDIR"
        # The image has no such dir: glibc moves to /usr/lib64 so that it still runs.
        hostile hostile_libdir_dangling_to_host_dir "rm usr/lib64/ld-linux-x86-64.so.2 && mv .$LIBDIR/* usr/lib64/ &&
                rmdir .$LIBDIR && ln -s $sentinel .$LIBDIR && echo /usr/lib64 >>etc/ld.so.conf && ldconfig -r ."
        hostile hostile_libdir_relative_escape \
                "$mv_libs && ln -s ../../../../../../../../..$sentinel .$LIBDIR"
        hostile hostile_bindir_symlink_loop "ln -s /usr/bin usr/bin.x && rm -rf usr/bin && mv usr/bin.x usr/bin"
        hostile hostile_firmware_dir_to_host "ln -s $sentinel usr/lib/firmware"
}

t_targets() {
        local t=".$LIBDIR/libcuda.so.$VER"
        hostile hostile_target_abs_host_file "ln -s $sentinel/secret $t"
        hostile hostile_target_relative_escape "ln -s ../../../../../../../../../..$sentinel/secret $t"
        hostile hostile_target_proc_self_root "ln -s /proc/self/root$sentinel/secret $t"
        hostile hostile_target_proc_1_cwd "ln -s /proc/1/cwd$sentinel/secret $t"
        hostile hostile_target_host_dir "ln -s $sentinel $t"
        hostile hostile_binary_abs_host_file "rm usr/bin/nvidia-smi 2>/dev/null; ln -s $sentinel/secret usr/bin/nvidia-smi"
        hostile hostile_binary_proc_self_root "ln -s /proc/self/root$sentinel/secret usr/bin/nvidia-smi"
        skip hostile_proc_driver "an image cannot plant /proc/driver: runc mounts procfs over the image's /proc"
}

t_compat() {
        local c=usr/local/cuda/compat
        hostile compat_symlink_abs_not_mounted \
                "mkdir -p $c && ln -s $sentinel/libcuda.so.999.0.0 $c/libcuda.so.999.0.0" "$NO_COMPAT"
        hostile compat_symlink_proc_self_root_not_mounted \
                "mkdir -p $c && ln -s /proc/self/root$sentinel/libcuda.so.999.0.0 $c/libcuda.so.999.0.0" "$NO_COMPAT"
        hostile compat_dir_symlink_to_host_not_mounted \
                "mkdir -p usr/local/cuda && ln -s $sentinel $c" "$NO_COMPAT"
        MUST_START=1 hostile compat_regular_file_mounted \
                "mkdir -p $c && echo IMAGE COMPAT >$c/libcuda.so.999.0.0" \
                "file $LIBDIR/libcuda.so.999.0.0 $(echo IMAGE COMPAT | sha256sum | cut -c1-64)"
        hostile compat_older_not_mounted \
                "mkdir -p $c && echo IMAGE OLD >$c/libcuda.so.500.0.0" "$NO_COMPAT"
}

# --- e. a target swapped between a file and a host symlink while configure runs -------

# racer TARGET LINK CONTENT READY: rename a symlink to LINK, then a regular
# file holding CONTENT, over TARGET, in a loop; touch READY once running.
# (Run in the background: exec, so that $! is the racer itself.  Its own
# temporary names are created with O_EXCL, never followed.)
racer() {
        exec "$IT_PYTHON" - "$@" <<'EOF'
import os, sys
target, link, content, ready = sys.argv[1:5]
tmp = os.path.join(os.path.dirname(target), ".race%d" % os.getpid())  # no lib*.so.* name
first = True
while True:
    for kind in ("link", "file"):
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if kind == "link":
            os.symlink(link, tmp)
        else:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o755)
            os.write(fd, content.encode())
            os.close(fd)
        os.rename(tmp, target)
    if first:
        open(ready, "w").close()
        first = False
EOF
}

# race NAME RUNS TARGET LINK: RUNS fresh containers, each configured while
# TARGET (in the rootfs) flips.  Every run succeeds (GPU 0 usable; TARGET
# and the libs the driver's, the image's or absent, never a host file) or
# fails with one line; the host never changes.
race() {
        local name=$1 runs=$2 target=$3 link=$4 i pid out why="" ok=0 failed=0 f h ready
        local -A good
        local -a errs=()
        good[none]=1
        good[$(printf 'IMAGE FILE' | sha256sum | cut -c1-64)]=1
        for f in /usr/bin/nvidia-smi "$LIBDIR/libcuda.so.$VER"; do good[$(hash_of "$drv$f")]=1; done
        for ((i = 0; i < runs; i++)); do
                cnt_prepare "$name" /bin/sh -c "$PROBE_CMD" || { why="setup failed"; break; }
                mkdir -p "$(dirname "$work/$name/rootfs$target")"
                rm -f "$work/$name/rootfs$target"
                printf 'IMAGE FILE' >"$work/$name/rootfs$target"
                cnt_create "$name" || { why="runc create failed"; break; }
                ready=$work/$name/ready
                racer "$work/$name/rootfs$target" "$link" 'IMAGE FILE' "$ready" &
                pid=$!
                while [ ! -e "$ready" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
                cnt_configure "$name" --device=0 --compute --utility
                kill "$pid" 2>/dev/null
                wait "$pid" 2>/dev/null
                if [ "$CFG_RC" = 0 ]; then
                        ok=$((ok + 1))
                        out=$(cnt_start "$name")
                        grep -qxF "open /dev/nvidia0: ENXIO" <<<"$out" || why+=" run $i: GPU 0 not usable;"
                        grep -q HOST <<<"$out" && why+=" run $i: the container read a host file;"
                        while read -r _ f h; do
                                [ -n "${good[$h]:-}" ] || why+=" run $i: $f is neither the driver's nor the image's;"
                        done < <(grep '^file ' <<<"$out")
                else
                        failed=$((failed + 1))
                        errs+=("${CFG_ERR#nvidia-container-cli: }")
                        [ "$CFG_RC" = 1 ] && [ "$(wc -l <<<"$CFG_ERR")" = 1 ] || why+=" run $i: exit $CFG_RC: $CFG_ERR;"
                fi
                cnt_delete "$name"
                [ "$(host_state)" = "$host_before" ] || { why+=" run $i: the host changed;"; break; }
        done
        if [ -z "$why" ]; then
                pass "$name"
                it_log "$name: $ok runs configured, $failed failed cleanly"
                [ ${#errs[@]} -eq 0 ] || printf '%s\n' "${errs[@]}" | sort | uniq -c | it_indent
        else
                fail "$name" "$why"
        fi
}

require_root configure_hostile || exit 0
cfg_init || { fail configure_hostile_setup "fake driver or rootfs setup failed"; exit 0; }
sentinel=$work/sentinel
mkdir -p "$sentinel" && echo "HOST SECRET" >"$sentinel/secret" && echo "HOST COMPAT" >"$sentinel/libcuda.so.999.0.0"
host_before=$(host_state)
t_lib_dirs
t_targets
t_compat
race race_binary_target 15 /usr/bin/nvidia-smi "$sentinel/secret"
race race_compat_source 15 /usr/local/cuda/compat/libcuda.so.999.0.0 "$sentinel/libcuda.so.999.0.0"
expect_eq hostile_sentinel_untouched "HOST SECRET
HOST COMPAT" "$(cat "$sentinel/secret" "$sentinel/libcuda.so.999.0.0")"
assert_no_leaks hostile_no_leaks "$drv"
