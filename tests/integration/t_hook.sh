#!/bin/bash
# nvidia-container-runtime-hook (issue 5, "Must show" 2, 3 and 4's hook part):
# a private dockerd whose PATH holds our hook and CLI serves `--gpus` through
# the hook alone, with a config.toml (NVIDIA_CTK_CONFIG_FILE_PATH, passed on
# by dockerd) pointing at a fake driver root: all GPUs, a device list, a
# count, one capability, NVIDIA_VISIBLE_DEVICES=none, an unmet requirement,
# a legacy CUDA image; the hook entry dockerd writes has the seed's shape; a
# broken config.toml fails the start with its file:line:col; the same hook
# as a plain runc prestart hook serves a legacy image with no NVIDIA_* at all.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

hook=$BUILD/bin/nvidia-container-runtime-hook
cli=$BUILD/bin/nvidia-container-cli
VER=575.57.08
LIBDIR=/usr/lib/x86_64-linux-gnu
IMG=it-hook:latest

smi_line() { echo "GPU $1: NVIDIA Tesla T4 (UUID: GPU-$2-FAKE-UUID)"; }
all_gpus() { smi_line 0 0; smi_line 1 1; smi_line 2 2; smi_line 3 3; }
# shellcheck disable=SC2016  # expanded in the container
SMI_NODES='nvidia-smi -L; echo "rc=$?"; ls /dev | grep "^nvidia"'
NO_GPU="No devices were found
rc=6
nvidia-uvm
nvidia-uvm-tools
nvidiactl"

# --- the command line (no root needed) ------------------------------------------------
t_cli() {
        local out rc name
        for name in nvidia-container-runtime-hook nvidia-container-toolkit; do
                out=$("$BUILD/bin/$name" -version 2>&1); rc=$?
                [ "$rc" = 0 ] && [ "$(head -n1 <<<"$out")" = "NVIDIA Container Runtime Hook version 1.17.8" ] &&
                        { [ "$(wc -l <<<"$out")" = 1 ] || grep -Eqx 'commit: [0-9a-f]{40}' <<<"$(tail -n +2 <<<"$out")"; } &&
                        pass "hook_version_$name" || { fail "hook_version_$name" "exit $rc"; it_indent <<<"$out"; }
        done
        out=$("$hook" --version 2>&1)
        expect_contains hook_version_two_dashes "NVIDIA Container Runtime Hook version" "$out"
        "$hook" poststart </dev/null && "$hook" poststop </dev/null && pass hook_poststart_poststop_noop ||
                fail hook_poststart_poststop_noop "non-zero exit"
        out=$("$hook" -bogus prestart 2>&1); rc=$?
        [ "$rc" = 2 ] && [ "$(head -n1 <<<"$out")" = "flag provided but not defined: -bogus" ] &&
                grep -qx 'Usage of nvidia-container-runtime-hook:' <<<"$out" && pass hook_unknown_flag_usage_exit_2 ||
                { fail hook_unknown_flag_usage_exit_2 "exit $rc"; it_indent <<<"$out"; }
        out=$("$hook" 2>&1); rc=$?
        [ "$rc" = 2 ] && grep -q '^  prestart$' <<<"$out" && pass hook_no_command_exit_2 ||
                fail hook_no_command_exit_2 "exit $rc"
}

t_cli
require_root hook_engines || exit 0

# --- set-up: a driver root, a config, the hook's dir, images ---------------------------
work=$(scratch_dir)
drv=$work/drv
bin=$work/bin
conf=$work/config.toml
fake_root_create "$drv" || { fail hook_setup "fake driver setup failed"; exit 0; }
mkdir -p "$bin" && ln -s "$hook" "$bin/nvidia-container-runtime-hook" && ln -s "$cli" "$bin/nvidia-container-cli"
write_conf() {
        printf '[nvidia-container-cli]\nroot = "%s"\npath = "%s"\n%s' "$drv" "$cli" "${1:-}" >"$conf"
}
write_conf
rootfs_glibc "$work/rootfs" && touch "$work/rootfs/etc/debian_version" &&
        rootfs_tarball "$work/rootfs" "$work/rootfs.tar" || { fail hook_setup "rootfs setup failed"; exit 0; }

# --- a plain runc prestart hook: a legacy image (CUDA_VERSION only) ------------------------
# runc_hook NAME "ENV..." CMD...: bundle $work/NAME (a copy of the rootfs)
# whose process env is PATH and the ENV words, with our hook as its prestart
# hook (its env: only the config's location), run in the foreground; prints
# the output, returns runc's status.
runc_hook() {
        local n=$1 b=$work/$1 env=$2
        shift 2
        [ -d "$b/rootfs" ] || { mkdir -p "$b" && cp -a "$work/rootfs" "$b/rootfs"; } || return 1
        # shellcheck disable=SC2086  # ENV is a word list
        bundle_create "$b" "$b/rootfs" "$@" && bundle_edit "$b" "
c['process']['env'] = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] + args[2:]
c['hooks'] = {'prestart': [{'path': args[0], 'args': ['nvidia-container-runtime-hook', 'prestart'],
    'env': ['NVIDIA_CTK_CONFIG_FILE_PATH=' + args[1]]}]}" "$bin/nvidia-container-runtime-hook" "$conf" $env ||
                { echo "bundle set-up failed"; return 1; }
        runc_run_bundle "$b" "it-hook-$n-$$" 2>&1
}

