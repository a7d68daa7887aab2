#!/bin/bash
# The parsers and the CLI under valgrind: no invalid access and no definite
# leak in the ld.so.cache, ELF, option, capability-table and device-id
# suites, nor in nvidia-container-cli info and list on a fake driver root.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind >/dev/null; then
        skip valgrind "valgrind is not installed"
        exit 0
fi
# A sanitizer build has its own checker (make check SANITIZE=1); valgrind
# cannot run ASan binaries.
if build_sanitized; then
        skip valgrind "the build uses ASan (SANITIZE=1): valgrind runs in the plain build's make check"
        exit 0
fi
work=$(scratch_dir valgrind)
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite)

for suite in ldcache elf nvc_options libtables devid dsl cli_args; do
        if CK_FORK=no CK_RUN_SUITE=$suite "${vg[@]}" "$BUILD/tests/unit-tests" >"$work/$suite.log" 2>&1; then
                pass "valgrind_suite_$suite"
        else
                fail "valgrind_suite_$suite" "valgrind or the suite failed"
                it_indent "$work/$suite.log"
        fi
done

require_root valgrind_cli || exit 0
root=$work/root
fake_root_create "$root" --gpus 2 || { fail valgrind_cli "no fake driver root"; exit 0; }
for cmd in "info" "info --csv" "list" "list --compat32 -d 1"; do
        name="valgrind_cli_${cmd// /_}"
        # shellcheck disable=SC2086  # the command's words
        "${vg[@]}" --trace-children=no "$BUILD/bin/nvidia-container-cli" --root "$root" $cmd \
                >"$work/cli.out" 2>"$work/cli.log" && [ -s "$work/cli.out" ] && pass "$name" ||
                { fail "$name" "valgrind reported errors"; it_indent "$work/cli.log"; }
done

# configure resolves every container path with openat2 (RESOLVE_IN_ROOT),
# which valgrind 3.19 does not know (syscall 437: ENOSYS), and has no
# fallback by design; make check SANITIZE=1 runs it under ASan and UBSan.
skip valgrind_cli_configure "valgrind $(valgrind --version | sed 's/valgrind-//') lacks openat2; configure is checked under ASan"
