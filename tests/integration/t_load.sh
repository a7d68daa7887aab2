#!/bin/bash
# Load and faults.
#  1. LOAD_N (32) GPU containers at once through each path: runc bundles
#     through the runtime shim in the legacy, cdi and jit-cdi modes, docker
#     --gpus and --runtime=nvidia (one private dockerd), podman with a CDI
#     spec, `ctr run --gpus` (private containerd).  Container i asks for GPU
#     i % 5 (4: all; ctr: i % 4) and prints `nvidia-smi -L`; all must exit 0
#     and print exactly their GPUs.  Afterwards nothing of ours is left: no
#     mount of the driver root or the bundles, no process, fd or mapping on
#     the driver root (engines included), no file added to the driver root,
#     no temp file in the bundles, /tmp, /dev/shm or /run/nvidia*.  The wall
#     time per path is logged.
#  2. nvidia-container-cli configure SIGKILLed after a random delay (its
#     debug log tells the phase it died in) on a created runc container,
#     KILL_N (40) times; and the prestart hook SIGKILLed (alone, or with its
#     process group) inside `runc run`, KILL_N / 2 times: no mount left in any
#     namespace once the container is deleted, no driver helper or ldconfig
#     left, no temp file, the container deletes cleanly (hook: runc reports
#     the hook failure and leaves no container).
# LOAD_SEED fixes the random delays (logged); LOAD_PARTS picks the parts
# (default: "shim_legacy shim_cdi shim_jit docker podman ctr kill_cli kill_hook").
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib/configure.sh
. "$IT_LIB/configure.sh"
# shellcheck source=tests/integration/lib/load.sh
. "$IT_LIB/load.sh"

require_root load || exit 0
N=${LOAD_N:-32}
KILL_N=${KILL_N:-40}
LOAD_SEED=${LOAD_SEED:-$$}
LOAD_PARTS=${LOAD_PARTS:-shim_legacy shim_cdi shim_jit docker podman ctr kill_cli kill_hook}
RANDOM=$LOAD_SEED
it_log "LOAD_N=$N KILL_N=$KILL_N LOAD_SEED=$LOAD_SEED"

rt=$BUILD/bin/nvidia-container-runtime
IMG=it-load:latest

# --- set-up: driver root, configs per mode, our binaries on PATH, an image -----------------
cfg_init || { fail load_setup "driver root or rootfs"; exit 0; }
bin=$work/bin
gen=$work/cdi
mkdir -p "$bin" "$gen" "$work/ctr-bin" &&
        ln -s "$BUILD/bin/nvidia-container-runtime-hook" "$bin/nvidia-container-runtime-hook" &&
        ln -s "$cli" "$bin/nvidia-container-cli" || { fail load_setup "bin dir"; exit 0; }
# conf MODE FILE [EXTRA]: a config.toml for MODE on the fake driver root
# (EXTRA: more lines for [nvidia-container-cli]).
conf() {
        printf '[nvidia-container-cli]\nroot = "%s"\npath = "%s"\n%s[nvidia-container-runtime]\nmode = "%s"\n[nvidia-container-runtime.modes.cdi]\nspec-dirs = ["%s"]\n[nvidia-ctk]\npath = "%s"\n' \
                "$drv" "$cli" "${3:-}" "$1" "$gen" "$BUILD/bin/nvidia-ctk" >"$2"
}
conf legacy "$work/legacy.toml" && conf cdi "$work/cdi.toml" && conf jit-cdi "$work/jit.toml" &&
        "$BUILD/bin/nvidia-ctk" --quiet cdi generate --driver-root "$drv" \
                --nvidia-cdi-hook-path "$BUILD/bin/nvidia-cdi-hook" --output "$gen/nvidia.yaml" &&
        rootfs_tarball "$base" "$work/rootfs.tar" || { fail load_setup "configs, CDI spec or tarball"; exit 0; }
# ctr --gpus runs nvidia-container-cli from its PATH without --root: a stand-in adds it.
printf '#!/bin/sh\nexec %q --root %q "$@"\n' "$cli" "$drv" >"$work/ctr-bin/nvidia-container-cli" &&
        chmod 755 "$work/ctr-bin/nvidia-container-cli"
export PATH="$bin:$PATH" NVIDIA_CTK_CONFIG_FILE_PATH=$work/legacy.toml
export ENGINE_PATH=$PATH
drv_files=$(find "$drv" | sort)

