#!/bin/bash
# nvidia-ctk config: `config default` writes NVIDIA's default file; --set
# edits it in place keeping everything else byte for byte (comments too),
# typed by the key (a bare boolean key is true, lists split on commas, an
# empty value unsets); an unknown key, a bad boolean or a broken file is
# one ERRO line, exit 1, and the file untouched; --output writes
# elsewhere; a missing file starts from the defaults; the file found
# through NVIDIA_CTK_CONFIG_FILE_PATH is the default; and what it writes
# is read by our runtime. No root, engine or driver needed.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctk=$BUILD/bin/nvidia-ctk
rt=$BUILD/bin/nvidia-container-runtime
d=$(scratch_dir ctk-config)
conf=$d/etc/nvidia-container-runtime/config.toml

# run CMD...: $out (stdout and stderr, without the spaces that pad log
# lines) and $rc.
run() {
        out=$("$@" 2>&1 | sed 's/ *$//'; exit "${PIPESTATUS[0]}")
        rc=$?
}

# --- config default -------------------------------------------------------------
t_default() {
        run "$ctk" config default --output "$conf"
        [ "$rc" = 0 ] && [ -z "$out" ] && [ -s "$conf" ] && pass config_default_output_makes_dirs ||
                { fail config_default_output_makes_dirs "exit $rc"; it_indent <<<"$out"; }
        expect_eq config_default_stdout_same "$(cat "$conf")" "$("$ctk" config generate-default)"
        # NVIDIA's text on Debian; Ubuntu's ldconfig is ldconfig.real.
        local ld=@/sbin/ldconfig
        [ -e /sbin/ldconfig.real ] && ld=@/sbin/ldconfig.real
        expect_eq config_default_is_nvidias "$(sed "s|^ldconfig = .*|ldconfig = \"$ld\"|" \
                "$SRCDIR/tests/integration/golden/config-default.toml")" "$(cat "$conf")"
        # Without --set the file is printed as it is.
        expect_eq config_prints_file "$(cat "$conf")" "$("$ctk" config --config-file "$conf")"
}

# --- --set -i ---------------------------------------------------------------------
t_set_in_place() {
        local before=$d/before.toml changes
        # A comment of the user's own, and a mode of its own, to keep.
        sed -i 's|^\[nvidia-container-runtime\]$|&\n# my note: keep me|' "$conf"
        chmod 0640 "$conf"
        cp "$conf" "$before"
        run "$ctk" config -c "$conf" -i --set nvidia-container-runtime.mode=cdi \
                --set nvidia-container-cli.debug=/var/log/x.log --set disable-require \
                --set nvidia-container-runtime.runtimes=no-such-runc,nor-this --set nvidia-container-cli.load-kmods=
        [ "$rc" = 0 ] && [ -z "$out" ] && pass config_set_in_place || { fail config_set_in_place "exit $rc"; it_indent <<<"$out"; }
        changes=$(diff "$before" "$conf" | grep '^[<>]')
        expect_eq config_set_changes_only_those_lines '< disable-require = false
> disable-require = true
< load-kmods = true
> debug = "/var/log/x.log"
< mode = "auto"
< runtimes = ["runc", "crun"]
> mode = "cdi"
> runtimes = ["no-such-runc", "nor-this"]' "$changes"
        expect_contains config_set_keeps_comments '# my note: keep me' "$(cat "$conf")"
        expect_eq config_set_keeps_mode 640 "$(stat -c %a "$conf")"
}

# --- refusals leave the file alone ------------------------------------------------
# refused NAME WANT_LINE ARGS...: exit 1, exactly WANT_LINE on stderr, the
# file byte-identical.
refused() {
        local name=$1 want=$2 sum
        shift 2
        sum=$(sha256sum <"$conf")
        run "$ctk" config "$@"
        expect_eq "$name" "1
$want" "$rc
$out"
        [ "$(sha256sum <"$conf")" = "$sum" ] && pass "${name}_file_untouched" || fail "${name}_file_untouched" "file changed"
}

