# shellcheck shell=bash disable=SC2154  # globals of bench/lib/fixtures.sh
# 5. Peak RSS (ru_maxrss from wait4) of each binary in its main use, 4 GPUs. wait4
# reports the largest of the process and the children it reaped, so a "tree" row
# includes what the binary runs (the hook runs the CLI, the CLI runs ldconfig and
# its driver helper); the "own" rows replace the child by /bin/true. The runtime
# rows run `create` with /bin/true as the low-level runtime: the shim edits the
# spec, then execs it (an exec keeps the peak of the image before it).

# rss_row BINARY USE STATS
rss_row() {
        local kib
        kib=$(rss "$3")
        row "$1" "$2" "$(fmt_mib "$kib")" "< 8" "$(met "$kib" lt 8192)"
}

bench_rss() {
        local b=$work/phase setup m n=3 w=1 own=$work/hook-own.toml
        local -A r
        fx_bundle "$b" /bin/true || { it_log "rss: bundle set-up failed"; return 1; }
        setup=$(phases_setup "$work/rss.log" "$b" bench-phase)
        r[info]=$(measure_n $n $w -- "$cli" --root "$drv" info)
        r[configure]=$(measure_n $n $w -s "$setup" -- "$cli" --root "$drv" configure --pid={} --device=all \
                "${PH_CAPS[@]}" "$b/rootfs")
        r[hook]=$(measure_n $n $w -s "$setup" -i "$b/state.json" -- "$hook" prestart)
        sed "s|^path = \"$cli\"|path = \"/bin/true\"|" "$work/legacy.toml" >"$own"
        r[hookown]=$(NVIDIA_CTK_CONFIG_FILE_PATH=$own measure_n $n $w -s "$setup" -i "$b/state.json" -- "$hook" prestart)
        r[ldcache]=$(measure_n $n $w -s "$setup" -i "$b/state.json" -- "$cdihook" update-ldcache \
                --folder /usr/lib/x86_64-linux-gnu)
        runc_cmd delete -f bench-phase >/dev/null 2>&1
        for m in legacy cdi jit-cdi; do
                r[$m]=$(NVIDIA_CTK_CONFIG_FILE_PATH=$work/true-$m.toml measure_n $n $w -s "$(fx_reset "$b")" -- \
                        "$rt" create --bundle "$b" bench-rss)
        done
        r[generate]=$(measure_n $n $w -- "$ctk" --quiet cdi generate --driver-root "$drv" \
                --nvidia-cdi-hook-path "$cdihook" --output "$work/rss.yaml")

        table "5. Peak RSS" "Target: < 8 MiB for every binary." binary use "peak RSS MiB" target "met?"
        rss_row nvidia-container-cli "info" "${r[info]}"
        rss_row nvidia-container-cli "configure (tree: with ldconfig and the driver helper)" "${r[configure]}"
        rss_row nvidia-container-runtime-hook "prestart (tree: with the CLI)" "${r[hook]}"
        rss_row nvidia-container-runtime-hook "prestart (own: CLI replaced by /bin/true)" "${r[hookown]}"
        rss_row nvidia-container-runtime "create, legacy" "${r[legacy]}"
        rss_row nvidia-container-runtime "create, cdi" "${r[cdi]}"
        rss_row nvidia-container-runtime "create, jit-cdi" "${r[jit-cdi]}"
        rss_row nvidia-ctk "cdi generate" "${r[generate]}"
        rss_row nvidia-cdi-hook "update-ldcache (tree: with ldconfig)" "${r[ldcache]}"
        _it_rm_tree "$b"
}
