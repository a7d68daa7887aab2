# shellcheck shell=bash disable=SC2034  # globals for the tests that source this
# Containers for the `nvidia-container-cli configure` tests (sourced by
# t_configure.sh and t_configure_hostile.sh, after lib.sh).
#
# cfg_init: $work (scratch), $cli, $drv (a fake driver root, 4 T4s), $base (a
#   glibc rootfs with /etc/debian_version, so the multiarch lib dir is used).
# cnt_prepare NAME [CMD...]: bundle $work/NAME whose rootfs $work/NAME/rootfs
#   is a hard-linked copy of $base (cheap; everything that writes into it
#   replaces directory entries, never a file's bytes), running CMD (default
#   /bin/true).  Edit the rootfs now, then
# cnt_create NAME: `runc create` (the container's stdout and stderr go to
#   $work/NAME/out); sets CNT_PID to its init process.
# cnt_configure NAME ARGS...: `nvidia-container-cli --root $drv configure
#   --pid=$CNT_PID ARGS $work/NAME/rootfs`; stdout/stderr in CFG_OUT/CFG_ERR,
#   returns its exit code.
# cnt_start NAME: `runc start`, wait until it stopped, print its output.
# cnt_delete NAME: force-delete it and remove the bundle.
# cnt_mounts PID: the mount points of PID's mount namespace, one per line
#   (what `nsenter -t PID -m cat /proc/self/mountinfo` shows, read through
#   /proc/PID/mountinfo so nothing of the image's is executed).
# ns_probe: a busybox sh snippet for the container: `probe open|write PATH...`
#   prints "open PATH: ENXIO" (or opened, EPERM, ENOENT, EROFS, ...).
# host_fingerprint DIR: sha256, mode, owner and mtime of every entry under DIR.
# host_mounts: the host's mounts that configure could have left (source or
#   mount point in $work, or a mount point where the driver's files go);
#   other mounts are not ours to watch (other tests may run meanwhile).
# fds_under DIR: open fds (of any process) on files under DIR.

VER=575.57.08
LIBDIR=/usr/lib/x86_64-linux-gnu
LIB32DIR=/usr/lib/i386-linux-gnu

cfg_init() {
        work=$(scratch_dir) || return 1
        cli=$BUILD/bin/nvidia-container-cli
        drv=$work/drv
        base=$work/base
        fake_root_create "$drv" || return 1
        rootfs_glibc "$base" && touch "$base/etc/debian_version"
}

cnt_prepare() {
        local name=$1 b=$work/$1
        shift
        [ $# -gt 0 ] || set -- /bin/true
        mkdir -p "$b" && cp -al "$base" "$b/rootfs" && bundle_create "$b" "$b/rootfs" "$@"
}

cnt_create() {
        local b=$work/$1
        CNT_PID=
        runc_cmd create --bundle "$b" "$1" </dev/null >"$b/out" 2>&1 || { it_indent "$b/out"; return 1; }
        CNT_PID=$(runc_cmd state "$1" | sed -n 's/^ *"pid": \([0-9]*\),$/\1/p')
        [ -n "$CNT_PID" ]
}

cnt_configure() {
        local name=$1
        shift
        CFG_OUT=$("$cli" --root "$drv" configure --pid="$CNT_PID" "$@" "$work/$name/rootfs" 2>"$work/$name/cfg.err")
        CFG_RC=$?
        CFG_ERR=$(cat "$work/$name/cfg.err")
        return "$CFG_RC"
}

cnt_start() {
        local i
        runc_cmd start "$1" >/dev/null 2>&1 || { echo "runc start failed"; return 1; }
        for ((i = 0; i < 200; i++)); do
                runc_cmd state "$1" 2>/dev/null | grep -q '"status": "stopped"' && break
                sleep 0.05
        done
        cat "$work/$1/out"
}

cnt_delete() {
        runc_cmd delete -f "$1" >/dev/null 2>&1
        _it_rm_tree "$work/$1"
}

cnt_mounts() {
        local mp
        while read -r _ _ _ _ mp _; do
                printf '%b\n' "$mp"
        done <"/proc/$1/mountinfo"
}

# shellcheck disable=SC2016  # expanded in the container
ns_probe='probe() {
        local op=$1 f e
        shift
        for f; do
                if [ "$op" = open ]; then e=$( (: <"$f") 2>&1 ) && e=opened
                else e=$( (: >>"$f") 2>&1 ) && e=written; fi
                case $e in
                *"No such device or address") e=ENXIO ;;
                *"Operation not permitted") e=EPERM ;;
                *"No such file or directory" | *"no such file") e=ENOENT ;;
                *"Read-only file system") e=EROFS ;;
                *"Permission denied") e=EACCES ;;
                esac
                echo "$op $f: $e"
        done
}'

host_fingerprint() {
        (cd "$1" && find . -printf '%p %M %U:%G %T@ %s\n' | sort &&
                find . -type f -exec sha256sum {} + | sort)
}

host_mounts() {
        local root mp
        while read -r _ _ _ root mp _; do
                printf -v root '%b' "$root"
                printf -v mp '%b' "$mp"
                case $root$'\n'$mp in
                *"$work"*) ;;
                *) case $mp in
                   /proc/driver* | /dev/nvidia* | /usr/bin/* | /usr/lib/* | /lib/* | /usr/local/cuda*) ;;
                   *) continue ;;
                   esac ;;
                esac
                printf '%s %s\n' "$root" "$mp"
        done </proc/self/mountinfo
}

fds_under() {
        "$IT_PYTHON" - "$1" <<'EOF'
import os, sys
d = os.path.realpath(sys.argv[1])
for pid in os.listdir("/proc"):
    if not pid.isdigit() or int(pid) == os.getpid():
        continue
    try:
        fds = os.listdir("/proc/%s/fd" % pid)
    except OSError:
        continue
    for fd in fds:
        try:
            t = os.readlink("/proc/%s/fd/%s" % (pid, fd))
        except OSError:
            continue
        if t == d or t.startswith(d + "/"):
            print(pid, fd, t)
EOF
}