# --- leak checks after a path ----------------------------------------------------------------
# load_after NAME DIR TMP_BEFORE: nothing of NAME's containers is left.
load_after() {
        local name=$1 dir=$2 tmp_before=$3
        expect_eq "${name}_no_mount_left" "" "$(load_self_mounts "$drv" "$dir")"
        expect_eq "${name}_nothing_holds_driver_root" "" "$(load_users "$drv")"
        assert_no_leaks "${name}_no_process_left" "$dir"
        expect_eq "${name}_driver_root_unchanged" "$drv_files" "$(find "$drv" | sort)"
        expect_eq "${name}_no_temp_file" "$tmp_before" "$(load_tmp_state)"
}

# stray_files DIR: temp files our tools or ldconfig could leave in bundles.
stray_files() {
        find "$1" -mindepth 2 -maxdepth 2 ! -name rootfs ! -name config.json
        find "$1" -path '*/rootfs/*' \( -name '.*.??????' -o -name '*~' -o -name '*.tmp' \) 2>/dev/null
}

# --- 1a-c. runc bundles through the shim ---------------------------------------------------
# bundles DIR ENVPREFIX: N bundles DIR/I (a hard-linked rootfs copy each)
# whose process runs nvidia-smi -L with NVIDIA_VISIBLE_DEVICES=ENVPREFIX<sel>.
bundles() {
        local dir=$1 i sels=()
        for ((i = 0; i < N; i++)); do
                mkdir -p "$dir/$i" && cp -al "$base" "$dir/$i/rootfs" || return 1
                sels+=("$(load_sel "$i")")
        done
        bundle_create "$dir/tmpl" "$base" nvidia-smi -L &&
                "$IT_PYTHON" - "$dir" "$2" "${sels[@]}" <<'EOF' && rm -rf "$dir/tmpl"
import json, sys
d, prefix, sels = sys.argv[1], sys.argv[2], sys.argv[3:]
c = json.load(open(d + "/tmpl/config.json"))
for i, s in enumerate(sels):
    c["root"]["path"] = "%s/%d/rootfs" % (d, i)
    c["process"]["env"] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                           "NVIDIA_VISIBLE_DEVICES=" + prefix + s]
    with open("%s/%d/config.json" % (d, i), "w") as f:
        json.dump(c, f, indent=2)
EOF
}

# run_shim I: bundle I of $P_DIR through the shim with config $P_CONF.
run_shim() {
        local id=ld-$P_NAME-$1-$$ rc
        NVIDIA_CTK_CONFIG_FILE_PATH=$P_CONF RUNC_BIN=$rt runc_cmd run --bundle "$P_DIR/$1" "$id"
        rc=$?
        runc_cmd delete -f "$id" >/dev/null 2>&1
        return "$rc"
}

t_shim() {
        local name=$1 conf=$2 prefix=$3 tmp_before
        P_NAME=$name P_CONF=$conf P_DIR=$work/$name
        bundles "$P_DIR" "$prefix" || { fail "load_${name}_setup" "bundles"; return; }
        tmp_before=$(load_tmp_state)
        load_spawn "$work/$name.res" "$N" run_shim
        it_log "load_$name: $N containers at once in ${LOAD_SECS}s"
        load_check "load_$name" "$work/$name.res" "$N"
        expect_eq "load_${name}_no_container_left" "" "$(runc_cmd list -q | grep "^ld-$name-")"
        expect_eq "load_${name}_no_stray_file" "" "$(stray_files "$P_DIR")"
        load_after "load_$name" "$P_DIR" "$tmp_before"
        _it_rm_tree "$P_DIR"
}

# --- 1d-e. docker ---------------------------------------------------------------------------------
run_docker_gpus() {
        local s
        s=$(load_sel "$1")
        [ "$s" = all ] || s=device=$s
        docker_run --rm --gpus "$s" "$IMG" nvidia-smi -L
}
run_docker_runtime() {
        docker_run --rm --runtime=nvidia -e "NVIDIA_VISIBLE_DEVICES=$(load_sel "$1")" "$IMG" nvidia-smi -L
}

