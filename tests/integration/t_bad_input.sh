#!/bin/bash
# Bad input to every binary in build/bin: one clear error naming what was
# wrong and where, a non-zero exit below 128, no sanitizer or crash report,
# and no partial effect (the configs, bundles, container root, outputs and
# driver root are byte-identical, with no temp file left).  One table row
# per case: `bad NAME EXIT MODE ERE CMD...` (lib/badinput.sh says what MODE
# checks).  Then a full disk and a read-only filesystem (a 16k tmpfs in a
# private mount namespace) under `runtime configure` (docker, containerd
# edited in place), `config --in-place` and `cdi generate --output`: ENOSPC
# / EROFS named, the original files intact, no temp file, no partial spec.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib/badinput.sh
. "$IT_LIB/badinput.sh"

require_root bad_input || exit 0
B=$BUILD/bin
cli=$B/nvidia-container-cli
hook=$B/nvidia-container-runtime-hook
rt=$B/nvidia-container-runtime
ctk=$B/nvidia-ctk
cdihook=$B/nvidia-cdi-hook
fake=$B/fake-nvidia-setup

# --- set-up: everything a command could touch lives in $W (watched); the big
# inputs in $H, watched only by the cases that read them.
W=$(scratch_dir watched)
H=$(scratch_dir big)
drv=$W/drv
fake_root_create "$drv" --gpus 2 || { fail bad_input_setup "fake driver"; exit 0; }
mkdir -p "$W/rootfs/etc" "$W/rootfs/usr/lib" "$W/cwd" "$W/out" "$W/cdi" "$W/cfg" "$W/b"
echo 'keep me' >"$W/rootfs/etc/motd"
printf '[nvidia-container-cli]\nroot = "%s"\npath = "%s"\n[nvidia-container-runtime]\nmode = "legacy"\n' \
        "$drv" "$cli" >"$W/cfg/config.toml"
export NVIDIA_CTK_CONFIG_FILE_PATH=$W/cfg/config.toml
"$ctk" config default --output "$W/cfg/nv.toml" 2>/dev/null || fail bad_input_setup "config default"
"$IT_RUNC" spec --bundle "$H" && BI_SPEC=$H/template.json && mv "$H/config.json" "$BI_SPEC" ||
        { fail bad_input_setup "runc spec"; exit 0; }
bi_spec "$BI_SPEC" "c['root'] = {'path': args[0]}; c['process']['terminal'] = False
c['process']['env'].append('NVIDIA_VISIBLE_DEVICES=all')" "$W/rootfs"

# Bundles: each a config.json that is broken in one way.
bi_spec "$W/b/trunc/config.json" "raw = json.dumps(c).encode()[:100]"
bi_spec "$W/b/empty/config.json" "raw = b''"
bi_spec "$W/b/envstr/config.json" "c['process']['env'] = 'NVIDIA_VISIBLE_DEVICES=all'"
bi_spec "$W/b/rootnum/config.json" "c['root']['path'] = 5"
bi_spec "$W/b/utf8/config.json" "raw = json.dumps(c).encode().replace(b'NVIDIA_VISIBLE_DEVICES=all', b'A=\xff\xfe')"
bi_spec "$W/b/noroot/config.json" "c['root']['path'] = '/nonexistent/rootfs'"
bi_spec "$W/b/good/config.json" "pass"
bi_spec "$H/huge/config.json" "raw = b'{\"ociVersion\": \"1.0.2\", \"annotations\": {\"a\": \"' + b'a' * (64 << 20) + b'\"}}'"
head -c $((10 << 20)) /dev/zero | tr '\0' '[' >"$H/brackets"
printf 'cdiVersion: "0.5.0"\nkind: nvidia.com/gpu\ndevices: [\n' >"$W/cdi/broken.yaml"

