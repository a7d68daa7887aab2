#!/bin/bash
# The Debian and RPM packages (packaging/deb/build.sh, packaging/rpm/build.sh):
#  - both build from $BUILD into scratch; lintian (--fail-on error) passes on
#    every .deb; the control fields and rpm requires give NVIDIA's dependency
#    chain; each package holds its part of the split and no fake driver;
#  - the five .debs install: binaries in /usr/bin (no RPATH), man pages,
#    config.toml written, the refresh units enabled without a running
#    systemd and clean under `systemd-analyze verify`;
#  - a user's edit of config.toml survives a reinstall of the base package;
#  - a private dockerd configured by the installed nvidia-ctk runs GPU
#    containers on a fake driver root through the installed runtime
#    (--runtime=nvidia) and the installed hook (--gpus=all);
#  - a purge leaves nothing behind: no file dpkg listed, no directory the
#    packages created, no config, no enablement link or helper state.
# The machine is never left with the packages: an exit handler purges them.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

DEBS=(libnvidia-container1 libnvidia-container-dev libnvidia-container-tools nvidia-container-toolkit-base
        nvidia-container-toolkit)
RPMS=(libnvidia-container1 libnvidia-container-devel libnvidia-container-tools nvidia-container-toolkit-base
        nvidia-container-toolkit)
BINS=(nvidia-container-cli nvidia-ctk nvidia-container-runtime nvidia-cdi-hook nvidia-container-runtime-hook
        nvidia-container-toolkit)
UNITDIR=/lib/systemd/system
UNITS=(nvidia-cdi-refresh.path nvidia-cdi-refresh.service)
WANTS=/etc/systemd/system/multi-user.target.wants
CONFIG=/etc/nvidia-container-runtime/config.toml
IMG=it-packages:latest

smi_line() { echo "GPU $1: NVIDIA Tesla T4 (UUID: GPU-$2-FAKE-UUID)"; }
all_gpus() { smi_line 0 0; smi_line 1 1; smi_line 2 2; smi_line 3 3; }

# --- preconditions: root, the tools, a machine without any of this ------------------------
require_root packages || exit 0
# Packages are made from the plain build; a sanitizer build is no product.
if build_sanitized; then
        skip packages "the build uses ASan (SANITIZE=1): packages are tested in the plain build's make check"
        exit 0
fi
for tool in dpkg-deb dpkg-shlibdeps lintian rpmbuild rpm deb-systemd-helper systemd-analyze; do
        command -v "$tool" >/dev/null || { skip packages "$tool is not installed (make deps)"; exit 0; }
done
# Anything of these names, in any dpkg state, or files where the packages go
# (a `make install`, a user's config) would be overwritten and then purged.
present=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${DEBS[@]}" nvidia-container-runtime \
        nvidia-container-runtime-hook 2>/dev/null | awk '$2 != "un" && $2 != "pn" { print $1 }')
