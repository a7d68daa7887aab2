#!/bin/bash
# nvidia-ctk runtime configure ("Must show" 4):
#  - docker: an existing daemon.json keeps its other keys (log-level,
#    features.buildkit, another runtime); a private dockerd started with the
#    result serves `docker run --runtime=nvidia` and, as the default runtime,
#    plain `docker run` (nvidia-smi -L lists the 4 fake GPUs, legacy mode,
#    through a config.toml naming a fake driver root);
#  - containerd: a version-1 and a version-2 config (comments, a runc entry
#    whose options are copied) and a missing file; `containerd config dump`
#    shows the nvidia runtime and its BinaryName, and a private containerd
#    started with each result loads its CRI plugin (which checks
#    default_runtime_name) without error;
#  - --dry-run leaves files byte-identical; broken daemon.json and
#    config.toml: one error line naming the place, exit 1, files untouched.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctk=$BUILD/bin/nvidia-ctk
rt=$BUILD/bin/nvidia-container-runtime
IMG=it-ctk-runtime:latest

smi_line() { echo "GPU $1: NVIDIA Tesla T4 (UUID: GPU-$2-FAKE-UUID)"; }
all_gpus() { smi_line 0 0; smi_line 1 1; smi_line 2 2; smi_line 3 3; }

# configure ARGS: nvidia-ctk runtime configure, stderr into stdout.
configure() { "$ctk" runtime configure "$@" 2>&1; }

# json_get FILE EXPR: a Python expression over the JSON document c.
json_get() { "$IT_PYTHON" -c 'import json,sys; c=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# --- files only (no root needed) ---------------------------------------------------------
t_docker_file() {
        local d out rc
        d=$(scratch_dir docker-file)
        printf '{\n  "log-level": "warn",\n  "storage-driver": "overlay2",\n  "features": {"buildkit": true},\n  "runtimes": {"other": {"path": "/usr/bin/runc"}}\n}\n' >"$d/daemon.json"
        out=$(configure --runtime=docker --config "$d/daemon.json" --cdi.enabled); rc=$?
        # shellcheck disable=SC2001  # logrus pads messages with blanks
        expect_eq docker_configure_logs "0
INFO[0000] Loading config from $d/daemon.json
INFO[0000] Wrote updated config to $d/daemon.json
INFO[0000] It is recommended that docker daemon be restarted." "$rc
$(sed 's/ *$//' <<<"$out")"
        expect_eq docker_keeps_other_keys 'warn overlay2 {"buildkit": true, "cdi": true} nvidia,other' \
                "$(json_get "$d/daemon.json" "' '.join([c['log-level'], c['storage-driver'], json.dumps(c['features']), ','.join(sorted(c['runtimes']))])")"
        expect_eq docker_runtime_entry '{"args": [], "path": "nvidia-container-runtime"}' \
                "$(json_get "$d/daemon.json" "json.dumps(c['runtimes']['nvidia'])")"
        # Go's MarshalIndent: 4 spaces, sorted keys, no newline at the end.
        expect_eq docker_go_layout '{
    "features": {
        "buildkit": true,
        "cdi": true
    },
    "log-level": "warn",' "$(head -n 6 "$d/daemon.json")"
        [ "$(tail -c 1 "$d/daemon.json")" = "}" ] && pass docker_no_final_newline ||
                fail docker_no_final_newline "$(tail -c 2 "$d/daemon.json" | od -c | head -n1)"
}

# refused NAME FILE WANT_ERE ARGS...: exit 1, one error line (ERRO, matching
# WANT_ERE) and no warning, FILE byte-identical.
refused() {
        local name=$1 file=$2 want=$3 before out rc
        shift 3
        before=$(sha256sum "$file")
        out=$(configure "$@"); rc=$?
        [ "$rc" = 1 ] && [ "$(grep -Ec '^(ERRO|WARN)' <<<"$out")" = 1 ] && grep -Eq "^ERRO\[0000\] $want" <<<"$out" &&
                [ "$(sha256sum "$file")" = "$before" ] && pass "$name" ||
                { fail "$name" "exit $rc, want one ERRO line /$want/ and $file untouched"; it_indent <<<"$out"; }
}

t_broken_and_dry_run() {
        local d before out
        d=$(scratch_dir broken)
        printf '{\n  "log-level": "warn",\n  "runtimes": {\n}}}\n' >"$d/daemon.json"
        refused docker_broken_json_refused "$d/daemon.json" \
                "unable to load config for runtime docker: $d/daemon.json: invalid JSON at line 4, column 3: " \
                --config "$d/daemon.json"
        printf '# mine\nversion = 2\n[plugins."io.containerd.grpc.v1.cri"\n' >"$d/config.toml"
        refused containerd_broken_toml_refused "$d/config.toml" \
                "unable to load config for runtime containerd: $d/config.toml:3:37: expected .\\]. after table name" \
                --runtime=containerd --config "$d/config.toml"
        printf 'version = "2"\n' >"$d/version.toml"
        refused containerd_bad_version_refused "$d/version.toml" \
                "unable to load config for runtime containerd: $d/version.toml:1:11: unsupported type for version field" \
                --runtime=containerd --config "$d/version.toml"

        printf '{"log-level": "warn"}\n' >"$d/dry.json"
        printf '# mine\nversion = 2\n' >"$d/dry.toml"
        before=$(sha256sum "$d/dry.json" "$d/dry.toml")
        out=$("$ctk" runtime configure --config "$d/dry.json" --dry-run 2>/dev/null)
        expect_eq docker_dry_run_prints_result '{
    "log-level": "warn",
    "runtimes": {
        "nvidia": {
            "args": [],
            "path": "nvidia-container-runtime"
        }
    }
}' "$out"
        out=$("$ctk" runtime configure --runtime=containerd --config "$d/dry.toml" --dry-run 2>/dev/null)
        expect_contains containerd_dry_run_prints_result 'BinaryName = "/usr/bin/nvidia-container-runtime"' "$out"
        "$ctk" runtime configure --runtime=containerd --config "$d/none.toml" --dry-run >/dev/null 2>&1
        [ "$(sha256sum "$d/dry.json" "$d/dry.toml")" = "$before" ] && [ ! -e "$d/none.toml" ] &&
                pass dry_run_writes_nothing || fail dry_run_writes_nothing "a file changed or appeared"
}

