#!/bin/bash
# Runs the unit suites and the integration tests, then prints one summary
# line "N passed, N failed[, N skipped]" and exits non-zero on any failure.
#
# usage: tests/run-tests.sh BUILD_DIR [unit|integration]
set -u
build=$(cd "${1:?usage: run-tests.sh BUILD_DIR [unit|integration]}" && pwd)
what=${2:-all}
src=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp -d /tmp/gpu-stack-tests.XXXXXX)
trap 'rm -rf "$log"' EXIT

passed=0 failed=0 skipped=0

run_unit() {
        # Check's runner writes its own counts; each test case is one result.
        CK_COUNTS_FILE="$log/unit.counts" "$build/tests/unit-tests" 2>&1
        local p=0 f=0
        [ -r "$log/unit.counts" ] && read -r p f <"$log/unit.counts"
        [ -r "$log/unit.counts" ] || f=1
        passed=$((passed + p)) failed=$((failed + f))
}

run_integration() {
        local t out
        for t in "$src"/tests/integration/t_*.sh; do
                [ -e "$t" ] || continue
                echo "== $(basename "$t")"
                out="$log/$(basename "$t").out"
                BUILD="$build" SRCDIR="$src" bash "$t" 2>&1 | tee "$out"
                passed=$((passed + $(grep -c '^PASS: ' "$out")))
                failed=$((failed + $(grep -c '^FAIL: ' "$out")))
                skipped=$((skipped + $(grep -c '^SKIP: ' "$out")))
                # A test script that dies without reporting is a failure too.
                if ! grep -q '^\(PASS\|FAIL\|SKIP\): ' "$out"; then
                        echo "FAIL: $(basename "$t"): reported no result"
                        failed=$((failed + 1))
                fi
        done
}

case $what in
unit) run_unit ;;
integration) run_integration ;;
all) run_unit; run_integration ;;
*) echo "run-tests.sh: unknown test set '$what'" >&2; exit 2 ;;
esac

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
