# shellcheck shell=bash disable=SC2154,SC2015  # globals of bench/lib/fixtures.sh
# 1. Container start: the same bundle (/bin/true, NVIDIA_VISIBLE_DEVICES=all,
# NVIDIA_DRIVER_CAPABILITIES=all) by `runc run`, then by `nvidia-container-runtime
# run` in runc's place in the legacy, cdi and jit-cdi modes; and `docker run --rm`
# of the same rootfs plain, with --gpus=all, and with --runtime=nvidia, through one
# private dockerd. Every run starts from the pristine config.json. Then (1b) the start
# through the runtime taken apart: the shim alone, and runc on the spec it leaves.

# start_row NAME STATS BASE TARGET: a row with the ratio to BASE and, with a TARGET
# ratio, whether it is met.
start_row() {
        local r
        r=$(ratio "$(med "$2")" "$(med "$3")")
        if [ -n "$4" ]; then
                row "$1" "$(st "$2")" "$(fmt_x "$(med "$2")" "$(med "$3")")" "≤ $4x" "$(met "$r" le "$4")"
        else
                row "$1" "$(st "$2")" "$(fmt_x "$(med "$2")" "$(med "$3")")" "" ""
        fi
}

start_docker() {
        local img=bench-start:latest d=$work/docker plain gpus nv
        local -a run
        [ "${BENCH_DOCKER:-1}" = 1 ] || { it_log "start: docker left out (BENCH_DOCKER=0)"; return; }
        if ! command -v "$IT_DOCKER" >/dev/null; then
                row "docker run" "not installed | -" "-" "" ""
                return
        fi
        mkdir -p "$d" && "$IT_PYTHON" "$IT_LIB/json_edit.py" "$d/daemon.json" \
                "c['runtimes'] = {'nvidia': {'path': args[0]}}" "$rt" &&
                rootfs_tarball "$base" "$work/rootfs.tar" && dockerd_start "$d" &&
                image_import_docker "$work/rootfs.tar" "$img" >/dev/null ||
                { row "docker run" "dockerd failed | -" "-" "" ""; dockerd_stop "$d"; return; }
        run=("$IT_DOCKER" -H "$DOCKER_HOST" run --rm --pull never --network none)
        plain=$(measure_n "$BENCH_DOCKER_RUNS" "$BENCH_WARMUP" -- "${run[@]}" "$img" /bin/true)
        gpus=$(measure_n "$BENCH_DOCKER_RUNS" "$BENCH_WARMUP" -- "${run[@]}" --gpus=all "$img" /bin/true)
        nv=$(measure_n "$BENCH_DOCKER_RUNS" "$BENCH_WARMUP" -- "${run[@]}" --runtime=nvidia \
                -e NVIDIA_VISIBLE_DEVICES=all -e NVIDIA_DRIVER_CAPABILITIES=all "$img" /bin/true)
        dockerd_stop "$d"
        start_row "docker run (plain)" "$plain" "$plain" ""
        start_row "docker run --gpus=all" "$gpus" "$plain" ""
        start_row "docker run --runtime=nvidia (legacy)" "$nv" "$plain" ""
}

# spec_as_left B MODE OUT: B's config.json as the shim leaves it in MODE (saved as OUT).
spec_as_left() {
        cp "$1/config.orig" "$1/config.json" &&
                NVIDIA_CTK_CONFIG_FILE_PATH=$work/true-$2.toml "$rt" create --bundle "$1" bench-left >/dev/null 2>&1 &&
                cp "$1/config.json" "$3"
}

# noop_hooks B SPEC OUT: SPEC with the path of every hook replaced by the static no-op,
# so that what remains of a hook is what runc spends to run one.
noop_hooks() {
        cp "$2" "$1/config.json" &&
                bundle_edit "$1" "[h.update(path='$BENCH_NOOP') for v in c.get('hooks', {}).values() for h in v]" &&
                cp "$1/config.json" "$3"
}

