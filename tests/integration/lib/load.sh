# shellcheck shell=bash
# Helpers of t_load.sh (sourced after lib.sh): many GPU containers at once,
# and the CLI or the hook killed at a chosen moment.
#
# load_sel I / load_want I: the GPU selection of container I (I % 5: GPU 0..3,
#   or "all") and the `nvidia-smi -L` lines it must print.
# load_spawn DIR N FN: run `FN I` for I in 0..N-1 at once (output DIR/I.out,
#   exit code DIR/I.rc), wait for all; sets LOAD_SECS (wall time, "12.3").
# load_check NAME DIR N: PASS/FAIL NAME_all_exit_0 and NAME_each_sees_its_gpus.
# load_users DIR: processes (other than this test) with a cwd, root, exe,
#   command line, open fd or mapped file at or below DIR, one per line.
# load_ns_mounts PATH: mounts, in any mount namespace, whose root or mount
#   point mentions PATH ("ns:INODE ROOT MOUNTPOINT").
# load_self_mounts PATH...: mounts of our namespace whose root or mount point
#   mentions one of the PATHs.
# load_tmp_state: the places a runtime could leave temp files: /tmp (the
#   tests' own it.* dirs left out), /dev/shm, /run/nvidia*, /run/cdi.
# load_kill_after MICROSECONDS CMD...: run CMD, SIGKILL it after the delay
#   unless it ended; prints "killed" or "exited RC".

load_sel() {
        local k=$(($1 % 5))
        if [ "$k" = 4 ]; then echo all; else echo "$k"; fi
}

load_smi_line() { echo "GPU $1: NVIDIA Tesla T4 (UUID: GPU-$2-FAKE-UUID)"; }

load_want() {
        local s
        s=$(load_sel "$1")
        if [ "$s" = all ]; then
                load_smi_line 0 0; load_smi_line 1 1; load_smi_line 2 2; load_smi_line 3 3
        else
                load_smi_line 0 "$s"
        fi
}

_load_now() { date +%s%N; }

load_spawn() {
        local dir=$1 n=$2 fn=$3 i t0 pids=()
        mkdir -p "$dir"
        t0=$(_load_now)
        for ((i = 0; i < n; i++)); do
                ( "$fn" "$i" >"$dir/$i.out" 2>&1 </dev/null; echo $? >"$dir/$i.rc" ) &
                pids+=($!)
        done
        # Not a bare wait: the engines are our children too.
        wait "${pids[@]}"
        # shellcheck disable=SC2034  # read by the caller
        LOAD_SECS=$(awk -v ns=$(($(_load_now) - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
}

load_check() {
        local name=$1 dir=$2 n=$3 i bad_rc=() bad_out=()
        for ((i = 0; i < n; i++)); do
                [ "$(cat "$dir/$i.rc" 2>/dev/null)" = 0 ] || bad_rc+=("$i")
                [ "$(cat "$dir/$i.out" 2>/dev/null)" = "$(load_want "$i")" ] || bad_out+=("$i")
        done
        if [ ${#bad_rc[@]} = 0 ]; then pass "${name}_all_exit_0"
        else fail "${name}_all_exit_0" "containers ${bad_rc[*]} failed"; fi
        if [ ${#bad_out[@]} = 0 ]; then
                pass "${name}_each_sees_its_gpus"
                return 0
        fi
        fail "${name}_each_sees_its_gpus" "containers ${bad_out[*]} printed other GPUs"
        i=${bad_out[0]}
        { echo "container $i (rc $(cat "$dir/$i.rc" 2>/dev/null)), want:"; load_want "$i"; echo "got:"
          head -n 20 "$dir/$i.out"; } | it_indent
        return 1
}

load_users() {
        "$IT_PYTHON" - "$1" <<'EOF'
import os, sys
d = os.path.realpath(sys.argv[1])
under = lambda p: p == d or p.startswith(d + "/")
mine, p = set(), os.getpid()
while p > 1:
    mine.add(p)
    try:
        with open("/proc/%d/stat" % p) as f:
            p = int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        break
for pid in sorted(int(x) for x in os.listdir("/proc") if x.isdigit()):
    if pid in mine:
        continue
    base = "/proc/%d/" % pid
    why = []
    try:
        for link in ["cwd", "root", "exe"] + ["fd/" + fd for fd in os.listdir(base + "fd")]:
            try:
                t = os.readlink(base + link).replace(" (deleted)", "")
            except OSError:
                continue
            if under(t):
                why.append("%s=%s" % (link, t))
        with open(base + "maps") as f:
            why += sorted({"map=" + l.split(None, 5)[5].strip() for l in f
                           if len(l.split(None, 5)) == 6 and under(l.split(None, 5)[5].strip())})
        with open(base + "cmdline", "rb") as f:
            if d.encode() in f.read():
                why.append("cmdline")
        with open(base + "comm") as f:
            comm = f.read().strip()
    except OSError:
        continue
    if why:
        print(pid, comm, " ".join(why[:3]))
EOF
}

load_ns_mounts() {
        "$IT_PYTHON" - "$1" <<'EOF'
import os, sys
d, seen = sys.argv[1], set()
for pid in (x for x in os.listdir("/proc") if x.isdigit()):
    try:
        ns = os.stat("/proc/%s/ns/mnt" % pid).st_ino
        if ns in seen:
            continue
        seen.add(ns)
        with open("/proc/%s/mountinfo" % pid) as f:
            for line in f:
                root, mp = line.split()[3:5]
                if d in root or d in mp:
                    print("ns:%d %s %s" % (ns, root, mp))
    except OSError:
        continue
EOF
}

load_self_mounts() {
        local root mp p
        while read -r _ _ _ root mp _; do
                for p; do
                        case $root$'\n'$mp in *"$p"*) printf '%s %s\n' "$root" "$mp"; break ;; esac
                done
        done </proc/self/mountinfo
}

load_tmp_state() {
        # A compiler's temporaries (cc*.s ...) are the host's doing, not ours.
        find /tmp -mindepth 1 -maxdepth 1 ! -name 'it.*' 2>/dev/null |
                grep -v '^/tmp/cc[A-Za-z0-9]\{6\}\.\(s\|o\|c\|res\|ld\|le\)$'
        find /dev/shm /run/cdi /run/nvidia* /run/nvidia-container-devices -maxdepth 2 2>/dev/null
        return 0
}

load_kill_after() {
        "$IT_PYTHON" - "$@" <<'EOF'
import subprocess, sys, time
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
time.sleep(int(sys.argv[1]) / 1e6)
rc = p.poll()
if rc is None:
    p.kill()
    p.wait()
    print("killed")
else:
    print("exited %d" % rc)
EOF
}
