#!/usr/bin/python3
"""Differential test: the same probe under `sbx run PROFILE` and under an OCI runtime
(runc or crun) running `sbx export --bundle DIR PROFILE`, as the same unprivileged user;
the two outputs are compared line by line after the normalisations listed below.

    oci_differential.py --sbx PATH --runtime runc|crun|sbx-bundle [--as-root] [--work DIR] PROFILE
    oci_differential.py --sbx PATH --runtime runc|crun --foreign [--work DIR]

--runtime sbx-bundle runs the exported bundle with `sbx run --bundle DIR` (the round trip).
--foreign makes a bundle the way runc users do (`runc spec --rootless`, adapted: no
terminal, no cgroup mount, /usr bound read-only, inheritable = ambient capabilities,
rro/rnosuid/rnodev/rnoexec on the /sys rbind as `sbx export` writes them) with
a rootfs of its own (a file in /data, a /etc, merged-/usr symlinks), and compares the
runtime with `sbx run --bundle` on that same bundle.

--as-root runs PROFILE extended with `[process] uid = 0, gid = 0` (the workload is
root of its user namespace, mapped to the caller). runc needs it: rootless runc
(1.1, and 1.2 still) requires container uid 0 to be mapped to the caller
(configs.HostRootUID: "User namespaces enabled, but no user mapping found.", then
os.Chown of its exec fifo and stdio pipes to that uid). crun runs profiles as shipped.

What the probe compares (each section is printed after a "== NAME" line): id; uid_map,
gid_map, setgroups; Cap*, NoNewPrivs, Seccomp, Seccomp_filters from /proc/self/status;
`ls -A /` and `ls -A /dev`; the hostname; the working directory; the sorted
environment; umask; /proc/self/limits; the errno of a syscall the profile's seccomp
filter denies (unshare) and of one refused with ENOSYS (io_uring_setup, when the
profile says so and python3 is there); the mount table; and the exit status (3).

Normalisations (only what must differ):
  mounts  - lines are sorted (runtimes mount in a different order);
          - the source field is dropped (sbx creates filesystems with fsopen(2), which
            shows "none"; runtimes show "tmpfs", "proc", ...);
          - "/" is reduced to its ro/rw flag: sbx's root is a tmpfs, a runtime's is a
            bind of DIR/rootfs, so its filesystem type and options are the host's;
          - masked paths (linux.maskedPaths) keep only the mount point and filesystem
            type: sbx masks read-only, nosuid, noexec; runc binds /dev/null read-write
            and crun mounts its masks with other flags;
          - read-only paths (linux.readonlyPaths) keep mount point, type and "ro":
            sbx adds nosuid,nodev,noexec, crun does not;
          - the default device nodes (/dev/null, zero, full, random, urandom, tty) keep
            mount point and type: crun binds them nosuid,noexec, runc and sbx do not.
          - --foreign only: the top-level entries of DIR/rootfs that sbx binds one by
            one (its root is a tmpfs; see spec/from_oci.hpp) are dropped from the
            mount table: for the runtimes they are part of the root mount.
          - what `sbx run` adds that OCI has no mount for is dropped: the read-only
            directories leading to the project (annotation org.sbx.readonly-dirs) and
            /etc/hosts with the sandbox's hostname (unless the config mounts one);
            identical lines are collapsed (a read-only directory is a recursive clone
            over itself, so the mounts below it appear twice);
          - runc and crun only: the Seccomp_filters count, when the config has
            org.sbx.seccomp-unknown = enosys: sbx stacks a second filter for syscall
            numbers its libseccomp does not know (seccomp/known.hpp), which OCI has no
            field for; sbx run --bundle reads the annotation and installs it too;
          - on a hybrid cgroup host, the file crun's workaround binds over
            /sys/fs/cgroup/unified/cgroup.controllers (see below) is dropped.
  /dev    - crun adds a /dev/core -> /proc/kcore symlink; it is dropped.
Nothing else is normalised: every other line must be identical.

crun on a hybrid cgroup host (/sys/fs/cgroup a tmpfs with cgroup v2 at unified/ having
controllers) refuses to start any container, even with --cgroup-manager=disabled ("cgroups
in hybrid mode not supported, drop all controllers from cgroupv2"). There crun is run
inside `unshare --user --map-user=UID --map-group=GID --mount --keep-caps` (the caller
mapped to itself) where an empty file is bound over unified/cgroup.controllers and the
ambient capabilities are dropped before exec, so crun runs capability-less as the caller.
Its container's user namespace then nests one level deeper; /proc/self/uid_map reads the
same.

Exit status: 0 same view; 1 differences (a unified diff is printed); 77 cannot run here
(the reason is printed); 2 usage or setup error.
"""