t_docker() {
        local tmp_before p
        mkdir -p "$work/docker"
        "$IT_PYTHON" "$IT_LIB/json_edit.py" "$work/docker/daemon.json" "c['runtimes'] = {'nvidia': {'path': args[0]}}" "$rt"
        dockerd_start "$work/docker" && image_import_docker "$work/rootfs.tar" "$IMG" >/dev/null ||
                { fail load_docker_setup "dockerd or image import"; dockerd_stop "$work/docker"; return; }
        for p in docker_gpus docker_runtime; do
                tmp_before=$(load_tmp_state)
                load_spawn "$work/$p.res" "$N" "run_$p"
                it_log "load_$p: $N containers at once in ${LOAD_SECS}s"
                load_check "load_$p" "$work/$p.res" "$N"
                expect_eq "load_${p}_no_container_left" "" "$(docker_cmd ps -aq)"
                load_after "load_$p" "$work/docker/data/overlay2" "$tmp_before"
        done
        dockerd_stop "$work/docker"
}

# --- 1f. podman with CDI ------------------------------------------------------------------------
run_podman() { podman_run --rm --device "nvidia.com/gpu=$(load_sel "$1")" "localhost/$IMG" nvidia-smi -L; }

t_podman() {
        local tmp_before
        podman_init "$work/podman" && image_import_podman "$work/rootfs.tar" "$IMG" >/dev/null ||
                { fail load_podman_setup "podman_init or image import"; podman_cleanup "$work/podman"; return; }
        podman_cdi_dir "$gen"
        tmp_before=$(load_tmp_state)
        load_spawn "$work/podman.res" "$N" run_podman
        it_log "load_podman: $N containers at once in ${LOAD_SECS}s"
        load_check load_podman "$work/podman.res" "$N"
        expect_eq load_podman_no_container_left "" "$(podman_cmd ps -aq)"
        load_after load_podman "$work/podman/storage" "$tmp_before"
        podman_cleanup "$work/podman"
}

# --- 1g. ctr run --gpus ----------------------------------------------------------------------------
# ctr --gpus takes indexes only: container I gets GPU I % 4, in its own rootfs copy.
run_ctr() {
        ENGINE_PATH=$work/ctr-bin:$ENGINE_PATH ctr_run --rm --gpus "$(($1 % 4))" --rootfs "$work/ctr/$1" \
                "ld-ctr-$1-$$" /usr/bin/nvidia-smi -L
}

