#include "spec/from_oci.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "sandbox/resolve.hpp"
#include "seccomp/syscall_names.hpp"
#include "spec/from_profile.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/names.hpp"
#include "util/strings.hpp"

namespace sbx {

using nlohmann::json;

namespace {

const char* type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    default: return "an unknown value";
  }
}

std::string index_path(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }
std::string key_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

// Reads config.json with every error naming the JSON path.
struct Reader {
  const OciContext& ctx;

  [[noreturn]] void fail(const std::string& path, const std::string& msg) const {
    throw Error(ctx.where + ": " + path + ": " + msg);
  }
  [[noreturn]] void unsupported(const std::string& path, const std::string& why) const {
    throw Error(ctx.where + ": " + path + " is not supported by sbx (" + why + ")");
  }
  void expect(const json& j, bool ok, const std::string& path, const char* what) const {
    if (!ok) fail(path, std::string("must be ") + what + ", not " + type_name(j));
  }

  std::string str(const json& j, const std::string& path) const {
    expect(j, j.is_string(), path, "a string");
    return j.get<std::string>();
  }
  bool boolean(const json& j, const std::string& path) const {
    expect(j, j.is_boolean(), path, "a boolean");
    return j.get<bool>();
  }
  uint64_t u64(const json& j, const std::string& path) const {
    expect(j, j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0), path,
           "a non-negative integer");
    return j.get<uint64_t>();
  }
  uint32_t u32(const json& j, const std::string& path) const {
    uint64_t v = u64(j, path);
    if (v > UINT32_MAX) fail(path, "must fit in 32 bits, not " + std::to_string(v));
    return static_cast<uint32_t>(v);
  }
  std::vector<std::string> strings(const json& j, const std::string& path) const {
    expect(j, j.is_array(), path, "an array of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < j.size(); ++i) out.push_back(str(j[i], index_path(path, i)));
    return out;
  }
  const json& array(const json& j, const std::string& path) const {
    expect(j, j.is_array(), path, "an array");
    return j;
  }
  std::string sandbox_path(const json& j, const std::string& path) const {
    std::string s = str(j, path);
    try {
      return normalize_sandbox_path(s);
    } catch (const Error& e) {
      fail(path, e.what());
    }
  }
};

// An object whose keys are checked off as they are read; finish() refuses the rest.
class Obj {
 public:
  Obj(const Reader& r, const json& j, std::string path) : r_(r), j_(j), path_(std::move(path)) {
    r_.expect(j, j.is_object(), path_.empty() ? "the top level" : path_, "an object");
  }
  const json* get(const std::string& key) {
    seen_.insert(key);
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  std::string path(const std::string& key) const { return key_path(path_, key); }
  // Absent, null, false, "", [], {} and 0 ask for nothing: accepted. Anything else is
  // refused with `why`.
  void refuse(const std::string& key, const std::string& why) {
    const json* v = get(key);
    if (!v || v->is_null() || (v->is_boolean() && !v->get<bool>()) || (v->is_string() && v->get<std::string>().empty()) ||
        (v->is_number() && *v == 0))
      return;
    if ((v->is_array() || v->is_object()) && v->empty()) return;
    if (v->is_object()) {
      // Name the first field that asks for something: linux.resources.memory.
      for (auto it = v->begin(); it != v->end(); ++it) {
        const json& f = it.value();
        if (f.is_null() || ((f.is_array() || f.is_object()) && f.empty())) continue;
        r_.unsupported(path(key) + "." + it.key(), why);
      }
      return;
    }
    r_.unsupported(path(key), why);
  }
  void finish() const {
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!seen_.count(it.key()))
        throw Error(r_.ctx.where + ": " + key_path(path_, it.key()) +
                    " is not known to sbx (runtime-spec " + kOciVersion + "); refusing rather than ignoring it");
  }

 private:
  const Reader& r_;
  const json& j_;
  std::string path_;
  std::set<std::string> seen_;
};

const std::vector<std::string> kNamespaces = {"user", "mount", "pid", "network", "ipc", "uts", "cgroup"};
const std::vector<std::string> kMountTypes = {"bind", "tmpfs", "proc", "devpts", "mqueue", "sysfs"};
const std::vector<std::string> kMountFlags = {"bind",       "rbind",      "ro",      "rw",       "nosuid",  "suid",
                                              "nodev",      "dev",        "noexec",  "exec",     "relatime", "norelatime",
                                              "strictatime", "noatime",   "private", "rprivate", "slave",   "rslave",
                                              "newinstance", "rro",       "rrw",     "rnosuid",  "rsuid",   "rnodev",
                                              "rdev",        "rnoexec",   "rexec"};
const std::vector<std::string> kMountKeys = {"mode", "size", "nr_inodes", "nr_blocks", "uid", "gid", "ptmxmode"};
const std::vector<std::string> kActions = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                           "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY"};
const std::vector<std::string> kOperators = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
                                             "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
