# shellcheck shell=bash
# Helpers of t_bad_input.sh: run one bad-input case and judge it.
#
# bad NAME RC MODE ERE CMD...: run CMD (stdin: the file $IN, default
# /dev/null; cwd: $BI_CWD) and PASS when
#   - it exits with RC (non-zero, below 128: no signal, no timeout kill);
#   - its error is one line matching ERE, where MODE says which line:
#       line    stderr is exactly that one line (the CLI's "<stage> error: ...",
#               the hook's and the runtime's "<prog>: ...", fake-nvidia-setup)
#       usage   the first line of stderr; usage text may follow (argp's "Try
#               `... --help'" lines, Go's flag usage), as upstream prints it
#       erro    the only ERRO line of stderr (nvidia-ctk and nvidia-cdi-hook
#               log like logrus: INFO/WARN lines may come before it)
#       logrus  stderr is exactly one runc-style `time=... level=error msg=...`
#       report  stdout is exactly that one line (cdi validate lists problems)
#   - no sanitizer, valgrind or crash report appears;
#   - bi_snap of the watched paths ($BI_WATCH plus $BI_WATCH_EXTRA) is the
#     same before and after: no file changed, appeared (temp files) or went.

BI_SANITIZER='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|^==[0-9]+==|Segmentation fault|core dumped|stack smashing|double free|malloc\(\)'

# bi_snap PATH...: every path below PATH with size, mode and mtime, and the
# sha256 of every regular file.  BI_DIR_MTIME=0 leaves out the mtimes of
# directories (an atomic write that fails midway has created and removed
# its temp file there).
bi_snap() {
        local p dfmt='%p %s %m %T@\n'
        [ "${BI_DIR_MTIME:-1}" = 1 ] || dfmt='%p %m\n'
        for p in "$@"; do
                if [ ! -e "$p" ]; then
                        printf 'absent %s\n' "$p"
                        continue
                fi
                { find "$p" ! -type d -printf '%p %s %m %T@\n'; find "$p" -type d -printf "$dfmt"; } | sort
                find "$p" -type f -exec sha256sum {} + | sort
        done
}

# _bi_error_line MODE OUT ERR: the line the case's ERE is matched against,
# or a reason (starting with '!') why the error is not one clear line.
_bi_error_line() {
        local mode=$1 out=$2 err=$3 n
        case $mode in
        line | logrus)
                n=$(wc -l <"$err")
                [ "$n" = 1 ] || { echo "!stderr has $n lines, want 1"; return; }
                if [ "$mode" = logrus ] && ! grep -Eq '^time="[^"]+" level=error msg=".*"$' "$err"; then
                        echo "!not a runc-style error line"
                        return
                fi
                cat "$err" ;;
        usage)
                [ -s "$err" ] || { echo "!stderr is empty"; return; }
                head -n 1 "$err" ;;
        erro)
                n=$(grep -c '^ERRO\[' "$err")
                [ "$n" = 1 ] || { echo "!stderr has $n ERRO lines, want 1"; return; }
                grep '^ERRO\[' "$err" ;;
        report)
                n=$(wc -l <"$out")
                [ "$n" = 1 ] || { echo "!stdout has $n lines, want 1"; return; }
                cat "$out" ;;
        *) echo "!unknown mode $mode" ;;
        esac
}

# _bi_judge RC WANT_RC MODE ERE DIR: why the case in DIR (out, err, before,
# after) fails; nothing when it passes.
_bi_judge() {
        local rc=$1 want_rc=$2 line
        line=$(_bi_error_line "$3" "$5/out" "$5/err")
        if [ "$rc" != "$want_rc" ]; then
                echo "exit $rc, want $want_rc"
        elif grep -Eq -- "$BI_SANITIZER" "$5/err" "$5/out"; then
                echo "sanitizer or crash report"
        elif [ "${line:0:1}" = "!" ]; then
                echo "${line:1}"
        elif ! grep -Eq -- "$4" <<<"$line"; then
                echo "error line does not match /$4/"
        elif ! cmp -s "$5/before" "$5/after"; then
                echo "watched files changed"
                diff "$5/before" "$5/after" | head -n 20 | it_indent
        fi
}

