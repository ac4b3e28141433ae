// The sandbox's hostname in its /etc/hosts, so that `getent hosts $(hostname)` resolves
// as on a host (test suites that connect to their own hostname need it): the /etc/hosts
// the mounts put in the new root is copied, with one line added ("127.0.1.1 sbx", the
// Debian convention for the machine's own name), into a file of the new root's tmpfs,
// which is bound read-only over /etc/hosts and then unlinked. No allocation.
#pragma once

#include "sandbox/plan.hpp"

namespace sbx::child {

// plan.hosts_entry is the line to add; nothing is done when it is empty. A sandbox
// without an /etc/hosts it could bind over (no /etc/hosts in a read-only /etc), or with
// one over 1 MiB (not copied on every start), keeps what it has.
void add_hostname_to_hosts(int newroot_fd, const Plan& plan);

}  // namespace sbx::child
