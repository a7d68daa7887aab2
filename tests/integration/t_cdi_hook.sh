#!/bin/bash
# nvidia-cdi-hook, the createContainer hooks of NVIDIA's CDI specs ("Must
# show" 5). Each hook runs as root against scratch container roots (a bundle
# whose config.json has a relative root.path, the OCI state on stdin) in a
# private mount namespace, as runc runs it: create-symlinks makes the seed's
# links; update-ldcache lists a folder's library in the image's cache (and
# keeps it there through a 00-nvcr- drop-in); enable-cuda-compat writes its
# 00-compat- drop-in only for a newer major; chmod, update-application-profile
# and disable-device-node-modification do their one thing. Hostile images
# (parents, links, /etc/ld.so.cache and /etc/ld.so.conf.d that are symlinks
# to host paths, absolute or ../../..) never change a file outside the root:
# a scratch "host" dir and the host's /etc/ld.so.cache are compared before
# and after. Then a real `runc run` whose spec names create-symlinks and
# update-ldcache as createContainer hooks: the container sees the link, and
# ldconfig -p lists a library bind-mounted into it. Unknown hooks warn and
# exit 0; bad flags log one error line and exit 1.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

H=$BUILD/bin/nvidia-cdi-hook
LIBDIR=/usr/lib/$IT_MULTIARCH
VER=575.57.08

# one_error NAME CMD...: CMD exits 1 with exactly one line, an ERRO one.
one_error() {
        local n=$1 out rc
        shift
        out=$("$@" 2>&1 </dev/null); rc=$?
        [ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && [[ $out = ERRO\[* ]] && pass "$n" ||
                { fail "$n" "exit $rc"; it_indent <<<"$out"; }
}

t_cli() {
        local out rc
        out=$("$H" frobnicate --x 2>&1 </dev/null); rc=$?
        [ "$rc" = 0 ] && grep -q '^WARN\[0000\] Unsupported hook "frobnicate"' <<<"$out" &&
                pass cdi_hook_unknown_warns ||
                { fail cdi_hook_unknown_warns "exit $rc"; it_indent <<<"$out"; }
        one_error cdi_hook_bad_flag "$H" create-symlinks --bogus
        one_error cdi_hook_bad_link "$H" create-symlinks --link libcuda.so.1
        one_error cdi_hook_relative_link "$H" create-symlinks --link libcuda.so.1::usr/lib/libcuda.so
        one_error cdi_hook_relative_folder "$H" update-ldcache --folder lib
        one_error cdi_hook_bad_mode "$H" chmod --mode 8x --path /dev/dri
        one_error cdi_hook_bad_state "$H" create-symlinks --link a::/b
        out=$("$H" update-ldcache --help 2>&1); rc=$?
        [ "$rc" = 0 ] && grep -q -- '--ldconfig-path' <<<"$out" && pass cdi_hook_help || fail cdi_hook_help "exit $rc"
        if [ -x "$BUILD/bin/nvidia-ctk" ]; then
                out=$("$BUILD/bin/nvidia-ctk" hook chmod --help 2>&1); rc=$?
                [ "$rc" = 0 ] && grep -q -- '--mode' <<<"$out" && pass cdi_hook_via_nvidia_ctk ||
                        fail cdi_hook_via_nvidia_ctk "exit $rc"
        fi
}

t_cli
require_root cdi_hook_roots || exit 0

work=$(scratch_dir)
host=$work/host   # stands for the host: nothing may change here
mkdir -p "$host/confd" "$host/lib" && echo host >"$host/victim" && echo host-cache >"$host/ld.so.cache" &&
        chmod 600 "$host/victim" || { fail cdi_hook_setup "scratch host"; exit 0; }
fingerprint() {
        (cd "$host" && find . -printf '%p %y %m %s %l\n' | sort && find . -type f -exec sha256sum {} + | sort)
        stat -c '%Y %s' /etc/ld.so.cache && sha256sum </etc/ld.so.cache
}
host_before=$(fingerprint)
host_unchanged() {
        [ "$(fingerprint)" = "$host_before" ] && pass "$1" ||
                { fail "$1" "the host changed"; diff <(printf '%s\n' "$host_before") <(fingerprint) | it_indent; }
}

# bundle NAME KIND: $work/NAME/{config.json,rootfs,state.json}; KIND is glibc
# (rootfs_glibc, whose ld.so.conf includes ld.so.conf.d) or tree (a few dirs).
bundle() {
        local b=$work/$1
        mkdir -p "$b" || return 1
        case $2 in
        glibc) rootfs_glibc "$b/rootfs" && echo 'include /etc/ld.so.conf.d/*.conf' >>"$b/rootfs/etc/ld.so.conf" ;;
        tree) mkdir -p "$b/rootfs/etc" "$b/rootfs$LIBDIR" "$b/rootfs/usr/lib64" "$b/rootfs/dev" ;;
        esac || return 1
        printf '{"ociVersion":"1.0.2","process":{"args":["sh"],"cwd":"/"},"root":{"path":"rootfs"}}\n' >"$b/config.json"
        printf '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":%d,"bundle":"%s"}\n' "$1" $$ "$b" \
                >"$b/state.json"
}

