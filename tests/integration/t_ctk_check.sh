#!/bin/bash
# nvidia-ctk system check on fake hosts (--root): a correctly set-up root
# (fake driver, config.toml, our programs and the host's engines on its PATH,
# docker's and containerd's configs from `runtime configure`, a CDI spec from
# `cdi generate`, nvidia-persistenced's socket) passes with ok findings only;
# then each broken set-up, made from a fresh copy, gets the exact finding
# (status, check name, message) with why and fix lines naming the problem,
# and exit 1 for failures, 0 for warnings. Also --format=json, --help and bad
# flags. No engine is started: only `BIN --version` runs.
# shellcheck disable=SC2015,SC2016  # pass/fail never fail; backquotes in expected texts are literal
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctk=$BUILD/bin/nvidia-ctk
PATH_DIRS=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LIBDIR=usr/lib/x86_64-linux-gnu

# --- the command line (no root needed) --------------------------------------------------
out=$("$ctk" system check --bogus 2>&1 >/dev/null); rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q 'flag provided but not defined: -bogus' <<<"$out" &&
        pass ctk_check_bad_flag || { fail ctk_check_bad_flag "exit $rc"; it_indent <<<"$out"; }
out=$("$ctk" system check --format=xml 2>&1 >/dev/null); rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q 'invalid --format "xml": use text or json' <<<"$out" &&
        pass ctk_check_bad_format || { fail ctk_check_bad_format "exit $rc"; it_indent <<<"$out"; }
help=$("$ctk" system check --help 2>&1)
for f in --root --driver-root --config --docker-config --containerd-config --crio-config --cdi-spec-dir --format; do
        grep -q -- "$f" <<<"$help" || { fail ctk_check_help "no $f in --help"; it_indent <<<"$help"; break; }
done && pass ctk_check_help

require_root ctk_check || exit 0
work=$(scratch_dir ctk-check)
good=$work/good
fake_root_create "$good" || { fail ctk_check_setup "fake driver setup failed"; exit 0; }

# link ROOT NAME TARGET: ROOT/usr/bin/NAME -> TARGET when TARGET exists.
link() { [ -e "$3" ] && ln -sf "$3" "$1/usr/bin/$2"; }

# make_good: the correctly set-up root.
make_good() {
        local p
        mkdir -p "$good/usr/bin" "$good/sbin" "$good/etc/nvidia-container-runtime" "$good/etc/docker" \
                "$good/etc/containerd" "$good/etc/cdi" "$good/var/run/nvidia-persistenced"
        for p in nvidia-container-runtime nvidia-container-runtime-hook nvidia-ctk nvidia-cdi-hook nvidia-container-cli; do
                ln -sf "$BUILD/bin/$p" "$good/usr/bin/$p"
        done
        link "$good" podman "$(command -v podman)"
        link "$good" dockerd "$(command -v dockerd)"
        link "$good" docker "$(command -v docker)"
        link "$good" containerd "$(command -v containerd)"
        link "$good" runc "$IT_RUNC"
        ln -sf /sbin/ldconfig "$good/sbin/ldconfig"
        "$ctk" config default >"$good/etc/nvidia-container-runtime/config.toml" &&
                "$ctk" config --in-place --config="$good/etc/nvidia-container-runtime/config.toml" \
                        --set nvidia-container-cli.ldconfig=@/sbin/ldconfig &&
                "$ctk" runtime configure --runtime=docker --config="$good/etc/docker/daemon.json" &&
                "$ctk" runtime configure --runtime=containerd --config="$good/etc/containerd/config.toml" \
                        --drop-in-config="$good/etc/containerd/conf.d/99-nvidia.toml" &&
                "$ctk" cdi generate --driver-root="$good" --output="$good/etc/cdi/nvidia.yaml" &&
                "$IT_PYTHON" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
                        "$good/var/run/nvidia-persistenced/socket"
}
make_good >"$work/setup.log" 2>&1 || { fail ctk_check_setup "set-up failed"; it_indent "$work/setup.log"; exit 0; }
has_dockerd() { [ -e "$good/usr/bin/dockerd" ]; }