const std::vector<std::string> kArchs = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86",   "SCMP_ARCH_X32",
                                         "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",  "SCMP_ARCH_PPC64LE",
                                         "SCMP_ARCH_S390X",  "SCMP_ARCH_S390",  "SCMP_ARCH_RISCV64"};
const std::vector<std::string> kSeccompFlags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

struct Converter {
  Reader r;
  Spec spec;

  void process(const json& j) {
    Obj o(r, j, "process");
    auto& p = spec.process;
    if (const json* t = o.get("terminal"); t && r.boolean(*t, o.path("terminal")))
      r.unsupported(o.path("terminal") + " = true",
                    "sbx allocates no pseudo-terminal: the workload gets sbx's own stdin, stdout and stderr, "
                    "your terminal when there is one; set it to false");
    o.refuse("consoleSize", "no pseudo-terminal");
    if (const json* u = o.get("user")) {
      Obj uo(r, *u, o.path("user"));
      const json* uid = uo.get("uid");
      const json* gid = uo.get("gid");
      if (!uid || !gid) r.fail(o.path("user"), "needs uid and gid");
      p.uid = r.u32(*uid, uo.path("uid"));
      p.gid = r.u32(*gid, uo.path("gid"));
      if (const json* um = uo.get("umask")) {
        uint32_t v = r.u32(*um, uo.path("umask"));
        if (v > 0777) r.fail(uo.path("umask"), "must be at most 0777 (511)");
        p.umask = v;
      }
      uo.refuse("additionalGids", "setgroups(2) is denied in sbx's user namespace");
      uo.refuse("username", "Windows only");
      uo.finish();
    } else {
      r.fail("process.user", "is required (uid and gid)");
    }
    if (const json* a = o.get("args")) p.args = r.strings(*a, o.path("args"));
    o.refuse("commandLine", "Windows only");
    if (const json* e = o.get("env")) {
      p.env = r.strings(*e, o.path("env"));
      for (size_t i = 0; i < p.env.size(); ++i)
        if (p.env[i].find('=') == std::string::npos || p.env[i][0] == '=')
          r.fail(index_path(o.path("env"), i), "must be NAME=VALUE, not \"" + p.env[i] + "\"");
    }
    const json* cwd = o.get("cwd");
    if (!cwd) r.fail("process.cwd", "is required (an absolute path)");
    p.cwd = r.sandbox_path(*cwd, o.path("cwd"));
    p.capabilities = {};
    if (const json* c = o.get("capabilities")) {
      Obj co(r, *c, o.path("capabilities"));
      auto set = [&](const char* name, std::vector<std::string>& out) {
        const json* s = co.get(name);
        if (!s) return;
        auto names = r.strings(*s, co.path(name));
        for (size_t i = 0; i < names.size(); ++i) {
          auto canon = normalize_capability(names[i]);
          if (!canon || names[i] != *canon)
            r.fail(index_path(co.path(name), i), "unknown capability '" + names[i] + "'" +
                                                     did_you_mean(names[i], capability_names()));
          if (!contains(out, *canon)) out.push_back(*canon);
        }
      };
      set("bounding", p.capabilities.bounding);
      set("effective", p.capabilities.effective);
      set("inheritable", p.capabilities.inheritable);
      set("permitted", p.capabilities.permitted);
      set("ambient", p.capabilities.ambient);
      // The kernel raises an ambient capability only if it is permitted and inheritable
      // (runc warns and drops it; sbx would fail at start): say so now.
      for (size_t i = 0; i < p.capabilities.ambient.size(); ++i) {
        const auto& c = p.capabilities.ambient[i];
        if (!contains(p.capabilities.inheritable, c) || !contains(p.capabilities.permitted, c))
          r.fail(index_path(co.path("ambient"), i), c + " must also be in permitted and inheritable: the kernel "
                                                        "raises an ambient capability only then");
      }
      co.finish();
    }
    p.rlimits.clear();
    if (const json* rl = o.get("rlimits")) {
      const json& a = r.array(*rl, o.path("rlimits"));
      for (size_t i = 0; i < a.size(); ++i) {
        std::string at = index_path(o.path("rlimits"), i);
        Obj ro(r, a[i], at);
        const json* type = ro.get("type");
        const json* hard = ro.get("hard");
        const json* soft = ro.get("soft");
        if (!type || !hard || !soft) r.fail(at, "needs type, hard and soft");
        std::string t = r.str(*type, ro.path("type"));
        auto canon = normalize_rlimit(t);
        if (!canon || *canon != t) r.fail(ro.path("type"), "unknown rlimit '" + t + "'");
        for (const auto& prev : p.rlimits)
          if (prev.type == t) r.fail(ro.path("type"), t + " is given twice");
        Rlimit lim{t, r.u64(*hard, ro.path("hard")), r.u64(*soft, ro.path("soft"))};
        if (lim.soft > lim.hard) r.fail(at, "soft is above hard");
        p.rlimits.push_back(lim);
        ro.finish();
      }
    }
    if (const json* nnp = o.get("noNewPrivileges"); nnp && !r.boolean(*nnp, o.path("noNewPrivileges")))
      r.unsupported(o.path("noNewPrivileges") + " = false", "sbx always sets no_new_privs");
    p.no_new_privileges = true;
    o.refuse("apparmorProfile", "no AppArmor support");
    o.refuse("selinuxLabel", "no SELinux support");
    o.refuse("oomScoreAdj", "sbx does not change the OOM score");
    o.refuse("ioPriority", "sbx does not set I/O priorities");
    o.refuse("scheduler", "sbx does not set scheduling policies");
    o.refuse("execCPUAffinity", "sbx does not set CPU affinity");
    o.finish();
  }