# --- containerd ---------------------------------------------------------------------
# The settings every private config needs: all state under DIR, the
# sockets containerd_start waits on, CNI files in DIR; VERSION-1 configs
# name plugins by their short ids.
private_settings() {
        local dir=$1 opt=$2 cri=$3
        cat <<EOF
root = "$dir/root"
state = "$dir/state"
temp = "$dir/tmp"
plugin_dir = ""

[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins.$opt]
  path = "$dir/opt"
# CNI: nothing outside DIR
[plugins.$cri.cni]
  bin_dir = "$dir/cni"
  conf_dir = "$dir/cni"
EOF
}

# containerd_with CONFIG DIR: containerd_start DIR, but with CONFIG (whose
# state is in DIR) instead of the config containerd_start writes.
containerd_with() {
        local wrapper=$IT_SCRATCH/containerd-with
        # shellcheck disable=SC2016  # expanded by the wrapper
        printf '#!/bin/sh\nexec %q --config "$IT_CTK_CONFIG"\n' "$IT_CONTAINERD" >"$wrapper"
        chmod +x "$wrapper"
        IT_CTK_CONFIG=$1 IT_CONTAINERD=$wrapper containerd_start "$2"
}

# t_containerd NAME VERSION [drop-in]: configure a config of that schema
# version (runc entry with options, comments), by default in the config
# itself, else through a drop-in file (toolkit 1.18's default); dump it,
# run containerd on it.
t_containerd() {
        local name=$1 version=$2 dir cfg out cri opt drop=
        dir=$(scratch_dir "ctd-$name")
        cfg=$(scratch_dir "cfg-$name")/config.toml
        if [ "$version" = 1 ]; then cri=cri opt=opt; else cri='"io.containerd.grpc.v1.cri"' opt='"io.containerd.internal.v1.opt"'; fi
        {
                echo "# a hand-written containerd config (schema $version)"
                [ "$version" = 1 ] || echo "version = $version"
                private_settings "$dir" "$opt" "$cri"
                echo "[plugins.$cri.containerd.runtimes.runc]"
                echo "  runtime_type = \"io.containerd.runc.v2\""
                echo "  # runc's options, copied to nvidia"
                echo "  [plugins.$cri.containerd.runtimes.runc.options]"
                echo "    NoNewKeyring = true"
        } >"$cfg"
        [ "${3:-}" = drop-in ] && drop=$(dirname "$cfg")/conf.d/99-nvidia.toml
        out=$(configure --runtime=containerd --config "$cfg" --drop-in-config "$drop" --runtime-path "$rt" \
                --set-as-default)
        expect_contains "containerd_${name}_version_logged" "Using config version $version" "$out"
        if [ -n "$drop" ]; then
                grep -qx "imports = \[\"$(dirname "$cfg")/conf.d/\*.toml\"\]" "$cfg" && ! grep -q "runtimes.nvidia" "$cfg" &&
                        grep -qx 'default_runtime_name = "nvidia"' "$drop" &&
                        pass "containerd_${name}_config_only_imports" ||
                        { fail "containerd_${name}_config_only_imports"; it_indent "$cfg"; it_indent "$drop"; }
        fi
        grep -qx "# a hand-written containerd config (schema $version)" "$cfg" &&
                grep -qx "  # runc's options, copied to nvidia" "$cfg" && grep -qx "# CNI: nothing outside DIR" "$cfg" &&
                pass "containerd_${name}_comments_survive" || { fail "containerd_${name}_comments_survive"; it_indent "$cfg"; }
        out=$("$IT_CONTAINERD" --config "$cfg" config dump 2>&1)
        expect_contains "containerd_${name}_dump_default_nvidia" 'default_runtime_name = "nvidia"' "$out"
        # The nvidia entry's options as containerd read them: runc's, and ours.
        expect_eq "containerd_${name}_dump_shows_nvidia_binary" "BinaryName = \"$rt\"
NoNewKeyring = true" "$(awk '/runtimes\.nvidia\.options\]/ { f = 1; next } f && /^ *$/ { exit } f' <<<"$out" |
                sed 's/^ *//' | grep -E '^(BinaryName|NoNewKeyring) ')"
        if ! containerd_with "$cfg" "$dir"; then
                fail "containerd_${name}_starts" "containerd did not start with the result"
                return
        fi
        out=$(ctr_cmd plugins ls 2>&1 | grep -E '^io\.containerd\.grpc\.v1 +cri ')
        expect_match "containerd_${name}_starts_cri_ok" ' ok *$' "$out"
        grep -q 'failed to load plugin io.containerd.grpc.v1.cri' "$dir/containerd.log" &&
                { fail "containerd_${name}_cri_config_valid" "CRI refused the config"; it_indent "$dir/containerd.log"; } ||
                pass "containerd_${name}_cri_config_valid"
        containerd_stop "$dir"
}