# Input files for stdin.
st=$W/in
mkdir -p "$st"
: >"$st/empty"
echo 'not json at all' >"$st/text"
echo '[1, 2, 3]' >"$st/array"
bi_state "$W/b/good" | head -c 40 >"$st/trunc"
printf '{"ociVersion":"1.0.2","id":"bi","bundle":"/tmp/\xff\xfe"}' >"$st/utf8"
printf '{"ociVersion":"1.0.2",\0"id":"bi"}' >"$st/nul"
for b in trunc empty envstr rootnum utf8 noroot; do bi_state "$W/b/$b" >"$st/$b.state"; done
bi_state /nonexistent/bundle >"$st/missing.state"
bi_state "" >"$st/nobundle.state"
bi_state "$H/huge" >"$st/huge.state"

BI_WATCH=("$W")
BI_CWD=$W/cwd

# A process in a private mount namespace for --pid: were a case to get far
# enough to mount, the mounts would land there, not on the host.
unshare -m --propagation private sleep 600 </dev/null >/dev/null 2>&1 &
PID=$!
on_exit "kill $PID 2>/dev/null"

# --- fake-nvidia-setup --------------------------------------------------------------------
t_fake() {
        local r=$W/newroot
        bad fake_gpus_65 1 line "invalid value for --gpus: '65' \(expected 0-64\)" "$fake" --root "$r" --gpus 65
        bad fake_gpus_negative 1 line "invalid value for --gpus: '-1'" "$fake" --root "$r" --gpus -1
        bad fake_gpus_overflow 1 line "invalid value for --gpus: '99999999999999999999'" \
                "$fake" --root "$r" --gpus 99999999999999999999
        bad fake_mig_bad_profile 1 line "invalid MIG profile 'bogus' in --mig '0=bogus'" "$fake" --root "$r" --mig 0=bogus
        bad fake_mig_bad_syntax 1 line "invalid value for --mig: 'bogus'" "$fake" --root "$r" --mig bogus
        bad fake_mig_no_such_gpu 1 line "invalid value for --mig: '3=1g.5gb': there is no GPU 3" \
                "$fake" --root "$r" --gpus 2 --mig 3=1g.5gb
        bad fake_open_delay_huge 1 line "invalid value for --open-delay: '99999999'" \
                "$fake" --root "$r" --open-delay 99999999
        bad fake_root_missing_value 1 line "unknown or incomplete option '--root'" "$fake" --root
        bad fake_unknown_flag 1 line "unknown or incomplete option '--bogus'" "$fake" --root "$r" --bogus
        bad fake_driver_version 1 line "invalid value for --driver-version: 'abc'" "$fake" --root "$r" --driver-version abc
}

# --- nvidia-container-cli: argp usage errors print argp's "Try ..." lines ------------------
t_cli() {
        local c=("$cli" --root "$drv") r=$W/rootfs
        bad cli_device_overflow 1 line '^nvidia-container-cli: device error: unknown device id: 99999999999999999999$' \
                "${c[@]}" list --device=99999999999999999999
        bad cli_device_negative 1 line 'device error: unknown device id: -1$' "${c[@]}" list --device=-1
        bad cli_device_unknown_uuid 1 line 'device error: unknown device id: GPU-nosuch$' \
                "${c[@]}" configure --pid="$PID" --device=GPU-nosuch "$r"
        bad cli_pid_zero 1 line 'input error: invalid pid: 0$' "${c[@]}" configure --pid=0 "$r"
        bad cli_pid_text 1 line 'input error: invalid pid: abc$' "${c[@]}" configure --pid=abc "$r"
        bad cli_pid_no_process 1 line 'input error: invalid pid: 99999999$' "${c[@]}" configure --pid=99999999 "$r"
        # upstream's text: the option is named, not the value
        bad cli_user_unknown 1 line 'input error: parse user/group failed: No such file or directory$' \
                "${c[@]}" --user=nosuchuser configure --pid="$PID" "$r"
        bad cli_root_nonexistent 1 line "initialization error: change root failed: \`/nonexistent\`: No such file" \
                "$cli" --root=/nonexistent info
        bad cli_ldcache_missing 1 line "detection error: open \`$drv/nonexistent\`: No such file" \
                "${c[@]}" --ldcache=/nonexistent info
        bad cli_ldconfig_relative 1 line 'ldcache error: invalid ldconfig `relative`: not an absolute path$' \
                "${c[@]}" configure --pid="$PID" --ldconfig=relative "$r"
        bad cli_require_bad_expression 1 line '^nvidia-container-cli: requirement error: invalid expression' \
                "${c[@]}" configure --pid="$PID" --require='cuda>=' "$r"
        bad cli_require_unsatisfied 1 line 'requirement error: unsatisfied condition: cuda>=99\.0' \
                "${c[@]}" configure --pid="$PID" --require='cuda>=99.0' "$r"
        bad cli_mig_config_bad 1 line "mig-config error: 0: only 'all' devices" \
                "${c[@]}" configure --pid="$PID" --mig-config=0 "$r"
        bad cli_rootfs_missing 1 line "container error: open container root \`$W/nosuchroot\`: No such file" \
                "${c[@]}" configure --pid="$PID" "$W/nosuchroot"
        bad cli_configure_without_rootfs 1 usage '^Usage: nvidia-container-cli configure \[OPTION\.\.\.\] ROOTFS$' \
                "${c[@]}" configure --pid="$PID"
        bad cli_info_csv_extra_arg 1 usage '^nvidia-container-cli info: Too many arguments$' "${c[@]}" info --csv extra
        bad cli_unknown_command 1 usage '^nvidia-container-cli: unknown command: bogus$' "${c[@]}" bogus
        bad cli_unknown_global_flag 1 usage "unrecognized option '--bogus'$" "${c[@]}" --bogus info
        bad cli_unknown_list_flag 1 usage "^nvidia-container-cli list: unrecognized option '--bogus'$" \
                "${c[@]}" list --bogus
}

