#include "sandbox/plan.hpp"

#include <sys/mount.h>

#include <algorithm>
#include <string_view>
#include <type_traits>

#include "sandbox/user_counters.hpp"
#include "seccomp/compile.hpp"
#include "util/error.hpp"
#include "util/names.hpp"

namespace sbx {

ChildCaps::ChildCaps() : workload(cap_init()), none(cap_init()) {
  if (!workload || !none) {
    if (workload) cap_free(workload);
    if (none) cap_free(none);
    throw_errno("cap_init");
  }
}

ChildCaps::~ChildCaps() {
  cap_free(workload);
  cap_free(none);
}

namespace {

MountStep mount_step(const Mount& m, const std::string& project) {
  MountStep s;
  s.destination = plan_string(m.destination);
  s.optional = m.optional;
  if (m.is_bind()) {
    s.kind = MountStep::Kind::Bind;
    s.source = plan_string(m.source);
    s.from_cwd = !project.empty() && m.source == project;
    s.recursive = !m.has_option("bind");
  } else {
    s.kind = MountStep::Kind::Filesystem;
    s.source = plan_string(m.type);
    s.populate_dev = m.type == "tmpfs" && m.destination == "/dev";
  }
  for (const auto& o : m.options) {
    if (o == "ro") s.attr_set |= MOUNT_ATTR_RDONLY;
    else if (o == "nosuid") s.attr_set |= MOUNT_ATTR_NOSUID;
    else if (o == "nodev") s.attr_set |= MOUNT_ATTR_NODEV;
    else if (o == "noexec") s.attr_set |= MOUNT_ATTR_NOEXEC;
    else if (o == "noatime") s.attr_set |= MOUNT_ATTR_NOATIME;
    else if (o == "strictatime") s.attr_set |= MOUNT_ATTR_STRICTATIME;
    else if (o == "relatime") s.attr_set |= MOUNT_ATTR_RELATIME;
    else if (o == "newinstance" && m.type == "devpts") s.fs_options.emplace_back(PlanString("newinstance"), PlanString());
    else if (auto eq = o.find('='); eq != std::string::npos) {
      if (m.is_bind()) throw Error("mount " + m.destination + ": option '" + o + "' does not apply to a bind mount");
      s.fs_options.emplace_back(PlanString(o.data(), eq), PlanString(o.data() + eq + 1, o.size() - eq - 1));
    }
    // rw, suid, dev, exec, rbind, bind, private, slave...: the defaults or handled above.
  }
  return s;
}

}  // namespace

void build_plan(const Spec& spec, const PlanOptions& opts, Plan& plan) {
  plan.mounts.reserve(spec.mounts.size());
  for (const auto& m : spec.mounts) plan.mounts.push_back(mount_step(m, spec.sbx.project));
  // Sources below a writable bind's source are resolved beneath it (the longest one).
  // The writable sources are few (the project): collect them once, so this stays linear.
  std::vector<const std::string*> writable;
  for (const auto& m : spec.mounts)
    if (m.is_bind() && !m.has_option("ro") && m.source != "/") writable.push_back(&m.source);
  for (auto& step : plan.mounts) {
    if (step.kind != MountStep::Kind::Bind) continue;
    for (const std::string* w : writable) {
      if (step.source.size() > w->size() && step.source.compare(0, w->size(), *w) == 0 &&
          step.source[w->size()] == '/' && w->size() > step.confine.size())
        step.confine = plan_string(*w);
    }
    step.confine_cwd = !step.confine.empty() && std::string_view(step.confine) == spec.sbx.project;
  }
  for (const auto& l : spec.sbx.symlinks) plan.symlinks.push_back({plan_string(l.target), plan_string(l.path)});
  for (const auto& p : spec.linux.masked_paths) plan.masked_paths.push_back(plan_string(p));
  for (const auto& p : spec.linux.readonly_paths) plan.readonly_paths.push_back(plan_string(p));
  plan.root_readonly = spec.root.readonly;
  for (const auto& d : spec.sbx.readonly_dirs) plan.readonly_dirs.push_back(plan_string(d));
  if (spec.has_namespace("uts")) plan.hostname = plan_string(spec.hostname);
  // The hostname resolves inside (hosts.hpp), unless the profile mounts its own /etc/hosts.
  bool own_hosts = std::any_of(spec.mounts.begin(), spec.mounts.end(),
                               [](const Mount& m) { return m.destination == "/etc/hosts"; });
  if (spec.has_namespace("uts") && !spec.hostname.empty() && !own_hosts)
    plan.hosts_entry = plan_string("127.0.1.1\t" + spec.hostname + "\n");
  // An interactive run (the workload shares the caller's terminal) names it /dev/console,
  // when the sandbox has sbx's /dev.
  bool dev = std::any_of(spec.mounts.begin(), spec.mounts.end(),
                         [](const Mount& m) { return m.destination == "/dev" && m.type == "tmpfs"; });
  plan.bind_console = !opts.new_session && dev;
  plan.loopback_up = spec.has_namespace("network");

  for (const auto& a : spec.process.args) plan.args.push_back(plan_string(a));
  for (const auto& e : spec.process.env) plan.env.push_back(plan_string(e));
  for (auto& a : plan.args) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (auto& e : plan.env) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
  plan.cwd = plan_string(spec.process.cwd);
  for (const auto& r : spec.process.rlimits) {
    auto res = rlimit_resource(r.type);
    if (!res) throw Error("unknown rlimit " + r.type);
    plan.rlimits.push_back({*res, r.soft, r.hard});
  }
  // (Only a sandbox with a user namespace of its own has limits of its own to set.)
  bool own_userns = std::any_of(spec.linux.namespaces.begin(), spec.linux.namespaces.end(),
                                [](const auto& ns) { return ns.type == "user"; });
  if (own_userns)
    for (const auto& [name, value] : sandbox_user_counters()) plan.user_counters.push_back({plan_string(name), value});
  plan.umask = spec.process.umask ? static_cast<int>(*spec.process.umask) : -1;
  plan.keep_fds.assign(spec.sbx.keep_fds.begin(), spec.sbx.keep_fds.end());
  std::sort(plan.keep_fds.begin(), plan.keep_fds.end());
  plan.new_session = opts.new_session;
  plan.take_terminal = !opts.new_session && opts.take_terminal;
  plan.verbose = opts.verbose;

  // Capabilities: the workload keeps exactly what the spec lists, in every set.
  const auto& caps = spec.process.capabilities;
  auto values = [](const std::vector<std::string>& names, auto& out) {
    for (const auto& n : names) {
      auto v = capability_value(n);
      if (!v) throw Error("unknown capability " + n);
      out.push_back(static_cast<std::remove_reference_t<decltype(out[0])>>(*v));
    }
  };
  values(caps.effective, plan.effective);
  values(caps.permitted, plan.permitted);
  values(caps.inheritable, plan.inheritable);
  values(caps.bounding, plan.bounding_keep);
  values(caps.ambient, plan.ambient);

  if (spec.linux.seccomp) {
    CompiledFilter f = compile_filter(*spec.linux.seccomp);
    plan.workload_filter.assign(f.program.begin(), f.program.end());
    plan.workload_filter_flags = f.flags;
    plan.workload_filter_notify = f.uses_notify;
    plan.workload_known_filter.assign(f.known_program.begin(), f.known_program.end());
  }
  auto init = compile_init_filter();
  plan.init_filter.assign(init.begin(), init.end());
}

}  // namespace sbx