  Mount mount(const json& j, const std::string& at) {
    Obj o(r, j, at);
    Mount m;
    const json* dst = o.get("destination");
    if (!dst) r.fail(at, "needs a destination");
    m.destination = r.sandbox_path(*dst, o.path("destination"));
    if (const json* opts = o.get("options")) m.options = r.strings(*opts, o.path("options"));
    bool bind_opt = contains(m.options, "bind") || contains(m.options, "rbind");
    std::string type;
    if (const json* t = o.get("type")) type = r.str(*t, o.path("type"));
    if (type.empty() || type == "none") {
      if (!bind_opt) r.fail(o.path("type"), "is needed unless the options hold \"bind\" or \"rbind\"");
      type = "bind";
    }
    if (!contains(kMountTypes, type))
      r.unsupported(o.path("type") + " '" + type + "'", "sbx mounts " + join(kMountTypes));
    m.type = type;
    const json* src = o.get("source");
    if (m.is_bind()) {
      if (!src) r.fail(at, "a bind mount needs a source");
      std::string s = r.str(*src, o.path("source"));
      if (!s.empty() && s[0] != '/') s = ctx_bundle() + "/" + s;
      try {
        m.source = normalize_sandbox_path(s);
      } catch (const Error& e) {
        r.fail(o.path("source"), e.what());
      }
      if (!bind_opt) m.options.insert(m.options.begin(), "rbind");
    } else {
      m.source = src ? r.str(*src, o.path("source")) : type;
      if (bind_opt) r.fail(o.path("options"), "\"bind\" goes with type \"bind\", not \"" + type + "\"");
    }
    // runc and crun apply "ro" (nosuid, nodev, noexec) of an rbind to its top mount
    // only and "rro" (...) to every submount; sbx applies them to every submount of an
    // rbind, so each recursive one needs its flag set.
    for (const char* f : {"ro", "nosuid", "nodev", "noexec"})
      if (contains(m.options, std::string("r") + f) && !contains(m.options, f)) m.options.push_back(f);
    for (size_t i = 0; i < m.options.size(); ++i) {
      const std::string& opt = m.options[i];
      auto eq = opt.find('=');
      std::string at_opt = index_path(o.path("options"), i);
      if (eq == std::string::npos) {
        if (!contains(kMountFlags, opt))
          r.unsupported(at_opt + " '" + opt + "'", "sbx knows the mount options " + join(kMountFlags) + ", " +
                                                       join(kMountKeys) + "=...");
        if (opt == "newinstance" && type != "devpts") r.fail(at_opt, "newinstance only applies to devpts");
      } else {
        if (m.is_bind()) r.fail(at_opt, "'" + opt + "' does not apply to a bind mount");
        if (!contains(kMountKeys, opt.substr(0, eq)))
          r.unsupported(at_opt + " '" + opt + "'", "sbx passes " + join(kMountKeys) + " to the filesystem");
      }
    }
    o.refuse("uidMappings", "no id-mapped mounts");
    o.refuse("gidMappings", "no id-mapped mounts");
    o.finish();
    return m;
  }

  std::string bundle_dir;
  std::string ctx_bundle() const { return bundle_dir; }

  void mounts(const json& j) {
    const json& a = r.array(j, "mounts");
    for (size_t i = 0; i < a.size(); ++i) spec.mounts.push_back(mount(a[i], index_path("mounts", i)));
  }

  std::vector<IdMapping> id_maps(const json& j, const std::string& path) {
    const json& a = r.array(j, path);
    std::vector<IdMapping> out;
    for (size_t i = 0; i < a.size(); ++i) {
      std::string at = index_path(path, i);
      Obj o(r, a[i], at);
      const json* c = o.get("containerID");
      const json* h = o.get("hostID");
      const json* s = o.get("size");
      if (!c || !h || !s) r.fail(at, "needs containerID, hostID and size");
      IdMapping m{r.u32(*c, o.path("containerID")), r.u32(*h, o.path("hostID")), r.u32(*s, o.path("size"))};
      if (m.size == 0) r.fail(o.path("size"), "must be at least 1");
      o.finish();
      out.push_back(m);
    }
    return out;
  }