# --- nvidia-container-runtime-hook prestart: the state on stdin, then config.json ---------
t_hook() {
        local p="^nvidia-container-runtime-hook: "
        IN=$st/empty bad hook_state_empty 1 line "${p}container state: invalid JSON at line 1, column 1: unexpected end" \
                "$hook" prestart
        IN=$st/text bad hook_state_not_json 1 line "${p}container state: invalid JSON at line 1, column [0-9]+:" "$hook" prestart
        IN=$st/array bad hook_state_not_object 1 line "${p}container state: document: expected an object, got an array" \
                "$hook" prestart
        IN=$st/trunc bad hook_state_truncated 1 line "${p}container state: invalid JSON at line 1, column [0-9]+:" \
                "$hook" prestart
        IN=$H/brackets bad hook_state_10mib_brackets 1 line "${p}container state: larger than [0-9]+ bytes" \
                "$hook" prestart
        IN=$st/utf8 bad hook_state_invalid_utf8 1 line "${p}container state: invalid JSON at line 1, column [0-9]+: invalid utf-8" \
                "$hook" prestart
        IN=$st/nul bad hook_state_nul_byte 1 line "${p}container state: invalid JSON at line 1, column [0-9]+: NUL byte" \
                "$hook" prestart
        IN=$st/missing.state bad hook_bundle_missing 1 line "${p}load OCI spec \`/nonexistent/bundle[^\`]*\`: No such file" \
                "$hook" prestart
        IN=$st/nobundle.state bad hook_bundle_empty 1 line "${p}container state: bundle: empty" "$hook" prestart
        IN=$st/trunc.state bad hook_config_truncated 1 line \
                "${p}load OCI spec \`$W/b/trunc/config.json\`: invalid JSON at line [0-9]+, column [0-9]+" "$hook" prestart
        IN=$st/empty.state bad hook_config_empty 1 line "${p}load OCI spec \`$W/b/empty/config.json\`: invalid JSON" \
                "$hook" prestart
        IN=$st/envstr.state bad hook_config_env_not_array 1 line \
                "${p}load OCI spec \`$W/b/envstr/config.json\`: process\.env: expected an array, got a string" "$hook" prestart
        IN=$st/rootnum.state bad hook_config_root_path_number 1 line \
                "${p}load OCI spec \`$W/b/rootnum/config.json\`: root\.path: expected a string, got a number" "$hook" prestart
        IN=$st/utf8.state bad hook_config_invalid_utf8 1 line \
                "${p}load OCI spec \`$W/b/utf8/config.json\`: invalid JSON at line [0-9]+, column [0-9]+: invalid utf-8" \
                "$hook" prestart
        IN=$st/huge.state BI_WATCH_EXTRA=$H/huge bad hook_config_64mib 1 line \
                "${p}load OCI spec \`$H/huge/config.json\`: larger than [0-9]+ bytes" "$hook" prestart
        # Go's flag package: the error, then the usage; exit 2
        bad hook_no_command 2 usage '^Usage of nvidia-container-runtime-hook:$' "$hook"
        bad hook_unknown_flag 2 usage '^flag provided but not defined: -bogus$' "$hook" -bogus prestart
}

