#!/bin/bash
# nvidia-container-runtime (issue 6, "Must show" 3, 4, 5 and 6), against a fake driver root named
# in a config.toml (NVIDIA_CTK_CONFIG_FILE_PATH):
#  - the command line alone: --version (ours, then runc's), a missing
#    low-level runtime, a bundle flag without a value;
#  - runc directly (`nvidia-container-runtime --root STATE run --bundle B ID`):
#    the right GPUs, the final config.json (the seed's hook, the device nodes
#    and cgroup rules), the log in runc's --log file;
#  - errors (malformed config.json, an unknown device): one line, exit 1,
#    config.json byte-identical, no container;
#  - the reload test: a running GPU container opens its GPU with ENXIO, and
#    after `runc update` re-applies its cgroup from config.json it still
#    does and nvidia-smi still works; the same container with only the
#    plain legacy hook loses its GPU (EPERM, "Failed to initialize NVML:
#    Unknown Error"), the bug of seed 004;
#  - the jit-cdi mode (auto with plain ids, or set): GPUs by index, UUID,
#    runtime.nvidia.com name, "none", an unknown id refused, the hooks of
#    the generated spec, the reload test;
#  - a private containerd whose runc runtime binary is the shim (`ctr run
#    --runc-binary`) in the legacy, jit-cdi and cdi modes;
#  - a private dockerd with runtimes.nvidia = the shim: --gpus=all,
#    NVIDIA_VISIBLE_DEVICES=all and =1, the hooks of the final config.json,
#    `docker update` on a running container, a create error as docker
#    reports it (read back from runc's JSON log); and a second entry in
#    mode auto with a spec from `nvidia-ctk cdi generate`: CDI names,
#    runtime.nvidia.com names, --gpus=all (jit-cdi), each mode's hooks, the
#    reload test through docker update.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rt=$BUILD/bin/nvidia-container-runtime
IMG=it-runtime:latest

smi_line() { echo "GPU $1: NVIDIA Tesla T4 (UUID: GPU-$2-FAKE-UUID)"; }
all_gpus() { smi_line 0 0; smi_line 1 1; smi_line 2 2; smi_line 3 3; }
ENXIO="No such device or address"
EPERM="Operation not permitted"

# --- the command line (no root needed) ----------------------------------------------
t_cli() {
        local out rc d
        d=$(scratch_dir cli)
        out=$("$rt" --version 2>&1); rc=$?
        [ "$rc" = 0 ] && [ "$(head -n1 <<<"$out")" = "NVIDIA Container Runtime version 1.17.8" ] &&
                grep -qx 'spec: 1.2.0' <<<"$out" && grep -q '^runc version ' <<<"$out" &&
                pass runtime_version_then_runc_version || { fail runtime_version_then_runc_version "exit $rc"; it_indent <<<"$out"; }

        printf '[nvidia-container-runtime]\nruntimes = ["no-such-runc", "nor-this"]\n' >"$d/config.toml"
        out=$(NVIDIA_CTK_CONFIG_FILE_PATH=$d/config.toml "$rt" --log "$d/log.json" --log-format json state x 2>&1); rc=$?
        expect_eq runtime_no_low_level_runtime_one_line "1
nvidia-container-runtime: failed to create NVIDIA Container Runtime: error constructing low-level runtime: \
error locating runtime: no runtime binary found from candidate list: [no-such-runc nor-this]" "$rc
$out"
        # The same line in runc's log, in runc's JSON format (what containerd reports).
        grep -q '^{"level":"error","msg":"failed to create NVIDIA Container Runtime: .*nor-this\]","time":"[^"]*"}$' \
                "$d/log.json" && pass runtime_error_in_runc_json_log ||
                { fail runtime_error_in_runc_json_log "no JSON error line"; it_indent "$d/log.json"; }

        out=$(NVIDIA_CTK_CONFIG_FILE_PATH=/nonexistent "$rt" create x --bundle 2>&1); rc=$?
        expect_eq runtime_bundle_flag_without_value "1
nvidia-container-runtime: failed to create NVIDIA Container Runtime: error constructing OCI specification: \
error getting bundle dir from args: bundle option requires an argument" "$rc
$out"
}

t_cli
require_root runtime_engines || exit 0