# hook NAME ARGS...: the hook on bundle NAME in a private mount namespace;
# its stderr in $HOOK_ERR, its status returned.
hook() {
        local b=$work/$1 rc
        shift
        HOOK_ERR=$(unshare -m --propagation private "$H" "$@" <"$b/state.json" 2>&1 >/dev/null); rc=$?
        return "$rc"
}

# expect_links NAME ROOT TARGET::LINK...: every LINK in ROOT reads TARGET.
expect_links() {
        local n=$1 root=$2 spec got why=""
        shift 2
        for spec in "$@"; do
                got=$(readlink "$root${spec#*::}")
                [ "$got" = "${spec%%::*}" ] || why+=" ${spec#*::} -> $got;"
        done
        [ -z "$why" ] && pass "$n" || fail "$n" "$why"
}

t_symlinks() {
        local r=$work/links/rootfs links=(
                "libcuda.so.1::$LIBDIR/libcuda.so"
                "../libnvidia-allocator.so.1::$LIBDIR/gbm/nvidia-drm_gbm.so"
                "libglxserver_nvidia.so.$VER::/usr/lib64/xorg/modules/extensions/libglxserver_nvidia.so")
        bundle links tree || { fail cdi_hook_symlinks "setup"; return; }
        hook links create-symlinks "${links[@]/#/--link=}" || { fail cdi_hook_symlinks "exit $?: $HOOK_ERR"; return; }
        expect_links cdi_hook_symlinks "$r" "${links[@]}"
        [ "$(stat -c '%u:%g %a' "$r$LIBDIR/gbm")" = "0:0 755" ] && pass cdi_hook_symlinks_parent_made ||
                fail cdi_hook_symlinks_parent_made "$(stat -c '%u:%g %a' "$r$LIBDIR/gbm")"
        hook links create-symlinks --link "${links[0]}" --link "${links[0]}" || fail cdi_hook_symlinks_again "$HOOK_ERR"
        expect_links cdi_hook_symlinks_again "$r" "${links[0]}"
        hook links create-symlinks --link "libcuda.so.$VER::$LIBDIR/libcuda.so" ||
                fail cdi_hook_symlinks_replaced "$HOOK_ERR"
        expect_links cdi_hook_symlinks_replaced "$r" "libcuda.so.$VER::$LIBDIR/libcuda.so"
        echo image >"$r$LIBDIR/libnvidia-opticalflow.so"
        hook links create-symlinks --link "libnvidia-opticalflow.so.1::$LIBDIR/libnvidia-opticalflow.so" &&
                [ "$(cat "$r$LIBDIR/libnvidia-opticalflow.so")" = image ] && grep -q '^WARN' <<<"$HOOK_ERR" &&
                pass cdi_hook_symlinks_file_kept || { fail cdi_hook_symlinks_file_kept "$HOOK_ERR"; }
}

