# shellcheck shell=bash disable=SC2034  # globals for bench/parts
# The fixtures of bench/bench.sh (sourced after tests/integration/lib.sh):
#
#   fx_init: $work (scratch), $drv (fake driver root, 4 GPUs), $bin (the hook and the CLI,
#     first on PATH, as engines find them), $base (glibc rootfs), $rt $cli $ctk $cdihook $hook,
#     $RR (private runc state), the CDI spec of $drv in $work/cdi and the configs
#     $work/legacy.toml, cdi.toml and jit-cdi.toml, and true-MODE.toml (/bin/true as the
#     low-level runtime: the shim's own work); NVIDIA_CTK_CONFIG_FILE_PATH = legacy.toml
#   fx_conf MODE FILE ROOT SPECDIR [RUNTIME]: a config.toml for MODE on driver root ROOT
#     (RUNTIME: the low-level runtime instead of runc)
#   fx_spec ROOT DIR: `nvidia-ctk cdi generate` for ROOT into DIR/nvidia.yaml
#   fx_bundle DIR [CMD...]: a bundle (rootfs: a hard-linked copy of $base) whose process
#     has NVIDIA_VISIBLE_DEVICES=all and NVIDIA_DRIVER_CAPABILITIES=all, default /bin/true;
#     its pristine config.json is kept as DIR/config.orig
#   fx_reset DIR...: the shell text that restores those config.json files (a bench-run
#     setup: the runtime edits config.json, every run starts from the same one)
#   fx_more_libs ROOT: three more copies of every driver library of ROOT, each with its own
#     file name and SONAME (same length, patched in .dynstr), then `ldconfig -r ROOT`;
#     prints how many libraries ROOT had

fx_init() {
        work=$(scratch_dir bench) || return 1
        drv=$work/drv bin=$work/bin base=$work/base RR=$IT_SCRATCH/runc-state
        rt=$BUILD/bin/nvidia-container-runtime cli=$BUILD/bin/nvidia-container-cli
        ctk=$BUILD/bin/nvidia-ctk cdihook=$BUILD/bin/nvidia-cdi-hook hook=$BUILD/bin/nvidia-container-runtime-hook
        runc_cmd list >/dev/null 2>&1 # registers $RR for the exit clean-up
        fake_root_create "$drv" && mkdir -p "$bin" && ln -sf "$hook" "$bin/nvidia-container-runtime-hook" &&
                ln -sf "$cli" "$bin/nvidia-container-cli" && rootfs_glibc "$base" && touch "$base/etc/debian_version" &&
                fx_spec "$drv" "$work/cdi" || return 1
        local m
        for m in legacy cdi jit-cdi; do
                fx_conf "$m" "$work/$m.toml" "$drv" "$work/cdi" &&
                        fx_conf "$m" "$work/true-$m.toml" "$drv" "$work/cdi" /bin/true || return 1
        done
        export PATH="$bin:$PATH" NVIDIA_CTK_CONFIG_FILE_PATH=$work/legacy.toml
        export ENGINE_PATH=$PATH
}

fx_conf() {
        local runtimes=
        [ -z "${5:-}" ] || runtimes="runtimes = [\"$5\"]
"
        printf '[nvidia-container-cli]\nroot = "%s"\npath = "%s"\n[nvidia-container-runtime]\nmode = "%s"\n%s[nvidia-container-runtime.modes.cdi]\nspec-dirs = ["%s"]\n[nvidia-ctk]\npath = "%s"\n' \
                "$3" "$cli" "$1" "$runtimes" "$4" "$ctk" >"$2"
}

fx_spec() {
        mkdir -p "$2" && "$ctk" --quiet cdi generate --driver-root "$1" --nvidia-cdi-hook-path "$cdihook" \
                --output "$2/nvidia.yaml"
}

fx_bundle() {
        local dir=$1
        shift
        [ $# -gt 0 ] || set -- /bin/true
        mkdir -p "$dir" && cp -al "$base" "$dir/rootfs" && bundle_create "$dir" "$dir/rootfs" "$@" &&
                bundle_edit "$dir" "c['process']['env'] = ['PATH=$IT_DEFAULT_PATH', 'NVIDIA_VISIBLE_DEVICES=all',
                                     'NVIDIA_DRIVER_CAPABILITIES=all']" &&
                cp "$dir/config.json" "$dir/config.orig"
}

fx_reset() {
        local d text=
        for d in "$@"; do
                text+="cp $(printf '%q' "$d/config.orig") $(printf '%q' "$d/config.json") && "
        done
        printf '%s\n' "${text}:"
}

fx_more_libs() {
        "$IT_PYTHON" - "$1" <<'EOF' && ldconfig -r "$1"
import os, subprocess, sys
root, count = sys.argv[1], 0
for top, _, files in os.walk(root):
    for f in sorted(files):
        p = os.path.join(top, f)
        if not f.startswith("lib") or ".so" not in f or os.path.islink(p):
            continue
        dyn = subprocess.run(["readelf", "-d", p], capture_output=True, text=True).stdout
        sonames = [l.split("[", 1)[1].rstrip("]") for l in dyn.splitlines() if "(SONAME)" in l]
        if not sonames:
            continue
        data, old = open(p, "rb").read(), sonames[0].encode()
        count += 1
        for k in b"xyz":
            new = old[:3] + bytes([k]) + old[4:]
            copy = os.path.join(top, f[:3] + chr(k) + f[4:])
            with open(copy, "wb") as out:
                out.write(data.replace(b"\0" + old + b"\0", b"\0" + new + b"\0", 1))
            os.chmod(copy, os.stat(p).st_mode & 0o7777)
print(count)
EOF
}