# copy NAME: a fresh copy of the good root ($C), its files naming the copy.
copy() {
        C=$work/$1
        cp -a "$good" "$C"
        grep -rlF "$good" "$C/etc" | xargs -r sed -i "s|$good|$C|g"
}

# run_check ROOT [FLAGS...]: OUT (stdout) and RC of the check.
run_check() {
        local root=$1
        shift
        OUT=$("$ctk" system check --root="$root" "$@" 2>"$work/stderr"); RC=$?
}

# expect_finding NAME RC STATUS CHECK MESSAGE [WHY-TEXT [FIX-TEXT]]: the exit
# status, the finding's line, and its why and fix lines holding the texts.
expect_finding() {
        local name=$1 rc=$2 line block
        line=$(printf '%-5s %-14s %s' "$3" "$4" "$5")
        expect_eq "${name}_exit" "$rc" "$RC" || it_indent <<<"$OUT"
        block=$(awk -v l="$line" 'index($0, l) == 1 && length($0) == length(l) { p = 1; print; next }
                p && /^      / { print; next } { p = 0 }' <<<"$OUT")
        if [ -z "$block" ]; then
                fail "${name}_finding" "no line '$line'"
                it_indent <<<"$OUT"
                return
        fi
        pass "${name}_finding"
        [ -z "${6:-}" ] || expect_contains "${name}_why" "$6" "$(grep '^      why: ' <<<"$block")"
        [ -z "${7:-}" ] || expect_contains "${name}_fix" "$7" "$(grep '^      fix: ' <<<"$block")"
}

# no_failures NAME: no fail finding in OUT.
no_failures() {
        grep -q '^fail ' <<<"$OUT" && { fail "$1" "failures reported"; it_indent <<<"$OUT"; return; }
        pass "$1"
}

# --- the good root -----------------------------------------------------------------------
run_check "$good"
expect_eq ctk_check_good_exit 0 "$RC" || it_indent <<<"$OUT"
no_failures ctk_check_good_no_failures
[ -s "$work/stderr" ] && { fail ctk_check_good_quiet "stderr not empty"; it_indent "$work/stderr"; } ||
        pass ctk_check_good_quiet
expect_finding ctk_check_good_driver 0 ok driver "NVIDIA kernel driver 575.57.08 is loaded (4 GPUs)"
expect_finding ctk_check_good_nvml 0 ok nvml "NVML 575.57.08 initialises and sees 4 GPUs"
expect_finding ctk_check_good_fresh 0 ok cdi-fresh "$good/etc/cdi/nvidia.yaml matches driver 575.57.08 and its 4 GPUs"
expect_finding ctk_check_good_containerd 0 ok containerd \
        "runtime nvidia is $good/usr/bin/nvidia-container-runtime ($good/etc/containerd/conf.d/99-nvidia.toml)"
expect_match ctk_check_good_summary '^1[0-9] ok, [0-9] warnings?, 0 failures$' "$(tail -n 1 <<<"$OUT")"

# --format=json: the same findings for scripts
json=$("$ctk" system check --root="$good" --format=json 2>/dev/null)
expect_eq ctk_check_json "keys check fix message status why; $(grep -c '^[a-z]' <<<"$OUT") findings; driver ok" "$("$IT_PYTHON" -c '
import json, sys
a = json.load(sys.stdin)
keys = sorted(set(k for f in a for k in f))
print("keys " + " ".join(keys) + "; %d findings; %s %s" % (len(a), a[0]["check"], a[0]["status"]))' <<<"$json" 2>&1)"

# --- the driver ------------------------------------------------------------------------------
copy no-driver
rm -rf "$C/proc"
run_check "$C"
expect_finding ctk_check_no_driver 1 fail driver "no NVIDIA kernel driver: $C/proc/driver/nvidia/version does not exist" \
        "no GPU container can start" "install the NVIDIA driver for this kernel, then load it: modprobe nvidia"

copy no-nvml
rm -f "$C/$LIBDIR"/libnvidia-ml.so*
run_check "$C"
expect_finding ctk_check_nvml_missing 1 fail nvml "libnvidia-ml.so.1 not found under $C" \
        '"NVML not found", "could not load NVML library"' "apt install libnvidia-ml1"

copy mismatch
sed -i 's/575\.57\.08/550.54.15/' "$C/proc/driver/nvidia/version"
run_check "$C"
expect_finding ctk_check_mismatch 1 fail nvml \
        "Driver/library version mismatch: the kernel module is 550.54.15, NVML (libnvidia-ml.so.1) is 575.57.08" \
        '"Failed to initialize NVML: Driver/library version mismatch"' \
        "reinstall the user-space libraries of version 550.54.15"
expect_finding ctk_check_mismatch_spec 1 fail cdi-fresh \
        "stale CDI spec $C/etc/cdi/nvidia.yaml: made for driver 575.57.08, 550.54.15 is loaded"

copy no-node
rm -f "$C/dev/nvidia-uvm" "$C/dev/nvidia2"
run_check "$C"
expect_finding ctk_check_node_missing 1 fail devices "$C/dev/nvidia-uvm does not exist" "CUDA needs it" \
        "nvidia-ctk system create-device-nodes --control-devices --load-kernel-modules --driver-root=$C"
expect_finding ctk_check_gpu_node_missing 1 fail devices "$C/dev/nvidia2 does not exist" "" "nvidia-modprobe -c 2"

copy no-persistenced
rm -f "$C/var/run/nvidia-persistenced/socket"
run_check "$C"
expect_finding ctk_check_persistenced 0 warn persistence \
        "nvidia-persistenced is not running (no socket at $C/var/run/nvidia-persistenced/socket)" \
        "initialises the GPUs again" "systemctl enable --now nvidia-persistenced"

# --- config.toml ------------------------------------------------------------------------------
cfg_set() { "$ctk" config --in-place --config="$C/etc/nvidia-container-runtime/config.toml" --set "$1" 2>/dev/null; }

copy ldconfig
cfg_set nvidia-container-cli.ldconfig=@/sbin/ldconfig.real
run_check "$C"
expect_finding ctk_check_ldconfig 1 fail ldconfig \
        "nvidia-container-cli.ldconfig = \"@/sbin/ldconfig.real\": /sbin/ldconfig.real is not an executable under $C" \
        "update their linker cache" "nvidia-ctk config --in-place --config=$C/etc/nvidia-container-runtime/config.toml \
--set nvidia-container-cli.ldconfig=@/sbin/ldconfig"

copy broken-config
printf '[nvidia-container-cli\nx = 1\n' >>"$C/etc/nvidia-container-runtime/config.toml"
run_check "$C"
expect_eq ctk_check_broken_config_exit 1 "$RC"
expect_match ctk_check_broken_config_finding \
        "^fail  toolkit-config $C/etc/nvidia-container-runtime/config.toml:[0-9]+:[0-9]+: " "$OUT"
expect_contains ctk_check_broken_config_fix \
        "fix: correct it, or start again from the defaults: nvidia-ctk config default --output=$C/etc/nvidia-container-runtime/config.toml" \
        "$OUT"

copy bad-mode
cfg_set nvidia-container-runtime.mode=magic
run_check "$C"
expect_finding ctk_check_bad_mode 1 fail toolkit-config "nvidia-container-runtime.mode = \"magic\" is not a mode" \
        '"invalid runtime mode: magic"' "--set nvidia-container-runtime.mode=auto"

copy no-cgroups
cfg_set nvidia-container-cli.no-cgroups=true
run_check "$C"
expect_finding ctk_check_no_cgroups 0 warn cgroups "nvidia-container-cli.no-cgroups = true while running as root" \
        "without device cgroup rules" "--set nvidia-container-cli.no-cgroups=false"

# --- docker ----------------------------------------------------------------------------------------
copy docker-no-runtime
echo '{}' >"$C/etc/docker/daemon.json"
run_check "$C"
expect_finding ctk_check_docker_no_runtime 0 warn docker "$C/etc/docker/daemon.json has no runtimes.nvidia" \
        '"unknown or invalid runtime name: nvidia"' \
        "nvidia-ctk runtime configure --runtime=docker --config=$C/etc/docker/daemon.json && systemctl restart docker"
no_failures ctk_check_docker_no_runtime_no_failures

copy docker-bad-path
echo '{"runtimes": {"nvidia": {"args": [], "path": "/usr/local/nvidia/nvidia-container-runtime"}}}' \
        >"$C/etc/docker/daemon.json"
run_check "$C"
expect_finding ctk_check_docker_bad_path 1 fail docker \
        "$C/etc/docker/daemon.json: runtimes.nvidia.path \"/usr/local/nvidia/nvidia-container-runtime\" is not an executable under $C" \
        "fork/exec /usr/local/nvidia/nvidia-container-runtime: no such file or directory" "--nvidia-runtime-path=PATH"

copy docker-default
echo '{"default-runtime": "nvidia-cdi", "runtimes": {"nvidia": {"path": "nvidia-container-runtime"}}}' \
        >"$C/etc/docker/daemon.json"
run_check "$C"
expect_finding ctk_check_docker_default 1 fail docker \
        "$C/etc/docker/daemon.json: default-runtime \"nvidia-cdi\" is not defined in runtimes" "refuses to start"

copy docker-broken
printf '{"runtimes": {\n  "nvidia": {"path": "nvidia-container-runtime"},\n}}\n' >"$C/etc/docker/daemon.json"
run_check "$C"
expect_finding ctk_check_docker_broken 1 fail docker \
        "$C/etc/docker/daemon.json: invalid JSON at line 3, column 1: unexpected character" \
        "unable to configure the Docker daemon with file $C/etc/docker/daemon.json"

if has_dockerd; then
        copy no-hook
        rm -f "$C/usr/bin/nvidia-container-runtime-hook"
        run_check "$C"
        expect_finding ctk_check_no_hook 1 fail docker-gpus \
                "nvidia-container-runtime-hook is not in the PATH directories of $C ($PATH_DIRS)" \
                '`docker run --gpus` fails: could not select device driver "" with capabilities: [[gpu]]' \
                "install the nvidia-container-toolkit package"

        copy cdi-mode
        cfg_set nvidia-container-runtime.mode=cdi
        run_check "$C"
        expect_finding ctk_check_gpus_cdi_mode 0 warn docker-gpus \
                'nvidia-container-runtime.mode = "cdi": `docker run --gpus` is refused' \
                "invoking the NVIDIA Container Runtime Hook directly" "docker run --runtime=nvidia"
else
        skip ctk_check_no_hook "no dockerd on this host"
fi

# GPUs lost after daemon-reload: legacy mode, docker on systemd's cgroup
# driver, no /dev/char links; the fix it prints makes them and clears it.
copy dev-char
cfg_set nvidia-container-runtime.mode=legacy
"$IT_PYTHON" - "$C/etc/docker/daemon.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["exec-opts"] = ["native.cgroupdriver=systemd"]
json.dump(c, open(sys.argv[1], "w"))
EOF
run_check "$C"
expect_eq ctk_check_dev_char_exit 0 "$RC"
expect_match ctk_check_dev_char_finding \
        "^warn  dev-char       $C/dev/char lacks the links of 8 of the 8 NVIDIA device nodes, e\\.g\\. 19?5:[0-9]+ \\($C/dev/nvidia" \
        "$OUT"
expect_contains ctk_check_dev_char_why \
        'why: docker uses the systemd cgroup driver (exec-opts) and nvidia-container-runtime.mode is "legacy": systemd rebuilds device rules' \
        "$OUT"
expect_contains ctk_check_dev_char_why_nvml '("Failed to initialize NVML: Unknown Error")' "$OUT"
expect_contains ctk_check_dev_char_fix \
        "fix: nvidia-ctk system create-dev-char-symlinks --create-all --driver-root=$C --dev-char-path=$C/dev/char" "$OUT"
no_failures ctk_check_dev_char_no_failures
"$ctk" system create-dev-char-symlinks --create-all --driver-root="$C" --dev-char-path="$C/dev/char" 2>/dev/null
run_check "$C"
expect_finding ctk_check_dev_char_fixed 0 ok dev-char "$C/dev/char links the 8 NVIDIA device nodes"

# --- containerd ------------------------------------------------------------------------------------
copy containerd-no-runtime
rm -f "$C/etc/containerd/conf.d/99-nvidia.toml"
run_check "$C"
expect_finding ctk_check_containerd_no_runtime 0 warn containerd \
        "no runtime nvidia in $C/etc/containerd/config.toml or the files it imports" "RuntimeClass with handler nvidia" \
        "nvidia-ctk runtime configure --runtime=containerd --config=$C/etc/containerd/config.toml --drop-in-config=$C/etc/containerd/conf.d/99-nvidia.toml && systemctl restart containerd"
no_failures ctk_check_containerd_no_runtime_no_failures

copy containerd-not-imported
sed -i '/^imports/d' "$C/etc/containerd/config.toml"
run_check "$C"
expect_finding ctk_check_containerd_not_imported 0 warn containerd \
        "$C/etc/containerd/conf.d/99-nvidia.toml defines runtime nvidia, but $C/etc/containerd/config.toml does not import it" \
        "containerd never reads that file"

copy containerd-binary
sed -i 's|BinaryName = .*|BinaryName = "/opt/nvidia/bin/nvidia-container-runtime"|' \
        "$C/etc/containerd/conf.d/99-nvidia.toml"
run_check "$C"
expect_finding ctk_check_containerd_binary 1 fail containerd \
        "$C/etc/containerd/conf.d/99-nvidia.toml: runtime nvidia's options.BinaryName \"/opt/nvidia/bin/nvidia-container-runtime\" is not an executable under $C" \
        "fail to start" "nvidia-ctk runtime configure --runtime=containerd"

copy containerd-broken
printf '[plugins\n' >>"$C/etc/containerd/config.toml"
run_check "$C"
expect_eq ctk_check_containerd_broken_exit 1 "$RC"
expect_match ctk_check_containerd_broken "^fail  containerd     $C/etc/containerd/config.toml:3:[0-9]+: " "$OUT"

# CRI-O: no crio binary here, so its config files alone make it installed (the
# drop-in first, then a crio.conf without the runtime)
copy crio
"$ctk" runtime configure --runtime=crio --config="$C/etc/crio/crio.conf" \
        --drop-in-config="$C/etc/crio/conf.d/99-nvidia.toml" >/dev/null 2>&1
run_check "$C"
expect_finding ctk_check_crio 0 ok crio \
        "runtime nvidia is $C/usr/bin/nvidia-container-runtime ($C/etc/crio/conf.d/99-nvidia.toml)"
sed -i 's|runtime_path = .*|runtime_path = "/usr/libexec/crio/nvidia-container-runtime"|' \
        "$C/etc/crio/conf.d/99-nvidia.toml"
run_check "$C"
expect_finding ctk_check_crio_path 1 fail crio \
        "$C/etc/crio/conf.d/99-nvidia.toml: runtime nvidia's runtime_path \"/usr/libexec/crio/nvidia-container-runtime\" is not an executable under $C" \
        "the engine cannot run it" \
        "nvidia-ctk runtime configure --runtime=crio --config=$C/etc/crio/crio.conf --drop-in-config=$C/etc/crio/conf.d/99-nvidia.toml"
rm -f "$C/etc/crio/conf.d/99-nvidia.toml"
printf '[crio.runtime]\ndefault_runtime = "runc"\n' >"$C/etc/crio/crio.conf"
run_check "$C"
expect_finding ctk_check_crio_no_runtime 0 warn crio \
        "no [crio.runtime.runtimes.nvidia] in $C/etc/crio/crio.conf or its drop-in directories" \
        "CRI-O has no such runtime handler"

# --- CDI specs ----------------------------------------------------------------------------------------
copy no-spec
rm -f "$C/etc/cdi/nvidia.yaml"
run_check "$C"
expect_finding ctk_check_no_spec 0 warn cdi-specs \
        "no CDI spec defines nvidia.com/gpu devices (in $C/etc/cdi, $C/var/run/cdi)" \
        '"unresolvable CDI devices nvidia.com/gpu=all"' \
        "nvidia-ctk cdi generate --driver-root=$C --output=$C/var/run/cdi/nvidia.yaml, or systemctl enable --now nvidia-cdi-refresh.path nvidia-cdi-refresh.service"
no_failures ctk_check_no_spec_no_failures

copy invalid-spec
printf 'cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices:\n- name: bad name!\n  containerEdits:\n    env: [A=1]\n' \
        >"$C/etc/cdi/broken.yaml"
run_check "$C"
expect_finding ctk_check_invalid_spec 1 fail cdi-specs \
        "invalid CDI spec $C/etc/cdi/broken.yaml:4:3: invalid device \"bad name!\": invalid character ' ' in device name \"bad name!\"" \
        "engines skip a spec they cannot load" "nvidia-ctk cdi validate $C/etc/cdi/broken.yaml lists its problems"

copy duplicate-spec
cp "$C/etc/cdi/nvidia.yaml" "$C/etc/cdi/nvidia-old.yaml"
run_check "$C"
expect_finding ctk_check_duplicate_spec 1 fail cdi-specs \
        "conflicting device \"nvidia.com/gpu=0\", 9 devices in all, are defined by several specs in one directory: \"$C/etc/cdi/nvidia-old.yaml\", \"$C/etc/cdi/nvidia.yaml\"" \
        "engines use neither definition" "keep one of \"$C/etc/cdi/nvidia-old.yaml\", \"$C/etc/cdi/nvidia.yaml\""

copy stale-version
"$BUILD/bin/fake-nvidia-setup" --root "$C" --driver-version 550.54.15 --quiet
run_check "$C"
expect_finding ctk_check_stale_version 1 fail cdi-fresh \
        "stale CDI spec $C/etc/cdi/nvidia.yaml: made for driver 575.57.08, 550.54.15 is loaded" \
        "libraries of another driver" \
        "nvidia-ctk cdi generate --driver-root=$C --output=$C/etc/cdi/nvidia.yaml, or systemctl restart nvidia-cdi-refresh.service"
expect_match ctk_check_stale_version_paths \
        "^fail  cdi-fresh      stale CDI spec $C/etc/cdi/nvidia.yaml: [0-9]+ paths it names no longer exist, e\.g\. " "$OUT"

copy stale-gpus
"$BUILD/bin/fake-nvidia-setup" --root "$C" --gpus 8 --quiet
run_check "$C"
expect_finding ctk_check_stale_gpus 1 fail cdi-fresh "stale CDI spec $C/etc/cdi/nvidia.yaml: lists 4 GPUs, the driver has 8" \
        "the wrong GPUs" "nvidia-ctk cdi generate --driver-root=$C --output=$C/etc/cdi/nvidia.yaml"

podman_version=$(podman --version 2>/dev/null | sed -n 's/^podman version \([0-9.]*\).*/\1/p')
case $podman_version in
4.[3-6].*)
        copy spec-too-new
        sed -i 's/^cdiVersion: .*/cdiVersion: 0.8.0/' "$C/etc/cdi/nvidia.yaml"
        run_check "$C"
        expect_finding ctk_check_spec_too_new 1 fail cdi-engines \
                "spec $C/etc/cdi/nvidia.yaml has cdiVersion 0.8.0; podman $podman_version reads up to 0.5.0" \
                'podman skips a spec of a version it does not know ("invalid version \"0.8.0\"")' \
                "nvidia-ctk cdi generate --driver-root=$C --output=$C/etc/cdi/nvidia.yaml (it writes the lowest version the spec needs), or upgrade podman"
        ;;
*) skip ctk_check_spec_too_new "needs podman 4.3-4.6 (CDI 0.5.0), have '${podman_version:-none}'" ;;
esac

# --- engines that are not there ----------------------------------------------------------------------
copy no-engines
rm -rf "$C/etc/docker" "$C/etc/containerd" "$C/usr/bin/podman" "$C/usr/bin/dockerd" "$C/usr/bin/docker" \
        "$C/usr/bin/containerd"
run_check "$C"
expect_eq ctk_check_not_installed "ok    docker         not installed
ok    containerd     not installed
ok    crio           not installed
ok    cdi-engines    no container engine is installed" \
        "$(grep -E '^ok +(docker|containerd|crio|cdi-engines) ' <<<"$OUT")"
expect_eq ctk_check_not_installed_exit 0 "$RC"