import argparse
import ctypes
import difflib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from oci_runtime_env import cannot_run_reason

SKIP = 77

PROBE = r"""
echo "== id"; id
echo "== uid_map"; cat /proc/self/uid_map
echo "== gid_map"; cat /proc/self/gid_map
echo "== setgroups"; cat /proc/self/setgroups
echo "== status"; grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp|Seccomp_filters):' /proc/self/status
echo "== root"; ls -A /
echo "== dev"; ls -A /dev
echo "== hostname"; cat /proc/sys/kernel/hostname
echo "== cwd"; pwd
echo "== env"; env | sort
echo "== umask"; umask
echo "== limits"; cat /proc/self/limits
echo "== denied"; unshare -U true 2>&1; echo "unshare: exit $?"
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import ctypes, os
l = ctypes.CDLL(None, use_errno=True)
print("io_uring_setup:", l.syscall(425, 0, 0), os.strerror(ctypes.get_errno()))' 2>&1
fi
echo "== mounts"; cat /proc/self/mounts
"""

HYBRID_SHIM_MOUNT = "/sys/fs/cgroup/unified/cgroup.controllers"  # crun's workaround, visible through a /sys bind
DEFAULT_DEVICES = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"}


def sections(text):
    out, name = {}, None
    for line in text.splitlines():
        if line.startswith("== "):
            name = line[3:]
            out[name] = []
        elif name is not None:
            out[name].append(line)
        else:
            out.setdefault("(before)", []).append(line)
    return out


def unescape(path):
    return path.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def normalise(text, config, adopted=(), runtime="sbx-bundle"):
    # sbx stacks a second filter for syscall numbers its libseccomp does not know
    # (annotation org.sbx.seccomp-unknown): OCI has no field for it, so a runtime
    # installs one filter where sbx installs two.
    stacked = config.get("annotations", {}).get("org.sbx.seccomp-unknown") == "enosys"
    if stacked and runtime != "sbx-bundle":
        text = "\n".join(l for l in text.splitlines() if not l.startswith("Seccomp_filters:"))
    masked = set(config["linux"].get("maskedPaths", []))
    readonly = set(config["linux"].get("readonlyPaths", []))
    secs = sections(text)
    if "dev" in secs:
        secs["dev"] = [l for l in secs["dev"] if l != "core"]
    # What `sbx run` adds that OCI has no mount for: the read-only directories leading to
    # the project (annotation org.sbx.readonly-dirs) and its /etc/hosts with the hostname.
    sbx_only = set(json.loads(config.get("annotations", {}).get("org.sbx.readonly-dirs", "[]")))
    if not any(m.get("destination") == "/etc/hosts" for m in config.get("mounts", [])):
        sbx_only.add("/etc/hosts")
    if "mounts" in secs:
        lines = []
        for l in secs["mounts"]:
            f = l.split()
            if len(f) < 4:
                lines.append(l)
                continue
            point, fstype, opts = unescape(f[1]), f[2], f[3].split(",")
            rw = opts[0]
            if point in adopted or point == HYBRID_SHIM_MOUNT or point in sbx_only:
                continue
            if point == "/":
                lines.append(f"/ {rw}")
            elif point in masked or point in DEFAULT_DEVICES:
                lines.append(f"{point} {fstype}")
            elif point in readonly:
                lines.append(f"{point} {fstype} {rw}")
            else:
                lines.append(f"{point} {fstype} {','.join(opts)}")
        # A read-only directory is a recursive clone over itself: the mounts below it
        # appear twice, the clone's over the original's.
        secs["mounts"] = sorted(set(lines))
    flat = []
    for name, lines in secs.items():
        flat.append(f"== {name}")
        flat.extend(lines)
    return flat


