#include "sandbox/plan.hpp"

#include <sys/mount.h>

#include <algorithm>

#include "seccomp/compile.hpp"
#include "util/error.hpp"
#include "util/names.hpp"

namespace sbx {

Plan::~Plan() {
  if (workload_caps) cap_free(workload_caps);
  if (no_caps) cap_free(no_caps);
}

namespace {

MountStep mount_step(const Mount& m) {
  MountStep s;
  s.destination = m.destination;
  s.optional = m.optional;
  if (m.is_bind()) {
    s.kind = MountStep::Kind::Bind;
    s.source = m.source;
    s.recursive = !m.has_option("bind");
  } else {
    s.kind = MountStep::Kind::Filesystem;
    s.source = m.type;
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
    else if (o == "newinstance" && m.type == "devpts") s.fs_options.emplace_back("newinstance", "");
    else if (auto eq = o.find('='); eq != std::string::npos) {
      if (m.is_bind()) throw Error("mount " + m.destination + ": option '" + o + "' does not apply to a bind mount");
      s.fs_options.emplace_back(o.substr(0, eq), o.substr(eq + 1));
    }
    // rw, suid, dev, exec, rbind, bind, private, slave...: the defaults or handled above.
  }
  return s;
}

}  // namespace

void build_plan(const Spec& spec, const PlanOptions& opts, Plan& plan) {
  for (const auto& m : spec.mounts) plan.mounts.push_back(mount_step(m));
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
        step.confine = *w;
    }
  }
  plan.symlinks = spec.sbx.symlinks;
  plan.masked_paths = spec.linux.masked_paths;
  plan.readonly_paths = spec.linux.readonly_paths;
  plan.root_readonly = spec.root.readonly;
  plan.hostname = spec.has_namespace("uts") ? spec.hostname : std::string();
  plan.loopback_up = spec.has_namespace("network");

  plan.args = spec.process.args;
  plan.env = spec.process.env;
  for (auto& a : plan.args) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (auto& e : plan.env) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
  plan.cwd = spec.process.cwd;
  for (const auto& r : spec.process.rlimits) {
    auto res = rlimit_resource(r.type);
    if (!res) throw Error("unknown rlimit " + r.type);
    plan.rlimits.push_back({*res, r.soft, r.hard});
  }
  plan.umask = spec.process.umask ? static_cast<int>(*spec.process.umask) : -1;
  plan.keep_fds = spec.sbx.keep_fds;
  std::sort(plan.keep_fds.begin(), plan.keep_fds.end());
  plan.new_session = opts.new_session;
  plan.verbose = opts.verbose;

  // Capabilities: the workload keeps exactly what the spec lists, in every set.
  const auto& caps = spec.process.capabilities;
  plan.workload_caps = cap_init();
  plan.no_caps = cap_init();
  if (!plan.workload_caps || !plan.no_caps) throw_errno("cap_init");
  auto values = [](const std::vector<std::string>& names) {
    std::vector<cap_value_t> out;
    for (const auto& n : names) {
      auto v = capability_value(n);
      if (!v) throw Error("unknown capability " + n);
      out.push_back(static_cast<cap_value_t>(*v));
    }
    return out;
  };
  auto set = [&](cap_flag_t flag, const std::vector<std::string>& names) {
    auto v = values(names);
    if (!v.empty() && cap_set_flag(plan.workload_caps, flag, static_cast<int>(v.size()), v.data(), CAP_SET) != 0)
      throw_errno("cap_set_flag");
  };
  set(CAP_EFFECTIVE, caps.effective);
  set(CAP_PERMITTED, caps.permitted);
  set(CAP_INHERITABLE, caps.inheritable);
  for (auto v : values(caps.bounding)) plan.bounding_keep.push_back(v);
  for (auto v : values(caps.ambient)) plan.ambient.push_back(v);

  if (spec.linux.seccomp) {
    CompiledFilter f = compile_filter(*spec.linux.seccomp);
    plan.workload_filter = std::move(f.program);
    plan.workload_filter_flags = f.flags;
    plan.workload_filter_notify = f.uses_notify;
  }
  plan.init_filter = compile_init_filter();
}

}  // namespace sbx
