# shellcheck shell=sh
# Shared by the Debian and the RPM builders (sourced; plain sh, as the
# spec's %install runs it under /bin/sh): their set-up and the split of the
# installed tree into NVIDIA's packages.  Every file `make install` writes
# belongs to exactly one package or is left out on purpose, so a new
# installed file fails the build until it is given a home here.

# pkg_die MSG: one line on stderr, exit 1.
pkg_die() {
        echo "${PKG_KIND:-packaging}: $*" >&2
        exit 1
}

# pkg_setup KIND BUILD_DIR OUT_DIR (from packaging/KIND/build.sh): sets
# srcdir, build, out (created), version (the built CLI's) and work (a
# scratch directory removed at exit).
# shellcheck disable=SC2034  # the builders' globals
pkg_setup() {
        PKG_KIND=$1
        [ $# -eq 3 ] || { echo "usage: $0 BUILD_DIR OUT_DIR" >&2; exit 2; }
        srcdir=$(cd "$(dirname "$0")/../.." && pwd)
        build=$(cd "$2" 2>/dev/null && pwd) || pkg_die "no build directory '$2'"
        mkdir -p "$3" && out=$(cd "$3" && pwd) || exit 1
        version=$("$build/bin/nvidia-container-cli" --version | sed -n 's/^cli-version: //p')
        [ -n "$version" ] || pkg_die "no version from $build/bin/nvidia-container-cli"
        work=$(mktemp -d "${TMPDIR:-/tmp}/$1-build.XXXXXX")
        trap 'rm -rf "$work"' EXIT
}

# split_owner PATH DEV_PKG: the package that ships PATH (as installed, e.g.
# /usr/bin/nvidia-ctk), "-" for what no package ships (the fake driver and
# its setup tool are test tools of this project), "?" for an unknown file.
# DEV_PKG is the development package's name (-dev or -devel).
split_owner() {
        case $1 in
        */fake-nvidia*)
                echo - ;;
        */lib*/libnvidia-container.so.*)
                echo libnvidia-container1 ;;
        */lib*/libnvidia-container.so | */include/* | */man3/*)
                echo "$2" ;;
        */bin/nvidia-container-cli | */man1/nvidia-container-cli*)
                echo libnvidia-container-tools ;;
        */bin/nvidia-container-runtime-hook | */bin/nvidia-container-toolkit | \
                */man1/nvidia-container-runtime-hook* | */man1/nvidia-container-toolkit*)
                echo nvidia-container-toolkit ;;
        */bin/nvidia-ctk | */bin/nvidia-cdi-hook | */bin/nvidia-container-runtime | \
                */man1/nvidia-ctk* | */man1/nvidia-cdi-hook* | */man1/nvidia-container-runtime* | */man5/* | \
                */systemd/* | */udev/rules.d/* | /etc/nvidia-container-toolkit/*)
                echo nvidia-container-toolkit-base ;;
        *)
                echo '?' ;;
        esac
}

