#!/bin/bash
# The automatic CDI refresh (nvidia-cdi-refresh.path/.service, the env file,
# the udev rule) as `make install` lays them out: systemd-analyze accepts the
# units, and the service's own command sequence, read out of the installed
# unit (Environment, EnvironmentFile, ExecCondition, ExecStart), keeps a CDI
# spec in step with a fake driver that is installed, upgraded to another
# version with more GPUs, and left without its kernel module.
. "$(dirname "$0")/lib.sh"
require_root t_refresh

work=$(scratch_dir refresh)
dest=$work/dest
drv=$work/driver
kver=$(uname -r)
modules=$work/lib/modules/$kver
spec=$work/run/cdi/nvidia.yaml
unitdir=$dest/usr/lib/systemd/system

if ! make -s -C "$SRCDIR" BUILD="$BUILD" install-data DESTDIR="$dest" PREFIX=/usr BINDIR="$BUILD/bin" \
        >"$work/install.log" 2>&1; then
        fail refresh_units_installed "make install-data"
        it_indent "$work/install.log"
        exit 0
fi
pass refresh_units_installed

# --- the units as systemd reads them -------------------------------------------------
units_verify() {
        (cd "$1" && systemd-analyze verify --man=no ./nvidia-cdi-refresh.service ./nvidia-cdi-refresh.path 2>&1)
}
if out=$(units_verify "$unitdir") && [ -z "$out" ]; then
        pass systemd_analyze_verify_accepts_units
else
        fail systemd_analyze_verify_accepts_units "$out"
fi
# The same check sees a broken unit (so a pass above means something).
mkdir -p "$work/broken" && cp "$unitdir"/nvidia-cdi-refresh.{service,path} "$work/broken/"
sed -i 's/^Type=oneshot/Type=oneshoot/' "$work/broken/nvidia-cdi-refresh.service"
out=$(units_verify "$work/broken")
expect_contains systemd_analyze_verify_rejects_broken_unit "Failed to parse service type" "$out"

svc=$unitdir/nvidia-cdi-refresh.service
expect_contains refresh_service_runs_cdi_generate "$BUILD/bin/nvidia-ctk cdi generate" "$(grep '^ExecStart=' "$svc")"
expect_contains refresh_service_default_output "NVIDIA_CTK_CDI_OUTPUT_FILE_PATH=/var/run/cdi/nvidia.yaml" \
        "$(grep '^Environment=' "$svc")"
expect_contains refresh_service_env_file "-/etc/nvidia-container-toolkit/nvidia-cdi-refresh.env" \
        "$(grep '^EnvironmentFile=' "$svc")"
expect_contains refresh_path_watches_modules "/lib/modules/%v/modules.dep" \
        "$(grep '^PathChanged=' "$unitdir/nvidia-cdi-refresh.path")"
expect_contains refresh_dropin_orders_engines "Before=docker.service containerd.service crio.service" \
        "$(cat "$unitdir/nvidia-cdi-refresh.service.d/10-container-engines.conf")"
expect_contains refresh_udev_rule 'ENV{SYSTEMD_WANTS}+="nvidia-cdi-refresh.service"' \
        "$(cat "$dest/usr/lib/udev/rules.d/99-nvidia-cdi-refresh.rules")"
expect_contains refresh_preset_enables_units "enable nvidia-cdi-refresh.path" \
        "$(cat "$dest/usr/lib/systemd/system-preset/90-nvidia-container-toolkit.preset")"

# --- the service's command sequence -----------------------------------------------------
# unit_value KEY: the values of KEY= in the installed service, one a line.
unit_value() { sed -n "s/^$1=//p" "$svc"; }

# A systemd-style command line: %v is the kernel release, \\ a backslash;
# the host's /etc and /lib/modules stand for the test's copies.
unit_command() {
        printf '%s\n' "$1" | sed -e "s/%v/$kver/g" -e 's/\\\\/\\/g' \
                -e "s|/lib/modules/|$work/lib/modules/|g"
}