def hybrid_cgroups():
    """True when crun would refuse this host's cgroup layout (see the docstring)."""
    try:
        if os.statvfs("/sys/fs/cgroup") and os.path.ismount("/sys/fs/cgroup/unified"):
            with open("/sys/fs/cgroup/unified/cgroup.controllers") as f:
                return f.read().strip() != ""
    except OSError:
        pass
    return False


def hybrid_shim(argv):
    """Inside `unshare --user --mount --keep-caps`: hide the cgroup v2 controllers from
    crun, drop the ambient capabilities, exec crun."""
    libc = ctypes.CDLL(None, use_errno=True)
    empty = argv[0]
    target = b"/sys/fs/cgroup/unified/cgroup.controllers"
    if libc.mount(empty.encode(), target, None, 4096, None) != 0:  # MS_BIND
        err = ctypes.get_errno()
        print(f"oci_differential: bind over {target.decode()}: {os.strerror(err)}", file=sys.stderr)
        sys.exit(SKIP)
    PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
    if libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0:
        print("oci_differential: cannot clear ambient capabilities", file=sys.stderr)
        sys.exit(2)
    os.execvp(argv[1], argv[1:])


def run(argv, cwd, timeout=60):
    try:
        p = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"oci_differential: timed out: {' '.join(argv)}", file=sys.stderr)
        sys.exit(1)
    return p