# --- nvidia-cdi-hook: logrus lines, the state on stdin ---------------------------------------
t_cdi_hook() {
        local e='^ERRO\[[0-9]{4}\] '
        IN=$st/empty bad cdihook_state_empty 1 erro "${e}failed to create symlinks: container state: invalid JSON at line 1, column 1" \
                "$cdihook" create-symlinks --link /usr/lib/a::/usr/lib/b
        IN=$st/text bad cdihook_state_not_json 1 erro "${e}failed to update ldcache: container state: invalid JSON" \
                "$cdihook" update-ldcache --folder /usr/lib
        IN=$st/array bad cdihook_state_not_object 1 erro "${e}failed to update ldcache: container state: document: expected an object" \
                "$cdihook" update-ldcache --folder /usr/lib
        IN=$H/brackets bad cdihook_state_10mib_brackets 1 erro "${e}failed to update ldcache: container state: larger than" \
                "$cdihook" update-ldcache --folder /usr/lib
        IN=$st/utf8 bad cdihook_state_invalid_utf8 1 erro "${e}failed to enable CUDA compat: container state: invalid JSON.*invalid utf-8" \
                "$cdihook" enable-cuda-compat --host-driver-version 575.57.08
        IN=$st/nul bad cdihook_state_nul_byte 1 erro "${e}failed to create symlinks: container state: invalid JSON.*NUL byte" \
                "$cdihook" create-symlinks --link /usr/lib/a::/usr/lib/b
        IN=$st/missing.state bad cdihook_bundle_missing 1 erro "${e}failed to create symlinks: load OCI spec \`/nonexistent/bundle" \
                "$cdihook" create-symlinks --link /usr/lib/a::/usr/lib/b
        IN=$st/trunc.state bad cdihook_config_truncated 1 erro "${e}failed to chmod: load OCI spec \`$W/b/trunc/config.json\`: invalid JSON" \
                "$cdihook" chmod --mode 0755 --path /etc
        IN=$st/rootnum.state bad cdihook_config_root_path_number 1 erro \
                "${e}failed to create symlinks: load OCI spec \`$W/b/rootnum/config.json\`: root\.path: expected a string" \
                "$cdihook" create-symlinks --link /usr/lib/a::/usr/lib/b
        IN=$st/noroot.state bad cdihook_container_root_missing 1 erro \
                "${e}failed to create symlinks: open container root \`/nonexistent/rootfs\`: No such file" \
                "$cdihook" create-symlinks --link /usr/lib/a::/usr/lib/b
        IN=$st/huge.state BI_WATCH_EXTRA=$H/huge bad cdihook_config_64mib 1 erro \
                "${e}failed to update ldcache: load OCI spec \`$H/huge/config.json\`: larger than" \
                "$cdihook" update-ldcache --folder /usr/lib
        bad cdihook_link_relative 1 erro "${e}failed to create symlinks: invalid symlink specification a::b: the link must be an absolute path" \
                "$cdihook" create-symlinks --link a::b
        bad cdihook_link_no_separator 1 erro "${e}failed to create symlinks: invalid symlink specification nocolon" \
                "$cdihook" create-symlinks --link nocolon
        bad cdihook_chmod_bad_mode 1 erro "${e}failed to chmod: failed to parse mode as octal: \"zz\"" \
                "$cdihook" chmod --mode zz --path /etc
        bad cdihook_unknown_flag 1 erro "${e}incorrect usage: flag provided but not defined: -bogus" \
                "$cdihook" create-symlinks --bogus
}

