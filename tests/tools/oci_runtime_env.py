"""Whether an OCI runtime (runc, crun) can run containers on this machine at all.

Both need the runtime installed and a cgroup filesystem mounted somewhere (runc: "no
cgroup mount found in mountinfo"; crun: "invalid file system type on '/sys/fs/cgroup'"),
even with cgroups disabled for the container. A machine without one (a chroot or a bare
pivot_root with a fresh sysfs and nothing on /sys/fs/cgroup) cannot run them, and the
tests that compare sbx with them say so and are skipped there (exit 77).
"""

import shutil


def cannot_run_reason(runtime):
    """None when `runtime` can run here, else why not (one line)."""
    if not shutil.which(runtime):
        return f"{runtime} is not installed (apt-get install {runtime})"
    try:
        with open("/proc/self/mountinfo") as f:
            types = {line.split(" - ", 1)[1].split()[0] for line in f if " - " in line}
    except OSError as e:
        return f"cannot read /proc/self/mountinfo: {e}"
    if not types & {"cgroup", "cgroup2"}:
        return f"no cgroup filesystem is mounted, and {runtime} cannot run a container without one"
    return None