t_runc() {
        local out rc
        out=$(runc_hook legacy CUDA_VERSION=12.0 /bin/sh -c "nvidia-smi -L; ls $LIBDIR"); rc=$?
        expect_eq runc_legacy_cuda_image_all_gpus "0
$(all_gpus)" "$rc
$(grep '^GPU ' <<<"$out")"
        # No NVIDIA_DRIVER_CAPABILITIES in a legacy image: every capability (graphics too).
        grep -qx "libGLX_nvidia.so.$VER" <<<"$out" && grep -qx "libcuda.so.$VER" <<<"$out" &&
                pass runc_legacy_cuda_image_all_capabilities ||
                fail runc_legacy_cuda_image_all_capabilities "graphics or compute libraries missing"

        # Not a GPU container: the hook does nothing and the container runs.
        out=$(runc_hook plain "" /bin/sh -c 'echo ran; ls /usr/bin/nvidia-smi 2>&1; true'); rc=$?
        [ "$rc" = 0 ] && grep -qx ran <<<"$out" && ! grep -q '^/usr/bin/nvidia-smi$' <<<"$out" &&
                pass runc_non_gpu_container_untouched || { fail runc_non_gpu_container_untouched "exit $rc"; it_indent <<<"$out"; }

        # "none": the driver's files and control nodes, no GPU (nvidia-smi's
        # exit code 6 is NVML_ERROR_NOT_FOUND's, as with the real one).
        out=$(runc_hook none NVIDIA_VISIBLE_DEVICES=none /bin/sh -c "$SMI_NODES")
        expect_eq runc_env_none_driver_only_no_gpu "$NO_GPU" "$out"

        # A mode other than legacy: upstream's message, the container does not start.
        write_conf $'[nvidia-container-runtime]\nmode = "cdi"\n'
        out=$(runc_hook legacy CUDA_VERSION=12.0 /bin/echo container-ran); rc=$?
        [ "$rc" != 0 ] && ! grep -q container-ran <<<"$out" && grep -qF "nvidia-container-runtime-hook: invoking the NVIDIA Container Runtime Hook directly \
(e.g. specifying the docker --gpus flag) is not supported. Please use the NVIDIA Container Runtime (e.g. specify the \
--runtime=nvidia flag) instead" <<<"$out" && pass runc_mode_cdi_refused ||
                { fail runc_mode_cdi_refused "exit $rc"; it_indent <<<"$out"; }
        write_conf
        _it_rm_tree "$work/legacy"
        _it_rm_tree "$work/plain"
}

# --- dockerd --gpus ------------------------------------------------------------------------
# gpus NAME GPUS [docker run args] [--] IMG CMD: docker run --rm --gpus=GPUS.
gpus() {
        local g=$1
        shift
        docker_run --rm --gpus="$g" "$@" 2>&1
}