# start_breakdown B PLAIN: table 1b, a start through the runtime taken apart: the shim
# alone (its `create` with /bin/true as runc), then plain runc on the spec it leaves.
start_breakdown() {
        local b=$1 m s nmounts nhooks
        table "1b. Where a start through the runtime goes" \
                "Shim alone: \`nvidia-container-runtime create\` with /bin/true as the low-level runtime (its spec edit). The runc rows run the spec as the shim leaves it with plain runc; extra = that − plain runc run." \
                step "median ms" "min–max ms" "extra ms"
        for m in legacy cdi jit-cdi; do
                s=$(NVIDIA_CTK_CONFIG_FILE_PATH=$work/true-$m.toml measure_start -s "$(fx_reset "$b")" -- \
                        "$rt" create --bundle "$b" bench-start)
                row "shim alone, $m" "$(st "$s")" ""
        done
        spec_as_left "$b" legacy "$b/config.legacy" && spec_as_left "$b" cdi "$b/config.cdi" &&
                noop_hooks "$b" "$b/config.legacy" "$b/config.legacy-noop" &&
                noop_hooks "$b" "$b/config.cdi" "$b/config.cdi-noop" &&
                cp "$b/config.cdi" "$b/config.json" &&
                bundle_edit "$b" "c.pop('hooks', None)" && cp "$b/config.json" "$b/config.cdi-nohooks" ||
                { it_log "start: spec edits failed"; return 1; }
        read -r nmounts nhooks < <("$IT_PYTHON" -c '
import json, sys
o, c = (json.load(open(f)) for f in sys.argv[1:])
print(len(c["mounts"]) - len(o["mounts"]), sum(len(v) for v in c.get("hooks", {}).values()))' "$b/config.orig" "$b/config.cdi")
        for m in "legacy|runc run, legacy spec (prestart hook: hook + CLI configure)" \
                "legacy-noop|runc run, legacy spec, its hook a static no-op (runc's share of a hook)" \
                "cdi-nohooks|runc run, cdi spec without its hooks (device nodes, $nmounts mounts)" \
                "cdi-noop|runc run, cdi spec, its $nhooks hooks static no-ops (runc's share of them)" \
                "cdi|runc run, cdi spec ($nmounts mounts, $nhooks createContainer hooks)"; do
                s=$(measure_start -s "cp $(printf '%q' "$b/config.${m%%|*}") $(printf '%q' "$b/config.json")" -- \
                        "$IT_RUNC" --root "$RR" run --bundle "$b" bench-start)
                row "${m#*|}" "$(st "$s")" "$(diff_ms "$(med "$s")" "$(med "$2")")"
        done
}

bench_start() {
        local b=$work/start plain legacy cdi jit reset
        fx_bundle "$b" || { it_log "start: bundle set-up failed"; return 1; }
        reset=$(fx_reset "$b")
        plain=$(measure_start -s "$reset" -- "$IT_RUNC" --root "$RR" run --bundle "$b" bench-start)
        legacy=$(NVIDIA_CTK_CONFIG_FILE_PATH=$work/legacy.toml measure_start -s "$reset" -- \
                "$rt" --root "$RR" run --bundle "$b" bench-start)
        cdi=$(NVIDIA_CTK_CONFIG_FILE_PATH=$work/cdi.toml measure_start -s "$reset" -- \
                "$rt" --root "$RR" run --bundle "$b" bench-start)
        jit=$(NVIDIA_CTK_CONFIG_FILE_PATH=$work/jit-cdi.toml measure_start -s "$reset" -- \
                "$rt" --root "$RR" run --bundle "$b" bench-start)
        table "1. Container start (/bin/true, all GPUs, all capabilities)" \
                "Ratios: to plain \`runc run\` for the runtime rows, to plain \`docker run\` for the docker rows." \
                path "median ms" "min–max ms" ratio target "met?"
        start_row "runc run (plain)" "$plain" "$plain" ""
        start_row "nvidia-container-runtime run, legacy" "$legacy" "$plain" 1.5
        start_row "nvidia-container-runtime run, cdi" "$cdi" "$plain" 1.3
        start_row "nvidia-container-runtime run, jit-cdi" "$jit" "$plain" ""
        start_docker
        start_breakdown "$b" "$plain"
        _it_rm_tree "$b"
}