t_ctr() {
        local tmp_before i bad=()
        mkdir -p "$work/ctr" || return
        for ((i = 0; i < N; i++)); do
                cp -al "$base" "$work/ctr/$i" || { fail load_ctr_setup "rootfs copies"; return; }
        done
        containerd_start "$work/containerd" || { fail load_ctr_setup "containerd did not start"; return; }
        tmp_before=$(load_tmp_state)
        load_spawn "$work/ctr.res" "$N" run_ctr
        it_log "load_ctr: $N containers at once in ${LOAD_SECS}s"
        for ((i = 0; i < N; i++)); do
                [ "$(cat "$work/ctr.res/$i.rc")" = 0 ] &&
                        [ "$(cat "$work/ctr.res/$i.out")" = "$(load_smi_line 0 $((i % 4)))" ] || bad+=("$i")
        done
        [ ${#bad[@]} = 0 ] && pass load_ctr_all_exit_0_each_sees_its_gpu ||
                { fail load_ctr_all_exit_0_each_sees_its_gpu "containers ${bad[*]}"; it_indent "$work/ctr.res/${bad[0]}.out"; }
        expect_eq load_ctr_no_container_left "" "$(ctr_cmd containers ls -q)"
        expect_eq load_ctr_no_stray_file "" "$(find "$work/ctr" -name '.*.??????' -o -name '*~')"
        load_after load_ctr "$work/ctr" "$tmp_before"
        containerd_stop "$work/containerd"
        _it_rm_tree "$work/ctr"
}

# --- 2. killed at random points ------------------------------------------------------------------
# phase_of DEBUG_LOG: where the CLI was when it died, from its debug log.
phase_of() {
        if grep -q 'shutting down library context' "$1" 2>/dev/null; then echo exiting
        elif grep -q '] executing .*ldconfig' "$1" 2>/dev/null; then echo ldconfig
        elif grep -q '] mounted ' "$1" 2>/dev/null; then echo mounts
        else echo before-mounts; fi
}

# kill_delay K MAX: microseconds; most below MAX (about the run time of the
# CLI here, ~15 ms, so that some land in each phase), every fourth up to 150 ms.
kill_delay() {
        if (($1 % 4 == 3)); then echo $((RANDOM * 5 % 150000)); else echo $(((RANDOM * 32768 + RANDOM) % $2)); fi
}

# settled DIR: wait (3 s at most) until nothing uses DIR; print what still does.
settled() {
        local i out
        for ((i = 0; i < 30; i++)); do
                out=$(load_users "$1")
                [ -z "$out" ] && return 0
                sleep 0.1
        done
        printf '%s\n' "$out"
}

# after_kill KIND K DIR: the checks once container K (bundle DIR) is gone;
# appends K to the bad_* arrays of the caller.
after_kill() {
        local k=$2 dir=$3 out
        out=$(settled "$drv"; settled "$dir")
        [ -z "$out" ] || { bad_proc+=("$k"); it_indent <<<"$out"; }
        out=$(load_ns_mounts "$dir")
        [ -z "$out" ] || { bad_after+=("$k"); it_indent <<<"$out"; }
        out=$(find "$dir" -path '*/rootfs/*' \( -name '.*.??????' -o -name '*~' -o -name '*.tmp' \) \
                ! -path '*/rootfs/etc/ld.so.cache~' ! -path '*/rootfs/var/cache/ldconfig/aux-cache~')
        [ -z "$out" ] || { bad_tmp+=("$k"); it_indent <<<"$out"; }
        # glibc ldconfig's own temp files, killed while it wrote the cache or
        # its aux cache (the next ldconfig truncates and renames them):
        # counted, not failed.
        [ ! -e "$dir/rootfs/etc/ld.so.cache~" ] && [ ! -e "$dir/rootfs/var/cache/ldconfig/aux-cache~" ] ||
                ldcache_tmp=$((ldcache_tmp + 1))
}

# verdict NAME WHAT K...: PASS when no K, else FAIL naming them.
verdict() {
        local name=$1 what=$2
        shift 2
        if [ $# = 0 ]; then pass "$name"; else fail "$name" "$what: iterations $*"; fi
}

t_kill_cli() {
        local k n res own out tmp_before ldcache_tmp=0 phases=() bad_host=() bad_ns=() bad_del=() bad_proc=() bad_after=() bad_tmp=()
        tmp_before=$(load_tmp_state)
        for ((k = 0; k < KILL_N; k++)); do
                n=kc$k-$$
                cnt_prepare "$n" /bin/sh -c 'nvidia-smi -L' && cnt_create "$n" ||
                        { fail kill_cli_setup "container $k"; return; }
                res=$(load_kill_after "$(kill_delay "$k" 16000)" "$cli" --root "$drv" --debug="$work/$n.dbg" configure \
                        --pid="$CNT_PID" --device=$((k % 4)) --compute --utility "$work/$n/rootfs")
                phases+=("$([ "$res" = killed ] && phase_of "$work/$n.dbg" || echo "finished($res)")")
                out=$(host_mounts)
                [ -z "$out" ] || { bad_host+=("$k"); it_indent <<<"$out"; }
                own=$(stat -L -c %i "/proc/$CNT_PID/ns/mnt")
                out=$(load_ns_mounts "$work/$n" | grep -v "^ns:$own ")
                [ -z "$out" ] || { bad_ns+=("$k"); it_indent <<<"$out"; }
                cnt_start "$n" >/dev/null 2>&1
                runc_cmd delete -f "$n" >/dev/null 2>&1
                ! runc_cmd state "$n" >/dev/null 2>&1 || bad_del+=("$k")
                after_kill cli "$k" "$work/$n"
                _it_rm_tree "$work/$n"
        done
        it_log "kill_cli: phases at the kill: $(printf '%s\n' "${phases[@]}" | sort | uniq -c | tr -s ' \n' ' ')"
        it_log "kill_cli: ldconfig's ld.so.cache~ or aux-cache~ left in $ldcache_tmp container rootfs (killed while writing)"
        verdict kill_cli_no_host_mount "a mount in the host's namespace" "${bad_host[@]}"
        verdict kill_cli_no_mount_outside_container "a mount in another namespace" "${bad_ns[@]}"
        verdict kill_cli_container_deletes_cleanly "runc delete left the container" "${bad_del[@]}"
        verdict kill_cli_no_mount_after_delete "a mount left after delete" "${bad_after[@]}"
        verdict kill_cli_no_driver_process_left "a process left" "${bad_proc[@]}"
        verdict kill_cli_no_temp_file "a temp file left" "${bad_tmp[@]}"
        expect_eq kill_cli_no_temp_file_outside "$tmp_before" "$(load_tmp_state)"
}

# The prestart hook, killed after $1 microseconds (as $2: "pid", the hook
# alone, or "group", its process group); its exit code goes to file $3.
write_killhook() {
        cat >"$bin/killhook" <<EOF
#!/bin/bash
exec 3<&0
setsid $(printf %q "$bin/nvidia-container-runtime-hook") prestart <&3 3<&- &
pid=\$!
sleep "\$(printf '%d.%06d' \$((\$1 / 1000000)) \$((\$1 % 1000000)))"
if [ "\$2" = group ]; then kill -KILL -- "-\$pid"; else kill -KILL "\$pid"; fi 2>/dev/null
wait "\$pid"
rc=\$?
echo "\$rc" >"\$3"
exit "\$rc"
EOF
        chmod 755 "$bin/killhook"
}

t_kill_hook() {
        local k n mode res out rc tmp_before ldcache_tmp=0 killed=0 bad_msg=() bad_run=() bad_del=() bad_proc=() bad_after=() bad_tmp=()
        local phases=()
        conf legacy "$work/hookkill.toml" "debug = \"$work/hook.dbg\"
"
        write_killhook
        tmp_before=$(load_tmp_state)
        for ((k = 0; k < KILL_N / 2; k++)); do
                n=kh$k-$$
                mode=pid
                ((k % 2)) && mode=group
                rm -f "$work/hook.dbg"
                cnt_prepare "$n" /bin/sh -c 'nvidia-smi -L' && bundle_edit "$work/$n" "
c['process']['env'].append('NVIDIA_VISIBLE_DEVICES=' + args[0])
c['hooks'] = {'prestart': [{'path': args[1], 'args': ['killhook', args[2], args[3], args[4]],
    'env': ['NVIDIA_CTK_CONFIG_FILE_PATH=' + args[5], 'PATH=' + args[6]]}]}" $((k % 4)) "$bin/killhook" \
                        "$(kill_delay "$k" 24000)" "$mode" "$work/$n.hookrc" "$work/hookkill.toml" "$PATH" ||
                        { fail kill_hook_setup "bundle $k"; return; }
                out=$(runc_cmd run --bundle "$work/$n" "$n" </dev/null 2>&1)
                rc=$?
                res=$(cat "$work/$n.hookrc" 2>/dev/null)
                if [ "$res" = 0 ]; then
                        phases+=(finished)
                        [ "$rc" = 0 ] && [ "$out" = "$(load_smi_line 0 $((k % 4)))" ] || { bad_run+=("$k"); it_indent <<<"$out"; }
                else
                        killed=$((killed + 1))
                        phases+=("$mode:$(phase_of "$work/hook.dbg")")
                        [ "$rc" != 0 ] && grep -q 'hook' <<<"$out" && ! grep -q '^GPU ' <<<"$out" ||
                                { bad_msg+=("$k"); it_indent <<<"exit $rc: $out"; }
                fi
                runc_cmd state "$n" >/dev/null 2>&1 && bad_del+=("$k")
                runc_cmd delete -f "$n" >/dev/null 2>&1
                after_kill hook "$k" "$work/$n"
                _it_rm_tree "$work/$n"
        done
        it_log "kill_hook: $killed of $((KILL_N / 2)) killed; phases: $(printf '%s\n' "${phases[@]}" | sort | uniq -c | tr -s ' \n' ' ')"
        verdict kill_hook_runc_reports_hook_failure "no failure or no hook error" "${bad_msg[@]}"
        verdict kill_hook_unkilled_container_runs "a hook that finished, but the container failed" "${bad_run[@]}"
        verdict kill_hook_no_container_left "runc kept the container" "${bad_del[@]}"
        verdict kill_hook_no_mount_left "a mount left" "${bad_after[@]}"
        verdict kill_hook_no_process_left "a process left" "${bad_proc[@]}"
        verdict kill_hook_no_temp_file "a temp file left" "${bad_tmp[@]}"
        expect_eq kill_hook_no_temp_file_outside "$tmp_before" "$(load_tmp_state)"
}

for part in $LOAD_PARTS; do
        case $part in
        shim_legacy) t_shim shim_legacy "$work/legacy.toml" "" ;;
        shim_cdi) t_shim shim_cdi "$work/cdi.toml" nvidia.com/gpu= ;;
        shim_jit) t_shim shim_jit "$work/jit.toml" "" ;;
        docker | podman | ctr | kill_cli | kill_hook) "t_$part" ;;
        *) fail load_parts "unknown part $part" ;;
        esac
done
assert_no_leaks load_no_leaks "$work"
assert_host_clean load_host_clean
