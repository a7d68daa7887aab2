#!/bin/bash
# Builds the RPM packages, with NVIDIA's names and split, from a build tree
# (after `make all`): libnvidia-container1, libnvidia-container-devel,
# libnvidia-container-tools, nvidia-container-toolkit-base and
# nvidia-container-toolkit, as OUT_DIR/NAME-VERSION-RELEASE.ARCH.rpm.
#
# usage: packaging/rpm/build.sh BUILD_DIR OUT_DIR
#
# rpmbuild runs in a scratch _topdir; the spec's %install stages the tree
# with `make install` in Fedora/RHEL paths (/usr/lib64, /usr/lib/systemd).
# --nodeps: on Debian the rpm database is empty, so nothing a spec could
# require for the build is "installed".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=packaging/deb/lib.sh
. "$here/../deb/lib.sh"
pkg_setup rpm "$@"

if ! rpmbuild -bb --nodeps --quiet \
        --define "_topdir $work" --define "_rpmdir $work/RPMS" \
        --define "srcdir $srcdir" --define "builddir $build" --define "version $version" \
        "$here/nvidia-container-toolkit.spec" >"$work/rpmbuild.log" 2>&1; then
        cat "$work/rpmbuild.log" >&2
        pkg_die "rpmbuild failed"
fi
for f in "$work"/RPMS/*/*.rpm; do
        cp "$f" "$out/"
        echo "rpm: $out/${f##*/}"
done
