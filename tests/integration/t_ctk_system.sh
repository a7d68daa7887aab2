#!/bin/bash
# nvidia-ctk system create-device-nodes and create-dev-char-symlinks on a fake
# driver root: the control nodes with their numbers and mode 0666 (whatever
# the umask), nvidia-uvm's major from the root's /proc/devices (skipped with a
# warning when unknown), nothing changed by a dry run or when a node of the
# wrong numbers is in the way, a /dev symlink of the root resolved inside the
# root; /dev/char links MAJOR:MINOR to the nodes under the driver root,
# correct ones kept, wrong ones replaced, --create-all adding the GPUs the
# driver reports; a bad flag is one error line and exit 1.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctk=$BUILD/bin/nvidia-ctk

# --- the command line (no root needed) ------------------------------------------------
for cmd in create-device-nodes create-dev-char-symlinks; do
        out=$("$ctk" system "$cmd" --bogus 2>&1 >/dev/null); rc=$?
        [ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q 'flag provided but not defined: -bogus' <<<"$out" &&
                pass "system_${cmd}_bad_flag" || { fail "system_${cmd}_bad_flag" "exit $rc"; it_indent <<<"$out"; }
done
out=$(DRY_RUN=maybe "$ctk" system create-dev-char-symlinks 2>&1); rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && pass system_bad_env_bool ||
        { fail system_bad_env_bool "exit $rc"; it_indent <<<"$out"; }
expect_contains system_help "--control-devices" "$("$ctk" system create-device-nodes --help 2>&1)"

require_root system_devices || exit 0
work=$(scratch_dir ctk-system)
drv=$work/drv
fake_root_create "$drv" --gpus 2 --mig 0=1g.5gb+1g.5gb || { fail system_setup "fake driver setup failed"; exit 0; }
CONTROL=(nvidiactl nvidia-modeset nvidia-uvm nvidia-uvm-tools)

# nodes DIR NAME...: "name type major:minor mode" per node.
nodes() {
        local dir=$1 n
        shift
        for n in "$@"; do
                if [ -e "$dir/$n" ]; then stat -c '%n %F %Hr:%Lr %a' "$dir/$n" | sed "s|^$dir/||"; else echo "$n absent"; fi
        done
}
devices() { printf 'Character devices:\n  1 mem\n195 nvidia-frontend\n509 nvidia-caps\n510 nvidia-uvm\n\nBlock devices:\n  7 loop\n'; }
host_has_uvm() { grep -q ' nvidia-uvm$' /proc/devices; }

# --- create-device-nodes --------------------------------------------------------------
(cd "$drv/dev" && rm -f "${CONTROL[@]}")
devices >"$drv/proc/devices"
out=$("$ctk" system create-device-nodes --control-devices --driver-root "$drv" --dry-run 2>&1); rc=$?
[ "$rc" = 0 ] && [ "$(nodes "$drv/dev" "${CONTROL[@]}")" = "$(printf '%s absent\n' "${CONTROL[@]}")" ] &&
        grep -q "Running: mknod --mode=0666 $drv/dev/nvidia-uvm c 510 0" <<<"$out" && pass system_nodes_dry_run ||
        { fail system_nodes_dry_run "exit $rc"; it_indent <<<"$out"; }

out=$(umask 077 && "$ctk" system create-device-nodes --control-devices --driver-root "$drv" 2>&1); rc=$?
expect_eq system_nodes_created "nvidiactl character special file 195:255 666
nvidia-modeset character special file 195:254 666
nvidia-uvm character special file 510:0 666
nvidia-uvm-tools character special file 510:1 666" "$(nodes "$drv/dev" "${CONTROL[@]}")"
expect_contains system_nodes_log "Creating control device nodes at $drv" "$out"

before=$(stat -c '%n %i' "$drv"/dev/nvidia*)
out=$("$ctk" system create-device-nodes --control-devices --driver-root "$drv" 2>&1); rc=$?
[ "$rc" = 0 ] && [ "$(stat -c '%n %i' "$drv"/dev/nvidia*)" = "$before" ] && pass system_nodes_again_unchanged ||
        { fail system_nodes_again_unchanged "exit $rc"; it_indent <<<"$out"; }

# A node of other numbers is an error naming it, and nothing else is made.
rm -f "$drv/dev/nvidiactl" "$drv/dev/nvidia-modeset" && mknod "$drv/dev/nvidia-modeset" c 1 3
out=$("$ctk" system create-device-nodes --control-devices --driver-root "$drv" 2>&1); rc=$?
[ "$rc" = 1 ] && [ ! -e "$drv/dev/nvidiactl" ] &&
        grep -q "ERRO.*$drv/dev/nvidia-modeset. exists but is not the character device 195:254" <<<"$out" &&
        pass system_nodes_wrong_node_fails || { fail system_nodes_wrong_node_fails "exit $rc"; it_indent <<<"$out"; }
rm -f "$drv/dev/nvidia-modeset"

# Without nvidia-uvm in the root's (or the host's) /proc/devices its nodes are skipped.
rm -f "$drv/proc/devices" "$drv/dev/nvidia-uvm" "$drv/dev/nvidia-uvm-tools"
out=$("$ctk" system create-device-nodes --control-devices --driver-root "$drv" 2>&1); rc=$?
if host_has_uvm; then
        skip system_nodes_no_uvm_major "the host has nvidia-uvm in /proc/devices"
else
        [ "$rc" = 0 ] && grep -q "WARN.*nvidia-uvm" <<<"$out" && [ -c "$drv/dev/nvidiactl" ] &&
                [ ! -e "$drv/dev/nvidia-uvm" ] && pass system_nodes_no_uvm_major ||
                { fail system_nodes_no_uvm_major "exit $rc"; it_indent <<<"$out"; }
fi
devices >"$drv/proc/devices"
"$ctk" system create-device-nodes --control-devices --driver-root "$drv" 2>/dev/null

# The root's /dev is a symlink to an absolute path: it is followed inside the root.
r2=$work/r2
mkdir -p "$r2/proc" "$r2$work/elsewhere" "$work/elsewhere" && ln -s "$work/elsewhere" "$r2/dev" && devices >"$r2/proc/devices"
out=$("$ctk" system create-device-nodes --control-devices --driver-root "$r2" 2>&1); rc=$?
[ "$rc" = 0 ] && [ -c "$r2$work/elsewhere/nvidiactl" ] && [ -z "$(ls -A "$work/elsewhere")" ] &&
        pass system_nodes_symlink_in_root || { fail system_nodes_symlink_in_root "exit $rc"; it_indent <<<"$out"; }

# --- create-dev-char-symlinks ---------------------------------------------------------
char=$drv/dev/char
# want: "MAJOR:MINOR -> target" for every NVIDIA node in the driver root.
want() {
        local f
        for f in "$drv"/dev/nvidia* "$drv"/dev/nvidia-caps/nvidia-cap*; do
                [ -c "$f" ] && stat -c '%Hr:%Lr -> %n' "$f"
        done | sort
}
links() { (cd "$char" && for l in *; do echo "$l -> $(readlink "$l")"; done) | sort; }

out=$("$ctk" system create-dev-char-symlinks --create-all --driver-root "$drv" --dev-char-path "$char" --dry-run 2>&1)
rc=$?
[ "$rc" = 0 ] && [ ! -e "$char" ] && grep -q "Creating link $char/195:0 => $drv/dev/nvidia0" <<<"$out" &&
        pass system_links_dry_run || { fail system_links_dry_run "exit $rc"; it_indent <<<"$out"; }

out=$("$ctk" system create-dev-char-symlinks --create-all --driver-root "$drv" --dev-char-path "$char" 2>&1); rc=$?
[ "$rc" = 0 ] || { fail system_links_created "exit $rc"; it_indent <<<"$out"; }
expect_eq system_links_created "$(want)" "$(links)"
expect_contains system_links_caps "509:1 -> $drv/dev/nvidia-caps/nvidia-cap1" "$(links)"

# Correct links stay as they are; a wrong one (or another file) is replaced.
ln -sfn /etc/passwd "$char/195:0" && rm -f "$char/510:1" && touch "$char/510:1"
kept=$(stat -c %i "$char/195:255")
out=$("$ctk" system create-dev-char-symlinks --driver-root "$drv" --dev-char-path "$char" 2>&1); rc=$?
[ "$rc" = 0 ] && [ "$(links)" = "$(want)" ] && [ "$(stat -c %i "$char/195:255")" = "$kept" ] &&
        ! grep -q "195:255" <<<"$out" && pass system_links_fixed_and_kept ||
        { fail system_links_fixed_and_kept "exit $rc"; it_indent <<<"$out"; it_indent <<<"$(links)"; }

# --create-all links GPUs the driver reports even without their node; without it, not.
rm -f "$drv/dev/nvidia1" "$char/195:1"
"$ctk" system create-dev-char-symlinks --driver-root "$drv" --dev-char-path "$char" 2>/dev/null
[ ! -L "$char/195:1" ] && pass system_links_existing_only || fail system_links_existing_only "195:1 linked"
"$ctk" system create-dev-char-symlinks --create-all --driver-root "$drv" --dev-char-path "$char" 2>/dev/null
expect_eq system_links_create_all_gpus "$drv/dev/nvidia1" "$(readlink "$char/195:1")"
mknod -m 666 "$drv/dev/nvidia1" c 195 1

# An empty driver root has nothing to link.
mkdir -p "$work/empty"
out=$("$ctk" system create-dev-char-symlinks --driver-root "$work/empty" --dev-char-path "$work/char2" 2>&1); rc=$?
[ "$rc" = 0 ] && [ ! -e "$work/char2" ] && grep -q "No NVIDIA devices found in $work/empty" <<<"$out" &&
        pass system_links_none || { fail system_links_none "exit $rc"; it_indent <<<"$out"; }