def runtime_argv(runtime, state, bundle, name, work, sbx):
    if runtime == "sbx-bundle":
        return [sbx, "run", "--bundle", bundle]
    if runtime == "runc":
        return ["runc", "--root", state, "run", "--bundle", bundle, name]
    argv = ["crun", "--root", state, "--cgroup-manager=disabled", "run", "--bundle", bundle, name]
    if hybrid_cgroups():
        empty = os.path.join(work, "empty")
        open(empty, "w").close()
        argv = ["unshare", "--user", f"--map-user={os.getuid()}", f"--map-group={os.getgid()}", "--mount",
                "--keep-caps", sys.executable, os.path.abspath(__file__), "--hybrid-shim", empty] + argv
    return argv


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--hybrid-shim":
        hybrid_shim(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sbx", required=True)
    ap.add_argument("--runtime", choices=["runc", "crun", "sbx-bundle"], required=True)
    ap.add_argument("--foreign", action="store_true")
    ap.add_argument("--as-root", action="store_true")
    ap.add_argument("--work", help="scratch directory (default: a new one under $TMPDIR, removed)")
    ap.add_argument("--show", action="store_true", help="print the normalised sbx output too")
    ap.add_argument("profile", nargs="?")
    a = ap.parse_args()
    if bool(a.foreign) == bool(a.profile) or (a.foreign and a.runtime == "sbx-bundle"):
        ap.error("give a PROFILE, or --foreign with --runtime runc or crun")

    why = None if a.runtime == "sbx-bundle" else cannot_run_reason(a.runtime)
    if why:
        print(f"oci_differential: {why}")
        return SKIP
    work = a.work or tempfile.mkdtemp(prefix="sbx-oci-diff-")
    try:
        return (compare_foreign if a.foreign else compare)(a, os.path.abspath(work))
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


def compare(a, work):
    project = os.path.join(work, "project")
    bundle = os.path.join(work, "bundle")  # outside the project: a bind of the project would hold it
    state = os.path.join(work, "state")
    for d in (project, state):
        os.makedirs(d, exist_ok=True)
    profile = a.profile
    if a.as_root:
        profile = os.path.join(work, "as-root.toml")
        with open(profile, "w") as f:
            f.write(f'extends = {json.dumps(a.profile)}\n[process]\nuid = 0\ngid = 0\n')
    cmd = ["/bin/sh", "-c", PROBE + "exit 3\n"]

    s = run([a.sbx, "run", profile, "--"] + cmd, project)
    if s.returncode == 125:
        if "subordinate" in s.stderr or "/etc/subuid" in s.stderr:
            print(f"oci_differential: sbx cannot run {a.profile} here: {s.stderr.strip()}")
            return SKIP
        print(f"oci_differential: sbx run failed:\n{s.stderr}", file=sys.stderr)
        return 1
    e = run([a.sbx, "export", "--bundle", bundle, profile, "--"] + cmd, project)
    if e.returncode != 0:
        print(f"oci_differential: sbx export --bundle failed ({e.returncode}):\n{e.stderr}", file=sys.stderr)
        return 1
    with open(os.path.join(bundle, "config.json")) as f:
        config = json.load(f)
    r = run(runtime_argv(a.runtime, state, bundle, f"sbx-diff-{os.getpid()}", work, a.sbx), project)
    return report(a, f"{a.profile}{' (as root)' if a.as_root else ''}", s, r, config, ())


def compare_foreign(a, work):
    bundle = os.path.join(work, "bundle")
    state = os.path.join(work, "state")
    rootfs = os.path.join(bundle, "rootfs")
    for d in (state, os.path.join(rootfs, "data"), os.path.join(rootfs, "etc"), os.path.join(rootfs, "usr")):
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(rootfs, "data", "hello"), "w") as f:
        f.write("hello from the bundle's rootfs\n")
    with open(os.path.join(rootfs, "etc", "motd"), "w") as f:
        f.write("motd\n")
    for name in ("bin", "sbin", "lib", "lib64"):
        if os.path.islink("/" + name):
            os.symlink(os.readlink("/" + name), os.path.join(rootfs, name))
    spec = run(["runc", "spec", "--rootless", "--bundle", bundle], work)
    if spec.returncode != 0:
        print(f"oci_differential: runc spec failed:\n{spec.stderr}", file=sys.stderr)
        return 1
    path = os.path.join(bundle, "config.json")
    with open(path) as f:
        config = json.load(f)
    p = config["process"]
    p["terminal"] = False
    p["args"] = ["/bin/sh", "-c", PROBE + 'echo "== data"; cat /data/hello; ls -A /etc\nexit 3\n']
    caps = p["capabilities"]
    caps["inheritable"] = list(caps.get("ambient", []))
    config["mounts"] = [m for m in config["mounts"] if m["type"] != "cgroup"]
    for m in config["mounts"]:
        # What `sbx export` writes too: sbx applies an rbind's flags to every submount.
        if "rbind" in m.get("options", []):
            m["options"] += ["r" + f for f in ("ro", "nosuid", "nodev", "noexec") if f in m["options"]]
    config["mounts"].append({"destination": "/usr", "type": "bind", "source": "/usr",
                             "options": ["rbind", "ro", "nosuid", "nodev"]})
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
    adopted = {"/" + n for n in os.listdir(rootfs)} - {m["destination"] for m in config["mounts"]}
    s = run([a.sbx, "run", "--bundle", bundle], work)
    r = run(runtime_argv(a.runtime, state, bundle, f"sbx-diff-{os.getpid()}", work, a.sbx), bundle)
    return report(a, "runc spec --rootless bundle", s, r, config, adopted)


def report(a, label, s, r, config, adopted):
    if s.returncode == 125 and not s.stdout:
        print(f"oci_differential: sbx failed:\n{s.stderr}", file=sys.stderr)
        return 1
    if r.returncode not in (0, 3) and not r.stdout:
        print(f"oci_differential: {a.runtime} run failed ({r.returncode}):\n{r.stderr}", file=sys.stderr)
        return SKIP if r.returncode == SKIP else 1
    left = normalise(s.stdout, config, adopted, a.runtime) + [f"== exit status {s.returncode}"]
    right = normalise(r.stdout, config, adopted, a.runtime) + [f"== exit status {r.returncode}"]
    if a.show:
        sys.stdout.writelines(l + "\n" for l in left)
    if left == right:
        print(f"oci_differential: {label}: sbx and {a.runtime} agree on {len(left)} lines")
        return 0
    print(f"oci_differential: {label}: sbx and {a.runtime} differ:")
    sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(left, right, "sbx run", a.runtime, lineterm=""))
    if s.stderr:
        print(f"--- sbx stderr:\n{s.stderr}")
    if r.stderr:
        print(f"--- {a.runtime} stderr:\n{r.stderr}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
