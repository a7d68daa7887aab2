# shellcheck shell=bash disable=SC2154  # globals of bench/lib/fixtures.sh
# 3. `nvidia-container-cli info`, `list` and `nvidia-ctk cdi generate` against fake
# roots with 1, 8 and 64 GPUs, and against the 8-GPU root with 4x its libraries
# (fx_more_libs: the copies have names no tool looks for, so what grows is the
# ld.so.cache and the library directories the tools scan, not what they inject).

# scale_cmds ROOT: the three timings "info|list|generate" of ROOT, one line each.
scale_cmds() {
        measure_std -- "$cli" --root "$1" info
        measure_std -- "$cli" --root "$1" list
        measure_std -- "$ctk" --quiet cdi generate --driver-root "$1" --nvidia-cdi-hook-path "$cdihook" \
                --output "$work/scale-out/nvidia.yaml"
}

# scale_row LABEL GPUS LIBS STATS...
scale_row() {
        local label=$1 gpus=$2 libs=$3 info=$4 list=$5 gen=$6 tinfo='' tgen=''
        if [ "$gpus" = 8 ] && [ "$label" = seed ]; then
                tinfo="< 20: $(met "$(med "$info")" lt 20)" tgen="< 20: $(met "$(med "$gen")" lt 20)"
        fi
        row "$gpus" "$libs" "$(fmt_ms "$(med "$info")")" "$tinfo" "$(fmt_ms "$(med "$list")")" \
                "$(fmt_ms "$(med "$gen")")" "$tgen"
}

# per STATS_A STATS_B COUNT: (B - A) / COUNT in ms, 3 decimals.
per() {
        awk -v a="$(med "$1")" -v b="$(med "$2")" -v n="$3" \
                'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%.3f", (b - a) / n }'
}

bench_scale() {
        local n r libs libs4 a b c
        local -a s
        local -A res
        mkdir -p "$work/scale-out"
        for n in 1 8 64; do
                r=$work/g$n
                fake_root_create "$r" --gpus "$n" || { it_log "scale: fake root with $n GPUs failed"; return 1; }
                mapfile -t s < <(scale_cmds "$r")
                res[$n]="${s[0]}|${s[1]}|${s[2]}"
                [ "$n" = 8 ] || fake_root_remove "$r"
        done
        libs=$(fx_more_libs "$work/g8") || { it_log "scale: more libraries failed"; return 1; }
        libs4=$((libs * 4))
        mapfile -t s < <(scale_cmds "$work/g8")
        res[8x]="${s[0]}|${s[1]}|${s[2]}"
        fake_root_remove "$work/g8"

        table "3. info, list and cdi generate against the driver root's size" \
                "Libraries: the driver's shared objects in the root (64- and 32-bit). Targets: info and cdi generate for 8 GPUs < 20 ms." \
                GPUs libraries "info ms" "target, met?" "list ms" "cdi generate ms" "target, met?"
        for n in 1 8 64; do
                IFS='|' read -r a b c <<<"${res[$n]}"
                scale_row seed "$n" "$libs" "$a" "$b" "$c"
        done
        IFS='|' read -r a b c <<<"${res[8x]}"
        scale_row more 8 "$libs4" "$a" "$b" "$c"

        table "3b. Growth" "Per GPU: (64 GPUs − 1 GPU) / 63. Per library: (4x libraries − seed set, 8 GPUs) / the added libraries." \
                command "ms per GPU" "ms per added library"
        local i name
        i=0
        for name in info list "cdi generate"; do
                i=$((i + 1))
                row "$name" "$(per "$(cut -d'|' -f$i <<<"${res[1]}")" "$(cut -d'|' -f$i <<<"${res[64]}")" 63)" \
                        "$(per "$(cut -d'|' -f$i <<<"${res[8]}")" "$(cut -d'|' -f$i <<<"${res[8x]}")" $((libs4 - libs)))"
        done
}
