#!/bin/bash
# nvidia-ctk cdi generate, list and validate, on fake driver roots:
#  - generate + list: the seed's 9 device names and log lines, a 0644 file;
#  - golden files: the full YAML and JSON specs of the default profile, one
#    GPU and a MIG profile, the driver root replaced by @ROOT@
#    (UPDATE_GOLDEN=1 rewrites tests/integration/golden/cdi-*), each valid
#    under the CDI JSON schema and our own validator;
#  - validate: our specs pass, and each of many broken specs reports its
#    exact problem (FILE:LINE:COL: reason on stdout, exit 1);
#  - podman 4.3 with our spec (hooks run by our nvidia-cdi-hook): all GPUs, an
#    index, a UUID; the driver libraries in the container's linker cache and
#    the hooks' symlinks;
#  - errors: one ERRO line on stderr, exit 1, no output file.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctk=$BUILD/bin/nvidia-ctk
GOLDEN=$SRCDIR/tests/integration/golden
SCHEMA=${CDI_SCHEMA_DIR:-/work/shared/cdi-schema}
LIBDIR=/usr/lib/x86_64-linux-gnu
VER=575.57.08
SEED_NAMES="nvidia.com/gpu=0
nvidia.com/gpu=1
nvidia.com/gpu=2
nvidia.com/gpu=3
nvidia.com/gpu=GPU-0-FAKE-UUID
nvidia.com/gpu=GPU-1-FAKE-UUID
nvidia.com/gpu=GPU-2-FAKE-UUID
nvidia.com/gpu=GPU-3-FAKE-UUID
nvidia.com/gpu=all"

smi_line() { echo "GPU $1: NVIDIA Tesla T4 (UUID: GPU-$2-FAKE-UUID)"; }
# Log lines without logrus' padding, with the time fixed and mkstemp's
# suffixes as XXXXXX.
# shellcheck disable=SC2016  # the backquotes are literal
unpad() { sed -E -e 's/ *$//' -e 's/^([A-Z]{4})\[[0-9]*\]/\1[0000]/' -e 's/\.[A-Za-z0-9]{6}`/.XXXXXX`/g'; }

# expect_error NAME WANT-LINE CMD...: CMD fails (1), prints nothing on stdout
# and one ERRO line on stderr, WANT-LINE, its last (log lines may come first).
expect_error() {
        local name=$1 want=$2 out err rc
        shift 2
        out=$("$@" 2>"$IT_SCRATCH/err"); rc=$?
        err=$(unpad <"$IT_SCRATCH/err")
        expect_eq "$name" "1

ERRO[0000] $want
ERRO[0000] $want" "$rc
$out
$(grep '^ERRO' <<<"$err")
$(tail -n 1 <<<"$err")"
}

# --- errors before the driver is asked (no root needed) ------------------------------
t_flag_errors() {
        local d
        d=$(scratch_dir flags)
        expect_error ctk_cdi_unknown_flag "incorrect usage: flag provided but not defined: -bogus" \
                "$ctk" cdi generate --bogus --output "$d/x.yaml"
        expect_error ctk_cdi_bad_format "invalid output format: xml" \
                "$ctk" cdi generate --format xml --output "$d/x.yaml"
        expect_error ctk_cdi_bad_mode "invalid discovery mode: magic" \
                "$ctk" cdi generate --mode magic --output "$d/x.yaml"
        expect_error ctk_cdi_unsupported_mode "unsupported discovery mode: wsl" \
                "$ctk" cdi generate --mode wsl --output "$d/x.yaml"
        expect_error ctk_cdi_bad_name_strategy "invalid device name strategy: serial" \
                "$ctk" cdi generate --device-name-strategy index,serial --output "$d/x.yaml"
        expect_error ctk_cdi_bad_hook_name "invalid hook name: frobnicate" \
                "$ctk" cdi generate --disable-hook frobnicate --output "$d/x.yaml"
        expect_error ctk_cdi_list_argument "incorrect usage: unexpected argument \"extra\"" \
                "$ctk" cdi list extra
        [ -z "$(find "$d" -mindepth 1)" ] && pass ctk_cdi_flag_errors_write_nothing ||
                { fail ctk_cdi_flag_errors_write_nothing "files left"; find "$d" | it_indent; }
}