# hostile_link NAME PREP LINK OK_PATH: PREP runs in a fresh tree root (cwd);
# create-symlinks of LINK either fails with one error line or makes the link
# at OK_PATH inside the root; the host never changes.
hostile_link() {
        local n=$1 r=$work/$1/rootfs out
        bundle "$n" tree && (cd "$r" && eval "$2") || { fail "$n" "setup"; return; }
        if hook "$n" create-symlinks --link "$3"; then
                it_log "$n: link made at $4"
                [ "$(readlink "$r$4")" = "${3%%::*}" ] && pass "$n" || fail "$n" "no link at $4"
        else
                out=$HOOK_ERR
                it_log "$n: $out"
                [ "$(wc -l <<<"$out")" = 1 ] && [[ $out = ERRO\[* ]] && pass "$n" || { fail "$n" "$out"; }
        fi
        host_unchanged "${n}_host_unchanged"
}

t_hostile_links() {
        local L=libcuda.so.1::$LIBDIR/libcuda.so
        hostile_link cdi_hook_parent_abs_link "rm -r .$LIBDIR && ln -s $host .$LIBDIR" "$L" "$host/libcuda.so"
        hostile_link cdi_hook_parent_abs_link_in_root "rm -r .$LIBDIR && ln -s $host .$LIBDIR && mkdir -p .$host" \
                "$L" "$host/libcuda.so"
        [ -L "$work/cdi_hook_parent_abs_link_in_root/rootfs$host/libcuda.so" ] &&
                pass cdi_hook_parent_link_resolved_in_root ||
                fail cdi_hook_parent_link_resolved_in_root "no link under the root's $host"
        hostile_link cdi_hook_parent_rel_link "rm -r .$LIBDIR && ln -s ../../../../../../../..$host .$LIBDIR" \
                "$L" "$host/libcuda.so"
        hostile_link cdi_hook_grandparent_abs_link "rm -r usr/lib64 && ln -s $host usr/lib64" \
                "x.so.1::/usr/lib64/xorg/modules/extensions/x.so" "/usr/lib64/xorg/modules/extensions/x.so"
        hostile_link cdi_hook_link_to_host_file "ln -s $host/victim .$LIBDIR/libcuda.so" "$L" "$LIBDIR/libcuda.so"
        hostile_link cdi_hook_link_to_host_dir "ln -s $host .$LIBDIR/libcuda.so" "$L" "$LIBDIR/libcuda.so"
}

# ldcache_lists NAME ROOT WANT: the image's own ldconfig -p has WANT.
ldcache_lists() {
        local out
        out=$(chroot "$2" /sbin/ldconfig -p 2>&1)
        expect_contains "$1" "$3" "$out"
}

t_ldcache() {
        local r=$work/ld/rootfs lib=$LIBDIR/nvidia conf want
        bundle ld glibc && mkdir -p "$r$lib" && cp "$drv$LIBDIR/libcuda.so.$VER" "$r$lib/" ||
                { fail cdi_hook_ldcache "setup"; return; }
        want="libcuda.so.1 (libc6,x86-64) => $lib/libcuda.so.1"
        hook ld update-ldcache --folder "$lib" --folder "$lib" ||
                { fail cdi_hook_ldcache "exit $?: $HOOK_ERR"; return; }
        ldcache_lists cdi_hook_ldcache "$r" "$want"
        conf=$(ls "$r"/etc/ld.so.conf.d/00-nvcr-*.conf 2>/dev/null)
        [ "$(wc -l <<<"$conf")" = 1 ] && [ "$(cat "$conf")" = "$lib" ] && [ "$(stat -c %a "$conf")" = 644 ] &&
                pass cdi_hook_ldcache_dropin || fail cdi_hook_ldcache_dropin "drop-in: '$conf'"
        # The image's own ldconfig keeps the folder through the drop-in.
        chroot "$r" /sbin/ldconfig
        ldcache_lists cdi_hook_ldcache_kept "$r" "$want"
        # No ld.so.cache in the image: ldconfig makes one.
        rm -f "$r/etc/ld.so.cache" "$r"/etc/ld.so.conf.d/*
        hook ld update-ldcache --folder "$lib" || fail cdi_hook_ldcache_created "$HOOK_ERR"
        ldcache_lists cdi_hook_ldcache_created "$r" "$want"
}

# hostile_ldcache NAME PREP: update-ldcache on a glibc root prepared by PREP
# (cwd: the root) either lists the library in the root's own cache or fails
# with one line; the host never changes.
hostile_ldcache() {
        local n=$1 r=$work/$1/rootfs lib=$LIBDIR/nvidia
        bundle "$n" glibc && mkdir -p "$r$lib" && cp "$drv$LIBDIR/libcuda.so.$VER" "$r$lib/" &&
                (cd "$r" && eval "$2") || { fail "$n" "setup"; return; }
        if hook "$n" update-ldcache --folder "$lib"; then
                it_log "$n: cache updated"
                [ -f "$r/etc/ld.so.cache" ] && [ ! -L "$r/etc/ld.so.cache" ] || fail "$n" "no cache file in the root"
                ldcache_lists "$n" "$r" "=> $lib/libcuda.so.1"
        else
                it_log "$n: $HOOK_ERR"
                [ "$(wc -l <<<"$HOOK_ERR")" = 1 ] && [[ $HOOK_ERR = ERRO\[* ]] && pass "$n" || fail "$n" "$HOOK_ERR"
        fi
        host_unchanged "${n}_host_unchanged"
}

t_hostile_ldcache() {
        hostile_ldcache cdi_hook_ldcache_symlink_host_cache "ln -sf /etc/ld.so.cache etc/ld.so.cache"
        hostile_ldcache cdi_hook_ldcache_symlink_scratch_cache "ln -sf $host/ld.so.cache etc/ld.so.cache"
        local up=../../../../../../..
        hostile_ldcache cdi_hook_ldcache_symlink_rel_cache "ln -sf $up$host/ld.so.cache etc/ld.so.cache"
        hostile_ldcache cdi_hook_ldconfd_symlink_host_dir \
                "rm -rf etc/ld.so.conf.d && ln -s $host/confd etc/ld.so.conf.d"
        hostile_ldcache cdi_hook_ldconfd_symlink_rel_dir \
                "rm -rf etc/ld.so.conf.d && ln -s $up$host/confd etc/ld.so.conf.d && mkdir -p .$host/confd"
        hostile_ldcache cdi_hook_ldconf_symlink_host "ln -sf $host/victim etc/ld.so.conf"
}

t_compat() {
        local r=$work/compat/rootfs c=/usr/local/cuda/compat conf
        bundle compat tree && mkdir -p "$r$c" && touch "$r/etc/ld.so.cache" "$r$c/libcuda.so.580.65.06" ||
                { fail cdi_hook_compat "setup"; return; }
        hook compat enable-cuda-compat --host-driver-version=$VER || fail cdi_hook_compat "$HOOK_ERR"
        expect_eq cdi_hook_compat "$c" "$(cat "$r"/etc/ld.so.conf.d/00-compat-*.conf)"
        rm -rf "$r/etc/ld.so.conf.d"
        hook compat enable-cuda-compat --host-driver-version=580.95.05 && [ ! -e "$r/etc/ld.so.conf.d" ] &&
                pass cdi_hook_compat_same_major || fail cdi_hook_compat_same_major "$HOOK_ERR"
        hook compat enable-cuda-compat && [ ! -e "$r/etc/ld.so.conf.d" ] && pass cdi_hook_compat_no_version ||
                fail cdi_hook_compat_no_version "$HOOK_ERR"
        # A symlink is not a compat library: it could name any file.
        rm "$r$c/libcuda.so.580.65.06" && ln -s "$host/victim" "$r$c/libcuda.so.999.1"
        hook compat enable-cuda-compat --host-driver-version=$VER && [ ! -e "$r/etc/ld.so.conf.d" ] &&
                pass cdi_hook_compat_symlink_ignored || fail cdi_hook_compat_symlink_ignored "$HOOK_ERR"
}

t_chmod() {
        local r=$work/chmod/rootfs
        bundle chmod tree && mkdir -p "$r/dev/dri" && chmod 700 "$r/dev/dri" && ln -s "$host/victim" "$r/dev/link" ||
                { fail cdi_hook_chmod "setup"; return; }
        hook chmod chmod --mode 755 --path /dev/dri --path /dev/link --path /dev/missing ||
                fail cdi_hook_chmod "$HOOK_ERR"
        expect_eq cdi_hook_chmod 755 "$(stat -c %a "$r/dev/dri")"
        host_unchanged cdi_hook_chmod_symlink_not_followed
}

t_profile() {
        local r=$work/profile/rootfs f=/etc/nvidia/nvidia-application-profiles-rc.d/10-container.conf
        bundle profile tree && mknod "$r/dev/nvidia0" c 195 0 && mknod "$r/dev/nvidia2" c 195 2 &&
                mknod "$r/dev/nvidiactl" c 195 255 || { fail cdi_hook_profile "setup"; return; }
        hook profile update-application-profile || { fail cdi_hook_profile "$HOOK_ERR"; return; }
        local want='{"profiles":[{"name":"_container_","settings":["EGLVisibleDGPUDevices",0x5]}],'
        want+='"rules":[{"pattern":[],"profile":"_container_"}]} 444'
        expect_eq cdi_hook_profile "$want" "$(cat "$r$f") $(stat -c %a "$r$f")"
}

# In one private namespace: a host /proc/driver/nvidia/params (a tmpfs over
# /proc/driver there), the hook, then what the container root shows.
t_params() {
        local r=$work/params/rootfs out
        bundle params tree && mkdir -p "$r/proc/driver/nvidia" &&
                printf 'Image: 1\nModifyDeviceFiles: 1\n' >"$r/proc/driver/nvidia/params" &&
                echo image-version >"$r/proc/driver/nvidia/version" || { fail cdi_hook_params "setup"; return; }
        # shellcheck disable=SC2016  # expanded by the inner shell
        out=$(unshare -m --propagation private sh -c '
                mount -t tmpfs tmpfs /proc/driver && mkdir /proc/driver/nvidia &&
                printf "ResmanDebugLevel: 4294967295\nModifyDeviceFiles: 1\nDeviceFileMode: 438\n" \
                        >/proc/driver/nvidia/params &&
                "$1" disable-device-node-modification <"$2/state.json" || exit 1
                cat "$3/proc/driver/nvidia/params"; cat "$3/proc/driver/nvidia/version"
                echo x 2>/dev/null >"$3/proc/driver/nvidia/params" && echo writable
                echo "host: $(grep Modify /proc/driver/nvidia/params)"
                grep -c " $3/" /proc/self/mountinfo' sh "$H" "$work/params" "$r" 2>&1)
        expect_eq cdi_hook_params "ResmanDebugLevel: 4294967295
ModifyDeviceFiles: 0
DeviceFileMode: 438
image-version
host: ModifyDeviceFiles: 1
1" "$out"
        expect_eq cdi_hook_params_source_unchanged "Image: 1
ModifyDeviceFiles: 1" "$(cat "$r/proc/driver/nvidia/params")"
}

# A real runc run: the hooks as createContainer hooks of the spec, a library
# bind-mounted as a CDI spec would.
t_runc() {
        local b=$work/runc out
        mkdir -p "$b" && rootfs_glibc "$b/rootfs" && bundle_create "$b" "$b/rootfs" /bin/sh -c \
                "readlink $LIBDIR/libcuda.so; /sbin/ldconfig -p | grep libcuda.so.1" &&
                bundle_edit "$b" "
hook = lambda *a: {'path': args[0], 'args': ['nvidia-cdi-hook'] + list(a), 'env': ['NVIDIA_CTK_DEBUG=false']}
c['hooks'] = {'createContainer': [hook('create-symlinks', '--link', 'libcuda.so.1::' + args[2] + '/libcuda.so'),
                                  hook('update-ldcache', '--folder', args[2])]}
c['mounts'].append({'destination': args[2] + '/libcuda.so.' + args[3], 'source': args[1], 'type': 'bind',
                    'options': ['ro', 'nosuid', 'nodev', 'bind']})" \
                        "$H" "$drv$LIBDIR/libcuda.so.$VER" "$LIBDIR" "$VER" ||
                { fail cdi_hook_runc "setup"; return; }
        out=$(runc_run_bundle "$b" it-cdi-hook 2>&1)
        expect_eq cdi_hook_runc "libcuda.so.1
	libcuda.so.1 (libc6,x86-64) => $LIBDIR/libcuda.so.1" "$out"
}

drv=$work/drv
fake_root_create "$drv" || { fail cdi_hook_setup "fake driver root"; exit 0; }
t_symlinks
t_hostile_links
t_ldcache
t_hostile_ldcache
t_compat
t_chmod
t_profile
t_params
t_runc
host_unchanged cdi_hook_host_unchanged
assert_no_leaks cdi_hook_no_leaks "$work"
