#!/bin/bash
# Nothing of the image reaches a privileged process (issue 7, "Must show" 6):
# an image with `ENV LD_PRELOAD=/proc/self/cwd/evil.so`, whose library writes
# a marker file, is started with our CDI spec (podman) and through our
# runtime (docker: legacy hook, cdi and jit-cdi modes). The library does run
# in the container (the marker appears there: the control), but never in a
# hook or CLI on the host, where a process whose working directory is the
# container's root and whose environment is the image's would load it.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_root preload_engines || exit 0

work=$(scratch_dir)
drv=$work/drv
bin=$work/bin
token=it-evil-$$-$RANDOM
marker=/tmp/$token
IMG=it-preload:latest

fake_root_create "$drv" || { fail preload_setup "fake driver setup failed"; exit 0; }
mkdir -p "$bin" "$work/cdi" && ln -s "$BUILD/bin/nvidia-container-runtime-hook" "$bin/nvidia-container-runtime-hook" &&
        ln -s "$BUILD/bin/nvidia-container-cli" "$bin/nvidia-container-cli" ||
        { fail preload_setup "bin dir"; exit 0; }

# The library: a constructor that records, wherever it runs, which program loaded it.
cat >"$work/evil.c" <<EOF
#include <fcntl.h>
#include <unistd.h>
__attribute__((constructor)) static void mark(void)
{
        char exe[256] = {0};
        int fd = open("$marker", O_WRONLY | O_CREAT | O_APPEND, 0644);

        if (fd >= 0) {
                ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 2);
                exe[n > 0 ? n : 0] = '\n';
                write(fd, exe, (size_t)(n > 0 ? n + 1 : 1));
                close(fd);
        }
}
EOF
rootfs_glibc "$work/rootfs" && touch "$work/rootfs/etc/debian_version" && mkdir -p "$work/rootfs/tmp" &&
        gcc -shared -fPIC -o "$work/rootfs/evil.so" "$work/evil.c" &&
        rootfs_tarball "$work/rootfs" "$work/rootfs.tar" || { fail preload_setup "rootfs"; exit 0; }

"$BUILD/bin/nvidia-ctk" --quiet cdi generate --driver-root "$drv" --nvidia-cdi-hook-path "$BUILD/bin/nvidia-cdi-hook" \
        --output "$work/cdi/nvidia.yaml" || fail preload_setup "nvidia-ctk cdi generate failed"
for mode in legacy cdi jit-cdi; do
        printf '[nvidia-container-cli]\nroot = "%s"\npath = "%s"\n[nvidia-container-runtime]\nmode = "%s"\n[nvidia-container-runtime.modes.cdi]\nspec-dirs = ["%s"]\n[nvidia-ctk]\npath = "%s"\n' \
                "$drv" "$BUILD/bin/nvidia-container-cli" "$mode" "$work/cdi" "$BUILD/bin/nvidia-ctk" >"$work/$mode.toml"
        printf '#!/bin/sh\nNVIDIA_CTK_CONFIG_FILE_PATH=%s exec %s "$@"\n' "$work/$mode.toml" \
                "$BUILD/bin/nvidia-container-runtime" >"$bin/nvidia-runtime-$mode"
        chmod 0755 "$bin/nvidia-runtime-$mode"
done
export PATH="$bin:$PATH" ENGINE_PATH="$bin:$PATH" NVIDIA_CTK_CONFIG_FILE_PATH=$work/legacy.toml

# In the container: nvidia-smi (dynamic) loads the library, the marker names it.
# shellcheck disable=SC2016  # expanded in the container
CMD=(/bin/sh -c "cd / && nvidia-smi -L >/dev/null; cat $marker")
WANT_IN=/usr/bin/nvidia-smi

# host_clean NAME: the marker never appeared on the host.
host_clean() {
        if [ -e "$marker" ]; then
                fail "$1" "the image's library ran on the host: $(tr '\n' ' ' <"$marker")"
                rm -f "$marker"
        else
                pass "$1"
        fi
}

t_docker() {
        local out mode
        for mode in legacy cdi jit-cdi; do
                case $mode in
                legacy) set -- --gpus=all ;;
                cdi) set -- -e NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=all ;;
                jit-cdi) set -- -e NVIDIA_VISIBLE_DEVICES=all ;;
                esac
                out=$(docker_run --rm --runtime="nvidia-$mode" "$@" "$IMG" "${CMD[@]}" 2>&1)
                expect_eq "preload_docker_${mode}_library_runs_in_container" "$WANT_IN" "$out"
                host_clean "preload_docker_${mode}_never_on_host"
        done
}

t_podman() {
        local out d=$work/podman
        podman_init "$d" || { fail preload_podman "podman_init failed"; return; }
        image_import_podman "$work/rootfs.tar" it-preload --change "ENV LD_PRELOAD=/proc/self/cwd/evil.so" ||
                { fail preload_podman "podman import failed"; return; }
        podman_cdi_dir "$work/cdi"
        out=$(podman_run --rm --device nvidia.com/gpu=all localhost/it-preload "${CMD[@]}" 2>&1)
        expect_eq preload_podman_cdi_library_runs_in_container "$WANT_IN" "$out"
        host_clean preload_podman_cdi_never_on_host
        podman_cleanup "$d"
}

# The control: a host process with the image's environment and the
# container's root as its working directory would leave the marker.
(cd "$work/rootfs" && LD_PRELOAD=/proc/self/cwd/evil.so /bin/true)
[ -s "$marker" ] && pass preload_control_host_load_detected || fail preload_control_host_load_detected "no marker"
rm -f "$marker"

mkdir -p "$work/docker"
"$IT_PYTHON" "$IT_LIB/json_edit.py" "$work/docker/daemon.json" \
        "c['runtimes'] = {'nvidia-' + m: {'path': args[0] + '/nvidia-runtime-' + m} for m in ('legacy', 'cdi', 'jit-cdi')}" "$bin"
if ! dockerd_start "$work/docker"; then
        fail preload_docker "dockerd did not start"
elif ! image_import_docker "$work/rootfs.tar" "$IMG" --change "ENV LD_PRELOAD=/proc/self/cwd/evil.so"; then
        fail preload_docker "docker import failed"
else
        t_docker
fi
dockerd_stop "$work/docker"
t_podman
rm -f "$marker"
assert_no_leaks preload_no_leaks "$work"
assert_host_clean preload_host_clean
