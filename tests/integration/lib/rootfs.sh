# shellcheck shell=bash
# Root filesystems and images for the integration tests (sourced by lib.sh).
#
# rootfs_busybox and rootfs_glibc copy a build cached in $IT_CACHE (built once
# per host toolchain, under a lock, so parallel tests share it); each test gets
# its own writable copy because the stack under test writes into rootfses
# (mount targets, ld.so.cache).

IT_BUSYBOX=${IT_BUSYBOX:-/bin/busybox}
IT_MULTIARCH=x86_64-linux-gnu
IT_DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Bump when the content of the cached builds changes.
_IT_ROOTFS_VERSION=1
_IT_GLIBC_SONAMES=(ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0
        librt.so.1 libgcc_s.so.1)

_it_build_busybox() {
        local r=$1 a d
        for d in bin sbin dev proc sys tmp etc root run var/tmp usr/bin usr/sbin \
                "usr/lib/$IT_MULTIARCH" usr/local/bin usr/local/lib; do
                mkdir -p "$r/$d" || return 1
        done
        chmod 1777 "$r/tmp" "$r/var/tmp"
        cp "$IT_BUSYBOX" "$r/bin/busybox" || return 1
        for a in $("$IT_BUSYBOX" --list); do
                [ "$a" = busybox ] || ln -s busybox "$r/bin/$a" || return 1
        done
        printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
                'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$r/etc/passwd"
        printf '%s\n' 'root:x:0:' 'video:x:44:' 'nogroup:x:65534:' >"$r/etc/group"
        echo it-rootfs >"$r/etc/hostname"
        echo '127.0.0.1 localhost' >"$r/etc/hosts"
        : >"$r/etc/resolv.conf"
}

# The host's 64-bit library with this SONAME (ld.so.cache also lists x32 and
# i386 ones on multilib hosts).
_it_host_lib() {
        ldconfig -p | awk -v s="$1" '$1 == s && /x86-64/ { print $NF; exit }'
}

_it_build_glibc() {
        local r=$1 libdir=$1/usr/lib/$IT_MULTIARCH so path needed
        _it_build_busybox "$r" || return 1
        # the glibc set, plus whatever a few dynamic host programs need
        needed=$(ldd /usr/bin/env /bin/ls 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $1 }')
        for so in "${_IT_GLIBC_SONAMES[@]}" $needed; do
                [ -e "$libdir/$so" ] && continue
                path=$(_it_host_lib "$so")
                [ -n "$path" ] || { it_log "rootfs_glibc: the host has no $so"; return 1; }
                cp -L "$path" "$libdir/$so" || return 1
        done
        # merged /usr, as on Debian 12; the ELF interpreter is /lib64/ld-linux-x86-64.so.2
        mkdir -p "$r/usr/lib64"
        ln -s usr/lib "$r/lib"
        ln -s usr/lib64 "$r/lib64"
        ln -s "../lib/$IT_MULTIARCH/ld-linux-x86-64.so.2" "$r/usr/lib64/ld-linux-x86-64.so.2"
        cp /sbin/ldconfig "$r/sbin/ldconfig" || return 1
        printf '%s\n' "/usr/lib/$IT_MULTIARCH" /usr/local/lib >"$r/etc/ld.so.conf"
        mkdir -p "$r/var/cache/ldconfig"
        ldconfig -r "$r" && [ -s "$r/etc/ld.so.cache" ]
}

