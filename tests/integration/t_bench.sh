#!/bin/bash
# `make bench BENCH_QUICK=1` (bench/, issue 10) as a smoke test: it runs as root with
# its results in a scratch directory, prints every table (1 to 6, with 2b and 3b),
# writes the same tables to one results file with the machine header, every row of
# every table has numbers and no failed measurement ("-"), and nothing is left: no
# results file in the source tree, no scratch directory, process or mount, no engine
# state on the host. bench-run interleaves several commands (tables 1 and 1b).
# The docker rows are left out (BENCH_DOCKER=0) to keep this fast; `make bench` has them.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_root bench || exit 0
work=$(scratch_dir bench)
res=$work/results
src_results=$(ls -A "$SRCDIR/bench/results" 2>/dev/null)
TITLES=("1. Container start" "1b. Where a start through the runtime goes" "2a. The hook and configure alone" "2b. configure, phases" "3. info, list and cdi generate"
        "3b. Growth" "4. Concurrent starts" "5. Peak RSS" "6. Without waking the GPU")

mkdir -p "$work/tmp"
TMPDIR=$work/tmp BENCH_DOCKER=0 timeout -k 5 300 make -C "$SRCDIR" --no-print-directory BUILD="$BUILD" bench BENCH_QUICK=1 \
        BENCH_RESULTS="$res" BENCH_NAME=smoke >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" = 0 ] && pass bench_quick_exit_0 || { fail bench_quick_exit_0 "exit $rc"; tail -n 20 "$work/err" | it_indent; }

missing=()
for t in "${TITLES[@]}"; do
        grep -qF "### $t" "$work/out" || missing+=("$t")
done
expect_eq bench_every_table_printed "" "${missing[*]}"

file=$(ls "$res"/*-smoke.md 2>/dev/null)
[ "$(wc -l <<<"$file")" = 1 ] && [ -s "$file" ] || { fail bench_results_file "want one $res/*-smoke.md"; file=/dev/null; }
grep -q '^- CPU: .*online$' "$file" && grep -q '^- commit: ' "$file" && grep -q '^- kernel: .*cgroup v' "$file" &&
        pass bench_results_file_header || fail bench_results_file_header "no machine header in $file"
expect_eq bench_results_file_has_the_tables "$(grep -c '^### ' "$work/out")" "$(grep -c '^### ' "$file")"

# Table rows: not the header or separator rows (those follow a "###" title).
bad=$(awk '/^### /{ n = 0; next } /^\|/ { if (++n > 2 && ($0 !~ /[0-9]/ || $0 ~ /\| - \|/)) print }' "$work/out")
expect_eq bench_every_row_has_numbers "" "$bad"
expect_match bench_start_targets_judged '^\| nvidia-container-runtime run, cdi \|.*\| ≤ 1\.3x \| (yes|\*\*no\*\*) \|$' \
        "$(cat "$work/out")"

# bench-run's interleaving: one line per command, each with the paired difference
# (0 for the first); "{k}" in the set-up is the command's index, NAME=VALUE words set the
# command's environment.
out=$("$BUILD/bench/bench-run" -n 3 -w 1 -p -s 'echo x{k}' -- /bin/sh -c 'test {} = x0' ::: \
        X=1 /bin/sh -c 'test "$X" = 1 && test {} = x1' 2>&1)
stats='[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+'
[ "$(wc -l <<<"$out")" = 2 ] && grep -Eq "^$stats 0\.00\$" <<<"$(head -n 1 <<<"$out")" &&
        grep -Eq "^$stats -?[0-9.]+\$" <<<"$(tail -n 1 <<<"$out")" && pass bench_run_interleaves ||
        { fail bench_run_interleaves "want two lines of 5 fields"; it_indent <<<"$out"; }

expect_eq bench_nothing_in_source_results "$src_results" "$(ls -A "$SRCDIR/bench/results" 2>/dev/null)"
expect_eq bench_scratch_removed "" "$(ls -A "$work/tmp")"
assert_no_leaks bench_no_leaks "$work"
assert_host_clean bench_host_clean
