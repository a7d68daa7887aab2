# shellcheck shell=bash
# runc and OCI bundles for the integration tests (sourced by lib.sh).
#
# runc keeps its state in $RUNC_ROOT (default $IT_SCRATCH/runc-state), never in
# /run/runc; every root runc_cmd used is recorded, and at exit the containers
# left in them are force-deleted (which also removes their cgroups).

# runc_cmd ARGS: runc with the private state dir.  RUNC_BIN=PROGRAM runs
# PROGRAM in runc's place (a shim such as nvidia-container-runtime) with the
# same state dir; the exit cleanup deletes its containers with runc.
runc_cmd() {
        local root=${RUNC_ROOT:-$IT_SCRATCH/runc-state}
        grep -qxF -- "$root" "$IT_SCRATCH/.runc-roots" 2>/dev/null ||
                printf '%s\n' "$root" >>"$IT_SCRATCH/.runc-roots"
        timeout -k 5 "$IT_CMD_TIMEOUT" "${RUNC_BIN:-$IT_RUNC}" --root "$root" "$@"
}

# runc_cleanup [ROOT]: force-delete every container of a runc state dir
# (default: $RUNC_ROOT).
runc_cleanup() {
        local root=${1:-${RUNC_ROOT:-$IT_SCRATCH/runc-state}} id
        [ -d "$root" ] || return 0
        for id in $("$IT_RUNC" --root "$root" list -q 2>/dev/null); do
                timeout 20 "$IT_RUNC" --root "$root" delete -f "$id" >/dev/null 2>&1
        done
        return 0
}

_it_runc_cleanup_all() {
        local root
        [ -r "$IT_SCRATCH/.runc-roots" ] || return 0
        while IFS= read -r root; do
                runc_cleanup "$root"
        done <"$IT_SCRATCH/.runc-roots"
}

# bundle_edit DIR CODE [ARG...]: edit DIR/config.json with a Python snippet
# that sees the spec as `c` and the ARGs as `args` (see lib/json_edit.py), e.g.
#   bundle_edit "$b" "c['process']['env'].append(args[0])" FOO=bar
bundle_edit() {
        local dir=$1
        shift
        "$IT_PYTHON" "$IT_LIB/json_edit.py" "$dir/config.json" "$@"
}

# bundle_create DIR ROOTFS [CMD...]: an OCI bundle made by `runc spec`, whose
# root is ROOTFS (made absolute; writable), without terminal, running CMD
# (default /bin/sh).
bundle_create() {
        local dir=$1 rootfs
        rootfs=$(cd "$2" && pwd) || return 1
        shift 2
        [ $# -gt 0 ] || set -- /bin/sh
        mkdir -p "$dir" && rm -f "$dir/config.json" || return 1
        "$IT_RUNC" spec --bundle "$dir" || return 1
        bundle_edit "$dir" "
c['root'] = {'path': args[0], 'readonly': False}
c['process']['terminal'] = False
c['process']['args'] = args[1:]
c['hostname'] = 'it-runc'" "$rootfs" "$@"
}

# runc_run_bundle DIR ID [runc run args]: run the bundle in the foreground
# (stdin /dev/null; its stdout and stderr are ours), then delete it.
runc_run_bundle() {
        local dir=$1 id=$2 rc
        shift 2
        runc_cmd run --bundle "$dir" "$@" "$id" </dev/null
        rc=$?
        runc_cmd delete -f "$id" >/dev/null 2>&1
        return "$rc"
}

# bundle_add_gpus DIR NGPUS [ALLOWED_MINOR...]: give the container the fake
# driver's control nodes and /dev/nvidia0..NGPUS-1, and let its device cgroup
# allow only nvidiactl, nvidia-uvm and the listed GPU minors (the nodes of the
# others open with EPERM, as after a cgroup reload).
bundle_add_gpus() {
        local dir=$1 n=$2
        shift 2
        bundle_edit "$dir" "
n, allowed = int(args[0]), [int(m) for m in args[1:]]
lx = c['linux']
devs = lx.setdefault('devices', [])
rules = lx.setdefault('resources', {}).setdefault('devices', [{'allow': False, 'access': 'rwm'}])
nodes = [('/dev/nvidiactl', 195, 255, True), ('/dev/nvidia-uvm', 510, 0, True)]
nodes += [('/dev/nvidia%d' % i, 195, i, i in allowed) for i in range(n)]
for path, major, minor, allow in nodes:
    devs.append({'path': path, 'type': 'c', 'major': major, 'minor': minor, 'fileMode': 0o666})
    if allow:
        rules.append({'allow': True, 'type': 'c', 'major': major, 'minor': minor, 'access': 'rwm'})" "$n" "$@"
}

# cgroup_reload_devices STATE_JSON: re-apply to a running container's device
# cgroup exactly the rules its runtime recorded (runc's state.json: its
# defaults plus config.json's linux.devices and linux.resources.devices),
# denying everything first.  This is what a cgroup reload does to a container
# (seed 004): systemd's daemon-reload rewrites the device policy from the
# DeviceAllow= list runc gave the unit, and whatever was allowed behind the
# runtime's back (the legacy hook's rules) is gone.  `runc update` is no such
# reload: it sets SkipDevices.  Cgroup v1 devices controller only; returns 2
# when the container has none.
cgroup_reload_devices() {
        "$IT_PYTHON" - "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
path = s.get("cgroup_paths", {}).get("devices")
if not path or not path.startswith("/sys/fs/cgroup/devices"):
    sys.exit(2)
def put(name, line):
    with open(path + "/" + name, "w") as f:
        f.write(line)
num = lambda n: "*" if n < 0 else str(n)
put("devices.deny", "a")
for r in s["config"]["cgroups"]["devices"]:
    t = chr(r["type"])
    line = "a" if t == "a" else "%s %s:%s %s" % (t, num(r["major"]), num(r["minor"]), r["permissions"])
    put("devices.allow" if r["allow"] else "devices.deny", line)
PY
}
