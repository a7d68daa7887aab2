#!/bin/bash
# The documentation stays true to the binaries: `make install` puts a man
# page for every program and for config.toml where `man` finds it by name;
# every page renders without a groff or man warning; every option each
# program (and each subcommand) prints in its --help is in its man page;
# every config.toml key (`nvidia-ctk config default` and the key table of
# src/common/config.c) is in the config page and in docs/configuration.md;
# every relative link (and #anchor) of README.md and docs/*.md resolves.
# A new flag or key without docs fails here. No root, engine or driver needed.
# shellcheck disable=SC2015  # pass/fail never fail, so A && pass || fail is safe
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

bin=$BUILD/bin
d=$(scratch_dir docs)
man_root=$d/usr/share/man
export MANPAGER=cat PAGER=cat

# The pages, by program (section 1) and by file (section 5).
PROGRAMS="nvidia-container-cli nvidia-container-runtime-hook nvidia-container-toolkit nvidia-container-runtime
nvidia-ctk nvidia-cdi-hook fake-nvidia-setup"
CONFIG_PAGE=nvidia-container-runtime-config.toml

# page_text FILE: the page rendered as plain ASCII on lines long enough that
# no option is broken across two.
page_text() { (cd "$man_root" && LC_ALL=C MANWIDTH=250 man -l "$1" 2>/dev/null | col -b); }

# missing WHAT_FILE < WORDS: the words (one per line) that WHAT_FILE's text
# lacks as a whole word (an option, a key: not part of a longer one).
missing() {
        "$IT_PYTHON" -c '
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
for w in sys.stdin.read().split():
    if not re.search(r"(?<![\w.-])" + re.escape(w) + r"(?![\w-]|\.\w)", text):
        print(w)
' "$1"
}

# expect_documented NAME FILE WORDS: every word of WORDS is in FILE.
expect_documented() {
        local lacking
        lacking=$(missing "$2" <<<"$3")
        if [ -n "$3" ] && [ -z "$lacking" ]; then
                pass "$1"
        else
                fail "$1" "undocumented: $(tr '\n' ' ' <<<"${lacking:-(nothing found to check)}")"
        fi
}

# --- make install, then man by name ------------------------------------------------
t_install() {
        local out=$d/install.log name page
        if ! make -C "$SRCDIR" BUILD="$BUILD" DESTDIR="$d" PREFIX=/usr install >"$out" 2>&1; then
                fail docs_make_install "make install failed"
                tail -n 20 "$out" | it_indent
                return 1
        fi
        pass docs_make_install
        # The NAME line: "name[, other name] - what it is" (the hook's page
        # also serves its other name, nvidia-container-toolkit, by .so).
        for name in $PROGRAMS; do
                page=$(LC_ALL=C man -M "$man_root" 1 "$name" 2>&1 | col -b | sed -n '/^NAME/,/^$/p')
                expect_match "docs_man_opens_$name" "^ +([a-z.-]+, )*$name(, [a-z.-]+)* - " "$page"
        done
        page=$(LC_ALL=C man -M "$man_root" 5 "$CONFIG_PAGE" 2>&1 | col -b | sed -n '/^NAME/,/^$/p')
        expect_match docs_man_opens_config_page "^ +$CONFIG_PAGE - " "$page"
}

