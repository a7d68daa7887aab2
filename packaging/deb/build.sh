#!/bin/bash
# Builds the Debian packages, with NVIDIA's names and split, from a build
# tree (after `make all`): libnvidia-container1, libnvidia-container-dev,
# libnvidia-container-tools, nvidia-container-toolkit-base and
# nvidia-container-toolkit, as OUT_DIR/PKG_VERSION_ARCH.deb.
#
# usage: packaging/deb/build.sh BUILD_DIR OUT_DIR
#
# No debhelper: `make install` stages the tree, lib.sh says which package
# ships each file, and the dpkg-dev tools debhelper itself uses fill in the
# rest (dpkg-gensymbols, dpkg-shlibdeps, dpkg-gencontrol) in a scratch
# debian/ directory.  The version is the built CLI's; the Debian revision
# and the date (SOURCE_DATE_EPOCH: reproducible archives) come from
# packaging/deb/changelog, whose top entry must match that version.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=packaging/deb/lib.sh
. "$here/lib.sh"
pkg_setup deb "$@"

PACKAGES="libnvidia-container1 libnvidia-container-dev libnvidia-container-tools
nvidia-container-toolkit-base nvidia-container-toolkit"
LIBPKG=libnvidia-container1

debver=$(dpkg-parsechangelog -l "$here/changelog" -SVersion)
[ "${debver%-*}" = "$version" ] ||
        pkg_die "packaging/deb/changelog: top entry is $debver, the build is $version: add an entry"
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$here/changelog" -STimestamp)
export SOURCE_DATE_EPOCH
arch=$(dpkg --print-architecture)

stage=$work/stage
deb=$work/debian

# --- the installed tree, split -------------------------------------------------
# Debian 12 keeps units, presets and udev rules in /lib (not merged-/usr paths).
stage_tree() {
        make -s -C "$srcdir" BUILD="$build" DESTDIR="$stage" PREFIX=/usr SYSCONFDIR=/etc \
                UNITDIR=/lib/systemd/system PRESETDIR=/lib/systemd/system-preset \
                UDEVRULESDIR=/lib/udev/rules.d install >"$work/install.log" 2>&1 ||
                { cat "$work/install.log" >&2; pkg_die "make install failed"; }
}

split_tree() {
        local f owner
        while IFS= read -r f; do
                f=${f#.}
                owner=$(split_owner "$f" libnvidia-container-dev)
                case $owner in
                -) continue ;;
                '?') pkg_die "no package ships $f (packaging/deb/lib.sh)" ;;
                esac
                mkdir -p "$deb/$owner$(dirname "$f")"
                cp -a "$stage$f" "$deb/$owner$f"
        done < <(cd "$stage" && find . ! -type d | sort)
}

# --- per-package contents ----------------------------------------------------
is_elf() { [ -f "$1" ] && [ ! -L "$1" ] && [ "$(od -An -tx1 -N4 "$1")" = " 7f 45 4c 46" ]; }

# Policy modes; binaries stripped as dh_strip does.
fix_files() {
        local root=$1 f
        find "$root" -type d -exec chmod 0755 {} +
        find "$root" -type f -exec chmod 0644 {} +
        while IFS= read -r f; do
                is_elf "$f" || continue
                strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f"
                case $f in */bin/*) chmod 0755 "$f" ;; esac
        done < <(find "$root" -type f)
}

# A ".so" page becomes a link to its target (policy 12.1 prefers links).
man_so_links() {
        local man=$1 f target
        while IFS= read -r f; do
                target=$(sed -n '1s|^\.so \(man[0-9]/[^ ]*\)$|\1|p' "$f")
                [ -n "$target" ] || continue
                [ "$(wc -l <"$f")" -le 1 ] || continue
                if [ "${target%/*}" = "$(basename "$(dirname "$f")")" ]; then
                        target=${target#*/}
                else
                        target=../$target
                fi
                ln -s "$target.gz" "$f.gz"
                rm "$f"
        done < <(find "$man" -type f ! -name '*.gz')
}

# Man pages gzip'ed; a command installed as a link to another gets a link
# to that command's page when it has none of its own.
fix_man() {
        local root=$1 man=$1/usr/share/man f target
        [ -d "$man" ] || return 0
        man_so_links "$man"
        find "$man" -type f ! -name '*.gz' -exec gzip -9n {} +
        for f in "$root"/usr/bin/*; do
                [ -L "$f" ] || continue
                target=$(basename "$(readlink "$f")")
                [ -e "$man/man1/$target.1.gz" ] && [ ! -e "$man/man1/${f##*/}.1.gz" ] &&
                        ln -s "$target.1.gz" "$man/man1/${f##*/}.1.gz"
        done
        return 0
}