  // sbx never switches users: the workload runs as what the caller's own id maps to.
  void check_identity(const std::vector<IdMapping>& maps, const std::string& path, uint32_t caller, uint32_t wanted,
                      const std::string& user_path, const char* kind) {
    if (maps.empty()) r.fail(path, "sbx needs the user namespace's mappings (the caller's own " + std::string(kind) + " at least)");
    std::optional<uint32_t> inside;
    for (const auto& m : maps)
      if (caller >= m.host_id && caller - m.host_id < m.size) inside = m.container_id + (caller - m.host_id);
    if (!inside)
      r.fail(path, "your " + std::string(kind) + " " + std::to_string(caller) +
                       " is not mapped; sbx runs the workload as the caller, so map it, e.g. {\"containerID\": " +
                       std::to_string(wanted) + ", \"hostID\": " + std::to_string(caller) + ", \"size\": 1}");
    if (*inside != wanted)
      r.fail(user_path, std::to_string(wanted) + ", but your " + kind + " " + std::to_string(caller) + " maps to " +
                            std::to_string(*inside) + " in " + path +
                            "; sbx runs the workload as the caller's own id and does not switch users");
    if (maps.size() == 1 && maps[0].size != 1)
      r.fail(index_path(path, 0) + ".size", "an unprivileged user maps only its own id (size 1); more ids need "
                                            "several mappings, which sbx writes with newuidmap/newgidmap");
  }

  void seccomp(const json& j) {
    Obj o(r, j, "linux.seccomp");
    Seccomp sc;
    const json* def = o.get("defaultAction");
    if (!def) r.fail("linux.seccomp", "needs a defaultAction");
    auto action = [&](const json& a, const std::string& at) {
      std::string s = r.str(a, at);
      if (s == "SCMP_ACT_TRACE") r.unsupported(at + " SCMP_ACT_TRACE", "no ptrace tracer");
      if (!contains(kActions, s)) r.fail(at, "unknown action '" + s + "'" + did_you_mean(s, kActions));
      return s;
    };
    sc.default_action = action(*def, o.path("defaultAction"));
    if (sc.default_action == "SCMP_ACT_NOTIFY")
      r.unsupported(o.path("defaultAction") + " SCMP_ACT_NOTIFY", "every syscall of sbx's own setup would wait for the agent");
    if (const json* e = o.get("defaultErrnoRet")) sc.default_errno_ret = r.u32(*e, o.path("defaultErrnoRet"));
    if (sc.default_errno_ret && sc.default_action != "SCMP_ACT_ERRNO")
      r.fail(o.path("defaultErrnoRet"), "only goes with defaultAction SCMP_ACT_ERRNO");
    if (const json* a = o.get("architectures")) {
      sc.architectures = r.strings(*a, o.path("architectures"));
      for (size_t i = 0; i < sc.architectures.size(); ++i)
        if (!contains(kArchs, sc.architectures[i]))
          r.unsupported(index_path(o.path("architectures"), i) + " '" + sc.architectures[i] + "'",
                        "sbx knows " + join(kArchs));
    }
    if (const json* f = o.get("flags")) {
      sc.flags = r.strings(*f, o.path("flags"));
      for (size_t i = 0; i < sc.flags.size(); ++i)
        if (!contains(kSeccompFlags, sc.flags[i]))
          r.unsupported(index_path(o.path("flags"), i) + " '" + sc.flags[i] + "'", "sbx sets " + join(kSeccompFlags));
    }
    if (const json* l = o.get("listenerPath")) sc.listener_path = r.str(*l, o.path("listenerPath"));
    if (const json* m = o.get("listenerMetadata")) sc.listener_metadata = r.str(*m, o.path("listenerMetadata"));
    if (!sc.listener_path.empty() && sc.listener_path[0] != '/')
      r.fail(o.path("listenerPath"), "must be an absolute path");
    bool notify = false;
    if (const json* calls = o.get("syscalls")) {
      const json& a = r.array(*calls, o.path("syscalls"));
      for (size_t i = 0; i < a.size(); ++i) {
        std::string at = index_path(o.path("syscalls"), i);
        Obj so(r, a[i], at);
        SeccompSyscall s;
        const json* names = so.get("names");
        const json* act = so.get("action");
        if (!names || !act) r.fail(at, "needs names and action");
        s.names = r.strings(*names, so.path("names"));
        if (s.names.empty()) r.fail(so.path("names"), "must name at least one syscall");
        for (size_t k = 0; k < s.names.size(); ++k)
          if (!is_known_syscall(s.names[k]))
            r.fail(index_path(so.path("names"), k), "unknown syscall '" + s.names[k] + "' (not in this libseccomp)" +
                                                        did_you_mean(s.names[k], known_syscalls()));
        s.action = action(*act, so.path("action"));
        notify = notify || s.action == "SCMP_ACT_NOTIFY";
        if (const json* e = so.get("errnoRet")) {
          if (s.action != "SCMP_ACT_ERRNO") r.fail(so.path("errnoRet"), "only goes with action SCMP_ACT_ERRNO");
          s.errno_ret = r.u32(*e, so.path("errnoRet"));
        }
        if (const json* args = so.get("args")) {
          const json& aa = r.array(*args, so.path("args"));
          for (size_t k = 0; k < aa.size(); ++k) {
            std::string aat = index_path(so.path("args"), k);
            Obj ao(r, aa[k], aat);
            const json* idx = ao.get("index");
            const json* val = ao.get("value");
            const json* op = ao.get("op");
            if (!idx || !val || !op) r.fail(aat, "needs index, value and op");
            SeccompArg arg;
            arg.index = r.u32(*idx, ao.path("index"));
            if (arg.index > 5) r.fail(ao.path("index"), "must be 0 to 5");
            arg.value = r.u64(*val, ao.path("value"));
            if (const json* v2 = ao.get("valueTwo")) arg.value_two = r.u64(*v2, ao.path("valueTwo"));
            arg.op = r.str(*op, ao.path("op"));
            if (!contains(kOperators, arg.op))
              r.fail(ao.path("op"), "unknown operator '" + arg.op + "'" + did_you_mean(arg.op, kOperators));
            ao.finish();
            s.args.push_back(arg);
          }
        }
        so.finish();
        sc.syscalls.push_back(std::move(s));
      }
    }
    if (notify && sc.listener_path.empty())
      r.fail(o.path("syscalls"), "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath (the agent's socket)");
    o.finish();
    spec.linux.seccomp = std::move(sc);
  }