# --- set-up: a driver root, the config, our hook and CLI on PATH, a rootfs ---------------
work=$(scratch_dir)
drv=$work/drv
bin=$work/bin
conf=$work/config.toml
fake_root_create "$drv" || { fail runtime_setup "fake driver setup failed"; exit 0; }
mkdir -p "$bin" && ln -s "$BUILD/bin/nvidia-container-runtime-hook" "$bin/nvidia-container-runtime-hook" &&
        ln -s "$BUILD/bin/nvidia-container-cli" "$bin/nvidia-container-cli"
printf '[nvidia-container-cli]\nroot = "%s"\npath = "%s"\n[nvidia-container-runtime]\nmode = "legacy"\n' \
        "$drv" "$BUILD/bin/nvidia-container-cli" >"$conf"
rootfs_glibc "$work/rootfs" && touch "$work/rootfs/etc/debian_version" &&
        rootfs_tarball "$work/rootfs" "$work/rootfs.tar" || { fail runtime_setup "rootfs setup failed"; exit 0; }
# The shim finds the hook on PATH, as upstream; the hook and the shim read $conf.
export PATH="$bin:$PATH" NVIDIA_CTK_CONFIG_FILE_PATH=$conf

# bundle NAME "ENV..." CMD...: $work/NAME, a copy of the rootfs, whose
# process has PATH and the ENV words.
bundle() {
        local b=$work/$1 env=$2
        shift 2
        [ -d "$b/rootfs" ] || { mkdir -p "$b" && cp -a "$work/rootfs" "$b/rootfs"; } || return 1
        # shellcheck disable=SC2086  # ENV is a word list
        bundle_create "$b" "$b/rootfs" "$@" && bundle_edit "$b" "
c['process']['env'] = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] + args" $env
}

# shim ARGS: the shim in runc's place, with the test's private runc state.
shim() { RUNC_BIN=$rt runc_cmd "$@"; }

# spec_summary CONFIG.JSON: the NVIDIA hooks, the device nodes and the rules.
spec_summary() {
        "$IT_PYTHON" - "$1" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
for h in c.get("hooks", {}).get("prestart", []):
    if h["path"].rsplit("/", 1)[-1] in ("nvidia-container-runtime-hook", "nvidia-container-toolkit"):
        print("hook", h["path"].rsplit("/", 1)[-1], json.dumps(h["args"]))
for d in c["linux"].get("devices", []):
    print("node %s c %d:%d %o" % (d["path"], d["major"], d["minor"], d["fileMode"]))
for r in c["linux"]["resources"].get("devices", []):
    if r.get("allow"):
        print("allow %s %d:%d %s" % (r["type"], r["major"], r["minor"], r["access"]))
EOF
}

# --- runc directly ------------------------------------------------------------------
t_runc() {
        local out rc b=$work/direct want
        bundle direct NVIDIA_VISIBLE_DEVICES=1 /bin/sh -c 'nvidia-smi -L; ls /dev | grep "^nvidia"' ||
                { fail runc_setup "bundle"; return; }
        out=$(shim --log "$work/direct.log" run --bundle "$b" "it-rt-direct-$$" </dev/null 2>&1); rc=$?
        shim delete -f "it-rt-direct-$$" >/dev/null 2>&1
        expect_eq runc_run_env_1_gets_gpu_1 "0
$(smi_line 0 1)
nvidia-uvm
nvidia-uvm-tools
nvidia1
nvidiactl" "$rc
$out"
        want='hook nvidia-container-runtime-hook ["nvidia-container-runtime-hook", "prestart"]
node /dev/nvidiactl c 195:255 666
node /dev/nvidia-uvm c 510:0 666
node /dev/nvidia-uvm-tools c 510:1 666
node /dev/nvidia1 c 195:1 666
allow c 195:255 rwm
allow c 510:0 rwm
allow c 510:1 rwm
allow c 195:1 rwm'
        expect_eq runc_final_config_json_hook_nodes_rules "$want" "$(spec_summary "$b/config.json")"
        grep -q '^time="[^"]*" level=info msg="Applied required modification to OCI specification"$' "$work/direct.log" &&
                pass runc_log_file_has_shim_lines ||
                { fail runc_log_file_has_shim_lines "no text log line"; it_indent "$work/direct.log"; }

        # A second create of the same bundle adds nothing twice.
        out=$(shim run --bundle "$b" "it-rt-again-$$" </dev/null 2>&1); rc=$?
        shim delete -f "it-rt-again-$$" >/dev/null 2>&1
        expect_eq runc_second_create_idempotent "0
$want" "$rc
$(spec_summary "$b/config.json")"

        bundle all NVIDIA_VISIBLE_DEVICES=all nvidia-smi -L || { fail runc_setup "bundle"; return; }
        out=$(shim run --bundle "$work/all" "it-rt-all-$$" </dev/null 2>&1)
        shim delete -f "it-rt-all-$$" >/dev/null 2>&1
        expect_eq runc_run_env_all_gets_4 "$(all_gpus)" "$out"
        _it_rm_tree "$work/all"
}

