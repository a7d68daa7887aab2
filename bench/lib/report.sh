# shellcheck shell=bash disable=SC2153  # BENCH_RUN and BENCH_NOOP come from make
# Timing and tables for bench/bench.sh (sourced after tests/integration/lib.sh).
#
#   measure [bench-run options] -- CMD... [::: CMD...]   prints "median min max maxrss_kib" (ms,
#             KiB) per CMD, or "- - - -" when a CMD or the setup failed (its last output is shown
#             on stderr); CMDs separated by ":::" run interleaved, round by round, and each line
#             then has a fifth field: the median of its time minus the first CMD's, per round
#   report_open FILE     the run's markdown file, with the header describing the machine
#   table TITLE NOTE COLUMN...   starts a table (stdout and the file); row CELL... adds a row
#   st STATS (median and range cells), med / rss / paired STATS, fmt_ms, fmt_x A B, fmt_mib KIB,
#   met VALUE OP LIMIT: the cells

BENCH_RUNS=${BENCH_RUNS:-20}
BENCH_WARMUP=${BENCH_WARMUP:-3}
# A start through runc varies by tens of percent from one run to the next on a shared VM;
# the start tables compare medians a few ms apart, so they take more runs (cheap: ~40 ms each).
BENCH_START_RUNS=${BENCH_START_RUNS:-60}
BENCH_DOCKER_RUNS=${BENCH_DOCKER_RUNS:-5}
# Rounds of many concurrent starts, and of the slow-open root, cost seconds each.
BENCH_CONC_RUNS=${BENCH_CONC_RUNS:-5}
BENCH_CONC_N=${BENCH_CONC_N:-8 32}
BENCH_WAKE_RUNS=${BENCH_WAKE_RUNS:-5}
BENCH_OPEN_DELAY=${BENCH_OPEN_DELAY:-200}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
        BENCH_RUNS=3 BENCH_WARMUP=1 BENCH_DOCKER_RUNS=2 BENCH_CONC_RUNS=1 BENCH_CONC_N=8 BENCH_WAKE_RUNS=1
        BENCH_START_RUNS=3
        BENCH_OPEN_DELAY=50
fi
BENCH_FILE=/dev/null

# measure [bench-run options] -- CMD... [::: CMD...]: the statistics lines of bench-run.
measure() {
        local out a n=1
        for a in "$@"; do [ "$a" != ":::" ] || n=$((n + 1)); done
        out=$(mktemp "$IT_SCRATCH/measure.XXXXXX")
        if ! "$BENCH_RUN" -o "$out" "$@"; then
                it_log "measure failed: $*"
                tail -n 5 "$out" | it_indent
                for ((; n > 0; n--)); do echo "- - - -"; done
        fi
        rm -f "$out"
}

# measure_n RUNS WARMUP [bench-run options] -- CMD...
measure_n() {
        local n=$1 w=$2
        shift 2
        measure -n "$n" -w "$w" "$@"
}

# measure_std [options] -- CMD...: BENCH_RUNS after BENCH_WARMUP.
measure_std() { measure_n "$BENCH_RUNS" "$BENCH_WARMUP" "$@"; }

# measure_start [options] -- CMD...: BENCH_START_RUNS after BENCH_WARMUP.
measure_start() { measure_n "$BENCH_START_RUNS" "$BENCH_WARMUP" "$@"; }

out() { printf '%s\n' "$@" | tee -a "$BENCH_FILE"; }

# table TITLE NOTE COLUMN...
table() {
        local title=$1 note=$2 line sep
        shift 2
        line="|"
        sep="|"
        for c in "$@"; do
                line+=" $c |"
                sep+="---|"
        done
        out "" "### $title" ""
        [ -z "$note" ] || out "$note" ""
        out "$line" "$sep"
}

row() {
        local line="|"
        for c in "$@"; do line+=" $c |"; done
        out "$line"
}

# fmt_ms MS: "12.3" (or "-").
fmt_ms() { awk -v v="$1" 'BEGIN { if (v == "-" || v == "") print "-"; else printf(v < 10 ? "%.2f" : "%.1f", v) }'; }