  void linux_(const json& j) {
    Obj o(r, j, "linux");
    auto& l = spec.linux;
    const json* ns = o.get("namespaces");
    if (!ns) r.fail("linux.namespaces", "is required: sbx needs at least the user and mount namespaces");
    const json& a = r.array(*ns, "linux.namespaces");
    for (size_t i = 0; i < a.size(); ++i) {
      std::string at = index_path("linux.namespaces", i);
      Obj no(r, a[i], at);
      const json* t = no.get("type");
      if (!t) r.fail(at, "needs a type");
      std::string type = r.str(*t, no.path("type"));
      if (!contains(kNamespaces, type)) r.unsupported(no.path("type") + " '" + type + "'", "sbx creates " + join(kNamespaces));
      if (spec.has_namespace(type)) r.fail(no.path("type"), "the " + type + " namespace is listed twice");
      no.refuse("path", "joining an existing namespace");
      no.finish();
      l.namespaces.push_back({type});
    }
    for (const char* required : {"user", "mount"})
      if (!spec.has_namespace(required))
        r.fail("linux.namespaces", std::string("sbx is rootless and needs a new ") + required +
                                       " namespace: add {\"type\": \"" + required + "\"}");
    if (const json* m = o.get("uidMappings")) l.uid_mappings = id_maps(*m, "linux.uidMappings");
    if (const json* m = o.get("gidMappings")) l.gid_mappings = id_maps(*m, "linux.gidMappings");
    if (const json* s = o.get("seccomp"); s && !s->is_null()) seccomp(*s);
    if (const json* mp = o.get("maskedPaths")) {
      auto v = r.strings(*mp, "linux.maskedPaths");
      for (size_t i = 0; i < v.size(); ++i) l.masked_paths.push_back(r.sandbox_path(v[i], index_path("linux.maskedPaths", i)));
    }
    if (const json* rp = o.get("readonlyPaths")) {
      auto v = r.strings(*rp, "linux.readonlyPaths");
      for (size_t i = 0; i < v.size(); ++i)
        l.readonly_paths.push_back(r.sandbox_path(v[i], index_path("linux.readonlyPaths", i)));
    }
    if (const json* p = o.get("rootfsPropagation")) {
      std::string prop = r.str(*p, "linux.rootfsPropagation");
      if (!prop.empty() && prop != "slave" && prop != "rslave" && prop != "private" && prop != "rprivate")
        r.unsupported("linux.rootfsPropagation '" + prop + "'",
                      "sbx's root is a slave of the host: slave, rslave, private or rprivate");
    }
    if (const json* d = o.get("devices")) devices(*d);
    o.refuse("resources", "no cgroup management");
    o.refuse("cgroupsPath", "no cgroup management");
    o.refuse("unified", "no cgroup management");
    o.refuse("sysctl", "sbx sets no sysctls");
    o.refuse("timeOffsets", "no time namespace");
    o.refuse("mountLabel", "no SELinux support");
    o.refuse("intelRdt", "no Intel RDT support");
    o.refuse("personality", "sbx does not change the execution domain");
    o.refuse("memoryPolicy", "sbx sets no NUMA memory policy");
    o.refuse("netDevices", "sbx moves no network devices");
    o.finish();
  }

