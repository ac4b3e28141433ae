#!/usr/bin/python3
"""Checks that `sbx export --seccomp-json PROFILE` is a seccomp profile runc loads and
enforces as sbx does.

    oci_seccomp_runc.py --sbx PATH PROFILE

1. Exports the profile's filter alone (`sbx export --seccomp-json`), the document a
   Kubernetes Localhost profile or `docker run --security-opt seccomp=FILE` reads.
2. Exports a bundle of the profile (with `[process] uid = 0, gid = 0`, which rootless
   runc needs) and replaces its linux.seccomp with that document.
3. Runs a probe that calls syscalls the document refuses without conditions (unshare(0),
   setns, keyctl, io_uring_setup, ... whichever it lists with SCMP_ACT_ERRNO) and prints
   each errno; under the runtime the errnos must be the document's errnoRet, and equal
   to what `sbx run PROFILE` prints; with linux.seccomp removed from the bundle, the
   same calls must give other results (so it is the filter that refused them).

Exit status: 0 ok; 1 failure (what differs is printed); 77 not applicable here (no
[seccomp] section, no runtime, or none of the probed syscalls refused); 2 usage error.
"""

import argparse
import ctypes
import ctypes.util
import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile

from oci_runtime_env import cannot_run_reason

SKIP = 77

# Called with all-zero arguments: harmless for an unprivileged caller with or without a
# filter, and each gives a distinct result when a filter is there.
# (acct, syslog and userfaultfd are left out: they give EPERM without a filter too.)
CANDIDATES = ["unshare", "setns", "keyctl", "add_key", "io_uring_setup", "kcmp", "bpf", "perf_event_open",
              "name_to_handle_at", "mbind", "clone3"]


def resolve(names):
    lib = ctypes.util.find_library("seccomp")
    if not lib:
        return {}
    seccomp = ctypes.CDLL(lib)
    seccomp.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    out = {}
    for n in names:
        nr = seccomp.seccomp_syscall_resolve_name(n.encode())
        if nr >= 0:
            out[n] = nr
    return out


def refused(doc):
    """{syscall: errno} for the candidates the document refuses unconditionally."""
    want = {}
    if doc.get("defaultAction") != "SCMP_ACT_ALLOW":
        return want
    for rule in doc.get("syscalls", []):
        if rule.get("action") != "SCMP_ACT_ERRNO" or rule.get("args"):
            continue
        for n in rule.get("names", []):
            if n in CANDIDATES and n not in want:
                want[n] = rule.get("errnoRet", errno.EPERM)
    return want


def probe(numbers):
    calls = ", ".join(f"({json.dumps(n)}, {nr})" for n, nr in sorted(numbers.items()))
    return ("import ctypes, os\n"
            "l = ctypes.CDLL(None, use_errno=True)\n"
            f"for name, nr in [{calls}]:\n"
            "    ctypes.set_errno(0)\n"
            "    rc = l.syscall(nr, 0, 0, 0, 0, 0, 0)\n"
            "    print(name, rc, ctypes.get_errno() if rc < 0 else 0)\n")


def run(argv, cwd):
    return subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sbx", required=True)
    ap.add_argument("--runtime", default="runc", choices=["runc"])
    ap.add_argument("profile")
    a = ap.parse_args()
    why = cannot_run_reason(a.runtime)
    if why:
        print(f"oci_seccomp_runc: {why}")
        return SKIP
    work = tempfile.mkdtemp(prefix="sbx-oci-seccomp-")
    try:
        return check(a, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check(a, work):
    project, state, bundle = (os.path.join(work, d) for d in ("project", "state", "bundle"))
    os.makedirs(project)
    os.makedirs(state)
    e = run([a.sbx, "export", "--seccomp-json", a.profile], project)
    if e.returncode != 0:
        if "no [seccomp] section" in e.stderr:
            print(f"oci_seccomp_runc: {a.profile} has no seccomp filter")
            return SKIP
        print(f"oci_seccomp_runc: sbx export --seccomp-json failed:\n{e.stderr}", file=sys.stderr)
        return 1
    doc = json.loads(e.stdout)
    want = refused(doc)
    numbers = {n: nr for n, nr in resolve(want).items()}
    if not numbers:
        print(f"oci_seccomp_runc: {a.profile} refuses none of {', '.join(CANDIDATES)} unconditionally")
        return SKIP
    profile = os.path.join(work, "as-root.toml")
    with open(profile, "w") as f:
        f.write(f'extends = {json.dumps(a.profile)}\n[process]\nuid = 0\ngid = 0\n')
    cmd = ["python3", "-c", probe(numbers)]
    e = run([a.sbx, "export", "--bundle", bundle, profile, "--"] + cmd, project)
    if e.returncode != 0:
        print(f"oci_seccomp_runc: sbx export --bundle failed:\n{e.stderr}", file=sys.stderr)
        return 1
    path = os.path.join(bundle, "config.json")
    with open(path) as f:
        config = json.load(f)

    def runtime(seccomp, name):
        if seccomp is None:
            config["linux"].pop("seccomp", None)
        else:
            config["linux"]["seccomp"] = seccomp
        with open(path, "w") as f:
            json.dump(config, f, indent=2)
        return run([a.runtime, "--root", state, "run", "--bundle", bundle, f"{name}-{os.getpid()}"], project)

    with_doc = runtime(doc, "seccomp")
    if with_doc.returncode != 0:
        print(f"oci_seccomp_runc: {a.runtime} did not run the bundle with the exported profile "
              f"({with_doc.returncode}):\n{with_doc.stderr}", file=sys.stderr)
        return 1
    expected = "".join(f"{n} -1 {want[n]}\n" for n in sorted(numbers))
    ok = True
    if with_doc.stdout != expected:
        print(f"oci_seccomp_runc: under {a.runtime} with the exported profile:\n{with_doc.stdout}"
              f"expected:\n{expected}")
        ok = False
    s = run([a.sbx, "run", profile, "--"] + cmd, project)
    if s.stdout != with_doc.stdout:
        print(f"oci_seccomp_runc: sbx run prints:\n{s.stdout}{s.stderr}{a.runtime} prints:\n{with_doc.stdout}")
        ok = False
    without = runtime(None, "noseccomp")
    same = [l for l in without.stdout.splitlines() if l + "\n" in expected]
    if without.returncode != 0 or same:
        print(f"oci_seccomp_runc: without the profile, {a.runtime} gives the same results for {same} "
              f"({without.returncode}):\n{without.stdout}{without.stderr}")
        ok = False
    if ok:
        print(f"oci_seccomp_runc: {a.profile}: {a.runtime} enforces the exported profile: "
              + ", ".join(f"{n} -> {errno.errorcode.get(want[n], want[n])}" for n in sorted(numbers)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
