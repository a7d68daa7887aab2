"""Edit a JSON file in place with a Python snippet (helper of lib.sh).

usage: json_edit.py FILE CODE [ARG...]

CODE runs with `c` bound to the parsed document ({} when FILE does not exist)
and `args` to the list of ARGs, so values need no quoting inside CODE:
    json_edit.py config.json "c['process']['args'] = args" /bin/echo hi
The result is written to a temporary file and renamed over FILE.
Used because jq is not installed on the test machines.
"""
import json
import os
import sys


def main():
    path, code, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    c = {}
    if os.path.exists(path):
        with open(path) as f:
            c = json.load(f)
    scope = {"json": json, "os": os, "c": c, "args": args}
    exec(code, scope)
    c = scope["c"]
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(c, f, indent=1)
        f.write("\n")
    os.rename(tmp, path)


if __name__ == "__main__":
    main()