# --- nvidia-container-runtime create: config.json byte-identical, no container --------------
t_runtime() {
        # the runtime with the test's private runc state (registered for the
        # exit clean-up by runc_cmd)
        local shim=("$rt" --root "$IT_SCRATCH/runc-state")
        runc_cmd list >/dev/null 2>&1
        local p='^nvidia-container-runtime: could not apply required modification to OCI specification: error loading OCI specification for modification: load OCI spec'
        bad runtime_config_truncated 1 line "$p \`$W/b/trunc/config.json\`: invalid JSON at line [0-9]+, column [0-9]+" \
                "${shim[@]}" create --bundle "$W/b/trunc" bi-trunc
        bad runtime_config_empty 1 line "$p \`$W/b/empty/config.json\`: invalid JSON at line 1, column 1" \
                "${shim[@]}" create --bundle "$W/b/empty" bi-empty
        bad runtime_config_env_not_array 1 line "$p \`$W/b/envstr/config.json\`: process\.env: expected an array" \
                "${shim[@]}" create --bundle "$W/b/envstr" bi-envstr
        bad runtime_config_root_path_number 1 line "$p \`$W/b/rootnum/config.json\`: root\.path: expected a string" \
                "${shim[@]}" create --bundle "$W/b/rootnum" bi-rootnum
        bad runtime_config_invalid_utf8 1 line "$p \`$W/b/utf8/config.json\`: invalid JSON .*invalid utf-8" \
                "${shim[@]}" create --bundle "$W/b/utf8" bi-utf8
        BI_WATCH_EXTRA=$H/huge bad runtime_config_64mib 1 line "$p \`$H/huge/config.json\`: larger than [0-9]+ bytes" \
                "${shim[@]}" create --bundle "$H/huge" bi-huge
        bad runtime_bundle_missing 1 line "$p \`/nonexistent/bundle/config.json\`: No such file" \
                "${shim[@]}" create --bundle /nonexistent/bundle bi-missing
        bad runtime_bundle_without_value 1 line 'error getting bundle dir from args: bundle option requires an argument$' \
                "${shim[@]}" create bi-noval --bundle
        # The bundle flag belongs after the subcommand (runc has no global
        # --bundle): refused before any spec (the named one or the cwd's) is edited.
        bad runtime_bundle_before_subcommand 1 line 'error getting bundle dir from args: the bundle option must follow the command$' \
                "${shim[@]}" --bundle "$W/b/good" create bi-order
        # runc could not open it either: refused before the spec is rewritten
        bad runtime_log_is_directory 1 line "^nvidia-container-runtime: open log file \`$W/out\`: Is a directory$" \
                "${shim[@]}" --log "$W/out" create --bundle "$W/b/good" bi-logdir
        # runc's own answer, passed through with its status
        bad runtime_unknown_subcommand 3 logrus "No help topic for 'bogus-subcommand'" "${shim[@]}" bogus-subcommand
        local left
        left=$(runc_cmd list -q 2>/dev/null)
        [ -z "$left" ] && pass runtime_no_container_created || fail runtime_no_container_created "containers: $left"
}