# fmt_x A B: A / B as "1.23x".
fmt_x() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }

# fmt_mib KIB: "5.2".
fmt_mib() { awk -v v="$1" 'BEGIN { if (v == "-" || v == "") print "-"; else printf "%.1f", v / 1024 }'; }

# met VALUE OP LIMIT: "yes" or "**no**" (OP: le, lt).
met() {
        awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
                if (v == "-" || v == "") { print "-"; exit }
                ok = op == "le" ? v + 0 <= l + 0 : v + 0 < l + 0
                print ok ? "yes" : "**no**" }'
}

# diff_ms A B: A − B in ms (or "-").
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf(a - b < 10 && b - a < 10 ? "%.2f" : "%.1f", a - b) }'; }

# ratio A B: A / B as a plain number (for met).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.3f", a / b }'; }

# st "MED MIN MAX RSS": the two cells "med | min–max" (one argument of row).
st() {
        local med min max
        read -r med min max _ <<<"$1"
        printf '%s | %s–%s\n' "$(fmt_ms "$med")" "$(fmt_ms "$min")" "$(fmt_ms "$max")"
}

# med / rss "MED MIN MAX RSS": one field.
med() { read -r _m _ <<<"$1"; printf '%s\n' "$_m"; }
rss() { read -r _ _ _ _r _ <<<"$1"; printf '%s\n' "$_r"; }
paired() { read -r _ _ _ _ _p <<<"$1"; printf '%s\n' "${_p:--}"; }

_bench_cgroup_mode() {
        if [ -e /sys/fs/cgroup/cgroup.controllers ]; then echo "v2 (unified)"
        elif [ -d /sys/fs/cgroup/unified ]; then echo "v1 (hybrid)"
        else echo "v1 (legacy)"; fi
}

# report_open DIR NAME: $BENCH_FILE = DIR/YYYY-MM-DD-NAME.md (a new file), with the header.
report_open() {
        local dir=$1 name=$2 base n=1 commit dirty cpu
        mkdir -p "$dir" || return 1
        base=$dir/$(date -u +%F)-$name
        BENCH_FILE=$base.md
        while [ -e "$BENCH_FILE" ]; do
                n=$((n + 1))
                BENCH_FILE=$base-$n.md
        done
        # BENCH_COMMIT names the build when BUILD is not this tree's (e.g. an exported older commit).
        commit=${BENCH_COMMIT:-$(git -C "$SRCDIR" rev-parse --short HEAD 2>/dev/null || echo unknown)}
        [ -n "${BENCH_COMMIT:-}" ] || [ -z "$(git -C "$SRCDIR" status --porcelain -- src fake-driver 2>/dev/null)" ] ||
                dirty=" (with uncommitted changes in src/ or fake-driver/)"
        cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
        : >"$BENCH_FILE"
        out "# make bench: $(date -u '+%F %H:%M') UTC" "" \
                "- commit: $commit${dirty:-}" \
                "- CPU: $cpu, $(nproc) online" \
                "- kernel: $(uname -r); cgroup $(_bench_cgroup_mode)" \
                "- runc: $("$IT_RUNC" --version 2>/dev/null | head -n1)" \
                "- docker: client $("$IT_DOCKER" --version 2>/dev/null || echo none); $("$IT_DOCKERD" --version 2>/dev/null | sed 's/^Docker/dockerd/')" \
                "- repetitions: median and min–max of $BENCH_RUNS runs after $BENCH_WARMUP warm-up runs" \
                "  (container starts, tables 1 and 1b: $BENCH_START_RUNS; docker: $BENCH_DOCKER_RUNS; concurrent starts: $BENCH_CONC_RUNS rounds; slow-open root: $BENCH_WAKE_RUNS)" \
                "- scratch space: $(if [ -n "${BENCH_IN_TMPFS:-}" ]; then echo "a private tmpfs"; else echo "${TMPDIR:-/tmp} (BENCH_TMPFS=0)"; fi)" \
                "- fake driver: fake-nvidia-setup, 4 Tesla T4 unless the table says otherwise"
}