# expect_refused NAME ERE BUNDLE: create fails with one line that matches
# ERE, config.json stays byte-identical, no container exists.
expect_refused() {
        local name=$1 want=$2 b=$3 out rc
        cp "$b/config.json" "$work/before.json"
        out=$(shim create --bundle "$b" "it-rt-bad-$$" </dev/null 2>&1); rc=$?
        if [ "$rc" != 0 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -Eqx -- "$want" <<<"$out" &&
                cmp -s "$b/config.json" "$work/before.json" && ! runc_cmd list -q | grep -qx "it-rt-bad-$$"; then
                pass "$name"
        else
                fail "$name" "exit $rc, or not the one line, or config.json changed, or a container exists"
                it_indent <<<"$out"
        fi
        shim delete -f "it-rt-bad-$$" >/dev/null 2>&1
}

t_errors() {
        local b=$work/bad pre="nvidia-container-runtime: could not apply required modification to OCI specification"
        bundle bad NVIDIA_VISIBLE_DEVICES=all /bin/true || { fail errors_setup "bundle"; return; }
        # Cut short in the middle of the document.
        head -c 40 "$b/config.json" >"$work/cut.json" && cp "$work/cut.json" "$b/config.json"
        expect_refused malformed_config_json_one_error_untouched_no_container \
                "$pre: error loading OCI specification for modification: load OCI spec \`$b/config.json\`: invalid JSON at line [0-9]+, column [0-9]+: .+" "$b"
        # An error after the spec was read and changed in memory: nothing written either.
        bundle bad2 NVIDIA_VISIBLE_DEVICES=9 /bin/true || { fail errors_setup "bundle"; return; }
        expect_refused unknown_device_one_error_untouched_no_container \
                "$pre: error modifying OCI spec: device error: unknown device id: 9" "$work/bad2"
}

# --- the reload test -----------------------------------------------------------------
# probe EXEC...: how the container's GPU 0 node opens, and nvidia-smi -L,
# run through EXEC (a runc or docker exec command line).
probe() {
        "$@" /bin/sh -c 'cat /dev/nvidia0 2>&1 | sed "s/^cat: //"; nvidia-smi -L 2>&1' 2>&1 | tr '\n' '|'
}

# reload STATE_JSON UPDATE-CMD -- EXEC...: the probe before, after UPDATE-CMD
# (runc or docker update), and after a cgroup reload from STATE_JSON.
reload() {
        local state=$1 update=() out
        shift
        while [ "$1" != -- ]; do update+=("$1"); shift; done
        shift
        out="before: $(probe "$@")"
        "${update[@]}" >/dev/null 2>&1 || out+="(update failed)"
        out+="update: $(probe "$@")"
        cgroup_reload_devices "$state" || out+="(reload failed: $?)"
        out+="reload: $(probe "$@")"
        printf '%s\n' "$out"
}

OK0="can't open '/dev/nvidia0': $ENXIO|$(smi_line 0 0)|"
LOST0="can't open '/dev/nvidia0': $EPERM|Failed to initialize NVML: Unknown Error|"

t_reload() {
        local out id_rt=it-rt-reload-$$ id_hook=it-rt-hookonly-$$ root=${RUNC_ROOT:-$IT_SCRATCH/runc-state}
        # Through the shim: the nodes and their rules are in config.json, so
        # runc owns them and a reload keeps them.
        bundle reload NVIDIA_VISIBLE_DEVICES=0 sleep 120 && shim run -d --bundle "$work/reload" "$id_rt" \
                </dev/null >"$work/reload.out" 2>&1 || { fail reload_setup "shim run -d failed"; it_indent "$work/reload.out"; return; }
        out=$(reload "$root/$id_rt/state.json" runc_cmd update --pids-limit 1000 "$id_rt" -- runc_cmd exec "$id_rt")
        expect_eq reload_shim_legacy_gpu_survives_update_and_reload "before: ${OK0}update: ${OK0}reload: $OK0" "$out"

        # The plain legacy hook only (what upstream's runtime adds), plain
        # runc: `runc update` leaves the device cgroup alone (SkipDevices),
        # the reload takes the GPU away (seed 004).
        bundle hookonly NVIDIA_VISIBLE_DEVICES=0 sleep 120 && bundle_edit "$work/hookonly" "
c['hooks'] = {'prestart': [{'path': args[0], 'args': ['nvidia-container-runtime-hook', 'prestart'],
    'env': ['NVIDIA_CTK_CONFIG_FILE_PATH=' + args[1]]}]}" "$bin/nvidia-container-runtime-hook" "$conf" &&
                runc_cmd run -d --bundle "$work/hookonly" "$id_hook" </dev/null >"$work/hookonly.out" 2>&1 ||
                { fail reload_setup "runc run -d failed"; it_indent "$work/hookonly.out"; return; }
        out=$(reload "$root/$id_hook/state.json" runc_cmd update --pids-limit 1000 "$id_hook" -- runc_cmd exec "$id_hook")
        expect_eq reload_hook_only_gpu_lost_seed_004 "before: ${OK0}update: ${OK0}reload: $LOST0" "$out"
        runc_cmd delete -f "$id_rt" >/dev/null 2>&1
        runc_cmd delete -f "$id_hook" >/dev/null 2>&1
}

# --- cdi mode ----------------------------------------------------------------------------
# A CDI spec for the fake driver root, written by hand (no generator yet):
# one device per GPU and "all", the control nodes, nvidia-smi and NVML.
write_cdi_spec() {
        local dir=$1 i nodes="" lib=/usr/lib/x86_64-linux-gnu
        mkdir -p "$dir"
        {
                printf 'cdiVersion: "0.5.0"\nkind: nvidia.com/gpu\ndevices:\n'
                for i in 0 1 2 3; do
                        printf -- '- name: "%s"\n  containerEdits:\n    deviceNodes:\n    - path: /dev/nvidia%s\n      hostPath: %s/dev/nvidia%s\n' \
                                "$i" "$i" "$drv" "$i"
                        nodes+="    - path: /dev/nvidia$i"$'\n'"      hostPath: $drv/dev/nvidia$i"$'\n'
                done
                printf -- '- name: all\n  containerEdits:\n    deviceNodes:\n%s' "$nodes"
                printf 'containerEdits:\n  deviceNodes:\n'
                for i in nvidiactl nvidia-uvm nvidia-uvm-tools; do
                        printf -- '  - path: /dev/%s\n    hostPath: %s/dev/%s\n' "$i" "$drv" "$i"
                done
                printf '  mounts:\n'
                printf -- '  - hostPath: %s\n    containerPath: %s\n    options: [ro, nosuid, nodev, bind]\n' \
                        "$drv/usr/bin/nvidia-smi" /usr/bin/nvidia-smi \
                        "$drv$lib/libnvidia-ml.so.575.57.08" "$lib/libnvidia-ml.so.1"
        } >"$dir/nvidia.yaml"
        # A broken spec beside it is skipped (and named when injection fails).
        printf 'cdiVersion: "0.5.0"\nkind: broken.example.com/x\ndevices: [\n' >"$dir/broken.yaml"
}

# cdi_run CONF NAME "ENV..." CMD...: the bundle NAME run through the shim with CONF.
cdi_run() {
        local conf=$1 name=$2 env=$3 rc
        shift 3
        bundle "$name" "$env" "$@" || { echo "bundle set-up failed"; return 1; }
        NVIDIA_CTK_CONFIG_FILE_PATH=$conf shim --log "$work/cdi.log" run --bundle "$work/$name" "it-rt-$name-$$" \
                </dev/null 2>&1
        rc=$?
        shim delete -f "it-rt-$name-$$" >/dev/null 2>&1
        return "$rc"
}

t_cdi() {
        local cdi=$work/cdi auto=$work/config-auto.toml mode_cdi=$work/config-cdi.toml out rc root
        root=${RUNC_ROOT:-$IT_SCRATCH/runc-state}
        write_cdi_spec "$cdi"
        printf '[nvidia-container-cli]\nroot = "%s"\n[nvidia-container-runtime]\nmode = "%%s"\n[nvidia-container-runtime.modes.cdi]\nspec-dirs = ["%s"]\n' \
                "$drv" "$cdi" >"$work/config.fmt"
        # shellcheck disable=SC2059  # the file is the format
        printf "$(cat "$work/config.fmt")" auto >"$auto"
        # shellcheck disable=SC2059
        printf "$(cat "$work/config.fmt")" cdi >"$mode_cdi"

        out=$(cdi_run "$auto" cdi1 NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=1 nvidia-smi -L)
        expect_eq cdi_auto_cdi_name_gpu_1 "$(smi_line 0 1)" "$out"
        out=$(cdi_run "$mode_cdi" cdi2 NVIDIA_VISIBLE_DEVICES=2 nvidia-smi -L)
        expect_eq cdi_mode_plain_id_gets_default_kind "$(smi_line 0 2)" "$out"

        # An NVIDIA hook in the spec (docker --gpus puts one there) is removed:
        # run, it would refuse to serve a cdi-mode container.
        bundle cdiall NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=all nvidia-smi -L && bundle_edit "$work/cdiall" "
c['hooks'] = {'prestart': [{'path': args[0], 'args': ['nvidia-container-runtime-hook', 'prestart']}]}" \
                "$bin/nvidia-container-runtime-hook" || { fail cdi_setup "bundle"; return; }
        out=$(cdi_run "$auto" cdiall NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=all nvidia-smi -L)
        expect_eq cdi_all_nvidia_hook_removed "$(all_gpus)
0" "$out
$(grep -c nvidia-container-runtime-hook "$work/cdiall/config.json")"

        # Reload: CDI injection put the nodes and rules into config.json.
        bundle cdireload NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=0 sleep 120 &&
                NVIDIA_CTK_CONFIG_FILE_PATH=$auto shim run -d --bundle "$work/cdireload" "it-rt-cdireload-$$" \
                        </dev/null >"$work/cdireload.out" 2>&1 || { fail cdi_setup "run -d"; it_indent "$work/cdireload.out"; return; }
        out=$(reload "$root/it-rt-cdireload-$$/state.json" runc_cmd update --pids-limit 1000 "it-rt-cdireload-$$" -- \
                runc_cmd exec "it-rt-cdireload-$$")
        expect_eq cdi_gpu_survives_update_and_reload "before: ${OK0}update: ${OK0}reload: $OK0" "$out"
        runc_cmd delete -f "it-rt-cdireload-$$" >/dev/null 2>&1

        # Unknown CDI device: refused, untouched, the broken spec named in the log.
        bundle cdibad NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=9 /bin/true || { fail cdi_setup "bundle"; return; }
        NVIDIA_CTK_CONFIG_FILE_PATH=$auto expect_refused cdi_unknown_device_one_error_untouched_no_container \
                "nvidia-container-runtime: could not apply required modification to OCI specification: error modifying \
OCI spec: failed to inject CDI devices: unresolvable CDI devices nvidia.com/gpu=9" "$work/cdibad"
        NVIDIA_CTK_CONFIG_FILE_PATH=$auto shim --log "$work/cdibad.log" create --bundle "$work/cdibad" \
                "it-rt-cdilog-$$" </dev/null >/dev/null 2>&1
        grep -q 'level=warning msg="CDI registry: .*broken\.yaml' "$work/cdibad.log" && pass cdi_broken_spec_skipped_with_warning ||
                { fail cdi_broken_spec_skipped_with_warning "no warning naming broken.yaml"; it_indent "$work/cdibad.log"; }

        for out in cdi1 cdi2 cdiall cdireload cdibad; do _it_rm_tree "$work/$out"; done
}

# --- jit-cdi mode -----------------------------------------------------------------------
# jit_conf MODE FILE: a config.toml for MODE whose generated specs name our
# nvidia-ctk as their hook, with the fake driver root and $gen as spec dir.
jit_conf() {
        printf '[nvidia-container-cli]\nroot = "%s"\n[nvidia-container-runtime]\nmode = "%s"\n[nvidia-container-runtime.modes.cdi]\nspec-dirs = ["%s"]\n[nvidia-ctk]\npath = "%s"\n' \
                "$drv" "$1" "$gen" "$BUILD/bin/nvidia-ctk" >"$2"
}

# create_hooks CONFIG.JSON: the createContainer hooks, one line each, and
# the number of prestart hooks.
create_hooks() {
        "$IT_PYTHON" - "$1" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
for h in c.get("hooks", {}).get("createContainer", []):
    print(h["path"].rsplit("/", 1)[-1], " ".join(h["args"][1:3]), " ".join(h.get("env", [])))
print("prestart", len([h for h in c.get("hooks", {}).get("prestart", [])
                       if "nvidia" in h["path"]]))
EOF
}

JIT_HOOKS="nvidia-ctk hook create-symlinks NVIDIA_CTK_DEBUG=false
nvidia-ctk hook create-symlinks NVIDIA_CTK_DEBUG=false
nvidia-ctk hook enable-cuda-compat NVIDIA_CTK_DEBUG=false
nvidia-ctk hook update-ldcache NVIDIA_CTK_DEBUG=false
nvidia-ctk hook disable-device-node-modification NVIDIA_CTK_DEBUG=false
prestart 0"
CDI_HOOKS="nvidia-cdi-hook create-symlinks --link NVIDIA_CTK_DEBUG=false
nvidia-cdi-hook create-symlinks --link NVIDIA_CTK_DEBUG=false
nvidia-cdi-hook enable-cuda-compat --host-driver-version=575.57.08 NVIDIA_CTK_DEBUG=false
nvidia-cdi-hook update-ldcache --folder NVIDIA_CTK_DEBUG=false
nvidia-cdi-hook disable-device-node-modification NVIDIA_CTK_DEBUG=false
prestart 0"

t_jit() {
        local out auto=$work/config-jit-auto.toml jit=$work/config-jit.toml root=${RUNC_ROOT:-$IT_SCRATCH/runc-state}
        # auto with plain ids and a driver resolves to jit-cdi.
        out=$(cdi_run "$auto" jit1 NVIDIA_VISIBLE_DEVICES=1 nvidia-smi -L)
        expect_eq jit_auto_plain_id_gpu_1 "$(smi_line 0 1)" "$out"
        out=$(cdi_run "$jit" jitall NVIDIA_VISIBLE_DEVICES=all nvidia-smi -L)
        expect_eq jit_mode_all_lists_4 "$(all_gpus)" "$out"
        out=$(cdi_run "$auto" jituuid NVIDIA_VISIBLE_DEVICES=GPU-3-FAKE-UUID nvidia-smi -L)
        expect_eq jit_uuid_gpu_3 "$(smi_line 0 3)" "$out"
        out=$(cdi_run "$auto" jitname NVIDIA_VISIBLE_DEVICES=runtime.nvidia.com/gpu=2 nvidia-smi -L)
        expect_eq jit_runtime_nvidia_com_name_gpu_2 "$(smi_line 0 2)" "$out"
        # The generated spec's hooks run as `nvidia-ctk hook ...`, each with its own env.
        expect_eq jit_config_json_hooks_shape "$JIT_HOOKS" "$(create_hooks "$work/jitname/config.json")"
        # none: the driver's files, no GPU.
        out=$(cdi_run "$jit" jitnone NVIDIA_VISIBLE_DEVICES=none /bin/sh -c 'nvidia-smi -L; ls /dev | grep "^nvidia"')
        expect_eq jit_none_driver_without_gpu "No devices were found
nvidia-modeset
nvidia-uvm
nvidia-uvm-tools
nvidiactl" "$out"
        # Unknown id: refused, untouched, no container.
        bundle jitbad NVIDIA_VISIBLE_DEVICES=7 /bin/true || { fail jit_setup "bundle"; return; }
        NVIDIA_CTK_CONFIG_FILE_PATH=$jit expect_refused jit_unknown_device_one_error_untouched_no_container \
                "nvidia-container-runtime: could not apply required modification to OCI specification: error modifying \
OCI spec: failed to generate CDI spec: no device matches \"7\"" "$work/jitbad"
        # Reload: the generated device nodes and rules are in config.json.
        bundle jitreload NVIDIA_VISIBLE_DEVICES=0 sleep 120 &&
                NVIDIA_CTK_CONFIG_FILE_PATH=$jit shim run -d --bundle "$work/jitreload" "it-rt-jitreload-$$" \
                        </dev/null >"$work/jitreload.out" 2>&1 || { fail jit_setup "run -d"; it_indent "$work/jitreload.out"; return; }
        out=$(reload "$root/it-rt-jitreload-$$/state.json" runc_cmd update --pids-limit 1000 "it-rt-jitreload-$$" -- \
                runc_cmd exec "it-rt-jitreload-$$")
        expect_eq jit_gpu_survives_update_and_reload "before: ${OK0}update: ${OK0}reload: $OK0" "$out"
        runc_cmd delete -f "it-rt-jitreload-$$" >/dev/null 2>&1
        for out in jit1 jitall jituuid jitname jitnone jitbad jitreload; do _it_rm_tree "$work/$out"; done
}

# --- containerd: a runc runtime whose binary is the shim ------------------------------------
# wrapper NAME CONF: an executable that runs the shim with CONF (engines
# pass their own environment on; this is how one daemon gets several modes).
wrapper() {
        printf '#!/bin/sh\nNVIDIA_CTK_CONFIG_FILE_PATH=%s exec %s "$@"\n' "$2" "$rt" >"$bin/$1" && chmod 0755 "$bin/$1"
}

t_containerd() {
        local out r=$work/ctr-rootfs
        wrapper nvidia-runtime-jit "$work/config-jit.toml" && wrapper nvidia-runtime-cdi "$work/config-cdi-gen.toml" &&
                cp -a "$work/rootfs" "$r" || { fail ctr_setup "set-up"; return; }
        if ! containerd_start "$work/containerd"; then
                fail ctr_setup "containerd did not start"
                return
        fi
        out=$(ctr_run --rm --runc-binary "$rt" --env NVIDIA_VISIBLE_DEVICES=2 --rootfs "$r" "it-rt-ctr1-$$" \
                /usr/bin/nvidia-smi -L 2>&1)
        expect_eq ctr_runc_binary_legacy_env_2 "$(smi_line 0 2)" "$out"
        out=$(ctr_run --rm --runc-binary "$bin/nvidia-runtime-jit" --env NVIDIA_VISIBLE_DEVICES=1,3 --rootfs "$r" \
                "it-rt-ctr2-$$" /usr/bin/nvidia-smi -L 2>&1)
        expect_eq ctr_runc_binary_jit_cdi_env_1_3 "$(smi_line 0 1)
$(smi_line 1 3)" "$out"
        out=$(ctr_run --rm --runc-binary "$bin/nvidia-runtime-cdi" --env NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=all \
                --rootfs "$r" "it-rt-ctr3-$$" /usr/bin/nvidia-smi -L 2>&1)
        expect_eq ctr_runc_binary_cdi_all "$(all_gpus)" "$out"
        containerd_stop "$work/containerd"
}

# --- dockerd with runtimes.nvidia ------------------------------------------------------
drun() { docker_run --rm --runtime=nvidia "$@" 2>&1; }

# hooks_of ID: the NVIDIA prestart hooks of a running container's config.json.
hooks_of() {
        spec_summary "$DOCKERD_DIR/containerd/state/io.containerd.runtime.v2.task/moby/$1/config.json" | grep '^hook '
}

t_docker() {
        local out id state
        out=$(drun --gpus=all "$IMG" nvidia-smi -L)
        expect_eq docker_runtime_nvidia_gpus_all_lists_4 "$(all_gpus)" "$out"
        out=$(drun -e NVIDIA_VISIBLE_DEVICES=all "$IMG" nvidia-smi -L)
        expect_eq docker_runtime_nvidia_env_all_lists_4 "$(all_gpus)" "$out"
        out=$(drun -e NVIDIA_VISIBLE_DEVICES=1 "$IMG" nvidia-smi -L)
        expect_eq docker_runtime_nvidia_env_1_lists_gpu_1 "$(smi_line 0 1)" "$out"

        # The hooks of the final config.json (seed 000/001, legacy): one NVIDIA
        # prestart hook, [nvidia-container-runtime-hook, prestart]; with --gpus
        # it is dockerd's and the shim adds none.
        id=$(docker_run -d --runtime=nvidia -e NVIDIA_VISIBLE_DEVICES=0 "$IMG" sleep 120 2>&1)
        expect_eq docker_config_json_hooks_legacy_shape 'hook nvidia-container-runtime-hook ["nvidia-container-runtime-hook", "prestart"]' \
                "$(hooks_of "$id")"
        # docker update (through the shim to runc), then a reload of the
        # cgroup from the state runc keeps for dockerd's runtime.
        state=$(find "$DOCKERD_DIR/exec" -path "*/$id/state.json" 2>/dev/null | head -n1)
        out=$(reload "$state" docker_cmd update --pids-limit 1000 "$id" -- docker_cmd exec "$id")
        expect_eq docker_gpu_survives_update_and_reload "before: ${OK0}update: ${OK0}reload: $OK0" "$out"
        docker_cmd rm -f "$id" >/dev/null 2>&1
        id=$(docker_run -d --runtime=nvidia --gpus=all "$IMG" sleep 120 2>&1)
        expect_eq docker_gpus_all_one_nvidia_hook 'hook nvidia-container-runtime-hook ["nvidia-container-runtime-hook", "prestart"]' \
                "$(hooks_of "$id")"
        docker_cmd rm -f "$id" >/dev/null 2>&1

        # The CDI modes through a second runtime entry (auto, with a spec
        # written by nvidia-ctk cdi generate): the seeds' createContainer hooks.
        out=$(docker_run --rm --runtime=nvidia-auto -e NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=all "$IMG" nvidia-smi -L 2>&1)
        expect_eq docker_cdi_name_all_lists_4 "$(all_gpus)" "$out"
        out=$(docker_run --rm --runtime=nvidia-auto -e NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=1 "$IMG" nvidia-smi -L 2>&1)
        expect_eq docker_cdi_name_1_lists_gpu_1 "$(smi_line 0 1)" "$out"
        out=$(docker_run --rm --runtime=nvidia-auto -e NVIDIA_VISIBLE_DEVICES=runtime.nvidia.com/gpu=0 "$IMG" nvidia-smi -L 2>&1)
        expect_eq docker_jit_name_0_lists_gpu_0 "$(smi_line 0 0)" "$out"
        out=$(docker_run --rm --runtime=nvidia-auto --gpus=all "$IMG" nvidia-smi -L 2>&1)
        expect_eq docker_auto_gpus_all_jit_lists_4 "$(all_gpus)" "$out"
        id=$(docker_run -d --runtime=nvidia-auto -e NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=all "$IMG" sleep 120 2>&1)
        expect_eq docker_config_json_hooks_cdi_shape "$CDI_HOOKS" \
                "$(create_hooks "$DOCKERD_DIR/containerd/state/io.containerd.runtime.v2.task/moby/$id/config.json")"
        docker_cmd rm -f "$id" >/dev/null 2>&1
        id=$(docker_run -d --runtime=nvidia-auto -e NVIDIA_VISIBLE_DEVICES=runtime.nvidia.com/gpu=0 "$IMG" sleep 120 2>&1)
        expect_eq docker_config_json_hooks_jit_shape "$JIT_HOOKS" \
                "$(create_hooks "$DOCKERD_DIR/containerd/state/io.containerd.runtime.v2.task/moby/$id/config.json")"
        state=$(find "$DOCKERD_DIR/exec" -path "*/$id/state.json" 2>/dev/null | head -n1)
        out=$(reload "$state" docker_cmd update --pids-limit 1000 "$id" -- docker_cmd exec "$id")
        expect_eq docker_jit_gpu_survives_update_and_reload "before: ${OK0}update: ${OK0}reload: $OK0" "$out"
        docker_cmd rm -f "$id" >/dev/null 2>&1

        # A create error reaches the docker user: containerd reads it from
        # runc's JSON log, where the shim wrote it.
        out=$(drun -e NVIDIA_VISIBLE_DEVICES=9 "$IMG" /bin/echo container-ran)
        ! grep -q container-ran <<<"$out" && grep -qF "OCI runtime create failed: could not apply required modification \
to OCI specification: error modifying OCI spec: device error: unknown device id: 9" <<<"$out" &&
                pass docker_create_error_reported || { fail docker_create_error_reported "want the shim's reason"; it_indent <<<"$out"; }
}

# A spec written by nvidia-ctk for the driver root, for the cdi modes.
gen=$work/cdi-gen
mkdir -p "$gen" && "$BUILD/bin/nvidia-ctk" --quiet cdi generate --driver-root "$drv" \
        --nvidia-cdi-hook-path "$BUILD/bin/nvidia-cdi-hook" --output "$gen/nvidia.yaml" ||
        fail runtime_setup "nvidia-ctk cdi generate failed"
jit_conf cdi "$work/config-cdi-gen.toml" && jit_conf auto "$work/config-jit-auto.toml" &&
        jit_conf jit-cdi "$work/config-jit.toml"

t_runc
t_errors
t_reload
t_cdi
t_jit
export ENGINE_PATH=$PATH
t_containerd

mkdir -p "$work/docker"
wrapper nvidia-runtime-auto "$work/config-jit-auto.toml"
"$IT_PYTHON" "$IT_LIB/json_edit.py" "$work/docker/daemon.json" \
        "c['runtimes'] = {'nvidia': {'path': args[0]}, 'nvidia-auto': {'path': args[1]}}" "$rt" "$bin/nvidia-runtime-auto"
if ! dockerd_start "$work/docker"; then
        fail docker_start "dockerd did not start"
elif ! image_import_docker "$work/rootfs.tar" "$IMG"; then
        fail docker_images "docker import failed"
else
        t_docker
fi
dockerd_stop "$work/docker"
runc_cleanup
assert_no_leaks runtime_no_leaks "$work"
assert_host_clean runtime_host_clean