t_containerd_missing() {
        local d out
        d=$(scratch_dir ctd-missing)
        out=$(configure --runtime=containerd --config "$d/etc/containerd/config.toml" --drop-in-config=)
        expect_contains containerd_missing_file_version_2 "Using config version 2" "$out"
        out=$("$IT_CONTAINERD" --config "$d/etc/containerd/config.toml" config dump 2>&1)
        expect_contains containerd_missing_file_dump_binary \
                "BinaryName = \"/usr/bin/nvidia-container-runtime\"" "$out"
}

# --- docker -------------------------------------------------------------------------
t_docker() {
        local out
        out=$(docker_run --rm --runtime=nvidia -e NVIDIA_VISIBLE_DEVICES=all "$IMG" nvidia-smi -L 2>&1)
        expect_eq docker_runtime_nvidia_lists_4 "$(all_gpus)" "$out"
        out=$(docker_run --rm -e NVIDIA_VISIBLE_DEVICES=1 "$IMG" nvidia-smi -L 2>&1)
        expect_eq docker_default_runtime_nvidia "$(smi_line 0 1)" "$out"
}

t_docker_file
t_broken_and_dry_run
require_root ctk_runtime_engines || exit 0

t_containerd v1 1
t_containerd v2 2
t_containerd v2_drop_in 2 drop-in
t_containerd_missing

# A driver root, a config.toml naming it (legacy mode), our hook and CLI on
# PATH, a glibc image: the set-up of t_runtime.sh.
work=$(scratch_dir)
drv=$work/drv
bin=$work/bin
conf=$work/config.toml
fake_root_create "$drv" || { fail ctk_runtime_setup "fake driver setup failed"; exit 0; }
mkdir -p "$bin" && ln -s "$BUILD/bin/nvidia-container-runtime-hook" "$bin/nvidia-container-runtime-hook" &&
        ln -s "$BUILD/bin/nvidia-container-cli" "$bin/nvidia-container-cli"
printf '[nvidia-container-cli]\nroot = "%s"\npath = "%s"\n[nvidia-container-runtime]\nmode = "legacy"\n' \
        "$drv" "$BUILD/bin/nvidia-container-cli" >"$conf"
rootfs_glibc "$work/rootfs" && touch "$work/rootfs/etc/debian_version" &&
        rootfs_tarball "$work/rootfs" "$work/rootfs.tar" || { fail ctk_runtime_setup "rootfs setup failed"; exit 0; }
export PATH="$bin:$PATH" NVIDIA_CTK_CONFIG_FILE_PATH=$conf
export ENGINE_PATH=$PATH

mkdir -p "$work/docker"
printf '{"log-level": "warn", "features": {"buildkit": true}, "runtimes": {"other": {"path": "/usr/bin/runc"}}}\n' \
        >"$work/docker/daemon.json"
out=$(configure --runtime=docker --config "$work/docker/daemon.json" --runtime-path "$rt" --set-as-default)
expect_eq docker_default_and_path "nvidia $rt warn True" \
        "$(json_get "$work/docker/daemon.json" "' '.join(map(str, [c['default-runtime'], c['runtimes']['nvidia']['path'], c['log-level'], c['features']['buildkit']]))")"
if ! dockerd_start "$work/docker"; then
        fail docker_start "dockerd did not start with the configured daemon.json"
elif ! image_import_docker "$work/rootfs.tar" "$IMG"; then
        fail docker_images "docker import failed"
else
        t_docker
fi
dockerd_stop "$work/docker"
assert_no_leaks ctk_runtime_no_leaks "$IT_SCRATCH"
assert_host_clean ctk_runtime_host_clean
