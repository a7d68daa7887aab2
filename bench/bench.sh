#!/bin/bash
# bench/bench.sh: the benchmarks of `make bench` (bench/bench.mk; docs/performance.md).
# Run by make as root with BUILD and SRCDIR set (and BENCH_RUN, BENCH_NOOP: the tools of
# bench/tools; BENCH_RESULTS, BENCH_NAME, BENCH_PARTS, BENCH_QUICK: see bench/bench.mk). Each part prints its tables to stdout
# and appends them to the run's file BENCH_RESULTS/YYYY-MM-DD-BENCH_NAME.md. The
# integration tests' lib.sh gives the fake driver roots, the rootfs, private runc
# state and dockerd, and the clean-up at exit.
#
# The scratch space (bundles, container roots, runc and docker state) is a private tmpfs
# (BENCH_TMPFS=0: $TMPDIR as it is). Engines keep bundles and runtime state on tmpfs
# (/run), and a disk makes file creation cost what the disk's file system says: on an ext4
# without a journal (this project's CI machine) every new inode is searched past recently
# deleted ones, so each start costs more the more files the run before it deleted, and
# the same run swings by 2x. The bench re-runs itself inside the mount; the tmpfs is
# unmounted after everything in it is cleaned up.
if [ "${BENCH_TMPFS:-1}" = 1 ] && [ -z "${BENCH_IN_TMPFS:-}" ] && [ "$(id -u)" = 0 ]; then
        tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-tmpfs.XXXXXX") || exit 1
        if ! mount -t tmpfs -o mode=0755,size=50% bench-tmpfs "$tmp"; then
                echo "bench: cannot mount a tmpfs on $tmp" >&2
                rmdir "$tmp"
                exit 1
        fi
        BENCH_IN_TMPFS=1 TMPDIR=$tmp bash "$0" "$@"
        rc=$?
        umount -l "$tmp" && rmdir "$tmp"
        exit "$rc"
fi
# shellcheck source=tests/integration/lib.sh
. "$SRCDIR/tests/integration/lib.sh"
for f in "$SRCDIR"/bench/lib/*.sh "$SRCDIR"/bench/parts/*.sh; do
        # shellcheck disable=SC1090
        . "$f"
done

BENCH_PARTS=${BENCH_PARTS:-start phases scale concurrent rss wake}
BENCH_RESULTS=${BENCH_RESULTS:-$SRCDIR/bench/results}
BENCH_NAME=${BENCH_NAME:-bench}
BENCH_RUN=${BENCH_RUN:-$SRCDIR/build/bench/bench-run}
BENCH_NOOP=${BENCH_NOOP:-$SRCDIR/build/bench/noop}

if ! is_root; then
        echo "bench: needs root (uid 0)" >&2
        exit 1
fi
for part in $BENCH_PARTS; do
        declare -F "bench_$part" >/dev/null || { echo "bench: no part \`$part\`" >&2; exit 1; }
done
fx_init || { echo "bench: set-up failed (fake driver root, rootfs or CDI spec)" >&2; exit 1; }
report_open "$BENCH_RESULTS" "$BENCH_NAME" || { echo "bench: cannot write to $BENCH_RESULTS" >&2; exit 1; }
rc=0
for part in $BENCH_PARTS; do
        it_log "bench: $part"
        "bench_$part" || { echo "bench: part $part failed" >&2; rc=1; }
done
printf "\n(written to %s)\n" "$BENCH_FILE"
exit "$rc"
