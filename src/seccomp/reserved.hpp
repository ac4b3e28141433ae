// The syscalls no seccomp-notify rule may catch: the sandbox's own code makes them after
// the workload's filter is installed (it sends the listener fd to sbx with sendmsg, closes
// it, then execs the command, or reports the failure and exits), and every process needs
// them to return from signal handlers and to exit. A notification on one of them could
// wait for a listener that is not there yet, or leave a process unable to exit when the
// listener answers "deny" or goes away (notified syscalls then fail with ENOSYS).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace sbx {

// The names, in a stable order (for messages and docs).
const std::vector<std::string>& syscalls_sbx_needs();

// Why `name` cannot be notified, or nullopt when it can.
std::optional<std::string> notify_refusal_reason(const std::string& name);

}  // namespace sbx