# --- no warnings ----------------------------------------------------------------------
t_warnings() {
        local f out
        for f in $(cd "$man_root" && ls man1/* man5/*); do
                out=$(cd "$man_root" && groff -man -ww -z -Tutf8 "$f" 2>&1;
                        LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
                expect_eq "docs_renders_clean_$(basename "$f")" "" "$out"
        done
}

# --- options ------------------------------------------------------------------------

# argp_flags: the options of argp's --help on stdin (-d, --debug, ...).
argp_flags() {
        sed -n 's/^ \{2,\}\(-\)/\1/p' | while read -r line; do
                for w in $line; do
                        case $w in
                        -\?*) ;;
                        -*) w=${w%,}; w=${w%%=*}; printf '%s\n' "${w%%\[*}" ;;
                        *) break ;;
                        esac
                done
        done
}

# ctk_flags: the options of an urfave-style help on stdin (its OPTIONS:).
ctk_flags() {
        sed -n '/^OPTIONS:/,$p' | sed -n 's/^ \{3\}\(-\)/\1/p' | while read -r line; do
                for w in $line; do
                        case $w in
                        -*) printf '%s\n' "${w%,}" ;;
                        value) ;;
                        *) break ;;
                        esac
                done
        done
}

# ctk_commands: the command names of an urfave-style help on stdin.
ctk_commands() {
        sed -n '/^COMMANDS:/,/^$/p' | sed -n 's/^ \{3\}\([a-z][a-z-]*\).*/\1/p'
}

t_cli_flags() {
        local words cmd
        words=$("$bin/nvidia-container-cli" --help | argp_flags; echo info list configure)
        for cmd in info list configure; do
                words+=$'\n'$("$bin/nvidia-container-cli" "$cmd" --help | argp_flags)
        done
        expect_documented docs_cli_flags "$(page_text man1/nvidia-container-cli.1 >"$d/cli.txt"; echo "$d/cli.txt")" \
                "$words"
}

t_hook_flags() {
        local help words
        help=$("$bin/nvidia-container-runtime-hook" -help 2>&1)
        words=$(sed -n 's/^  \(-[a-z]*\).*/\1/p' <<<"$help"; sed -n '/^Commands:/,$s/^  \([a-z]\+\)$/\1/p' <<<"$help")
        page_text man1/nvidia-container-runtime-hook.1 >"$d/hook.txt"
        expect_documented docs_hook_flags "$d/hook.txt" "$words"
}

# The runtime's --help is runc's; its own options are those src/runtime/args.c
# reads (--version, --debug, the value flags it skips, the bundle).
t_runtime_flags() {
        local words
        words=$(sed -n '/value_flags\[\] = {/,/};/p' "$SRCDIR/src/runtime/args.c" | grep -o '"[a-z-]*"' | tr -d '"' |
                sed 's/^\(.\)$/-\1/; s/^\([a-z][a-z-]\+\)$/--\1/'
                grep -o 'is(name, len, "[a-z-]*")' "$SRCDIR/src/runtime/args.c" | grep -o '"[a-z-]*"' | tr -d '"' |
                        sed 's/^/--/')
        page_text man1/nvidia-container-runtime.1 >"$d/runtime.txt"
        expect_documented docs_runtime_flags "$d/runtime.txt" "$(sort -u <<<"$words")"
}

# ctk_tree PROG [CMD...]: every command below PROG CMD... and its options.
ctk_tree() {
        local help sub
        help=$("$@" --help 2>&1)
        ctk_flags <<<"$help"
        for sub in $(ctk_commands <<<"$help"); do
                echo "$sub"
                ctk_tree "$@" "$sub"
        done
}

t_ctk_flags() {
        local words
        words=$(ctk_tree "$bin/nvidia-ctk"; echo --debug --quiet --version)
        page_text man1/nvidia-ctk.1 >"$d/ctk.txt"
        expect_documented docs_ctk_flags "$d/ctk.txt" "$(sort -u <<<"$words")"
        words=$(ctk_tree "$bin/nvidia-cdi-hook"; echo --debug --quiet --version)
        page_text man1/nvidia-cdi-hook.1 >"$d/cdi-hook.txt"
        expect_documented docs_cdi_hook_flags "$d/cdi-hook.txt" "$(sort -u <<<"$words")"
}

t_setup_flags() {
        page_text man1/fake-nvidia-setup.1 >"$d/setup.txt"
        expect_documented docs_fake_setup_flags "$d/setup.txt" "$("$bin/fake-nvidia-setup" --help | argp_flags)"
}

# --- config keys -----------------------------------------------------------------------

# The dotted keys of `nvidia-ctk config default` (commented ones too) and of
# the loader's table.
config_keys() {
        "$bin/nvidia-ctk" config default | awk '
                /^\[.*\]$/ { table = substr($0, 2, length($0) - 2) "."; next }
                /^#?[a-z][a-z0-9-]* = / { k = $1; sub(/^#/, "", k); print table k }'
        grep -oE '(BOOL|STRING|LIST)\("[^"]+"' "$SRCDIR/src/common/config.c" | sed 's/.*("//; s/"$//'
}

t_config_keys() {
        local keys
        keys=$(config_keys | sort -u)
        [ "$(wc -l <<<"$keys")" -ge 30 ] && pass docs_config_keys_found ||
                fail docs_config_keys_found "only $(wc -l <<<"$keys") keys found"
        page_text man5/$CONFIG_PAGE.5 >"$d/config5.txt"
        expect_documented docs_config_keys_in_man5 "$d/config5.txt" "$keys"
        expect_documented docs_config_keys_in_configuration_md "$SRCDIR/docs/configuration.md" "$keys"
}

# --- links --------------------------------------------------------------------------------
t_links() {
        local out
        out=$("$IT_PYTHON" - "$SRCDIR" <<'EOF'
import os, re, sys

src = sys.argv[1]

def slug(title, seen):
    s = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
    n = seen.get(s, 0)
    seen[s] = n + 1
    return s if n == 0 else "%s-%d" % (s, n)

def anchors(path):
    seen, out, fence = {}, set(), False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            fence = not fence
        elif not fence and re.match(r"#{1,6} ", line):
            out.add(slug(re.sub(r"^#+ ", "", line).replace("`", ""), seen))
    return out

files = [os.path.join(src, "README.md")] + sorted(
    os.path.join(src, "docs", f) for f in os.listdir(os.path.join(src, "docs")) if f.endswith(".md"))
for md in files:
    text = re.sub(r"```.*?```", "", open(md, encoding="utf-8").read(), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        full = os.path.normpath(os.path.join(os.path.dirname(md), path)) if path else md
        rel = os.path.relpath(md, src)
        if not os.path.exists(full):
            print("%s: %s: no such file" % (rel, target))
        elif anchor and full.endswith(".md") and anchor not in anchors(full):
            print("%s: %s: no such heading" % (rel, target))
EOF
)
        expect_eq docs_links_resolve "" "$out"
}

t_install || exit 1
t_warnings
t_cli_flags
t_hook_flags
t_runtime_flags
t_ctk_flags
t_setup_flags
t_config_keys
t_links
[ "$IT_FAILED" = 0 ]
