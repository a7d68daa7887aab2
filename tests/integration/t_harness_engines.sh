#!/bin/bash
# Proves the integration-test harness (lib.sh) with every engine: a busybox
# container prints a known string under runc, dockerd, containerd (rootfs and
# imported image) and podman; a dynamic program runs in the glibc rootfs; each
# engine leaves no processes, mounts, sockets or host state behind.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CHECKS=(runc.busybox runc.glibc.dynamic runc.glibc.ldcache runc.no-leaks
        docker.start docker.run docker.no-leaks
        containerd.start containerd.run-rootfs containerd.run-image containerd.no-leaks
        podman.init podman.run podman.cdi podman.no-leaks
        host.clean)
if ! is_root; then
        for c in "${CHECKS[@]}"; do skip "harness.$c" "needs root (uid 0)"; done
        exit 0
fi

t0=$SECONDS
timing() { it_log "$1: $((SECONDS - t0))s"; }

base=$(scratch_dir images)
rootfs_busybox "$base/busybox" || fail harness.rootfs "rootfs_busybox failed"
rootfs_tarball "$base/busybox" "$base/busybox.tar" || fail harness.rootfs "rootfs_tarball failed"

# --- runc ----------------------------------------------------------------------
test_runc() {
        local d out
        d=$(scratch_dir runc)
        export RUNC_ROOT=$d/state
        rootfs_busybox "$d/rootfs"
        bundle_create "$d/b1" "$d/rootfs" /bin/echo hello-runc
        out=$(runc_run_bundle "$d/b1" it-busybox-$$ 2>&1)
        expect_eq harness.runc.busybox hello-runc "$out"

        # a dynamically linked host program in the glibc rootfs
        rootfs_glibc "$d/glibc"
        cp /usr/bin/env "$d/glibc/usr/bin/env"
        if ! ldd /usr/bin/env | grep -q 'libc\.so\.6'; then
                fail harness.runc.glibc.dynamic "/usr/bin/env is not dynamically linked"
        else
                bundle_create "$d/b2" "$d/glibc" /usr/bin/env -i HARNESS=glibc-ok
                out=$(runc_run_bundle "$d/b2" it-glibc-$$ 2>&1)
                expect_eq harness.runc.glibc.dynamic HARNESS=glibc-ok "$out"
        fi
        bundle_create "$d/b3" "$d/glibc" /sbin/ldconfig -p
        out=$(runc_run_bundle "$d/b3" it-ldconfig-$$ 2>&1)
        expect_match harness.runc.glibc.ldcache "libc\.so\.6 .*x86-64.* => /usr/lib/x86_64-linux-gnu/libc\.so\.6" "$out"

        runc_cleanup
        assert_no_leaks harness.runc.no-leaks "$d"
        unset RUNC_ROOT
}

# --- dockerd ---------------------------------------------------------------------
test_docker() {
        local d out
        d=$(scratch_dir docker)
        if ! dockerd_start "$d"; then
                fail harness.docker.start "dockerd did not start"
                fail harness.docker.run "no dockerd"
        else
                pass harness.docker.start
                it_log "dockerd storage driver: $DOCKERD_STORAGE_DRIVER"
                if image_import_docker "$base/busybox.tar" it-busybox:latest; then
                        out=$(docker_run --rm it-busybox /bin/echo hello-docker 2>&1)
                        expect_eq harness.docker.run hello-docker "$out"
                else
                        fail harness.docker.run "docker import failed"
                fi
        fi
        dockerd_stop "$d"
        if [ -e "$d" ]; then
                fail harness.docker.no-leaks "$d still exists"
        else
                assert_no_leaks harness.docker.no-leaks "$d"
        fi
}

# --- containerd ---------------------------------------------------------------------
test_containerd() {
        local d out
        d=$(scratch_dir containerd)
        if ! containerd_start "$d"; then
                fail harness.containerd.start "containerd did not start"
                fail harness.containerd.run-rootfs "no containerd"
                fail harness.containerd.run-image "no containerd"
        else
                pass harness.containerd.start
                rootfs_busybox "$base/ctr-rootfs"
                out=$(ctr_run --rm --rootfs "$base/ctr-rootfs" it-rootfs-$$ /bin/echo hello-ctr 2>&1)
                expect_eq harness.containerd.run-rootfs hello-ctr "$out"
                if image_import_containerd "$base/busybox.tar" localhost/it-busybox:latest; then
                        # shellcheck disable=SC2016 # $0 is expanded in the container
                        out=$(ctr_run --rm localhost/it-busybox:latest it-image-$$ /bin/sh -c 'echo "hello-$0"' ctr-image 2>&1)
                        expect_eq harness.containerd.run-image hello-ctr-image "$out"
                else
                        fail harness.containerd.run-image "ctr image import failed"
                fi
        fi
        containerd_stop "$d"
        if [ -e "$d" ]; then
                fail harness.containerd.no-leaks "$d still exists"
        else
                assert_no_leaks harness.containerd.no-leaks "$d"
        fi
}

# --- podman -----------------------------------------------------------------------------
test_podman() {
        local d out
        d=$(scratch_dir podman)
        if ! podman_init "$d"; then
                fail harness.podman.init "podman info failed with private state"
                fail harness.podman.run "no podman"
                fail harness.podman.cdi "no podman"
        else
                pass harness.podman.init
                it_log "podman storage driver: $PODMAN_STORAGE_DRIVER"
                if image_import_podman "$base/busybox.tar" it-busybox; then
                        out=$(podman_run --rm localhost/it-busybox /bin/echo hello-podman 2>&1)
                        expect_eq harness.podman.run hello-podman "$out"
                        # a private CDI spec dir
                        mkdir -p "$d/cdi"
                        cat >"$d/cdi/harness.yaml" <<'EOF'
cdiVersion: "0.5.0"
kind: "example.com/harness"
devices:
- name: dev0
  containerEdits:
    env: ["HARNESS_CDI=dev0"]
EOF
                        podman_cdi_dir "$d/cdi"
                        # shellcheck disable=SC2016 # expanded in the container
                        out=$(podman_run --rm --device example.com/harness=dev0 localhost/it-busybox \
                                /bin/sh -c 'echo $HARNESS_CDI' 2>&1)
                        expect_eq harness.podman.cdi dev0 "$out"
                else
                        fail harness.podman.run "podman import failed"
                        fail harness.podman.cdi "podman import failed"
                fi
        fi
        podman_cleanup "$d"
        if [ -e "$d" ]; then
                fail harness.podman.no-leaks "$d still exists"
        else
                assert_no_leaks harness.podman.no-leaks "$d"
        fi
}

test_runc; timing runc
test_docker; timing docker
test_containerd; timing containerd
test_podman; timing podman
assert_host_clean harness.host.clean