add_docs() {
        local pkg=$1 doc=$deb/$1/usr/share/doc/$1
        mkdir -p "$doc"
        cp "$here/copyright" "$doc/copyright"
        gzip -9n <"$here/changelog" >"$doc/changelog.Debian.gz"
        # Not uploaded to Debian: there is no ITP bug to close.
        mkdir -p "$deb/$pkg/usr/share/lintian/overrides"
        echo "$pkg: initial-upload-closes-no-bugs" >"$deb/$pkg/usr/share/lintian/overrides/$pkg"
}

# --- control data ----------------------------------------------------------------
# The library's dependency information: a symbols file for dpkg-shlibdeps
# (every exported nvc_* symbol, since this version) and a shlibs file.
lib_control() {
        local dir=$deb/$LIBPKG
        (cd "$work" && dpkg-gensymbols -q -p"$LIBPKG" -P"$dir" -v"$version" -O"$dir/DEBIAN/symbols") ||
                pkg_die "dpkg-gensymbols failed"
        sed -i '1a\* Build-Depends-Package: libnvidia-container-dev' "$dir/DEBIAN/symbols"
        echo "libnvidia-container 1 $LIBPKG (>= $version)" >"$dir/DEBIAN/shlibs"
}

# ${shlibs:Depends} of PKG from its ELF files (the library's own package excluded).
shlib_depends() {
        local pkg=$1 elves self=()
        [ "$pkg" = "$LIBPKG" ] && self=(-x"$LIBPKG")
        mapfile -t elves < <(find "$deb/$pkg" -path "$deb/$pkg/DEBIAN" -prune -o -type f -print |
                while IFS= read -r f; do is_elf "$f" && echo "${f#"$work"/}"; done)
        [ ${#elves[@]} -gt 0 ] || return 0
        (cd "$work" && dpkg-shlibdeps "${self[@]}" -T"debian/$pkg.substvars" "${elves[@]}") ||
                pkg_die "dpkg-shlibdeps failed for $pkg"
}

# The packaged maintainer scripts and triggers, conffiles (everything in
# /etc) and md5sums.
package_meta() {
        local pkg=$1 dir=$deb/$1/DEBIAN f
        if [ -d "$deb/$pkg/etc" ]; then
                (cd "$deb/$pkg" && find etc -type f | sort | sed 's|^|/|') >"$dir/conffiles"
        fi
        (cd "$deb/$pkg" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort |
                xargs -r md5sum) >"$dir/md5sums"
        [ -s "$dir/md5sums" ] || rm -f "$dir/md5sums"
        chmod 0644 "$dir"/*
        for f in postinst prerm postrm triggers; do
                [ -e "$here/$pkg.$f" ] || continue
                install -m "$([ $f = triggers ] && echo 0644 || echo 0755)" "$here/$pkg.$f" "$dir/$f"
        done
}

# dpkg-gencontrol: fields, substvars, Installed-Size.  NVIDIA builds the
# library packages from the libnvidia-container source.
gen_control() {
        local pkg=$1 src=nvidia-container-toolkit
        case $pkg in libnvidia-container*) src=libnvidia-container ;; esac
        touch "$deb/$pkg.substvars"
        (cd "$work" && dpkg-gencontrol -p"$pkg" -P"debian/$pkg" -T"debian/$pkg.substvars" \
                -f"debian/files" -DSource="$src") || pkg_die "dpkg-gencontrol failed for $pkg"
}

build_package() {
        local pkg=$1
        [ -d "$deb/$pkg" ] || pkg_die "$pkg: no files (make install wrote none of its files)"
        mkdir -p "$deb/$pkg/DEBIAN"
        fix_man "$deb/$pkg"
        add_docs "$pkg"
        fix_files "$deb/$pkg"
        [ "$pkg" = "$LIBPKG" ] && lib_control
        shlib_depends "$pkg"
        package_meta "$pkg"
        gen_control "$pkg"
        dpkg-deb --root-owner-group -Zxz --build "$deb/$pkg" "$out/${pkg}_${debver}_$arch.deb" >/dev/null ||
                pkg_die "dpkg-deb failed for $pkg"
        echo "deb: $out/${pkg}_${debver}_$arch.deb"
}

stage_tree
mkdir -p "$deb"
cp "$here/control" "$deb/control"
cp "$here/changelog" "$deb/changelog"
split_tree
for pkg in $PACKAGES; do
        build_package "$pkg"
done
