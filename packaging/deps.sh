#!/bin/sh
# Installs every Debian package the build, the tests and the demo need.
# Does nothing when all of them are present already.
set -eu

packages="
gcc make pkg-config gcc-multilib
libcap-dev libseccomp-dev libelf-dev libtirpc-dev rpcsvc-proto
libjson-c-dev libyaml-dev check
runc docker.io containerd podman busybox-static
iptables uidmap fuse-overlayfs slirp4netns catatonit
python3 jq valgrind
clang libclang-rt-14-dev
man-db groff-base systemd dpkg-dev lintian rpm
"

missing=""
for p in $packages; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
        echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
        exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The packages' own services must not start on the host: tests start
# private daemons themselves.
policy=/usr/sbin/policy-rc.d
had_policy=false
[ -e "$policy" ] && had_policy=true
$had_policy || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; }
apt-get install -y -qq --no-install-recommends $missing
$had_policy || rm -f "$policy"
