#!/bin/bash
# make install / uninstall honour DESTDIR and PREFIX, and the installed setup
# tool finds its payload where make install put it.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

work=$(scratch_dir install)
dest=$work/dest
make -s -C "$SRCDIR" BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr install >"$work/log" 2>&1 ||
        { fail install "make install failed"; it_indent "$work/log"; exit 0; }
for f in usr/bin/fake-nvidia-setup usr/lib/fake-nvidia/lib64/libnvidia-ml.so usr/lib/fake-nvidia/lib32/libcuda.so \
         usr/lib/fake-nvidia/bin/nvidia-smi; do
        [ -x "$dest/$f" ] || { fail install_layout "missing $f"; break; }
done
[ -x "$dest/$f" ] && pass install_layout

if require_root install_setup_runs; then
        "$dest/usr/bin/fake-nvidia-setup" --root "$work/root" --gpus 1 --quiet &&
                [ -c "$work/root/dev/nvidia0" ] && pass install_setup_runs ||
                fail install_setup_runs "installed fake-nvidia-setup failed"
        "$dest/usr/bin/fake-nvidia-setup" --root "$work/root" --remove --quiet
fi

make -s -C "$SRCDIR" BUILD="$BUILD" DESTDIR="$dest/opt" PREFIX=/opt/gpu install >/dev/null 2>&1 &&
        [ -x "$dest/opt/opt/gpu/bin/fake-nvidia-setup" ] && [ -d "$dest/opt/opt/gpu/lib/fake-nvidia/lib64" ] &&
        pass install_prefix || fail install_prefix "PREFIX=/opt/gpu not honoured"

make -s -C "$SRCDIR" BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr uninstall >/dev/null 2>&1
left=$(find "$dest/usr" -type f -o -type l)
expect_eq uninstall_removes_files "" "$left"