# run_service: what systemd does to start the unit, in a clean environment.
# Returns 0 when it ran, 1 when its ExecCondition skipped it, 2 on failure.
run_service() (
        local line file cmd
        env_args=()
        while IFS= read -r line; do env_args+=("$line"); done < <(unit_value Environment)
        file=$(unit_value EnvironmentFile)
        file=$dest${file#-}
        if [ -r "$file" ]; then
                while IFS= read -r line; do
                        case $line in '' | '#'* | ';'*) continue ;; esac
                        env_args+=("$line")
                done <"$file"
        fi
        cmd=$(unit_command "$(unit_value ExecCondition)")
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${env_args[@]}" bash -c "$cmd" || return 1
        cmd=$(unit_command "$(unit_value ExecStart)")
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${env_args[@]}" bash -c "$cmd" \
                >"$work/service.out" 2>"$work/service.err" || return 2
)

# The env file points the refresh at the fake driver and the test's spec dir.
envfile=$dest/etc/nvidia-container-toolkit/nvidia-cdi-refresh.env
printf 'NVIDIA_CTK_DRIVER_ROOT=%s\nNVIDIA_CTK_CDI_OUTPUT_FILE_PATH=%s\n' "$drv" "$spec" >>"$envfile"
# No spec directory yet: /var/run/cdi is empty after a boot.
mkdir -p "$modules"
printf 'kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko\n' >"$modules/modules.dep"

# No NVIDIA kernel module for this kernel yet: the unit does not run.
run_service
expect_eq refresh_skipped_without_kernel_module 1 "$?"
check refresh_no_spec_before_driver test ! -e "$spec"

spec_gpus() { grep -c '^  name: "\?[0-9]' "$spec" 2>/dev/null; }
spec_has() { grep -q -- "$1" "$spec" 2>/dev/null; }

# The driver appears (its module in modules.dep, as depmod writes it).
fake_root_create "$drv" --gpus 4 --driver-version 575.57.08 || { fail refresh_fake_driver "setup"; exit 0; }
printf 'updates/dkms/nvidia.ko:\nupdates/dkms/nvidia-uvm.ko: updates/dkms/nvidia.ko\n' >>"$modules/modules.dep"
run_service
rc=$?
expect_eq refresh_runs_with_kernel_module 0 "$rc"
[ "$rc" = 2 ] && it_indent "$work/service.err"
expect_eq refresh_spec_lists_4_gpus 4 "$(spec_gpus)"
check refresh_spec_for_driver_575 spec_has 'libcuda.so.575.57.08'
check refresh_spec_in_yaml spec_has '^cdiVersion:'
expect_eq refresh_spec_mode_0644 644 "$(stat -c %a "$spec")"
check refresh_spec_valid "$BUILD/bin/nvidia-ctk" cdi validate "$spec"
expect_contains refresh_logs_generation "Generated CDI spec with version" "$(cat "$work/service.err")"

# The driver is upgraded to another version with more GPUs.
fake_root_remove "$drv"
fake_root_create "$drv" --gpus 8 --driver-version 580.65.06 || { fail refresh_fake_driver_upgrade "setup"; exit 0; }
touch "$modules/modules.dep"
run_service
expect_eq refresh_runs_after_upgrade 0 "$?"
expect_eq refresh_spec_follows_to_8_gpus 8 "$(spec_gpus)"
check refresh_spec_for_driver_580 spec_has 'libcuda.so.580.65.06'
check_fails refresh_spec_drops_driver_575 spec_has '575.57.08'

# The env file's settings replace the unit's: JSON output elsewhere.
printf 'NVIDIA_CTK_CDI_OUTPUT_FILE_PATH=%s\n' "$work/run/cdi/nvidia.json" >>"$envfile"
run_service
expect_eq refresh_env_file_overrides 0 "$?"
check refresh_json_spec_written test -s "$work/run/cdi/nvidia.json"
expect_eq refresh_json_format_from_name '{"cdiVersion":' "$(head -c 14 "$work/run/cdi/nvidia.json")"

# A failing generate (no driver left) fails the unit and keeps the last spec:
# the refresh does not handle driver removal, by design.
fake_root_remove "$drv"
cp "$spec" "$work/spec.before"
run_service
expect_eq refresh_fails_without_driver 2 "$?"
check refresh_keeps_spec_on_failure cmp -s "$spec" "$work/spec.before"