  // Only the devices sbx's /dev always has: listing them asks for nothing more.
  void devices(const json& j) {
    struct Dev {
      const char* path;
      uint64_t major, minor;
    };
    static const Dev kDefaults[] = {{"/dev/null", 1, 3},    {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
                                    {"/dev/random", 1, 8},  {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
    const json& a = r.array(j, "linux.devices");
    for (size_t i = 0; i < a.size(); ++i) {
      std::string at = index_path("linux.devices", i);
      Obj o(r, a[i], at);
      const json* p = o.get("path");
      const json* t = o.get("type");
      const json* ma = o.get("major");
      const json* mi = o.get("minor");
      for (const char* k : {"fileMode", "uid", "gid"}) o.get(k);
      o.finish();
      if (!p || !t || !ma || !mi) r.fail(at, "needs path, type, major and minor");
      std::string path = r.str(*p, o.path("path"));
      bool known = false;
      for (const auto& d : kDefaults)
        known = known || (path == d.path && r.str(*t, o.path("type")) == "c" && r.u64(*ma, o.path("major")) == d.major &&
                          r.u64(*mi, o.path("minor")) == d.minor);
      if (!known)
        r.unsupported(at + " (" + path + ")",
                      "sbx's /dev holds only null, zero, full, random, urandom and tty, bound from the host");
    }
  }

  void annotations(const json& j) {
    Obj o(r, j, "annotations");
    for (auto it = j.begin(); it != j.end(); ++it) {
      std::string at = "annotations[\"" + it.key() + "\"]";
      o.get(it.key());
      std::string v = r.str(it.value(), at);
      const std::string& k = it.key();
      if (k.rfind("org.sbx.", 0) != 0) {
        spec.annotations[k] = v;
        continue;
      }
      try {
        if (k == "org.sbx.description") {
          spec.sbx.description = v;
        } else if (k == "org.sbx.profile") {
          spec.sbx.profile = v;
        } else if (k == "org.sbx.notify") {
          spec.annotations[k] = v;
        } else if (k == "org.sbx.timeout-ms") {
          size_t used = 0;
          unsigned long long ms = std::stoull(v, &used);
          if (used != v.size() || ms == 0) throw std::invalid_argument("timeout");
          spec.sbx.timeout = std::chrono::milliseconds(ms);
        } else if (k == "org.sbx.symlinks") {
          json links = json::parse(v);
          if (!links.is_array()) throw std::invalid_argument("symlinks");
          for (const auto& l : links) {
            SbxExtensions::Symlink s{l.at("target").get<std::string>(), normalize_sandbox_path(l.at("path").get<std::string>())};
            spec.sbx.symlinks.push_back(s);
          }
        } else if (k == "org.sbx.optional-mounts") {
          json opt = json::parse(v);
          for (const auto& d : opt) optional_mounts.push_back(normalize_sandbox_path(d.get<std::string>()));
        } else if (k == "org.sbx.seccomp-unknown") {
          if (v != "enosys" && v != "allow") throw std::invalid_argument("seccomp-unknown");
          seccomp_unknown_enosys = v == "enosys";
        } else if (k == "org.sbx.seccomp-allow-numbers") {
          json nums = json::parse(v);
          if (!nums.is_array()) throw std::invalid_argument("seccomp-allow-numbers");
          for (const auto& n : nums) seccomp_allow_numbers.push_back(n.get<uint32_t>());
        } else if (k == "org.sbx.readonly-dirs") {
          json dirs = json::parse(v);
          if (!dirs.is_array()) throw std::invalid_argument("readonly-dirs");
          for (const auto& d : dirs) spec.sbx.readonly_dirs.push_back(normalize_sandbox_path(d.get<std::string>()));
        } else {
          r.fail(at,
                 "unknown sbx annotation (org.sbx.description, .profile, .symlinks, .optional-mounts, .readonly-dirs, "
                 ".seccomp-unknown, .seccomp-allow-numbers, .timeout-ms, .notify)");
        }
      } catch (const Error&) {
        throw;
      } catch (const std::exception&) {
        r.fail(at, "malformed value \"" + v + "\"");
      }
    }
    o.finish();
  }
  std::vector<std::string> optional_mounts;
  bool seccomp_unknown_enosys = false;
  std::vector<uint32_t> seccomp_allow_numbers;
};

}  // namespace

const OciSupport& oci_support() {
  static const OciSupport s{kNamespaces, kMountTypes, kMountFlags, kMountKeys, kActions, kOperators, kArchs, kSeccompFlags};
  return s;
}

Spec spec_from_oci_json(const json& config, const OciContext& ctx) {
  Converter c{Reader{ctx}, Spec{}, ctx.bundle_dir, {}, false, {}};
  Spec& s = c.spec;
  s.linux.masked_paths.clear();
  s.linux.readonly_paths.clear();
  Obj top(c.r, config, "");
  const json* ver = top.get("ociVersion");
  if (!ver) c.r.fail("ociVersion", "is required");
  s.oci_version = c.r.str(*ver, "ociVersion");
  if (s.oci_version.rfind("1.", 0) != 0)
    c.r.unsupported("ociVersion " + s.oci_version, "sbx reads runtime-spec 1.x");
  const json* root = top.get("root");
  if (!root) c.r.fail("root", "is required");
  {
    Obj ro(c.r, *root, "root");
    const json* p = ro.get("path");
    if (!p) c.r.fail("root.path", "is required");
    std::string path = c.r.str(*p, "root.path");
    if (path.empty()) c.r.fail("root.path", "must not be empty");
    s.root.path = path[0] == '/' ? path : ctx.bundle_dir + "/" + path;
    s.root.readonly = false;
    if (const json* r = ro.get("readonly")) s.root.readonly = c.r.boolean(*r, "root.readonly");
    ro.finish();
  }
  const json* proc = top.get("process");
  if (!proc) c.r.fail("process", "is required");
  c.process(*proc);
  if (const json* h = top.get("hostname")) s.hostname = c.r.str(*h, "hostname");
  top.refuse("domainname", "sbx sets only the hostname");
  if (const json* m = top.get("mounts")) c.mounts(*m);
  top.refuse("hooks", "no OCI hooks");
  if (const json* a = top.get("annotations")) c.annotations(*a);
  const json* lx = top.get("linux");
  if (!lx) c.r.fail("linux", "is required (namespaces, uidMappings, gidMappings)");
  c.linux_(*lx);
  for (const char* other : {"solaris", "windows", "vm", "zos"}) top.refuse(other, "sbx runs Linux containers only");
  top.finish();

  if (!s.hostname.empty() && !s.has_namespace("uts"))
    c.r.fail("hostname", "needs a new uts namespace (add {\"type\": \"uts\"} to linux.namespaces)");
  c.check_identity(s.linux.uid_mappings, "linux.uidMappings", ctx.caller_uid, s.process.uid, "process.user.uid", "uid");
  c.check_identity(s.linux.gid_mappings, "linux.gidMappings", ctx.caller_gid, s.process.gid, "process.user.gid", "gid");
  for (auto& m : s.mounts)
    if (std::find(c.optional_mounts.begin(), c.optional_mounts.end(), m.destination) != c.optional_mounts.end())
      m.optional = true;
  if (c.seccomp_unknown_enosys) {
    if (!s.linux.seccomp) c.r.fail("annotations[\"org.sbx.seccomp-unknown\"]", "needs linux.seccomp");
    s.linux.seccomp->unknown_enosys = true;
    s.linux.seccomp->allow_numbers = c.seccomp_allow_numbers;
  }
  return std::move(c.spec);
}

namespace {

bool is_under(const std::string& parent, const std::string& path) {
  if (parent == "/") return true;
  return path == parent || (path.size() > parent.size() && path.compare(0, parent.size(), parent) == 0 &&
                            path[parent.size()] == '/');
}

struct RootfsScan {
  const Spec& spec;
  std::set<std::string> destinations;

  bool annotated_symlink(const std::string& path, const std::string& target) const {
    for (const auto& l : spec.sbx.symlinks)
      if (l.path == path && l.target == target) return true;
    return false;
  }
  bool leads_to_destination(const std::string& path) const {
    for (const auto& d : destinations)
      if (is_under(path, d)) return true;
    return false;
  }
  // True when sbx recreates everything at `path` by itself: mount points and the
  // annotated symlinks, nothing else (what `sbx export --bundle` writes).
  bool skeleton(int dirfd, const std::string& name, const std::string& path) const {
    if (destinations.count(path)) return true;
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
    if (S_ISLNK(st.st_mode)) {
      char buf[PATH_MAX];
      ssize_t n = ::readlinkat(dirfd, name.c_str(), buf, sizeof buf - 1);
      return n >= 0 && annotated_symlink(path, std::string(buf, static_cast<size_t>(n)));
    }
    if (!S_ISDIR(st.st_mode) || !leads_to_destination(path)) return false;
    UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return false;
    DIR* d = ::fdopendir(fd.get());
    if (!d) return false;
    fd.release();
    bool all = true;
    while (struct dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == "..") continue;
      if (!skeleton(::dirfd(d), n, path + "/" + n)) {
        all = false;
        break;
      }
    }
    ::closedir(d);
    return all;
  }
};

}  // namespace

void adopt_rootfs(Spec& spec, const std::string& where) {
  const std::string& root = spec.root.path;
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) throw Error(where + ": root.path " + root + ": " + std::strerror(errno));