t_flag_errors
require_root ctk_cdi_driver || exit 0

work=$(scratch_dir)
drv=$work/drv
fake_root_create "$drv" || { fail ctk_cdi_setup "fake driver setup failed"; exit 0; }

# --- generate + list (seed 001) --------------------------------------------------------
t_generate_list() {
        local s=$work/specs out rc
        mkdir -p "$s"
        out=$(umask 077; "$ctk" cdi generate --driver-root "$drv" --output "$s/nvidia.yaml" 2>&1); rc=$?
        out=$(unpad <<<"$out")
        [ "$rc" = 0 ] && pass ctk_cdi_generate_exit_0 || { fail ctk_cdi_generate_exit_0 "exit $rc"; it_indent <<<"$out"; }
        expect_eq ctk_cdi_generate_log_starts_as_seed "INFO[0000] Using $drv$LIBDIR/libnvidia-ml.so.$VER
INFO[0000] Auto-detected mode as 'nvml'" "$(head -n 2 <<<"$out")"
        expect_contains ctk_cdi_generate_log_selects_nodes "INFO[0000] Selecting $drv/dev/nvidia0 as /dev/nvidia0" "$out"
        expect_eq ctk_cdi_generate_log_ends_with_version "INFO[0000] Generated CDI spec with version 0.5.0" \
                "$(tail -n 1 <<<"$out")"
        expect_eq ctk_cdi_generate_file_mode_0644 "644" "$(stat -c %a "$s/nvidia.yaml" 2>&1)"
        expect_eq ctk_cdi_generate_declares_0_5_0 'cdiVersion: 0.5.0' "$(grep '^cdiVersion:' "$s/nvidia.yaml")"

        out=$("$ctk" cdi list --spec-dir "$s" 2>"$work/list.err"); rc=$?
        expect_eq ctk_cdi_list_seed_names "0
$SEED_NAMES" "$rc
$out"
        expect_eq ctk_cdi_list_log_line "INFO[0000] Found 9 CDI devices" "$(unpad <"$work/list.err")"
        # logrus pads the message to 44 columns and adds a space
        expect_eq ctk_cdi_list_log_padding "INFO[0000] Found 9 CDI devices$(printf '%26s' '')" \
                "$(sed 's/\[[0-9]*\]/[0000]/' "$work/list.err")"
        # --output without a known extension gets the format's (NVIDIA's Save)
        "$ctk" cdi generate --driver-root "$drv" --format json --output "$s/noext" 2>/dev/null &&
                [ -f "$s/noext.json" ] && [ "$(head -c 1 "$s/noext.json")" = "{" ] &&
                pass ctk_cdi_generate_output_gets_extension || fail ctk_cdi_generate_output_gets_extension "no $s/noext.json"
        # the output's extension picks JSON; stdout when no --output
        "$ctk" cdi generate --driver-root "$drv" --output "$s/by-ext.json" 2>/dev/null &&
                cmp -s "$s/noext.json" "$s/by-ext.json" && pass ctk_cdi_generate_json_by_extension ||
                fail ctk_cdi_generate_json_by_extension "differs from --format json"
        out=$("$ctk" cdi generate --driver-root "$drv" 2>/dev/null)
        expect_eq ctk_cdi_generate_stdout_is_the_file "$(cat "$s/nvidia.yaml")" "$out"
}

# --- the flags that shape the spec ---------------------------------------------------------
# summary ARGS...: "kind: device names | hook names" of the spec generated with ARGS.
summary() {
        "$ctk" cdi generate --driver-root "$drv" --format json "$@" 2>/dev/null | "$IT_PYTHON" -c '
import json, sys
s = json.load(sys.stdin)
hooks = [" ".join(h["args"][1:]) for h in s.get("containerEdits", {}).get("hooks", [])]
print(s["kind"] + ": " + " ".join(d["name"] for d in s["devices"]) + " | " + ", ".join(hooks))' 2>&1
}

