#include "launch/launcher.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "launch/channel.hpp"
#include "launch/clone.hpp"
#include "launch/hints.hpp"
#include "launch/idmap.hpp"
#include "launch/signals.hpp"
#include "launch/supervisor.hpp"
#include "sandbox/child.hpp"
#include "sandbox/plan.hpp"
#include "seccomp/notify.hpp"
#include "util/error.hpp"
#include "util/startup_trace.hpp"
#include "util/syscalls.hpp"

namespace sbx {

uint64_t clone_flags_for(const Spec& spec) {
  uint64_t flags = 0;
  for (const auto& ns : spec.linux.namespaces) {
    if (ns.type == "user") flags |= CLONE_NEWUSER;
    else if (ns.type == "mount") flags |= CLONE_NEWNS;
    else if (ns.type == "pid") flags |= CLONE_NEWPID;
    else if (ns.type == "network") flags |= CLONE_NEWNET;
    else if (ns.type == "ipc") flags |= CLONE_NEWIPC;
    else if (ns.type == "uts") flags |= CLONE_NEWUTS;
    else if (ns.type == "cgroup") flags |= CLONE_NEWCGROUP;
    else throw Error("unsupported namespace type '" + ns.type + "'");
  }
  return flags;
}

namespace {

void say(bool verbose, const std::string& s) {
  if (verbose) std::fprintf(stderr, "sbx: %s\n", s.c_str());
}

nlohmann::json namespace_ids(pid_t pid) {
  nlohmann::json ns = nlohmann::json::object();
  for (const char* n : {"user", "mnt", "pid", "net", "ipc", "uts", "cgroup"}) {
    struct stat st {};
    std::string p = "/proc/" + std::to_string(pid) + "/ns/" + n;
    if (::stat(p.c_str(), &st) == 0) ns[n] = st.st_ino;
  }
  return ns;
}

void write_json_status(const std::string& path, pid_t pid, const nlohmann::json& ns, const Outcome& out, int status) {
  nlohmann::json j;
  j["pid"] = pid;
  j["namespaces"] = ns;
  j["exit_status"] = status;
  if (out.workload_exited) {
    if (out.workload_exited->signal)
      j["signal"] = out.workload_exited->signal;
    else
      j["exit_code"] = out.workload_exited->code;
  }
  j["timed_out"] = out.timed_out;
  j["duration_ms"] = out.duration.count();
  std::ofstream f(path);
  f << j.dump() << "\n";
  if (!f) throw Error("--json-status: cannot write " + path);
}

}  // namespace

int launch(const Spec& spec, const LaunchOptions& opts) {
  if (spec.process.args.empty()) throw Error("no command to run");
  for (int fd : spec.sbx.keep_fds) {
    // A directory fd is a way out: /proc/self/fd/N/.. walks the host's filesystem.
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
      throw Error("[process] keep_fds: fd " + std::to_string(fd) +
                  " is a directory on the host; passing it would open the host's filesystem to the workload");
  }
  bool interactive = ::isatty(STDIN_FILENO);
  SBX_TRACE_POINT("parent: launch");
  Plan plan;
  build_plan(spec, {opts.verbose, /*new_session=*/!interactive}, plan);
  SBX_TRACE_POINT("parent: plan built");
  NotifyHandler notify(spec, opts.audit_log);

  // Signals go through a signalfd from here on; the child inherits them blocked.
  sigset_t sigs = supervised_signals();
  sigset_t old;
  if (::sigprocmask(SIG_BLOCK, &sigs, &old) != 0) throw_errno("sigprocmask");
  UniqueFd sigfd(::signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!sigfd) throw_errno("signalfd");

  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) throw_errno("socketpair");
  UniqueFd parent_end(sv[0]), child_end(sv[1]);

  uint64_t flags = clone_flags_for(spec);
  SBX_TRACE_POINT("parent: signals, channel");
  CloneResult cr = clone_sandbox(flags);
  if (cr.pid < 0) {
    int err = errno;
    throw Error(std::string("cannot create the sandbox's namespaces (clone): ") + std::strerror(err) + userns_hint(err));
  }
  if (cr.pid == 0) {
    parent_end.reset();
    child::sandbox_main(plan, child_end.release());
  }
  UniqueFd pidfd(cr.pidfd);
  SBX_TRACE_POINT("parent: cloned");
  child_end.reset();
  say(opts.verbose, std::string(cr.used_clone3 ? "clone3" : "clone") + ": sandbox pid " + std::to_string(cr.pid));

  nlohmann::json ns;
  try {
    write_id_maps(cr.pid, spec);
    if (opts.verbose) {
      std::string map = format_id_map(spec.linux.uid_mappings);
      map.pop_back();  // the final newline
      say(true, "uid_map: " + map);
    }
    if (!opts.json_status.empty()) ns = namespace_ids(cr.pid);
    Message go;
    go.type = MsgType::MapsReady;
    if (!send_message(parent_end.get(), go)) throw_errno("channel: send");
    SBX_TRACE_POINT("parent: id maps written");
  } catch (...) {
    sys_pidfd_send_signal(pidfd.get(), SIGKILL);
    siginfo_t info;
    ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd.get()), &info, WEXITED);
    throw;
  }

  SupervisorOptions so;
  so.timeout = spec.sbx.timeout;
  so.workload_shares_terminal = interactive;
  so.verbose = opts.verbose;
  Supervisor sup(std::move(pidfd), std::move(parent_end), std::move(sigfd), so);
  notify.attach(sup);
  Outcome out = sup.run();
  SBX_TRACE_POINT("parent: sandbox ended");
  if (::sigprocmask(SIG_SETMASK, &old, nullptr) != 0) throw_errno("sigprocmask");

  std::string message;
  int status = exit_status_for(out, spec.process.args.front(), message);
  if (!message.empty()) std::fprintf(stderr, "sbx: %s\n", message.c_str());
  if (!opts.json_status.empty()) write_json_status(opts.json_status, cr.pid, ns, out, status);
  return status;
}

}  // namespace sbx