  // Mount points the bundle's mounts need, created in the rootfs as runc and crun do
  // (a mount point below an earlier mount is left to sbx: it lands in that mount).
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    const Mount& m = spec.mounts[i];
    bool below = false;
    for (size_t k = 0; k < i; ++k) below = below || is_under(spec.mounts[k].destination, m.destination);
    if (below) continue;
    bool dir = true;
    if (m.is_bind()) {
      struct stat st {};
      if (::stat(m.source.c_str(), &st) != 0) {
        if (m.optional && errno == ENOENT) continue;
        throw Error(where + ": mounts[" + std::to_string(i) + "].source " + m.source + ": " + std::strerror(errno));
      }
      dir = S_ISDIR(st.st_mode);
    }
    UniqueFd fd(child::make_mountpoint(root_fd.get(), m.destination.c_str(), dir));
    if (!fd)
      throw Error(where + ": cannot create the mount point " + root + m.destination + ": " + std::strerror(errno));
  }

  RootfsScan scan{spec, {}};
  for (const auto& m : spec.mounts) scan.destinations.insert(m.destination);
  UniqueFd list_fd(::openat(root_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!list_fd) throw Error(where + ": root.path " + root + ": " + std::strerror(errno));
  DIR* d = ::fdopendir(list_fd.get());
  if (!d) throw Error(where + ": root.path " + root + ": " + std::strerror(errno));
  list_fd.release();
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  std::sort(names.begin(), names.end());

  std::vector<Mount> binds;
  std::vector<SbxExtensions::Symlink> links;
  for (const auto& n : names) {
    std::string path = "/" + n;
    if (scan.skeleton(::dirfd(d), n, path)) continue;
    struct stat st {};
    if (::fstatat(::dirfd(d), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      int err = errno;
      ::closedir(d);
      throw Error(where + ": " + root + path + ": " + std::strerror(err));
    }
    if (S_ISLNK(st.st_mode)) {
      char buf[PATH_MAX];
      ssize_t len = ::readlinkat(::dirfd(d), n.c_str(), buf, sizeof buf - 1);
      if (len < 0) {
        int err = errno;
        ::closedir(d);
        throw Error(where + ": readlink " + root + path + ": " + std::strerror(err));
      }
      links.push_back({std::string(buf, static_cast<size_t>(len)), path});
      continue;
    }
    Mount m;
    m.type = "bind";
    m.source = root + path;
    m.destination = path;
    m.options = {"rbind"};
    if (spec.root.readonly) m.options.push_back("ro");
    binds.push_back(std::move(m));
  }
  ::closedir(d);
  // Annotated symlinks at the top level are already in the spec.
  std::erase_if(links, [&](const SbxExtensions::Symlink& l) { return scan.annotated_symlink(l.path, l.target); });
  spec.sbx.symlinks.insert(spec.sbx.symlinks.begin(), links.begin(), links.end());
  spec.mounts.insert(spec.mounts.begin(), binds.begin(), binds.end());
}

namespace {

// runc and crun give a workload without HOME the home directory of its uid in the
// container's /etc/passwd, or "/": so does sbx, reading that file through the mounts.
std::string container_home(const Spec& spec) {
  const std::string passwd = "/etc/passwd";
  std::string host;
  for (const auto& m : spec.mounts)
    if (m.is_bind() && is_under(m.destination, passwd))
      host = m.source + passwd.substr(m.destination == "/" ? 0 : m.destination.size());
  if (host.empty()) return "/";
  std::ifstream f(host);
  std::string line;
  while (std::getline(f, line)) {
    auto fields = split(line, ':');
    if (fields.size() >= 6 && fields[2] == std::to_string(spec.process.uid) && !fields[5].empty()) return fields[5];
  }
  return "/";
}

}  // namespace

Spec spec_from_bundle(const std::string& bundle_dir) {
  char real[PATH_MAX];
  if (!::realpath(bundle_dir.c_str(), real))
    throw Error("--bundle " + bundle_dir + ": " + std::strerror(errno));
  std::string dir = real;
  std::string where = bundle_dir + "/config.json";
  std::ifstream f(dir + "/config.json");
  if (!f) throw Error(where + ": cannot read: " + std::strerror(errno));
  json config;
  try {
    config = json::parse(f);
  } catch (const json::exception& e) {
    throw Error(where + ": invalid JSON: " + e.what());
  }
  OciContext ctx{where, dir, ::getuid(), ::getgid()};
  Spec spec = spec_from_oci_json(config, ctx);
  struct stat st {};
  if (::stat(spec.root.path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(where + ": root.path " + spec.root.path + " is not a directory");
  adopt_rootfs(spec, where);
  if (std::none_of(spec.process.env.begin(), spec.process.env.end(),
                   [](const std::string& e) { return e.rfind("HOME=", 0) == 0; }))
    spec.process.env.push_back("HOME=" + container_home(spec));
  if (spec.sbx.profile.empty()) spec.sbx.profile = where;
  return spec;
}

}  // namespace sbx