# --- nvidia-ctk ----------------------------------------------------------------------------------
t_ctk() {
        local e='^ERRO\[[0-9]{4}\] ' g=("$ctk" cdi generate --driver-root "$drv" --output "$W/out/spec.yaml")
        local nv=$W/cfg/nv.toml
        bad ctk_generate_bad_format 1 erro "${e}invalid output format: xml" "${g[@]}" --format xml
        bad ctk_generate_bad_mode 1 erro "${e}invalid discovery mode: bogus" "${g[@]}" --mode bogus
        bad ctk_generate_bad_name_strategy 1 erro "${e}invalid device name strategy: bogus" "${g[@]}" --device-name-strategy bogus
        bad ctk_generate_bad_vendor 1 erro "${e}invalid CDI vendor name: .*'/' in name \"a/b\"" "${g[@]}" --vendor a/b
        bad ctk_generate_bad_class 1 erro "${e}invalid CDI class name: .*' ' in name \"a b\"" "${g[@]}" --class 'a b'
        bad ctk_generate_driver_root_missing 1 erro "${e}failed to generate CDI spec: .*\`/nonexistent\`: No such file" \
                "$ctk" cdi generate --driver-root /nonexistent --output "$W/out/spec.yaml"
        bad ctk_generate_relative_hook_path 1 erro "${e}failed to generate CDI spec: .*relative path \"relative/hook\"" \
                "${g[@]}" --nvidia-cdi-hook-path relative/hook
        bad ctk_cdi_validate_garbage 1 report "^$W/cdi/broken\.yaml:4:1: " "$ctk" cdi validate --spec-dir "$W/cdi"
        bad ctk_cdi_unknown_subcommand 1 erro "${e}nvidia-ctk cdi: unknown command \"bogus\"" "$ctk" cdi bogus
        bad ctk_unknown_command 1 erro "${e}nvidia-ctk: unknown command \"bogus\"" "$ctk" bogus
        bad ctk_unknown_flag 1 erro "${e}flag provided but not defined: -+bogus" "$ctk" --bogus
        bad ctk_cdi_list_unknown_flag 1 erro "${e}incorrect usage: flag provided but not defined: -bogus" "$ctk" cdi list --bogus

        bad ctk_config_set_unknown_key 1 erro "${e}invalid --set option no\.such=1: .*unknown key \"no\.such\"" \
                "$ctk" config --config-file "$nv" --in-place --set no.such=1
        bad ctk_config_set_table_as_key 1 erro "${e}invalid --set option nvidia-container-runtime=1: .*unknown key" \
                "$ctk" config --config-file "$nv" --in-place --set nvidia-container-runtime=1
        bad ctk_config_set_bad_bool 1 erro "${e}invalid --set option nvidia-container-cli\.load-kmods=\[: .*\"\[\" is not a boolean" \
                "$ctk" config --config-file "$nv" --in-place --set 'nvidia-container-cli.load-kmods=['
        bad ctk_config_set_no_value 1 erro "${e}invalid --set option nvidia-container-runtime\.mode: .*expected key=value" \
                "$ctk" config --config-file "$nv" --in-place --set nvidia-container-runtime.mode
        bad ctk_config_in_place_and_output 1 erro "${e}cannot specify both --in-place and --output" \
                "$ctk" config --config-file "$nv" --in-place --output "$W/out/x.toml" --set disable-require
        printf '# mine\n[nvidia-container-runtime]\nmode = \n' >"$W/cfg/broken.toml"
        bad ctk_config_broken_file 1 erro "${e}unable to create config: $W/cfg/broken\.toml:3:8: expected a value" \
                "$ctk" config --config-file "$W/cfg/broken.toml" --in-place --set disable-require
        printf 'a = "\xff"\n' >"$W/cfg/utf8.toml"
        bad ctk_config_invalid_utf8 1 erro "${e}unable to create config: $W/cfg/utf8\.toml:1:6: invalid UTF-8" \
                "$ctk" config --config-file "$W/cfg/utf8.toml"
        bad ctk_config_file_is_directory 1 erro "${e}unable to create config: read \`$W/out\`: Is a directory" \
                "$ctk" config --config-file "$W/out" --in-place --set disable-require

        local rc=("$ctk" runtime configure) l="${e}unable to load config for runtime"
        printf '{\n  "log-level": "warn",\n  "runtimes": {\n}}}\n' >"$W/cfg/daemon.json"
        bad ctk_docker_broken_json 1 erro "$l docker: $W/cfg/daemon\.json: invalid JSON at line 4, column 3" \
                "${rc[@]}" --runtime=docker --config "$W/cfg/daemon.json"
        echo '[1]' >"$W/cfg/array.json"
        bad ctk_docker_json_not_object 1 erro "$l docker: $W/cfg/array\.json: expected an object, got an array" \
                "${rc[@]}" --runtime=docker --config "$W/cfg/array.json"
        echo '{"runtimes": 5}' >"$W/cfg/runtimes.json"
        bad ctk_docker_runtimes_not_object 1 erro "$l docker: $W/cfg/runtimes\.json: runtimes: expected an object" \
                "${rc[@]}" --runtime=docker --config "$W/cfg/runtimes.json"
        printf '{"log-level": "\xff"}' >"$W/cfg/utf8.json"
        bad ctk_docker_invalid_utf8 1 erro "$l docker: $W/cfg/utf8\.json: invalid JSON at line 1, column [0-9]+: invalid utf-8" \
                "${rc[@]}" --runtime=docker --config "$W/cfg/utf8.json"
        printf '# mine\nversion = 2\n[plugins."io.containerd.grpc.v1.cri"\n' >"$W/cfg/containerd.toml"
        bad ctk_containerd_broken_toml 1 erro "$l containerd: $W/cfg/containerd\.toml:3:37: expected .\]. after table name" \
                "${rc[@]}" --runtime=containerd --config "$W/cfg/containerd.toml" --drop-in-config=
        printf 'version = 2\nplugins = 5\n' >"$W/cfg/plugins.toml"
        bad ctk_containerd_plugins_not_table 1 erro "$l containerd: .*\`plugins\` is not a table" \
                "${rc[@]}" --runtime=containerd --config "$W/cfg/plugins.toml" --drop-in-config=
        printf 'version = "2"\n' >"$W/cfg/version.toml"
        bad ctk_containerd_version_string 1 erro "$l containerd: $W/cfg/version\.toml:1:11: unsupported type for version field" \
                "${rc[@]}" --runtime=containerd --config "$W/cfg/version.toml" --drop-in-config=
        printf '[crio\n' >"$W/cfg/crio.toml"
        bad ctk_crio_broken_toml 1 erro "$l crio: $W/cfg/crio\.toml:1:6: expected .\]. after table name" \
                "${rc[@]}" --runtime=crio --config "$W/cfg/crio.toml"
        bad ctk_runtime_nosuch 1 erro "${e}unrecognized runtime 'nosuch'" \
                "${rc[@]}" --runtime=nosuch --config "$W/cfg/daemon.json"
        bad ctk_runtime_bad_bool_flag 1 erro "${e}invalid boolean value \"maybe\" for -nvidia-set-as-default" \
                "${rc[@]}" --config "$W/out/new.json" --nvidia-set-as-default=maybe
        bad ctk_runtime_config_is_directory 1 erro "$l docker: $W/out: read: Is a directory" \
                "${rc[@]}" --runtime=docker --config "$W/out"
        bad ctk_runtime_unknown_flag 1 erro "${e}flag provided but not defined: -bogus" "${rc[@]}" --bogus
        bad ctk_device_nodes_root_missing 1 erro "${e}failed to create control device nodes: open driver root \`/nonexistent\`: No such file" \
                "$ctk" system create-device-nodes --driver-root /nonexistent --control-devices
        bad ctk_device_nodes_root_is_file 1 erro "${e}failed to create control device nodes: open driver root \`$W/rootfs/etc/motd\`: Not a directory" \
                "$ctk" system create-device-nodes --driver-root "$W/rootfs/etc/motd" --control-devices
}

# --- a full disk, then a read-only one (lib/badinput.sh: bi_disk_inner) ---------------------
t_disk() {
        local d rc
        d=$(scratch_dir disk)
        # shellcheck disable=SC2016  # expanded by the inner shell
        IT_SCRATCH=$IT_SCRATCH BUILD=$BUILD SRCDIR=$SRCDIR unshare -m --propagation private bash -c \
                '. "$1/lib.sh" && . "$1/lib/badinput.sh" && bi_disk_inner "$2" "$3" "$4"' \
                bi "$SRCDIR/tests/integration" "$d" "$drv" "$W/cfg/nv.toml"
        rc=$?
        [ "$rc" = 0 ] || IT_FAILED=$((IT_FAILED + rc))
        [ -z "$(_it_mounts_under "$d")" ] && pass disk_no_mount_leaked || fail disk_no_mount_leaked "tmpfs visible on the host"
}

t_fake
t_cli
t_hook
t_cdi_hook
t_runtime
t_ctk
n=$BI_CASES
t_disk
it_log "$n bad-input cases, 8 full-disk and read-only cases"
[ "$IT_FAILED" = 0 ]
