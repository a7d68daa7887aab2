#!/bin/bash
# make demo's script, as the README's first command runs it: it succeeds,
# shows nvidia-smi -L from inside containers of docker (--gpus and
# --runtime=nvidia) and podman (CDI), and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
require_root t_demo || exit 0

out=$(bash "$SRCDIR/tests/demo.sh" "$BUILD" 2>&1)
rc=$?
expect_eq demo_succeeds 0 "$rc" || it_indent <<<"$out"
expect_contains demo_finishes "demo: done in" "$out"

# section TITLE-PREFIX: the demo's output from that step to the next.
section() { awk -v t="==> $1" 'index($0, t) == 1 {on = 1; next} /^==> / {on = 0} on' <<<"$out"; }
gpu() { echo "    GPU $1: NVIDIA Tesla T4 (UUID: GPU-$2-FAKE-UUID)"; }
all4=$(gpu 0 0; gpu 1 1; gpu 2 2; gpu 3 3)

expect_contains demo_cli_info "GPU UUID:       GPU-3-FAKE-UUID" "$(section "What the driver offers")"
expect_eq demo_docker_gpus_all "$all4" "$(section "docker run --gpus=all" | grep '^    GPU ')"
expect_eq demo_docker_runtime_nvidia "$(gpu 0 0; gpu 1 2)" "$(section "docker run --runtime=nvidia" | grep '^    GPU ')"
expect_eq demo_podman_cdi "$all4
$(gpu 0 3)" "$(section "Podman with CDI" | grep '^    GPU ')"
expect_contains demo_cdi_list "nvidia.com/gpu=all" "$(section "Podman with CDI")"

demo_dir=$(sed -n 's/^Working in \$DEMO=\(.*\) (removed at the end)$/\1/p' <<<"$out")
check demo_work_dir_named test -n "$demo_dir"
check demo_work_dir_removed test ! -e "${demo_dir:-/nonexistent}"
check demo_prefix_not_left test ! -e "$demo_dir/prefix/bin/nvidia-ctk"
assert_host_clean demo_host_clean