[ -z "$present" ] || { skip packages "already installed: $(xargs <<<"$present")"; exit 0; }
for f in "${BINS[@]}" /etc/nvidia-container-runtime /etc/nvidia-container-toolkit; do
        case $f in /*) ;; *) f=/usr/bin/$f ;; esac
        [ -e "$f" ] || [ -L "$f" ] || continue
        skip packages "$f exists (not from these packages)"
        exit 0
done
unset NVIDIA_CTK_CONFIG_FILE_PATH XDG_CONFIG_HOME

work=$(scratch_dir)
version=$("$BUILD/bin/nvidia-container-cli" --version | sed -n 's/^cli-version: //p')
debver=$version-1
arch=$(dpkg --print-architecture)
deb_of() { echo "$work/deb/${1}_${debver}_$arch.deb"; }
rpm_of() { echo "$work/rpm/$1-$version-1.x86_64.rpm"; }
all_debs() { local p; for p in "${DEBS[@]}"; do deb_of "$p"; done; }
all_rpms() { local p; for p in "${RPMS[@]}"; do rpm_of "$p"; done; }

# --- building ---------------------------------------------------------------------------
build_packages() {
        local kind
        for kind in deb rpm; do
                if bash "$SRCDIR/packaging/$kind/build.sh" "$BUILD" "$work/$kind" >"$work/$kind.log" 2>&1; then
                        pass "${kind}_build"
                else
                        fail "${kind}_build" "packaging/$kind/build.sh failed"
                        it_indent "$work/$kind.log"
                fi
        done
        [ -s "$(deb_of nvidia-container-toolkit)" ]
}

# One lintian run (exit 2: tags at --fail-on level); each package passes
# when it has no error tag.
t_lintian() {
        local out rc p debs
        mapfile -t debs < <(all_debs)
        out=$(lintian --fail-on error "${debs[@]}" 2>&1); rc=$?
        for p in "${DEBS[@]}"; do
                if { [ "$rc" = 0 ] || [ "$rc" = 2 ]; } && ! grep -q "^E: $p: " <<<"$out"; then
                        pass "lintian_$p"
                else
                        fail "lintian_$p" "lintian errors (exit $rc)"
                        grep -v "^[WIPXO]: " <<<"$out" | it_indent
                fi
        done
}

# field PKG FIELD: a control field of a .deb.
field() { dpkg-deb -f "$(deb_of "$1")" "$2" 2>&1; }

t_deb_fields() {
        expect_contains deb_dev_depends_lib_exact "libnvidia-container1 (= $debver)" \
                "$(field libnvidia-container-dev Depends)"
        expect_contains deb_tools_depends_lib "libnvidia-container1 (>= $version)" \
                "$(field libnvidia-container-tools Depends)"
        expect_eq deb_toolkit_depends_base_and_tools "nvidia-container-toolkit-base (= $debver)
libnvidia-container-tools (>= $version)
libnvidia-container-tools (<< 2.0.0)" \
                "$(field nvidia-container-toolkit Depends | tr ',' '\n' | sed 's/^ //' | grep nvidia)"
        expect_contains deb_base_breaks_old_runtime "nvidia-container-runtime (<= 3.5.0-1)" \
                "$(field nvidia-container-toolkit-base Breaks)"
        # dpkg-shlibdeps' libraries, all of them Debian 12's and on this machine.
        local libs p missing=""
        libs=$(for p in "${DEBS[@]}"; do field "$p" Depends | tr ',' '\n' | awk '{ print $1 }'; done |
                grep '^lib' | grep -v '^libnvidia-container' | sort -u | xargs)
        expect_eq deb_shlibs_depends "libc6 libcap2 libelf1 libjson-c5 libseccomp2 libtirpc3 libyaml-0-2" "$libs"
        for p in $libs; do
                [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" = "ii " ] || missing="$missing $p"
        done
        [ -z "$missing" ] && pass deb_shlibs_depends_installed || fail deb_shlibs_depends_installed "missing:$missing"
        expect_eq deb_base_conffile "/etc/nvidia-container-toolkit/nvidia-cdi-refresh.env" \
                "$(dpkg-deb -I "$(deb_of nvidia-container-toolkit-base)" conffiles 2>&1)"
}

# has_files NAME LIST WANT...: every WANT is a line of LIST, no line names the fake driver.
has_files() {
        local name=$1 list=$2 f
        shift 2
        for f in "$@"; do
                grep -qx -- "$f" <<<"$list" || { fail "$name" "no $f"; it_indent <<<"$list"; return; }
        done
        ! grep -q fake <<<"$list" && pass "$name" || fail "$name" "ships the fake driver"
}

debls() { dpkg-deb -c "$(deb_of "$1")" 2>&1 | awk '{ print substr($6, 2) }'; }

t_deb_split() {
        local lib=/usr/lib/x86_64-linux-gnu
        has_files deb_split_lib "$(debls libnvidia-container1)" $lib/libnvidia-container.so.1 \
                /usr/share/doc/libnvidia-container1/copyright /usr/share/doc/libnvidia-container1/changelog.Debian.gz
        has_files deb_split_dev "$(debls libnvidia-container-dev)" $lib/libnvidia-container.so /usr/include/nvc.h
        has_files deb_split_tools "$(debls libnvidia-container-tools)" /usr/bin/nvidia-container-cli
        has_files deb_split_base "$(debls nvidia-container-toolkit-base)" /usr/bin/nvidia-ctk \
                /usr/bin/nvidia-container-runtime /usr/bin/nvidia-cdi-hook $UNITDIR/nvidia-cdi-refresh.service \
                $UNITDIR/nvidia-cdi-refresh.path /etc/nvidia-container-toolkit/nvidia-cdi-refresh.env
        has_files deb_split_toolkit "$(debls nvidia-container-toolkit)" /usr/bin/nvidia-container-runtime-hook \
                /usr/bin/nvidia-container-toolkit
}

t_rpm() {
        local lib=/usr/lib64
        has_files rpm_split_lib "$(rpm -qpl "$(rpm_of libnvidia-container1)" 2>&1)" $lib/libnvidia-container.so.1
        has_files rpm_split_devel "$(rpm -qpl "$(rpm_of libnvidia-container-devel)" 2>&1)" \
                $lib/libnvidia-container.so /usr/include/nvc.h
        has_files rpm_split_tools "$(rpm -qpl "$(rpm_of libnvidia-container-tools)" 2>&1)" /usr/bin/nvidia-container-cli
        has_files rpm_split_base "$(rpm -qpl "$(rpm_of nvidia-container-toolkit-base)" 2>&1)" /usr/bin/nvidia-ctk \
                /usr/bin/nvidia-container-runtime /usr/bin/nvidia-cdi-hook \
                /usr/lib/systemd/system/nvidia-cdi-refresh.service /etc/nvidia-container-toolkit/nvidia-cdi-refresh.env
        has_files rpm_split_toolkit "$(rpm -qpl "$(rpm_of nvidia-container-toolkit)" 2>&1)" \
                /usr/bin/nvidia-container-runtime-hook /usr/bin/nvidia-container-toolkit
        has_files rpm_requires_toolkit "$(rpm -qpR "$(rpm_of nvidia-container-toolkit)" 2>&1)" \
                "nvidia-container-toolkit-base = $version-1" "libnvidia-container-tools = $version-1" \
                "libnvidia-container-tools < 2.0.0"
        has_files rpm_requires_devel "$(rpm -qpR "$(rpm_of libnvidia-container-devel)" 2>&1)" \
                "libnvidia-container1(x86-64) = $version-1"
        has_files rpm_requires_tools "$(rpm -qpR "$(rpm_of libnvidia-container-tools)" 2>&1)" \
                "libnvidia-container1(x86-64) >= $version-1" "libnvidia-container.so.1()(64bit)"
        expect_contains rpm_base_post_writes_config "nvidia-ctk --quiet config --config-file=$CONFIG --in-place" \
                "$(rpm -qp --scripts "$(rpm_of nvidia-container-toolkit-base)" 2>&1)"
        # All five install side by side into an empty root (no file conflicts).
        local r=$work/rpmroot rpms
        mapfile -t rpms < <(all_rpms)
        if mkdir -p "$r" && rpm --root "$r" --initdb && rpm --root "$r" -i --nodeps --noscripts "${rpms[@]}" \
                >"$work/rpm-i.log" 2>&1 && [ -x "$r/usr/bin/nvidia-ctk" ] && [ -L "$r/usr/bin/nvidia-container-toolkit" ]; then
                pass rpm_install_into_empty_root
        else
                fail rpm_install_into_empty_root "rpm -i failed"
                it_indent "$work/rpm-i.log"
        fi
}

# --- installing ----------------------------------------------------------------------------
purge_all() { dpkg --purge "${DEBS[@]}" >"$work/purge-at-exit.log" 2>&1; }

# Which directories of the packages exist already (they must survive the purge).
note_dirs() {
        local p
        for p in "${DEBS[@]}"; do
                dpkg-deb -c "$(deb_of "$p")" | awk '$1 ~ /^d/ { print substr($6, 2) }'
        done | sed 's|/$||; /^$/d' | sort -u | while IFS= read -r d; do
                [ -d "$d" ] && echo "$d"
        done >"$work/dirs-before"
}

t_install() {
        local out rc b debs missing=""
        mapfile -t debs < <(all_debs)
        on_exit purge_all
        out=$(dpkg -i "${debs[@]}" 2>&1); rc=$?
        [ "$rc" = 0 ] && pass deb_install || { fail deb_install "dpkg -i: exit $rc"; it_indent <<<"$out"; return 1; }
        for b in "${BINS[@]}"; do
                [ -x "/usr/bin/$b" ] || missing="$missing $b"
        done
        [ -z "$missing" ] && pass installed_binaries || fail installed_binaries "missing:$missing"
        out=$(/usr/bin/nvidia-container-cli --version 2>&1 | head -n2; readelf -d /usr/bin/nvidia-container-cli \
                /usr/bin/nvidia-container-runtime | grep -c 'RPATH\|RUNPATH')
        expect_eq installed_cli_finds_library_without_rpath "cli-version: $version
lib-version: $version
0" "$out"
        if [ -e /usr/share/man/man1/nvidia-ctk.1.gz ]; then
                out=$(MANPAGER="cat" man nvidia-ctk 2>&1); rc=$?
                [ "$rc" = 0 ] && grep -q nvidia-ctk <<<"$out" && pass man_nvidia_ctk || fail man_nvidia_ctk "man: exit $rc"
        else
                skip man_nvidia_ctk "no man pages in docs/man yet"
        fi
        [ -s "$CONFIG" ] && /usr/bin/nvidia-ctk config --config-file="$CONFIG" >/dev/null 2>&1 &&
                pass postinst_writes_config_toml || fail postinst_writes_config_toml "$CONFIG missing or unreadable"
        t_units
}

t_units() {
        local u out rc bad=""
        for u in "${UNITS[@]}"; do
                [ "$(readlink "$WANTS/$u")" = "$UNITDIR/$u" ] || bad="$bad $u"
        done
        [ -z "$bad" ] && pass postinst_enables_refresh_units || fail postinst_enables_refresh_units "not enabled:$bad"
        out=$(systemd-analyze verify "$UNITDIR/nvidia-cdi-refresh.service" "$UNITDIR/nvidia-cdi-refresh.path" 2>&1); rc=$?
        expect_eq systemd_analyze_verify_clean "0" "$rc$out"
}

# A user's edit survives the base package's reinstall (the upgrade path).
t_keep_edit() {
        local out rc
        out=$(/usr/bin/nvidia-ctk config --in-place --set "nvidia-container-cli.root=$drv" 2>&1) ||
                { fail config_edit "nvidia-ctk config --set: $out"; return 1; }
        out=$(dpkg -i "$(deb_of nvidia-container-toolkit-base)" 2>&1); rc=$?
        [ "$rc" = 0 ] || { fail reinstall_base "dpkg -i: exit $rc"; it_indent <<<"$out"; return 1; }
        grep -qx "root = \"$drv\"" "$CONFIG" && /usr/bin/nvidia-ctk config >/dev/null 2>&1 &&
                pass reinstall_keeps_user_edit || { fail reinstall_keeps_user_edit "edit lost"; it_indent "$CONFIG"; }
        [ -L "$WANTS/nvidia-cdi-refresh.path" ] && pass reinstall_keeps_units_enabled ||
                fail reinstall_keeps_units_enabled "no enablement link"
}

# --- GPU containers through the installed packages ----------------------------------------
t_docker() {
        local d=$work/docker out
        mkdir -p "$d"
        /usr/bin/nvidia-ctk runtime configure --runtime=docker --config="$d/daemon.json" >"$work/configure.log" 2>&1 ||
                { fail docker_configure "nvidia-ctk runtime configure failed"; it_indent "$work/configure.log"; return; }
        rootfs_glibc "$work/rootfs" && touch "$work/rootfs/etc/debian_version" &&
                rootfs_tarball "$work/rootfs" "$work/rootfs.tar" || { fail docker_setup "rootfs setup failed"; return; }
        ENGINE_PATH=/usr/sbin:/usr/bin:/sbin:/bin dockerd_start "$d" || { fail docker_start "dockerd did not start"; return; }
        image_import_docker "$work/rootfs.tar" "$IMG" || { fail docker_image "docker import failed"; return; }
        out=$(docker_run --rm --runtime=nvidia -e NVIDIA_VISIBLE_DEVICES=all "$IMG" nvidia-smi -L 2>&1)
        expect_eq installed_runtime_nvidia_lists_4 "$(all_gpus)" "$out"
        out=$(docker_run --rm --gpus=all "$IMG" nvidia-smi -L 2>&1)
        expect_eq installed_hook_gpus_all_lists_4 "$(all_gpus)" "$out"
        dockerd_stop "$d"
}

# --- purging ---------------------------------------------------------------------------------
t_purge() {
        local p out rc left
        for p in "${DEBS[@]}"; do dpkg -L "$p"; done 2>/dev/null | sort -u >"$work/listed"
        out=$(dpkg --purge "${DEBS[@]}" 2>&1); rc=$?
        [ "$rc" = 0 ] && pass deb_purge || { fail deb_purge "dpkg --purge: exit $rc"; it_indent <<<"$out"; }
        out=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${DEBS[@]}" 2>/dev/null |
                awk '$2 != "un" && $2 != "pn"')
        expect_eq purge_forgets_packages "" "$out"
        left=$(while IFS= read -r p; do
                [ "$p" = /. ] && continue
                [ -e "$p" ] || [ -L "$p" ] || continue
                [ -d "$p" ] && grep -qxF -- "$p" "$work/dirs-before" && continue
                echo "$p"
        done <"$work/listed"
        ls -d /etc/nvidia-container-runtime /etc/nvidia-container-toolkit "$WANTS"/nvidia-cdi-refresh.* \
                /etc/systemd/system/nvidia-cdi-refresh.* 2>/dev/null
        find /var/lib/systemd -name '*nvidia-cdi-refresh*' 2>/dev/null)
        expect_eq purge_leaves_nothing "" "$left"
}

build_packages || exit 0
t_lintian
t_deb_fields
t_deb_split
t_rpm
drv=$work/drv
fake_root_create "$drv" || { fail packages_setup "fake driver setup failed"; exit 0; }
note_dirs
t_install && t_keep_edit && t_docker
t_purge
assert_no_leaks packages_no_leaks "$work"
assert_host_clean packages_host_clean