t_refusals() {
        local bad=$d/bad.toml
        refused config_unknown_key 'ERRO[0000] invalid --set option no-such.key=1: invalid config option: unknown key "no-such.key"' \
                -c "$conf" -i --set nvidia-container-runtime.mode=legacy --set no-such.key=1
        refused config_bad_bool 'ERRO[0000] invalid --set option disable-require=maybe: invalid format: "maybe" is not a boolean' \
                -c "$conf" -i --set disable-require=maybe
        refused config_string_without_value 'ERRO[0000] invalid --set option nvidia-container-runtime.mode: invalid format: expected key=value' \
                -c "$conf" -i --set nvidia-container-runtime.mode
        refused config_in_place_and_output 'ERRO[0000] cannot specify both --in-place and --output' \
                -c "$conf" -i -o "$d/other.toml" --set disable-require
        [ ! -e "$d/other.toml" ] && pass config_in_place_and_output_writes_nothing || fail config_in_place_and_output_writes_nothing

        printf '# broken\n[nvidia-container-runtime]\nmode = "cdi"\nlog-level = \n' >"$bad"
        cp "$bad" "$d/bad.orig"
        run "$ctk" config -c "$bad" -i --set disable-require
        expect_eq config_broken_file_position "1
ERRO[0000] unable to create config: $bad:4:13: expected a value" "$rc
$out"
        cmp -s "$bad" "$d/bad.orig" && pass config_broken_file_untouched || fail config_broken_file_untouched "file changed"
}

# --- --output, a missing file, the default path -----------------------------------
t_output() {
        local other=$d/out/other.toml sum missing=$d/missing/config.toml
        sum=$(sha256sum <"$conf")
        run "$ctk" config -c "$conf" -o "$other" --set nvidia-container-runtime.log-level=debug
        [ "$rc" = 0 ] && [ "$(sha256sum <"$conf")" = "$sum" ] && pass config_output_leaves_source ||
                { fail config_output_leaves_source "exit $rc"; it_indent <<<"$out"; }
        expect_eq config_output_one_line_changed '< log-level = "info"
> log-level = "debug"' "$(diff "$conf" "$other" | grep '^[<>]')"

        run "$ctk" config -c "$missing" -i --set nvidia-container-runtime.mode=csv
        expect_eq config_missing_file_starts_from_default '< mode = "auto"
> mode = "csv"' "$(diff <("$ctk" config default) "$missing" | grep '^[<>]')"

        # The brief's form and the variable's default path.
        run "$ctk" config --config-file "$missing" --set nvidia-container-runtime.mode=cdi --in-place
        expect_contains config_config_file_flag 'mode = "cdi"' "$(cat "$missing")"
        run env NVIDIA_CTK_CONFIG_FILE_PATH="$missing" "$ctk" config --set nvidia-container-runtime.mode=legacy -i
        expect_contains config_path_from_env 'mode = "legacy"' "$(cat "$missing")"
        # A symbolic link (config management) is written through.
        ln -s "$missing" "$d/link.toml"
        run "$ctk" config -c "$d/link.toml" -i --set nvidia-container-runtime.log-level=warning
        [ -L "$d/link.toml" ] && grep -qx 'log-level = "warning"' "$missing" && pass config_symlink_written_through ||
                { fail config_symlink_written_through "exit $rc"; it_indent <<<"$out"; }
}

# --- our runtime reads the result ---------------------------------------------------
t_runtime_reads_it() {
        if [ ! -x "$rt" ]; then
                skip config_read_by_runtime "no $rt"
                return
        fi
        # The runtimes set above are looked for, both of them: the file
        # parsed and the list stayed whole.
        run env NVIDIA_CTK_CONFIG_FILE_PATH="$conf" "$rt" state x
        expect_contains config_read_by_runtime \
                'no runtime binary found from candidate list: [no-such-runc nor-this]' "$out"
}

t_default
t_set_in_place
t_refusals
t_output
t_runtime_reads_it
[ "$IT_FAILED" = 0 ]
