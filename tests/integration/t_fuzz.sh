#!/bin/bash
# The libFuzzer targets (tests/fuzz): built with clang, each replays its
# checked-in corpus (every seed once, no mutation), then fuzzes for
# FUZZ_SMOKE_SECONDS (default 5) on a scratch copy of that corpus. One
# PASS per target; a crash, leak or broken invariant is a FAIL naming the
# input kept in $BUILD/fuzz/crashes/. Two targets run at a time (2 cores).
. "$(dirname "$0")/lib.sh"

# The targets carry their own sanitizers: they run in the plain build's make check.
if build_sanitized; then
        skip fuzz "the build uses ASan (SANITIZE=1): the fuzz targets run in the plain build's make check"
        exit 0
fi
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-5}
work=$(scratch_dir fuzz)

# libFuzzer comes with clang's runtime libraries (libclang-rt-14-dev).
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$work/probe.c"
if ! command -v clang >/dev/null; then
        skip fuzz "clang is not installed (packaging/deps.sh installs it)"
        exit 0
elif ! clang -fsanitize=fuzzer,address,undefined -o "$work/probe" "$work/probe.c" 2>"$work/probe.log"; then
        it_indent "$work/probe.log"
        skip fuzz "clang cannot link libFuzzer (libclang-rt-14-dev missing?)"
        exit 0
fi

if ! make -C "$SRCDIR" --no-print-directory -j2 BUILD="$BUILD" fuzz-build >"$work/build.log" 2>&1; then
        tail -n 30 "$work/build.log" | it_indent
        fail fuzz-build "make fuzz-build failed"
        exit 0
fi
mkdir -p "$BUILD/fuzz/crashes"

# run_target NAME: replay, then fuzz; the verdict goes to $work/NAME.result.
run_target() {
        local t=$1 bin=$BUILD/fuzz/fuzz_$1 seeds=$SRCDIR/tests/fuzz/corpus/$1 log=$work/$1.log
        local corpus=$work/corpus-$1 prefix=$BUILD/fuzz/crashes/$1-

        if ! "$bin" -runs=0 -artifact_prefix="$prefix" "$seeds"/* >"$log" 2>&1; then
                echo "replaying the corpus failed" >"$work/$t.result"
                return
        fi
        mkdir -p "$corpus" && cp "$seeds"/* "$corpus"/
        if ! "$bin" -max_total_time="$FUZZ_SMOKE_SECONDS" -timeout=10 -artifact_prefix="$prefix" \
                "$corpus" >>"$log" 2>&1; then
                echo "fuzzing found a failure (input: $(grep -o "$prefix[^ ]*" "$log" | tail -n 1))" >"$work/$t.result"
                return
        fi
        echo ok >"$work/$t.result"
}

report() {
        local t=$1 result

        result=$(cat "$work/$t.result" 2>/dev/null || echo "no result")
        if [ "$result" = ok ]; then
                pass "fuzz $t ($(grep -c '^Executed' "$work/$t.log") seeds, ${FUZZ_SMOKE_SECONDS}s)"
        else
                grep -B2 -A30 -m1 'ERROR\|invariant broken\|re-parse failed\|unstable output' "$work/$t.log" | it_indent
                fail "fuzz $t" "$result"
        fi
}

targets=()
for d in "$SRCDIR"/tests/fuzz/corpus/*/; do
        targets+=("$(basename "$d")")
done
for ((i = 0; i < ${#targets[@]}; i += 2)); do
        pair=("${targets[@]:i:2}")
        for t in "${pair[@]}"; do run_target "$t" & done
        wait
        for t in "${pair[@]}"; do report "$t"; done
done
