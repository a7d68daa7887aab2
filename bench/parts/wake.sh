# shellcheck shell=bash disable=SC2154,SC2015  # globals of bench/lib/fixtures.sh
# 6. Without waking the GPU: a fake root where every open of a GPU's device node first
# takes BENCH_OPEN_DELAY (200) ms (fake-nvidia-setup --open-delay, a GPU without
# persistence mode being initialised) against the default root, 4 GPUs each. What
# costs about BENCH_OPEN_DELAY ms x opened nodes more on the slow root opens device
# nodes it need not open.

# wake_measure ROOT SPECDIR TAG: "name=STATS" lines for ROOT.
wake_measure() {
        local root=$1 cdi=$2 tag=$3 b=$work/wake-$3 m setup
        local -a o=(-n "$BENCH_WAKE_RUNS" -w 1)
        fx_bundle "$b" /bin/true || return 1
        for m in legacy cdi jit-cdi; do
                fx_conf "$m" "$work/wake-$tag-$m.toml" "$root" "$cdi" || return 1
        done
        setup=$(phases_setup "$work/wake.log" "$b" bench-wake)
        echo "info=$(measure "${o[@]}" -- "$cli" --root "$root" info)"
        echo "list=$(measure "${o[@]}" -- "$cli" --root "$root" list)"
        echo "configure=$(measure "${o[@]}" -s "$setup" -- "$cli" --root "$root" configure --pid={} --device=all \
                "${PH_CAPS[@]}" "$b/rootfs")"
        runc_cmd delete -f bench-wake >/dev/null 2>&1
        for m in legacy cdi jit-cdi; do
                echo "$m=$(NVIDIA_CTK_CONFIG_FILE_PATH=$work/wake-$tag-$m.toml measure "${o[@]}" -s "$(fx_reset "$b")" -- \
                        "$rt" --root "$RR" run --bundle "$b" bench-wake)"
        done
        echo "generate=$(measure "${o[@]}" -- "$ctk" --quiet cdi generate --driver-root "$root" \
                --nvidia-cdi-hook-path "$cdihook" --output "$work/wake-out.yaml")"
        _it_rm_tree "$b"
}

# wake_extra DEFAULT_MS SLOW_MS: the cells "extra ms | node opens".
wake_extra() {
        awk -v a="$1" -v b="$2" -v d="$BENCH_OPEN_DELAY" \
                'BEGIN { if (a == "-" || b == "-") print "- | -"; else printf "%.1f | %.1f\n", b - a, (b - a) / d }'
}

bench_wake() {
        local slow=$work/slow k v
        local -A def sl
        fake_root_create "$slow" --open-delay "$BENCH_OPEN_DELAY" && fx_spec "$slow" "$work/slow-cdi" ||
                { it_log "wake: slow root set-up failed"; return 1; }
        while IFS='=' read -r k v; do def[$k]=$v; done < <(wake_measure "$drv" "$work/cdi" default)
        while IFS='=' read -r k v; do sl[$k]=$v; done < <(wake_measure "$slow" "$work/slow-cdi" slow)
        fake_root_remove "$slow"
        table "6. Without waking the GPU (--open-delay $BENCH_OPEN_DELAY vs the default root)" \
                "Extra = slow − default; extra / $BENCH_OPEN_DELAY ms ≈ how many GPU node opens (the target is 0)." \
                command "default ms" "open-delay ms" "extra ms" "≈ node opens"
        for k in info list configure legacy cdi jit-cdi generate; do
                local name=$k
                case $k in
                info | list | configure) name="nvidia-container-cli $k" ;;
                generate) name="nvidia-ctk cdi generate" ;;
                *) name="runtime run, $k" ;;
                esac
                row "$name" "$(fmt_ms "$(med "${def[$k]}")")" "$(fmt_ms "$(med "${sl[$k]}")")" \
                        "$(wake_extra "$(med "${def[$k]}")" "$(med "${sl[$k]}")")"
        done
}
