# shellcheck shell=bash disable=SC2154  # globals of bench/lib/fixtures.sh
# 2. The prestart hook and `nvidia-container-cli configure` alone, on a container made
# by `runc create` before each run (untimed), split into phases. The CLI's debug log
# stamps every line with microseconds: the time from a phase's first line to the next
# phase's first line is that phase's. Unlogged: process start-up before the first
# line and exit after the last (the run's wall time minus the log's span). Cross-checks
# by difference: configure with --no-cgroups, and with a static no-op as ldconfig.

# The capabilities NVIDIA_DRIVER_CAPABILITIES=all gives.
PH_CAPS=(--compute --compat32 --display --graphics --ngx --utility --video)

# phases_setup LOG BUNDLE ID: shell text for bench-run -s: keep the last run's LOG in
# LOG.all, create container ID of BUNDLE afresh (its state in BUNDLE/state.json) and
# print its pid.
phases_setup() {
        local q b id=$3
        q=$(printf '%q' "$1")
        b=$(printf '%q' "$2")
        printf '%s' "{ [ ! -f $q ] || { cat $q; echo ----; } >>$q.all; rm -f $q; } &&
$IT_RUNC --root $RR delete -f $id >/dev/null 2>&1;
$IT_RUNC --root $RR create --bundle $b $id </dev/null >/dev/null 2>&1 &&
$IT_RUNC --root $RR state $id >$b/state.json &&
sed -n 's/^ *\"pid\": \([0-9]*\),\$/\1/p' $b/state.json"
}

# phases_split FILE SKIP: median ms per phase over the runs in FILE (logs separated by
# "----"), the first SKIP (warm-up) runs left out; "phase ms" lines in log order.
phases_split() {
        awk -v skip="$2" '
        BEGIN { cur = "start-up (before the library context)" }
        function secs(t) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
        function phase(msg) {
                if (msg ~ /initializing library context/) return "init (context, driver rpc service)"
                if (msg ~ /requesting driver information/) return "driver query (files, ldcache)"
                if (msg ~ /requesting device information/) return "device query (NVML)"
                if (msg ~ /setting pid|configuring container/) return "container set-up (namespaces)"
                if (msg ~ /allowing device/) return "device cgroup"
                if (msg ~ /^executing /) return "ldconfig"
                if (msg ~ /^(mounting|mounted|creating symlink)/) return "mounts"
                if (msg ~ /shutting down|undoing/) return "shutdown"
                return ""
        }
        function flush() {
                if (prev != "" && run >= skip) for (p in acc) { v[p, ++nv[p]] = acc[p] }
                delete acc; prev = ""
        }
        $0 == "----" { flush(); run++; next }
        /^[IWE][0-9][0-9][0-9][0-9] / {
                t = secs($2); msg = $0; sub(/^[^]]*\] /, "", msg)
                p = phase(msg)
                if (p != "" && p != cur) cur = p
                if (!(cur in seen)) { seen[cur] = 1; order[++no] = cur }
                if (prev != "") acc[prev] += (t - pt) * 1000
                prev = cur; pt = t
        }
        END {
                flush()
                for (i = 1; i <= no; i++) {
                        p = order[i]; n = nv[p]
                        if (n == 0) continue
                        for (j = 1; j <= n; j++) {
                                for (k = j; k > 1 && x[k - 1] > v[p, j]; k--) x[k] = x[k - 1]
                                x[k] = v[p, j]
                        }
                        m = n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
                        printf "%s\t%.2f\n", p, m
                }
        }' "$1"
}

bench_phases() {
        local b=$work/phase log=$work/phase/cli.log setup full nocg noldc hookst total p ms logged
        fx_bundle "$b" /bin/true || { it_log "phases: bundle set-up failed"; return 1; }
        setup=$(phases_setup "$log" "$b" bench-phase)
        full=$(measure_std -s "$setup" -- "$cli" --root "$drv" --debug="$log" configure --pid={} --device=all \
                "${PH_CAPS[@]}" "$b/rootfs")
        # The last run's log joins the others.
        [ ! -f "$log" ] || { cat "$log"; echo ----; } >>"$log.all"
        rm -f "$log"
        nocg=$(measure_std -s "$setup" -- "$cli" --root "$drv" configure --pid={} --device=all --no-cgroups \
                "${PH_CAPS[@]}" "$b/rootfs")
        noldc=$(measure_std -s "$setup" -- "$cli" --root "$drv" configure --pid={} --device=all \
                --ldconfig="@$BENCH_NOOP" "${PH_CAPS[@]}" "$b/rootfs")
        hookst=$(measure_std -s "$setup" -i "$b/state.json" -- "$hook" prestart)
        runc_cmd delete -f bench-phase >/dev/null 2>&1

        table "2a. The hook and configure alone (4 GPUs, all capabilities)" "" \
                command "median ms" "min–max ms" "RSS MiB"
        row "nvidia-container-runtime-hook prestart (runs the CLI)" "$(st "$hookst")" "$(fmt_mib "$(rss "$hookst")")"
        row "nvidia-container-cli configure" "$(st "$full")" "$(fmt_mib "$(rss "$full")")"
        row "configure --no-cgroups" "$(st "$nocg")" "$(fmt_mib "$(rss "$nocg")")"
        row "configure --ldconfig=@noop (a static no-op)" "$(st "$noldc")" "$(fmt_mib "$(rss "$noldc")")"
        row "by difference: device cgroup" "$(diff_ms "$(med "$full")" "$(med "$nocg")")" "" ""
        row "by difference: ldconfig" "$(diff_ms "$(med "$full")" "$(med "$noldc")")" "" ""
        row "by difference: hook's own share" "$(diff_ms "$(med "$hookst")" "$(med "$full")")" "" ""

        table "2b. configure, phases from its debug log (median of the runs)" \
                "Each phase runs from its first log line to the next phase's; \"unlogged\" is exec, dynamic loading and exit." \
                phase "median ms" share
        total=$(med "$full")
        logged=0
        while IFS=$'\t' read -r p ms; do
                row "$p" "$(fmt_ms "$ms")" "$(awk -v a="$ms" -v t="$total" 'BEGIN { printf "%.0f%%", 100 * a / t }')"
                logged=$(awk -v a="$logged" -v b="$ms" 'BEGIN { print a + b }')
        done < <(phases_split "$log.all" "$BENCH_WARMUP")
        ms=$(diff_ms "$total" "$logged")
        row "unlogged" "$(fmt_ms "$ms")" "$(awk -v a="$ms" -v t="$total" 'BEGIN { printf "%.0f%%", 100 * a / t }')"
        row "total (wall)" "$(fmt_ms "$total")" "100%"
        _it_rm_tree "$b"
}