t_flags() {
        local ldcache="update-ldcache --folder $LIBDIR --folder $LIBDIR/vdpau"
        expect_eq ctk_cdi_enable_hook_after_disable_all "nvidia.com/gpu: 0 1 2 3 GPU-0-FAKE-UUID GPU-1-FAKE-UUID \
GPU-2-FAKE-UUID GPU-3-FAKE-UUID all | $ldcache" "$(summary --disable-hook all --enable-hook update-ldcache)"
        expect_eq ctk_cdi_type_index_vendor_class_no_all "example.com/dev: gpu0 gpu1 gpu2 gpu3 | " \
                "$(summary --no-all-device --device-name-strategy type-index --vendor example.com --class dev \
                        --disable-hook all)"
        expect_eq ctk_cdi_device_ids "nvidia.com/gpu: 1 3 GPU-1-FAKE-UUID GPU-3-FAKE-UUID all | " \
                "$(summary --device-id 1 --device-id GPU-3-FAKE-UUID --disable-hook all)"
        expect_eq ctk_cdi_mode_management "nvidia.com/gpu: all | " "$(summary --mode management --disable-hook all)"
        expect_eq ctk_cdi_ctk_path_and_ldconfig "nvidia.com/gpu: all | hook update-ldcache --ldconfig-path /sbin/ldconfig \
--folder $LIBDIR --folder $LIBDIR/vdpau" "$(summary --nvidia-ctk-path /usr/bin/nvidia-ctk --ldconfig-path /sbin/ldconfig \
                --mode management --disable-hook all --enable-hook update-ldcache)"
        expect_error ctk_cdi_bad_vendor "invalid CDI vendor name: invalid vendor. \"bad_vendor!\", should end with a \
letter or digit" "$ctk" cdi generate --driver-root "$drv" --vendor 'bad_vendor!'
}

# --- golden files ---------------------------------------------------------------------------
# normalise ROOT FILE: the spec with the driver root as @ROOT@.
normalise() {
        local re
        re=$(printf '%s' "$1" | sed 's/[][\.*^$/]/\\&/g')
        sed "s/$re/@ROOT@/g" "$2"
}

# schema_check PYTHON FILE...: each spec (YAML or JSON) against the CDI schema.
schema_check() {
        local py=$1
        shift
        "$py" - "$SCHEMA" "$@" <<'EOF'
import json, sys
import yaml
from jsonschema import Draft7Validator
d = sys.argv[1]
schema = json.load(open(d + "/schema.json"))
defs = json.load(open(d + "/defs.json"))
try:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7
    registry = Registry().with_resource("defs.json", Resource.from_contents(defs, default_specification=DRAFT7))
    validator = Draft7Validator(schema, registry=registry)
except ImportError:
    from jsonschema import RefResolver
    validator = Draft7Validator(schema, resolver=RefResolver("", schema, store={"defs.json": defs}))
bad = 0
for path in sys.argv[2:]:
    for e in validator.iter_errors(yaml.safe_load(open(path))):
        print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
        bad += 1
sys.exit(1 if bad else 0)
EOF
}

# golden NAME ROOT PYTHON: generate YAML and JSON for ROOT, compare with
# golden/cdi-NAME.{yaml,json} (or rewrite them with UPDATE_GOLDEN=1), check
# both with the schema (PYTHON; none: skipped) and with `cdi validate`.
golden() {
        local name=$1 root=$2 py=$3 dir=$work/golden-$1 fmt out
        mkdir -p "$dir"
        for fmt in yaml json; do
                if ! "$ctk" cdi generate --driver-root "$root" --output "$dir/cdi-$name.$fmt" 2>"$dir/$fmt.log"; then
                        fail "ctk_cdi_golden_${name}_$fmt" "generate failed"
                        it_indent "$dir/$fmt.log"
                        continue
                fi
                normalise "$root" "$dir/cdi-$name.$fmt" >"$dir/norm-$name.$fmt"
                if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
                        mkdir -p "$GOLDEN" && cp "$dir/norm-$name.$fmt" "$GOLDEN/cdi-$name.$fmt"
                        skip "ctk_cdi_golden_${name}_$fmt" "golden file rewritten"
                elif cmp -s "$GOLDEN/cdi-$name.$fmt" "$dir/norm-$name.$fmt"; then
                        pass "ctk_cdi_golden_${name}_$fmt"
                else
                        fail "ctk_cdi_golden_${name}_$fmt" "differs from golden/cdi-$name.$fmt"
                        diff -u "$GOLDEN/cdi-$name.$fmt" "$dir/norm-$name.$fmt" | head -n 40 | it_indent
                fi
        done
        if [ -z "$py" ]; then
                skip "ctk_cdi_golden_${name}_schema" "no python3 with the jsonschema and yaml modules"
        elif out=$(schema_check "$py" "$dir/cdi-$name.yaml" "$dir/cdi-$name.json" 2>&1); then
                pass "ctk_cdi_golden_${name}_schema"
        else
                fail "ctk_cdi_golden_${name}_schema" "invalid"
                it_indent <<<"$out"
        fi
        # one at a time: the two files define the same devices (a conflict)
        for fmt in yaml json; do
                out=$("$ctk" cdi validate "$dir/cdi-$name.$fmt" 2>&1) && pass "ctk_cdi_validate_generated_${name}_$fmt" ||
                        { fail "ctk_cdi_validate_generated_${name}_$fmt" "problems found"; it_indent <<<"$out"; }
        done
}

