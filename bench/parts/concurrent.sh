# shellcheck shell=bash disable=SC2154  # globals of bench/lib/fixtures.sh
# 4. N containers started at once (bench-run -j N: N `run`s forked together, the round
# timed from the first fork to the last exit), each its own bundle (/bin/true, all
# GPUs), by plain runc and through the runtime in the legacy and cdi modes.

# conc_row N PATH STATS PLAIN
conc_row() {
        local n=$1 m p
        m=$(med "$3") p=$(med "$4")
        row "$n" "$2" "$(st "$3")" "$(awk -v m="$m" -v n="$n" 'BEGIN { printf "%.1f", m / n }')" \
                "$(awk -v m="$m" -v p="$p" -v n="$n" 'BEGIN { printf "%+.1f", (m - p) / n }')" "$(fmt_x "$m" "$p")"
}

bench_concurrent() {
        local n i d reset plain legacy cdi
        local -a dirs run
        local -A res
        for n in $BENCH_CONC_N; do
                d=$work/conc$n dirs=()
                for ((i = 0; i < n; i++)); do
                        fx_bundle "$d/$i" || { it_log "concurrent: bundle set-up failed"; return 1; }
                        dirs+=("$d/$i")
                done
                reset=$(fx_reset "${dirs[@]}")
                run=(-n "$BENCH_CONC_RUNS" -w 1 -j "$n" -s "$reset" --)
                plain=$(measure "${run[@]}" "$IT_RUNC" --root "$RR" run --bundle "$d/{j}" "bench-c{j}")
                legacy=$(NVIDIA_CTK_CONFIG_FILE_PATH=$work/legacy.toml measure "${run[@]}" \
                        "$rt" --root "$RR" run --bundle "$d/{j}" "bench-c{j}")
                cdi=$(NVIDIA_CTK_CONFIG_FILE_PATH=$work/cdi.toml measure "${run[@]}" \
                        "$rt" --root "$RR" run --bundle "$d/{j}" "bench-c{j}")
                res[$n]="$plain|$legacy|$cdi"
                _it_rm_tree "$d"
        done
        table "4. Concurrent starts" \
                "Wall time of the whole round; per start = wall / N; overhead = (wall − plain runc's wall) / N." \
                N path "wall median ms" "wall min–max ms" "ms per start" "overhead ms per start" ratio
        for n in $BENCH_CONC_N; do
                IFS='|' read -r plain legacy cdi <<<"${res[$n]}"
                conc_row "$n" "runc run (plain)" "$plain" "$plain"
                conc_row "$n" "runtime, legacy" "$legacy" "$plain"
                conc_row "$n" "runtime, cdi" "$cdi" "$plain"
        done
}
