"""What is still using a directory (helper of tests/integration/lib.sh).

usage: scan.py pids DIR   print the pids of processes whose cwd, exe, root or
                          command line is at or below DIR, with all their
                          descendants (children first), on one line
       scan.py leaks DIR  print one line per leftover: "proc ...", "mount ...",
                          "socket ..." (bound in /proc/net/unix, or a socket
                          file under DIR); nothing when DIR is unused

One process instead of a shell loop forking readlink for every /proc entry.
The scanner and its ancestors (the test itself) are never reported.
"""
import os
import stat
import sys


def read_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None


def parents():
    ppid = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                ppid[int(name)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return ppid


def user_of(pid, d, under):
    """Why pid uses d, or None."""
    for link in ("cwd", "exe", "root"):
        try:
            target = os.readlink("/proc/%d/%s" % (pid, link))
        except OSError:
            continue
        if under(target.replace(" (deleted)", "")):
            return "%s=%s" % (link, target)
    cmd = read_cmdline(pid)
    if cmd and d in cmd:
        return "cmdline"
    return None


def main():
    mode, d = sys.argv[1], os.path.realpath(sys.argv[2])

    def under(p):
        return p == d or p.startswith(d + "/")

    ppid = parents()
    mine, p = set(), os.getpid()
    while p > 1:
        mine.add(p)
        p = ppid.get(p, 1)
    users = {}
    for pid in ppid:
        if pid not in mine:
            why = user_of(pid, d, under)
            if why:
                users[pid] = why

    if mode == "pids":
        out, todo = [], list(users)
        while todo:
            pid = todo.pop()
            if pid in out or pid in mine:
                continue
            out.append(pid)
            todo.extend(c for c, pp in ppid.items() if pp == pid)
        print(" ".join(str(pid) for pid in reversed(out)))
        return

    for pid, why in sorted(users.items()):
        print("proc %d (%s) %s" % (pid, why, (read_cmdline(pid) or "?")[:200]))
    with open("/proc/self/mountinfo") as f:
        for line in f:
            if d in line.replace("\\040", " "):
                print("mount " + line.strip()[:240])
    try:
        with open("/proc/net/unix") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 8 and under(parts[7]):
                    print("socket " + parts[7] + " (bound)")
    except OSError:
        pass
    for root, _, files in os.walk(d):
        for name in files:
            path = os.path.join(root, name)
            try:
                if stat.S_ISSOCK(os.lstat(path).st_mode):
                    print("socket " + path)
            except OSError:
                pass


if __name__ == "__main__":
    main()