# bad NAME RC MODE ERE CMD...: see above.
bad() {
        local name=$1 want_rc=$2 mode=$3 ere=$4 dir rc why
        shift 4
        dir=$(mktemp -d "$IT_SCRATCH/case.XXXXXX") || return 1
        # shellcheck disable=SC2086  # BI_WATCH_EXTRA is a word list
        bi_snap "${BI_WATCH[@]}" ${BI_WATCH_EXTRA:-} >"$dir/before"
        (cd "${BI_CWD:-/}" && exec timeout -k 5 60 "$@" <"${IN:-/dev/null}" >"$dir/out" 2>"$dir/err")
        rc=$?
        # shellcheck disable=SC2086
        bi_snap "${BI_WATCH[@]}" ${BI_WATCH_EXTRA:-} >"$dir/after"
        why=$(_bi_judge "$rc" "$want_rc" "$mode" "$ere" "$dir")
        if [ -z "$why" ]; then
                pass "$name"
        else
                fail "$name" "$why"
                it_log "command: $*"
                head -c 2000 "$dir/err" | it_indent
                head -c 500 "$dir/out" | it_indent
        fi
        rm -rf "$dir"
        BI_CASES=$((${BI_CASES:-0} + 1))
}

# bi_spec OUT CODE [ARG...]: OUT = the template config.json ($BI_SPEC)
# edited by a Python snippet that sees the spec as `c` and the ARGs as `args`
# (or that sets `raw` to the bytes to write instead).
bi_spec() {
        local out=$1
        shift
        mkdir -p "$(dirname "$out")" && "$IT_PYTHON" - "$BI_SPEC" "$out" "$@" <<'PY'
import json, sys
src, out, code, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
c = json.load(open(src))
raw = None
exec(code)
with open(out, "wb") as f:
    f.write(raw if raw is not None else json.dumps(c, indent=2).encode())
PY
}

# bi_state BUNDLE: an OCI state document for a container of BUNDLE.
bi_state() {
        printf '{"ociVersion":"1.0.2","id":"bi","status":"creating","pid":%s,"bundle":"%s"}' "${BI_PID:-1}" "$1"
}
# bi_disk_cases DIR CAUSE: nvidia-ctk's writes into DIR (runtime configure
# for docker and, in place, containerd; config --in-place; cdi generate
# --output) each fail with one ERRO line naming the file and CAUSE; DIR
# stays byte-identical: no temp file, no partial spec.
bi_disk_cases() {
        local d=$1 cause=$2 e='^ERRO\[[0-9]{4}\] ' tag ctk=$BUILD/bin/nvidia-ctk
        tag=$(tr 'A-Z -' 'a-z__' <<<"$cause")
        BI_WATCH=("$d") BI_DIR_MTIME=0
        bad "disk_${tag}_docker_daemon_json" 1 erro "${e}unable to flush config: .*\`$d/[^\`]*\`: $cause" \
                "$ctk" runtime configure --runtime=docker --config="$d/daemon.json"
        bad "disk_${tag}_containerd_in_place" 1 erro "${e}unable to flush config: .*\`$d/[^\`]*\`: $cause" \
                "$ctk" runtime configure --runtime=containerd --config="$d/config.toml" --drop-in-config=
        bad "disk_${tag}_config_in_place" 1 erro "${e}failed to save config: .*\`$d/[^\`]*\`: $cause" \
                "$ctk" config --config-file="$d/nv.toml" --in-place --set nvidia-container-runtime.mode=cdi
        bad "disk_${tag}_cdi_generate_output" 1 erro "${e}failed to save CDI spec: write CDI spec \`$d/spec\.yaml\`: .*$cause" \
                "$ctk" cdi generate --driver-root "$BI_DRV" --output "$d/spec.yaml"
}

# bi_disk_inner DIR DRIVER_ROOT NV_TOML: in a private mount namespace, a
# 16k tmpfs on DIR holding a daemon.json, a containerd config.toml and a
# copy of NV_TOML, filled up: bi_disk_cases with ENOSPC, then remounted
# read-only: with EROFS.  Returns the number of failures.
bi_disk_inner() {
        local d=$1
        BI_DRV=$2
        mount -t tmpfs -o size=16k,mode=0755 bi-full "$d" || { fail disk_setup "mount tmpfs"; return 1; }
        printf '{\n    "log-level": "warn"\n}' >"$d/daemon.json"
        printf '# mine\nversion = 2\n\n[plugins]\n' >"$d/config.toml"
        cp "$3" "$d/nv.toml"
        dd if=/dev/zero of="$d/filler" bs=1k 2>/dev/null
        [ "$(df --output=avail "$d" | tail -n 1 | tr -d ' ')" = 0 ] || { fail disk_setup "tmpfs not full"; return 1; }
        bi_disk_cases "$d" "No space left on device"
        mount -o remount,ro "$d" || { fail disk_setup "remount ro"; return 1; }
        bi_disk_cases "$d" "Read-only file system"
        return "$IT_FAILED"
}