t_docker() {
        local out rc id cj
        out=$(gpus all "$IMG" /bin/sh -c "nvidia-smi -L; ls $LIBDIR")
        expect_eq docker_gpus_all_lists_4 "$(all_gpus)" "$(grep '^GPU ' <<<"$out")"
        grep -qx "libcuda.so.$VER" <<<"$out" && ! grep -qx "libGLX_nvidia.so.$VER" <<<"$out" &&
                pass docker_gpus_all_default_capabilities ||
                fail docker_gpus_all_default_capabilities "want compute and utility only"

        out=$(gpus '"device=1,2"' "$IMG" nvidia-smi -L)
        expect_eq docker_gpus_device_list "$(smi_line 0 1; smi_line 1 2)" "$out"
        out=$(gpus 2 "$IMG" nvidia-smi -L)
        expect_eq docker_gpus_count_2 "$(smi_line 0 0; smi_line 1 1)" "$out"
        out=$(gpus 'all,"capabilities=utility"' "$IMG" /bin/sh -c "nvidia-smi -L; ls $LIBDIR")
        [ "$(grep -c '^GPU ' <<<"$out")" = 4 ] && grep -qx "libnvidia-ml.so.$VER" <<<"$out" &&
                ! grep -q '^libcuda\.so' <<<"$out" && pass docker_gpus_capabilities_utility_no_compute_libs ||
                { fail docker_gpus_capabilities_utility_no_compute_libs "libcuda mounted or utility missing"; it_indent <<<"$out"; }

        # "none" through --gpus: a GPU container without a GPU.
        out=$(gpus '"device=none"' "$IMG" /bin/sh -c "$SMI_NODES")
        expect_eq docker_gpus_device_none_no_gpu "$NO_GPU" "$out"
        # dockerd 20.10 appends its NVIDIA_VISIBLE_DEVICES after the user's -e,
        # and the last one wins (NVIDIA's image.WithEnv fills a map in order):
        # with --gpus all, -e NVIDIA_VISIBLE_DEVICES=none is overridden, as
        # with NVIDIA's own hook.
        out=$(gpus all -e NVIDIA_VISIBLE_DEVICES=none "$IMG" /bin/sh -c "$SMI_NODES")
        expect_eq docker_gpus_all_env_none_overridden_by_dockerd "$(all_gpus)
rc=0
nvidia-uvm
nvidia-uvm-tools
nvidia0
nvidia1
nvidia2
nvidia3
nvidiactl" "$out"
        # --gpus 0: dockerd asks for "void", not a GPU container at all.
        out=$(gpus 0 "$IMG" /bin/sh -c 'ls /usr/bin/nvidia-smi /dev/nvidiactl 2>&1; true')
        expect_eq docker_gpus_0_not_a_gpu_container "ls: /usr/bin/nvidia-smi: No such file or directory
ls: /dev/nvidiactl: No such file or directory" "$out"

        out=$(gpus all it-hook-req /bin/echo container-ran); rc=$?
        [ "$rc" != 0 ] && ! grep -q container-ran <<<"$out" && grep -qF "nvidia-container-cli: requirement error: \
unsatisfied condition: cuda>=99.0" <<<"$out" && pass docker_require_cuda_99_fails ||
                { fail docker_require_cuda_99_fails "exit $rc"; it_indent <<<"$out"; }

        out=$(gpus all it-hook-legacy /bin/sh -c "nvidia-smi -L; ls $LIBDIR")
        expect_eq docker_legacy_cuda_image_all_gpus "$(all_gpus)" "$(grep '^GPU ' <<<"$out")"
        grep -qx "libGLX_nvidia.so.$VER" <<<"$out" && pass docker_legacy_cuda_image_all_capabilities ||
                fail docker_legacy_cuda_image_all_capabilities "no graphics library"

        # The hook entry dockerd wrote into the bundle (seed 000/001's shape).
        id=$(docker_cmd run -d --pull never --network none --gpus all "$IMG" sleep 60 </dev/null 2>&1)
        cj=$DOCKERD_DIR/containerd/state/io.containerd.runtime.v2.task/moby/$id/config.json
        out=$("$IT_PYTHON" - "$cj" <<'EOF' 2>&1
import json, sys
h = json.load(open(sys.argv[1]))["hooks"]["prestart"][0]
print(h["path"].rsplit("/", 1)[1])
print(json.dumps(h["args"]))
print("config env passed" if any(e.startswith("NVIDIA_CTK_CONFIG_FILE_PATH=") for e in h.get("env", [])) else "no config env")
EOF
)
        expect_eq docker_config_json_prestart_hook_shape 'nvidia-container-runtime-hook
["nvidia-container-runtime-hook", "prestart"]
config env passed' "$out"
        docker_cmd rm -f "$id" >/dev/null 2>&1

        # A broken config.toml: the start fails with the reader's file:line:col.
        printf '[nvidia-container-cli]\nroot = \n' >"$conf"
        out=$(gpus all "$IMG" /bin/echo container-ran); rc=$?
        [ "$rc" != 0 ] && ! grep -q container-ran <<<"$out" &&
                grep -qF "nvidia-container-runtime-hook: failed to load config: $conf:2:8: " <<<"$out" &&
                pass docker_broken_config_toml_fails_with_position ||
                { fail docker_broken_config_toml_fails_with_position "exit $rc"; it_indent <<<"$out"; }
        write_conf
}

t_runc

export ENGINE_PATH="$bin:$PATH"
export NVIDIA_CTK_CONFIG_FILE_PATH=$conf
if ! dockerd_start "$work/docker"; then
        fail docker_start "dockerd did not start"
elif ! image_import_docker "$work/rootfs.tar" "$IMG" ||
        ! image_import_docker "$work/rootfs.tar" it-hook-req:latest --change 'ENV NVIDIA_REQUIRE_CUDA=cuda>=99.0' ||
        ! image_import_docker "$work/rootfs.tar" it-hook-legacy:latest --change 'ENV CUDA_VERSION=12.0'; then
        fail docker_images "docker import failed"
else
        t_docker
fi
unset NVIDIA_CTK_CONFIG_FILE_PATH
dockerd_stop "$work/docker"
runc_cleanup
assert_no_leaks hook_no_leaks "$work"
assert_host_clean hook_host_clean