# _it_cached_rootfs KIND: print the path of the cached build of KIND.
_it_cached_rootfs() {
        local kind=$1 dir=$IT_CACHE/rootfs-$1 want
        want="v$_IT_ROOTFS_VERSION $(stat -L -c '%s %Y' "$IT_BUSYBOX" /sbin/ldconfig \
                "$(_it_host_lib libc.so.6)" 2>/dev/null | tr '\n' ' ')"
        mkdir -p "$IT_CACHE" || return 1
        (
                flock -w 120 9 || exit 1
                [ -d "$dir" ] && [ "$(cat "$dir.stamp" 2>/dev/null)" = "$want" ] && exit 0
                tmp=$(mktemp -d "$IT_CACHE/.build.XXXXXX") || exit 1
                if ! "_it_build_$kind" "$tmp"; then
                        rm -rf "$tmp"
                        exit 1
                fi
                rm -rf "$dir" "$dir.stamp"
                mv "$tmp" "$dir" && printf '%s\n' "$want" >"$dir.stamp"
        ) 9>"$IT_CACHE/.lock" || { it_log "cannot build the $kind rootfs"; return 1; }
        printf '%s\n' "$dir"
}

_it_rootfs_copy() {
        local src
        src=$(_it_cached_rootfs "$1") || return 1
        # a root directory is 0755 like any "/" (the cache dir came from mktemp)
        mkdir -p "$2" && cp -a "$src/." "$2/" && chmod 0755 "$2"
}

# rootfs_busybox DIR: static busybox at /bin/busybox with all its applets
# linked in /bin; /etc/passwd, /etc/group; /dev /proc /sys /tmp /usr/bin
# /usr/lib/x86_64-linux-gnu ... (empty).
rootfs_busybox() { _it_rootfs_copy busybox "$1"; }

# rootfs_glibc DIR: rootfs_busybox + the host's glibc (loader, libc, libm,
# libdl, libpthread, librt, libgcc_s, ...) in /usr/lib/x86_64-linux-gnu, the
# host's /sbin/ldconfig, /etc/ld.so.conf and an ld.so.cache.
rootfs_glibc() { _it_rootfs_copy glibc "$1"; }

# rootfs_tarball DIR OUT.tar
rootfs_tarball() { tar --numeric-owner -C "$1" -cf "$2" .; }

_IT_IMAGE_CHANGES=(--change 'CMD ["/bin/sh"]' --change "ENV PATH=$IT_DEFAULT_PATH")

# image_import_docker TAR NAME [docker import args, e.g. --change 'ENV K=V']
image_import_docker() {
        docker_cmd import "${_IT_IMAGE_CHANGES[@]}" "${@:3}" "$1" "$2" >/dev/null
}

# image_import_podman TAR NAME [podman import args]: refer to it as localhost/NAME.
image_import_podman() {
        podman_cmd import --quiet "${_IT_IMAGE_CHANGES[@]}" "${@:3}" "$1" "$2" >/dev/null
}

# image_oci_archive ROOTFS.tar NAME OUT.tar: an OCI image archive of the
# tarball (see lib/oci_archive.py).
image_oci_archive() { "$IT_PYTHON" "$IT_LIB/oci_archive.py" "$@"; }

# image_import_containerd TAR NAME: containerd does not normalize names, NAME
# is the image's name as is (e.g. localhost/busybox:latest).
image_import_containerd() {
        local arch rc
        arch=$(mktemp "$IT_SCRATCH/oci.XXXXXX") || return 1
        image_oci_archive "$1" "$2" "$arch" &&
                ctr_cmd images import ${CTR_SNAPSHOTTER:+--snapshotter "$CTR_SNAPSHOTTER"} \
                        "$arch" >/dev/null
        rc=$?
        rm -f "$arch"
        return "$rc"
}

# rootfs_add_program ROOTFS SRC DEST: copy a host program and the shared
# libraries it needs (as ldd resolves them) into ROOTFS at DEST.
rootfs_add_program() {
        local r=$1 src=$2 dest=$3 lib
        mkdir -p "$r$(dirname "$dest")" && cp "$src" "$r$dest" || return 1
        for lib in $(ldd "$src" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
                [ -e "$r/usr/lib/$IT_MULTIARCH/$(basename "$lib")" ] ||
                        cp -L "$lib" "$r/usr/lib/$IT_MULTIARCH/" || return 1
        done
        ldconfig -r "$r"
}