t_golden() {
        local one=$work/drv1 mig=$work/drvmig py="" p
        # the schema module may live in another python3 than the harness's
        for p in "$IT_PYTHON" python3; do
                "$p" -c 'import jsonschema, yaml' 2>/dev/null && { py=$p; break; }
        done
        golden default "$drv" "$py"
        fake_root_create "$one" --gpus 1 && golden 1gpu "$one" "$py" ||
                fail ctk_cdi_golden_1gpu "fake driver setup failed"
        fake_root_create "$mig" --gpus 2 --mig 0=1g.5gb+2g.10gb && golden mig "$mig" "$py" ||
                fail ctk_cdi_golden_mig "fake driver setup failed"
}

# --- validate: broken specs ------------------------------------------------------------------
V=$work/validate
mkdir -p "$V"
# broken NAME FILE WANT: FILE (in $V, written from stdin) gives exactly WANT
# (with @F@ for its path) and exit 1.
broken() {
        local name=$1 f=$V/$2 want=$3 out rc
        cat >"$f"
        out=$("$ctk" cdi validate "$f" 2>/dev/null); rc=$?
        expect_eq "ctk_cdi_validate_$name" "1
${want//@F@/$f}" "$rc
$out"
}

HEAD='cdiVersion: 0.5.0
kind: nvidia.com/gpu'
DEV0='devices:
- name: gpu0
  containerEdits:
    deviceNodes:
    - path: /dev/nvidia0'

t_validate_broken() {
        local out rc
        broken bad_kind kind.yaml '@F@:2:7: invalid vendor. empty name' <<EOF
cdiVersion: 0.5.0
kind: nvidia.com
$DEV0
EOF
        broken bad_vendor_chars vendor.yaml "@F@:2:7: invalid vendor. invalid character '!' in name \"nvi_dia!.com\"" <<EOF
cdiVersion: 0.5.0
kind: nvi_dia!.com/gpu
$DEV0
EOF
        broken bad_class_chars class.yaml "@F@:2:7: invalid class. invalid character '@' in name \"g@u\"" <<EOF
cdiVersion: 0.5.0
kind: nvidia.com/g@u
$DEV0
EOF
        broken missing_version noversion.yaml '@F@: invalid version ""' <<EOF
kind: nvidia.com/gpu
$DEV0
EOF
        broken unknown_version version.yaml '@F@:1:13: invalid version "0.9.0"' <<EOF
cdiVersion: 0.9.0
kind: nvidia.com/gpu
$DEV0
EOF
        broken version_too_low low.yaml '@F@:1:13: the spec version must be at least v0.5.0 (for deviceNodes[].hostPath)' <<EOF
cdiVersion: 0.3.0
kind: nvidia.com/gpu
$DEV0
      hostPath: /dev/nvidia0
EOF
        broken device_name_invalid devname.yaml '@F@:4:3: invalid device "gpu!": invalid name "gpu!", should end with a letter or digit' <<EOF
$HEAD
devices:
- name: gpu!
  containerEdits:
    env: [A=1]
EOF
        broken duplicate_device dup.yaml '@F@:8:3: invalid spec, multiple device "gpu0"' <<EOF
$HEAD
$DEV0
- name: gpu0
  containerEdits:
    env: [A=1]
EOF
        broken no_devices nodevs.yaml '@F@: invalid spec, no devices' <<EOF
$HEAD
devices: []
EOF
        broken missing_edits noedits.yaml '@F@:4:3: invalid device "gpu0": empty container edits' <<EOF
$HEAD
devices:
- name: gpu0
EOF
        broken relative_node relnode.yaml '@F@:7:7: invalid device "gpu0": device "dev/nvidia0": invalid (relative) device path' <<EOF
$HEAD
devices:
- name: gpu0
  containerEdits:
    deviceNodes:
    - path: dev/nvidia0
EOF
        broken bad_hook_stage stage.yaml '@F@:10:5: invalid hook name "preStart"' <<EOF
$HEAD
$DEV0
containerEdits:
  hooks:
  - hookName: preStart
    path: /usr/bin/nvidia-cdi-hook
EOF
        broken relative_hook_path hookpath.yaml '@F@:10:5: invalid hook "createContainer" with relative path "nvidia-cdi-hook"' <<EOF
$HEAD
$DEV0
containerEdits:
  hooks:
  - hookName: createContainer
    path: nvidia-cdi-hook
EOF
        broken relative_mount mount.yaml '@F@:10:5: invalid mount, relative container path "usr/bin/nvidia-smi"' <<EOF
$HEAD
$DEV0
containerEdits:
  mounts:
  - hostPath: /usr/bin/nvidia-smi
    containerPath: usr/bin/nvidia-smi
EOF
        broken env_without_equals env.yaml '@F@:9:3: invalid container edits: invalid environment variable "NVIDIA_VISIBLE_DEVICES"' <<EOF
$HEAD
$DEV0
containerEdits:
  env: [NVIDIA_VISIBLE_DEVICES]
EOF
        broken bad_permissions perms.yaml '@F@:7:7: invalid device "gpu0": device "/dev/nvidia0": invalid permissions "rwx"' <<EOF
$HEAD
devices:
- name: gpu0
  containerEdits:
    deviceNodes:
    - path: /dev/nvidia0
      permissions: rwx
EOF
        broken annotations_need_0_6_0_and_bad_timeout multi.yaml '@F@:1:13: the spec version must be at least v0.6.0 (for device annotations)
@F@:9:7: invalid device "gpu0": invalid hook "createContainer" with timeout 0, must be greater than zero' <<EOF
$HEAD
devices:
- name: gpu0
  annotations:
    a: b
  containerEdits:
    hooks:
    - hookName: createContainer
      path: /bin/true
      timeout: 0
EOF
        broken yaml_syntax syntax.yaml '@F@:4:1: while parsing a flow node, did not find expected node content' <<EOF
$HEAD
devices: [
- name: gpu0
EOF
        broken json_syntax syntax.json '@F@: invalid JSON at line 1, column 63: unexpected character' <<EOF
{"cdiVersion": "0.5.0", "kind": "nvidia.com/gpu", "devices": [}
EOF
        broken unknown_field field.yaml '@F@:6:5: devices[0].containerEdits: unknown field "devicenodes"' <<EOF
$HEAD
devices:
- name: gpu0
  containerEdits:
    devicenodes:
    - path: /dev/nvidia0
EOF
        broken wrong_type type.yaml '@F@:4:9: devices[0].name: expected a string, got a sequence' <<EOF
$HEAD
devices:
- name: [gpu0]
  containerEdits:
    env: [A=1]
EOF
        broken empty_file empty.yaml '@F@: no spec data' </dev/null
        # two files defining one device: a conflict, neither copy is usable
        printf '%s\n%s\n' "$HEAD" "$DEV0" >"$V/a.yaml"
        printf '%s\n%s\n' "$HEAD" "$DEV0" >"$V/b.yaml"
        out=$("$ctk" cdi validate "$V/a.yaml" "$V/b.yaml" 2>/dev/null); rc=$?
        expect_eq ctk_cdi_validate_conflict "1
conflicting device \"nvidia.com/gpu=gpu0\" (specs \"$V/a.yaml\", \"$V/b.yaml\")" "$rc
$out"
        # a directory: every problem of every file, the summary on stderr
        mkdir -p "$V/dir" && cp "$V/env.yaml" "$V/nodevs.yaml" "$V/a.yaml" "$V/dir/"
        out=$("$ctk" cdi validate --spec-dir "$V/dir" 2>&1 >/dev/null); rc=$?
        expect_eq ctk_cdi_validate_dir_summary "1
INFO[0000] Checked CDI specs: 1 valid, 1 devices, 2 problems" "$rc
$(unpad <<<"$out")"
}

# --- errors after the driver was asked ------------------------------------------------------
t_run_errors() {
        local d=$work/errors
        mkdir -p "$d/ro"
        expect_error ctk_cdi_unknown_device_id 'failed to generate CDI spec: no device matches "7"' \
                "$ctk" cdi generate --driver-root "$drv" --device-id 7 --output "$d/x.yaml"
        # (the scratch dir's removal unmounts it)
        if mount -t tmpfs -o ro,size=1m it-ctk-ro "$d/ro"; then
                expect_error ctk_cdi_unwritable_output "failed to save CDI spec: write CDI spec \`$d/ro/nvidia.yaml\`: \
create temporary file \`$d/ro/.nvidia.yaml.XXXXXX\`: Read-only file system" \
                        "$ctk" cdi generate --driver-root "$drv" --output "$d/ro/nvidia.yaml"
        else
                fail ctk_cdi_unwritable_output "cannot mount a read-only tmpfs"
        fi
        expect_error ctk_cdi_no_driver "failed to generate CDI spec: initialize libnvidia-container: load library \
failed: libnvidia-ml.so.1: cannot open shared object file: no such file or directory" \
                "$ctk" cdi generate --driver-root "$d/ro" --output "$d/x.yaml"
        [ -z "$(find "$d" -mindepth 1 ! -path "$d/ro")" ] && pass ctk_cdi_errors_write_nothing ||
                { fail ctk_cdi_errors_write_nothing "files left"; find "$d" | it_indent; }
}

# --- podman ------------------------------------------------------------------------------------
t_podman() {
        local d=$work/podman cdi=$work/podman-cdi out
        mkdir -p "$cdi"
        if ! "$ctk" cdi generate --driver-root "$drv" --nvidia-cdi-hook-path "$BUILD/bin/nvidia-cdi-hook" \
                --output "$cdi/nvidia.yaml" 2>"$work/podman-gen.log"; then
                fail ctk_cdi_podman_setup "generate failed"
                it_indent "$work/podman-gen.log"
                return
        fi
        if ! podman_init "$d"; then
                fail ctk_cdi_podman_setup "podman_init failed"
                return
        fi
        rootfs_glibc "$work/rootfs" && rootfs_tarball "$work/rootfs" "$work/rootfs.tar" &&
                image_import_podman "$work/rootfs.tar" it-ctk-cdi ||
                { fail ctk_cdi_podman_setup "image import failed"; return; }
        podman_cdi_dir "$cdi"
        local probe="nvidia-smi -L; echo ---; ldconfig -p | grep -c 'libcuda\\.so\\.1 .*=> $LIBDIR/libcuda\\.so\\.1\$'
readlink $LIBDIR/libcuda.so"
        out=$(podman_run --rm --device nvidia.com/gpu=all localhost/it-ctk-cdi /bin/sh -c "$probe" 2>&1)
        expect_eq ctk_cdi_podman_all "$(smi_line 0 0; smi_line 1 1; smi_line 2 2; smi_line 3 3)" "$(sed '/^---$/,$d' <<<"$out")"
        expect_eq ctk_cdi_podman_ldcache_has_libcuda "1" "$(sed -n '/^---$/{n;p}' <<<"$out")"
        expect_eq ctk_cdi_podman_symlink_hook_ran "libcuda.so.1" "$(tail -n 1 <<<"$out")"
        out=$(podman_run --rm --device nvidia.com/gpu=0 localhost/it-ctk-cdi nvidia-smi -L 2>&1)
        expect_eq ctk_cdi_podman_index "$(smi_line 0 0)" "$out"
        out=$(podman_run --rm --device nvidia.com/gpu=GPU-2-FAKE-UUID localhost/it-ctk-cdi nvidia-smi -L 2>&1)
        expect_eq ctk_cdi_podman_uuid "$(smi_line 0 2)" "$out"
        podman_cleanup "$d"
}

t_generate_list
t_flags
t_golden
t_validate_broken
t_run_errors
t_podman
assert_host_clean ctk_cdi_host_clean
