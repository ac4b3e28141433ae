#include "launch/launcher.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "launch/channel.hpp"
#include "launch/clone.hpp"
#include "launch/guard.hpp"
#include "launch/hints.hpp"
#include "launch/idmap.hpp"
#include "launch/prestart.hpp"
#include "launch/signals.hpp"
#include "launch/terminal.hpp"
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

int launch(const Spec& spec, const LaunchOptions& opts, std::unique_ptr<Prestart> pre) {
  if (spec.process.args.empty()) throw Error("no command to run");
  for (int fd : spec.sbx.keep_fds) {
    // A directory fd is a way out: /proc/self/fd/N/.. walks the host's filesystem.
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
      throw Error("[process] keep_fds: fd " + std::to_string(fd) +
                  " is a directory on the host; passing it would open the host's filesystem to the workload");
  }
  Terminal terminal;  // gives the terminal back to sbx's group however launch() ends
  PlanOptions plan_opts{opts.verbose, terminal.mode() == Terminal::Mode::NewSession,
                        terminal.mode() == Terminal::Mode::OwnGroupForeground};
  uint64_t flags = clone_flags_for(spec);
  NotifyHandler notify(spec, opts.audit_log);
  std::vector<std::string> guard_warnings;
  Guard guard = Guard::prepare(spec, guard_warnings);
  for (const auto& w : guard_warnings) std::fprintf(stderr, "sbx: warning: %s\n", w.c_str());
  SBX_TRACE_POINT("parent: launch");

  // The sandbox's first process: the prestarted one if it has the namespaces the Spec
  // asks for (its Plan then goes into the mapping it shares), else a fresh clone.
  SandboxProcess child;
  std::unique_ptr<SignalGate> gate;
  std::unique_ptr<ChildCaps> caps;
  Plan heap_plan;
  nlohmann::json ns;
  // (--json-status records the namespaces' ids, which a prestarted child would have to
  // report: such runs start afresh.)
  if (pre && (!pre->fits(flags, spec) || !opts.json_status.empty())) pre.reset();
  bool prestarted = false;
  if (pre) {
    Plan* shared = nullptr;
    try {
      PlanArena::Use use(pre->arena());
      shared = new (pre->arena().allocate(sizeof(Plan), alignof(Plan))) Plan();
      build_plan(spec, plan_opts, *shared);
      guard.apply(*shared);
    } catch (const std::bad_alloc&) {
      shared = nullptr;  // a Plan too large for the mapping: start afresh below
    }
    SBX_TRACE_POINT("parent: plan built");
    // If the child could not make its namespaces, it has said so (SetupFailed, read by
    // the supervisor) and exited; if it is gone already, sending fails: start afresh.
    if (shared && pre->send_plan(*shared)) {
      pre->take(child, gate, caps);
      prestarted = true;
    }
    // Done with it either way: the child reads the Plan from its own view of the
    // mapping. (Unmapped here, while the child builds its root, not on the way out.)
    pre.reset();
  }
  if (!prestarted) {
    build_plan(spec, plan_opts, heap_plan);
    guard.apply(heap_plan);
    SBX_TRACE_POINT("parent: plan built");
    caps = std::make_unique<ChildCaps>();
    gate = std::make_unique<SignalGate>();  // the child inherits the signals blocked
    SBX_TRACE_POINT("parent: signals, channel");
    child = start_sandbox(flags, [&](int channel_fd) { child::sandbox_main(heap_plan, *caps, channel_fd); });
    if (child.pid < 0 && std::strcmp(child.failed, "socketpair") == 0) throw_errno("socketpair", child.error);
    if (child.pid < 0)
      throw Error(std::string("cannot create the sandbox's namespaces (clone): ") + std::strerror(child.error) +
                  userns_hint(child.error));
  }
  SBX_TRACE_POINT("parent: cloned");
  say(opts.verbose, std::string(child.used_clone3 ? "clone3" : "clone") + ": sandbox pid " + std::to_string(child.pid) +
                        (prestarted ? " (started while the profile was parsed)" : ""));

  try {
    if (!prestarted) {  // (a prestarted child has had its maps since it was started)
      write_id_maps(child.pid, spec);
      if (!opts.json_status.empty()) ns = namespace_ids(child.pid);
      Message go;
      go.type = MsgType::MapsReady;
      if (!send_message(child.channel.get(), go)) throw_errno("channel: send");
      SBX_TRACE_POINT("parent: id maps written");
    }
    if (opts.verbose) {
      std::string map = format_id_map(spec.linux.uid_mappings);
      map.pop_back();  // the final newline
      say(true, "uid_map: " + map);
    }
  } catch (...) {
    sys_pidfd_send_signal(child.pidfd.get(), SIGKILL);
    siginfo_t info;
    ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(child.pidfd.get()), &info, WEXITED);
    throw;
  }

  SupervisorOptions so;
  so.timeout = spec.sbx.timeout;
  so.verbose = opts.verbose;
  Supervisor sup(std::move(child.pidfd), std::move(child.channel), gate->take_fd(), so);
  notify.attach(sup);
  if (terminal.job_control()) {
    sup.on_workload_stopped = [&](int sig) { terminal.workload_stopped(sig); };
    sup.on_continued = [&] { terminal.continued(); };
  }
  Outcome out = sup.run();
  SBX_TRACE_POINT("parent: sandbox ended");
  terminal.give_back();
  gate->restore();

  std::string message;
  int status = exit_status_for(out, spec.process.args.front(), message);
  if (out.setup_failed && out.setup_failed->err == ENOENT && std::strcmp(out.setup_failed->step, "bind source") == 0)
    if (auto m = missing_bind_source(spec, out.setup_failed->detail); !m.empty()) message = m;
  if (!message.empty()) std::fprintf(stderr, "sbx: %s\n", message.c_str());
  // What the build made where the profile forbids it ([filesystem] protect) is gone
  // again, a read-only path moved away is named, and the run fails.
  for (const auto& what : guard.check_after()) {
    std::fprintf(stderr, "sbx: %s\n", what.c_str());
    status = kExitSbxFailure;
  }
  if (!opts.json_status.empty()) write_json_status(opts.json_status, child.pid, ns, out, status);
  SBX_TRACE_POINT("parent: status");
  return status;
}

}  // namespace sbx
