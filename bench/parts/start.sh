# shellcheck shell=bash disable=SC2154,SC2015  # globals of bench/lib/fixtures.sh
# 1. Container start: the same bundle (/bin/true, NVIDIA_VISIBLE_DEVICES=all,
# NVIDIA_DRIVER_CAPABILITIES=all) by `runc run`, then by `nvidia-container-runtime
# run` in runc's place in the legacy, cdi and jit-cdi modes; and `docker run --rm`
# of the same rootfs plain, with --gpus=all, and with --runtime=nvidia, through one
# private dockerd. Every run starts from the pristine config.json. Then (1b) the start
# through the runtime taken apart: the shim alone, and runc on the spec it leaves.
# The rows of a table are measured interleaved (bench-run's ":::"): each round runs
# every variant once, so the machine's slow spells (plain `runc run` ranges over 3x on
# a 2-core VM) fall on all of them alike, and "paired" is the median over the rounds
# of a variant's time minus the baseline's in the same round. Each timed run follows
# an untimed one of its own variant (-p): a `runc run` that follows another command is
# slower than one that follows itself (6 ms after an idle 30 ms sleep, 8 ms after a
# GPU start), and without the primer the plain rows paid for that.

# start_row NAME STATS BASE TARGET: a row with the paired difference and the ratio to
# BASE and, with a TARGET ratio, whether it is met.
start_row() {
        local r target= verdict=
        r=$(ratio "$(med "$2")" "$(med "$3")")
        [ -z "$4" ] || target="≤ $4x" verdict=$(met "$r" le "$4")
        row "$1" "$(st "$2")" "$(fmt_ms "$(paired "$2")")" "$(fmt_x "$(med "$2")" "$(med "$3")")" "$target" "$verdict"
}

# runtime_cmd TOML ARGS...: the words of a runtime command with its config (for bench-run).
runtime_cmd() {
        local toml=$1
        shift
        printf '%s\0' "NVIDIA_CTK_CONFIG_FILE_PATH=$toml" "$rt" "$@"
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
        { read -r plain; read -r gpus; read -r nv; } < <(measure_n "$BENCH_DOCKER_RUNS" "$BENCH_WARMUP" -p -- \
                "${run[@]}" "$img" /bin/true ::: "${run[@]}" --gpus=all "$img" /bin/true ::: "${run[@]}" \
                --runtime=nvidia -e NVIDIA_VISIBLE_DEVICES=all -e NVIDIA_DRIVER_CAPABILITIES=all "$img" /bin/true)
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

# start_breakdown B: table 1b, a start through the runtime taken apart: the shim alone
# (its `create` with /bin/true as runc), then plain runc on the spec it leaves, each
# spec variant interleaved with the pristine one (B/config.k0 .. k5).
start_breakdown() {
        local b=$1 m s nmounts nhooks k=0
        local -a stats cmds=()
        table "1b. Where a start through the runtime goes" \
                "Shim alone: \`nvidia-container-runtime create\` with /bin/true as the low-level runtime (its spec edit). The runc rows run the spec as the shim leaves it with plain runc, interleaved with plain \`runc run\` of the pristine spec; extra = the paired difference to that." \
                step "median ms" "min–max ms" "extra ms"
        for m in legacy cdi jit-cdi; do
                [ ${#cmds[@]} = 0 ] || cmds+=(:::)
                mapfile -d '' -O "${#cmds[@]}" cmds < <(runtime_cmd "$work/true-$m.toml" create --bundle "$b" bench-start)
        done
        mapfile -t stats < <(measure_start -p -s "$(fx_reset "$b")" -- "${cmds[@]}")
        for m in legacy cdi jit-cdi; do
                row "shim alone, $m" "$(st "${stats[k]}")" ""
                k=$((k + 1))
        done
        cp "$b/config.orig" "$b/config.k0" && spec_as_left "$b" legacy "$b/config.k1" &&
                noop_hooks "$b" "$b/config.k1" "$b/config.k2" && spec_as_left "$b" cdi "$b/config.k5" &&
                noop_hooks "$b" "$b/config.k5" "$b/config.k4" && cp "$b/config.k5" "$b/config.json" &&
                bundle_edit "$b" "c.pop('hooks', None)" && cp "$b/config.json" "$b/config.k3" ||
                { it_log "start: spec edits failed"; return 1; }
        read -r nmounts nhooks < <("$IT_PYTHON" -c '
import json, sys
o, c = (json.load(open(f)) for f in sys.argv[1:])
print(len(c["mounts"]) - len(o["mounts"]), sum(len(v) for v in c.get("hooks", {}).values()))' "$b/config.orig" "$b/config.k5")
        cmds=()
        for k in 0 1 2 3 4 5; do
                cmds+=("$IT_RUNC" --root "$RR" run --bundle "$b" bench-start :::)
        done
        mapfile -t stats < <(measure_start -p -s "cp $(printf '%q' "$b")/config.k{k} $(printf '%q' "$b/config.json")" -- \
                "${cmds[@]:0:${#cmds[@]}-1}")
        k=1
        for m in "runc run, legacy spec (prestart hook: hook + CLI configure)" \
                "runc run, legacy spec, its hook a static no-op (runc's share of a hook)" \
                "runc run, cdi spec without its hooks (device nodes, $nmounts mounts)" \
                "runc run, cdi spec, its $nhooks hooks static no-ops (runc's share of them)" \
                "runc run, cdi spec ($nmounts mounts, $nhooks createContainer hooks)"; do
                s=${stats[k++]}
                row "$m" "$(st "$s")" "$(fmt_ms "$(paired "$s")")"
        done
}

bench_start() {
        local b=$work/start plain legacy cdi jit m
        local -a cmds=("$IT_RUNC" --root "$RR" run --bundle "$b" bench-start)
        fx_bundle "$b" || { it_log "start: bundle set-up failed"; return 1; }
        for m in legacy cdi jit-cdi; do
                cmds+=(:::)
                mapfile -d '' -O "${#cmds[@]}" cmds < <(runtime_cmd "$work/$m.toml" --root "$RR" run --bundle "$b" bench-start)
        done
        { read -r plain; read -r legacy; read -r cdi; read -r jit; } < <(measure_start -p -s "$(fx_reset "$b")" -- "${cmds[@]}")
        table "1. Container start (/bin/true, all GPUs, all capabilities)" \
                "The rows of each group run interleaved, round by round, each timed run after an untimed one of the same row. Paired: the median over the rounds of the row's time minus plain \`runc run\`'s (\`docker run\`'s) in the same round. Ratios: medians, to plain \`runc run\` for the runtime rows, to plain \`docker run\` for the docker rows." \
                path "median ms" "min–max ms" "paired +ms" ratio target "met?"
        start_row "runc run (plain)" "$plain" "$plain" ""
        start_row "nvidia-container-runtime run, legacy" "$legacy" "$plain" 1.5
        start_row "nvidia-container-runtime run, cdi" "$cdi" "$plain" 1.3
        start_row "nvidia-container-runtime run, jit-cdi" "$jit" "$plain" ""
        start_docker
        start_breakdown "$b"
        _it_rm_tree "$b"
}
