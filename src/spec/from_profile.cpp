#include "spec/from_profile.hpp"

#include <fnmatch.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <map>

#include "profile/location.hpp"
#include "profile/reader.hpp"
#include "spec/from_profile_seccomp.hpp"
#include "spec/subids.hpp"
#include "util/error.hpp"
#include "util/names.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

extern char** environ;

namespace sbx {

BuildContext BuildContext::from_process(std::vector<std::string> args) {
  BuildContext ctx;
  ctx.caller_uid = ::getuid();
  ctx.caller_gid = ::getgid();
  for (char** e = ::environ; e && *e; ++e) ctx.environ.emplace_back(*e);
  ctx.args = std::move(args);
  return ctx;
}

std::string normalize_sandbox_path(const std::string& p) {
  if (p.empty()) throw Error("empty path");
  if (p.size() >= PATH_MAX) throw Error("path is longer than PATH_MAX (" + std::to_string(PATH_MAX) + ")");
  for (unsigned char c : p)
    if (c < 0x20 || c == 0x7f) throw Error("control character in path \"" + p + "\"");
  if (p[0] != '/') throw Error("path must be absolute: \"" + p + "\"");
  std::string out;
  for (const auto& comp : split(p, '/')) {
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") throw Error("'..' is not allowed in a path: \"" + p + "\"");
    out += "/" + comp;
  }
  return out.empty() ? "/" : out;
}

namespace {

size_t depth(const std::string& path) {
  return path == "/" ? 0 : static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
}

// Runs f, re-throwing its sbx::Error with the node's position and the key.
template <typename F>
auto at(const TableReader& r, const toml::node& n, const std::string& key, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    r.fail(n, r.key_path(key) + ": " + e.what());
  }
}

struct Builder {
  const BuildContext& ctx;
  Spec spec;
  // destination -> where it was declared, for duplicate detection
  std::map<std::string, std::string> destinations;

  void add_mount(Mount m, const toml::node* n) {
    std::string w = n ? where(n->source()) : std::string("built in");
    auto [it, inserted] = destinations.emplace(m.destination, w);
    if (!inserted) {
      std::string msg = "'" + m.destination + "' is mounted twice (also at " + it->second +
                        "); remove the inherited entry with \"!...\" in the array that declared it";
      throw Error(n ? located(n->source(), msg) : msg);
    }
    spec.mounts.push_back(std::move(m));
  }

  // "?SRC[:DEST]" -> bind mount
  void bind_entries(TableReader& r, const std::string& key, bool readonly) {
    for (const auto& e : r.strings(key)) {
      at(r, *e.node, key, [&] {
        std::string s = e.value;
        Mount m;
        m.type = "bind";
        if (!s.empty() && s[0] == '?') {
          m.optional = true;
          s = s.substr(1);
        }
        auto colon = s.find(':');
        std::string src = colon == std::string::npos ? s : s.substr(0, colon);
        std::string dst = colon == std::string::npos ? s : s.substr(colon + 1);
        m.source = normalize_sandbox_path(src);
        m.destination = normalize_sandbox_path(dst);
        m.options = {"rbind"};
        if (readonly) m.options.push_back("ro");
        m.options.insert(m.options.end(), {"nosuid", "nodev"});
        add_mount(std::move(m), e.node);
        return 0;
      });
    }
  }

  void tmpfs_entries(TableReader& r) {
    for (const auto& e : r.strings("tmpfs")) {
      at(r, *e.node, "tmpfs", [&] {
        auto colon = e.value.find(':');
        Mount m;
        m.type = "tmpfs";
        m.source = "tmpfs";
        m.destination = normalize_sandbox_path(e.value.substr(0, colon));
        m.options = {"nosuid", "nodev"};
        bool has_mode = false;
        if (colon != std::string::npos) {
          for (const auto& o : split(e.value.substr(colon + 1), ',')) {
            if (starts_with(o, "mode=")) {
              auto mode = o.substr(5);
              if (mode.empty() || mode.size() > 4 || mode.find_first_not_of("01234567") != std::string::npos)
                throw Error("tmpfs mode must be octal, like mode=1777: \"" + o + "\"");
              has_mode = true;
            } else if (starts_with(o, "size=")) {
              if (!parse_size(o.substr(5))) throw Error("invalid tmpfs size \"" + o + "\" (like size=64M)");
            } else if (o != "noexec" && o != "ro") {
              throw Error("unknown tmpfs option \"" + o + "\" (mode=, size=, noexec, ro)");
            }
            m.options.push_back(o);
          }
        }
        if (!has_mode) m.options.push_back("mode=755");
        add_mount(std::move(m), e.node);
        return 0;
      });
    }
  }

  // Reproduce host paths as they are: a symlink stays a symlink, a directory is bound
  // read-only, an absent path is skipped.
  void mirror_entries(TableReader& r) {
    for (const auto& e : r.strings("mirror")) {
      at(r, *e.node, "mirror", [&] {
        std::string p = normalize_sandbox_path(e.value);
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) return 0;
        if (S_ISLNK(st.st_mode)) {
          char buf[PATH_MAX];
          ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
          if (n < 0) throw_errno("readlink " + p);
          buf[n] = '\0';
          spec.sbx.symlinks.push_back({buf, p});
          destinations.emplace(p, where(e.node->source()));
        } else {
          Mount m;
          m.type = "bind";
          m.source = p;
          m.destination = p;
          m.options = {"rbind", "ro", "nosuid", "nodev"};
          add_mount(std::move(m), e.node);
        }
        return 0;
      });
    }
  }

  void symlink_entries(TableReader& r) {
    for (const auto& e : r.strings("symlinks")) {
      at(r, *e.node, "symlinks", [&] {
        auto colon = e.value.rfind(':');
        if (colon == std::string::npos || colon == 0) throw Error("expected \"TARGET:PATH\", got \"" + e.value + "\"");
        std::string target = e.value.substr(0, colon);
        for (unsigned char c : target)
          if (c < 0x20) throw Error("control character in symlink target");
        std::string path = normalize_sandbox_path(e.value.substr(colon + 1));
        auto [it, ok] = destinations.emplace(path, where(e.node->source()));
        if (!ok) throw Error("'" + path + "' is already declared at " + it->second);
        spec.sbx.symlinks.push_back({target, path});
        return 0;
      });
    }
  }

  void full_mounts(TableReader& r) {
    const toml::array* arr = r.array("mount");
    if (!arr) return;
    for (const auto& n : *arr) {
      const toml::table* t = n.as_table();
      if (!t) r.fail(n, "[[filesystem.mount]] entries must be tables");
      TableReader mr(*t, "[[filesystem.mount]]");
      Mount m;
      auto dst = mr.string("destination");
      auto type = mr.string("type");
      if (!dst) r.fail(n, "[[filesystem.mount]] needs a destination");
      if (!type) r.fail(n, "[[filesystem.mount]] needs a type (bind, tmpfs, proc, devpts, mqueue, sysfs)");
      static const std::vector<std::string> kTypes = {"bind", "tmpfs", "proc", "devpts", "mqueue", "sysfs"};
      if (std::find(kTypes.begin(), kTypes.end(), *type) == kTypes.end())
        mr.fail(*mr.get("type"), "unsupported mount type '" + *type + "'" + did_you_mean(*type, kTypes) +
                                     " (bind, tmpfs, proc, devpts, mqueue, sysfs)");
      m.type = *type;
      m.destination = at(mr, *mr.get("destination"), "destination", [&] { return normalize_sandbox_path(*dst); });
      auto src = mr.string("source");
      if (m.type == "bind") {
        if (!src) r.fail(n, "a bind [[filesystem.mount]] needs a source");
        m.source = at(mr, *mr.get("source"), "source", [&] { return normalize_sandbox_path(*src); });
      } else {
        m.source = src.value_or(m.type);
      }
      for (const auto& o : mr.strings("options")) {
        static const std::vector<std::string> kOpts = {
            "bind", "rbind", "ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "relatime",
            "norelatime", "strictatime", "noatime", "private", "rprivate", "slave", "rslave", "newinstance"};
        bool kv = o.value.find('=') != std::string::npos;
        if (!kv && std::find(kOpts.begin(), kOpts.end(), o.value) == kOpts.end())
          mr.fail(*o.node, "unknown mount option '" + o.value + "'" + did_you_mean(o.value, kOpts));
        m.options.push_back(o.value);
      }
      if (m.type == "bind" && !m.has_option("bind") && !m.has_option("rbind")) m.options.insert(m.options.begin(), "rbind");
      m.optional = mr.boolean("optional").value_or(false);
      mr.finish();
      add_mount(std::move(m), &n);
    }
  }

  void filesystem(const toml::table* t) {
    toml::table empty;
    TableReader r(t ? *t : empty, "[filesystem]");
    bind_entries(r, "ro", true);
    bind_entries(r, "rw", false);
    tmpfs_entries(r);
    mirror_entries(r);
    symlink_entries(r);
    full_mounts(r);
    if (r.boolean("proc").value_or(true)) {
      add_mount({"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}, false}, nullptr);
    }
    if (r.boolean("dev").value_or(true)) {
      add_mount({"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}, false}, nullptr);
      add_mount({"/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}, false},
                nullptr);
      add_mount({"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}, false}, nullptr);
    }
    spec.linux.masked_paths = oci_default_masked_paths();
    for (const auto& e : r.strings("masked")) {
      std::string p = at(r, *e.node, "masked", [&] { return normalize_sandbox_path(e.value); });
      if (std::find(spec.linux.masked_paths.begin(), spec.linux.masked_paths.end(), p) == spec.linux.masked_paths.end())
        spec.linux.masked_paths.push_back(p);
    }
    spec.linux.readonly_paths = oci_default_readonly_paths();
    spec.root.readonly = r.boolean("root_readonly").value_or(true);
    r.finish();
    // Parents before children: a tmpfs on $HOME must not hide a project bound below it.
    std::stable_sort(spec.mounts.begin(), spec.mounts.end(),
                     [](const Mount& a, const Mount& b) { return depth(a.destination) < depth(b.destination); });
  }

  void environment(TableReader& pr) {
    const toml::node* envn = pr.get("env");
    toml::table empty;
    const toml::table* et = &empty;
    if (envn) {
      if (!envn->is_table()) pr.fail_type(*envn, "env", "a table like { clear = true, keep = [\"PATH\"] }");
      et = envn->as_table();
    }
    TableReader r(*et, "[process.env]");
    bool clear = r.boolean("clear").value_or(true);
    auto keep = r.strings("keep");
    for (const auto& k : keep) {
      if (k.value.empty() || k.value.find('=') != std::string::npos)
        r.fail(*k.node, "[process.env] keep entries are variable names or patterns like \"LC_*\", not \"" + k.value + "\"");
    }
    std::vector<std::string> env;
    for (const auto& kv : ctx.environ) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) continue;
      std::string name = kv.substr(0, eq);
      bool kept = !clear;
      for (const auto& k : keep)
        if (::fnmatch(k.value.c_str(), name.c_str(), 0) == 0) kept = true;
      if (kept) env.push_back(kv);
    }
    if (const toml::table* set = r.table("set")) {
      for (auto&& [k, v] : *set) {
        std::string name(k.str());
        if (name.empty() || name.find('=') != std::string::npos)
          throw Error(located(k.source(), "[process.env] set: invalid variable name '" + name + "'"));
        if (!v.is_string())
          throw Error(located(v.source(), "[process.env] set." + name + " must be a string, not " + toml_type_name(v)));
        std::erase_if(env, [&](const std::string& e) { return e.compare(0, name.size() + 1, name + "=") == 0; });
        env.push_back(name + "=" + v.as_string()->get());
      }
    }
    for (const auto& u : r.strings("unset"))
      std::erase_if(env, [&](const std::string& e) { return e.compare(0, u.value.size() + 1, u.value + "=") == 0; });
    r.finish();
    spec.process.env = std::move(env);
  }

  void process(const toml::table* t) {
    toml::table empty;
    TableReader r(t ? *t : empty, "[process]");
    spec.process.args = ctx.args;
    spec.process.uid = static_cast<uint32_t>(r.integer("uid", 0, 0xfffffffe).value_or(ctx.caller_uid));
    spec.process.gid = static_cast<uint32_t>(r.integer("gid", 0, 0xfffffffe).value_or(ctx.caller_gid));
    if (auto cwd = r.string("cwd"))
      spec.process.cwd = at(r, *r.get("cwd"), "cwd", [&] { return normalize_sandbox_path(*cwd); });
    if (const toml::node* um = r.get("umask")) {
      int64_t v = -1;
      if (um->is_integer()) v = um->as_integer()->get();
      if (um->is_string()) {
        const auto& s = um->as_string()->get();
        if (!s.empty() && s.size() <= 4 && s.find_first_not_of("01234567") == std::string::npos) v = std::stol(s, nullptr, 8);
      }
      if (v < 0 || v > 0777) r.fail(*um, "[process] umask must be an octal mode like \"022\" or 0o022");
      spec.process.umask = static_cast<uint32_t>(v);
    }
    if (auto to = r.string("timeout")) {
      auto d = parse_duration(*to);
      if (!d || d->count() == 0)
        r.fail(*r.get("timeout"), "[process] timeout: invalid duration \"" + *to + "\" (like \"90s\", \"30m\", \"1h30m\")");
      spec.sbx.timeout = *d;
    }
    if (const toml::array* fds = r.array("keep_fds")) {
      for (const auto& f : *fds) {
        if (!f.is_integer() || f.as_integer()->get() < 3 || f.as_integer()->get() > 65535)
          r.fail(f, "[process] keep_fds entries are fd numbers from 3 to 65535");
        spec.sbx.keep_fds.push_back(static_cast<int>(f.as_integer()->get()));
      }
    }
    environment(r);
    r.finish();
  }

  void namespaces(const toml::table* t, const toml::table* net) {
    toml::table empty;
    TableReader r(t ? *t : empty, "[namespaces]");
    for (const char* required : {"user", "mount"}) {
      if (auto v = r.boolean(required); v && !*v)
        r.fail(*r.get(required), std::string("[namespaces] ") + required +
                                     " cannot be turned off: sbx is rootless and builds its root in a new " +
                                     required + " namespace");
    }
    spec.linux.namespaces.push_back({"user"});
    spec.linux.namespaces.push_back({"mount"});
    for (const char* ns : {"pid", "ipc", "uts", "cgroup"})
      if (r.boolean(ns).value_or(true)) spec.linux.namespaces.push_back({ns});
    if (r.get("network"))
      r.fail(*r.get("network"), "[namespaces] network: set [network] mode = \"none\" or \"host\" instead");
    spec.sbx.subordinate_ids = r.boolean("subordinate_ids").value_or(false);
    auto hostname = r.string("hostname");
    if (hostname) {
      const auto& h = *hostname;
      if (h.empty() || h.size() > 64 || h.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != std::string::npos)
        r.fail(*r.get("hostname"), "[namespaces] hostname must be 1-64 letters, digits, '-' or '.'");
      if (!spec.has_namespace("uts"))
        r.fail(*r.get("hostname"), "[namespaces] hostname needs the uts namespace (uts = true)");
      spec.hostname = h;
    } else if (spec.has_namespace("uts")) {
      spec.hostname = "sbx";
    }
    r.finish();

    TableReader nr(net ? *net : empty, "[network]");
    std::string mode = nr.string("mode").value_or("none");
    if (mode == "none") {
      spec.linux.namespaces.push_back({"network"});
    } else if (mode != "host") {
      nr.fail(*nr.get("mode"), "[network] mode must be \"none\" or \"host\", not \"" + mode + "\"" +
                                   did_you_mean(mode, {"none", "host"}));
    }
    nr.finish();

    spec.linux.uid_mappings = {{spec.process.uid, ctx.caller_uid, 1}};
    spec.linux.gid_mappings = {{spec.process.gid, ctx.caller_gid, 1}};
    if (spec.sbx.subordinate_ids) {
      add_subordinate_mappings(spec.linux.uid_mappings, read_subid_ranges("/etc/subuid", ctx.caller_user, ctx.caller_uid),
                               "/etc/subuid", ctx.caller_user);
      add_subordinate_mappings(spec.linux.gid_mappings, read_subid_ranges("/etc/subgid", ctx.caller_user, ctx.caller_uid),
                               "/etc/subgid", ctx.caller_user);
    }
  }

  void capabilities(const toml::table* t) {
    toml::table empty;
    TableReader r(t ? *t : empty, "[capabilities]");
    std::vector<std::string> caps;
    for (const auto& e : r.strings("add")) {
      auto c = normalize_capability(e.value);
      if (!c) r.fail(*e.node, "[capabilities] add: unknown capability '" + e.value + "'" +
                                  did_you_mean(e.value, capability_names()));
      if (std::find(caps.begin(), caps.end(), *c) == caps.end()) caps.push_back(*c);
    }
    r.finish();
    auto& pc = spec.process.capabilities;
    pc.bounding = pc.effective = pc.inheritable = pc.permitted = pc.ambient = caps;
  }

  void limits(const toml::table* t) {
    if (!t) return;
    TableReader r(*t, "[limits]");
    for (auto&& [k, v] : *t) {
      std::string key(k.str());
      auto canon = normalize_rlimit(key);
      if (!canon) {
        throw Error(located(k.source(), "unknown key '" + key + "' in [limits]" + did_you_mean(key, rlimit_short_names())));
      }
      r.known(key);
      uint64_t value = 0;
      if (v.is_integer()) {
        if (v.as_integer()->get() < 0) r.fail(v, "[limits] " + key + " cannot be negative");
        value = static_cast<uint64_t>(v.as_integer()->get());
      } else if (v.is_string()) {
        const auto& s = v.as_string()->get();
        std::optional<uint64_t> parsed;
        if (s == "unlimited") {
          parsed = RLIM_INFINITY;
        } else if (key == "cpu" || key == "rttime") {
          if (auto d = parse_duration(s))
            parsed = key == "cpu" ? static_cast<uint64_t>(d->count() / 1000) : static_cast<uint64_t>(d->count()) * 1000;
        } else {
          parsed = parse_size(s);
        }
        if (!parsed)
          r.fail(v, "[limits] " + key + ": invalid value \"" + s + "\" (" +
                        (key == "cpu" ? "a duration like \"10m\"" : "a number, a size like \"1G\"") + ", or \"unlimited\")");
        value = *parsed;
      } else {
        r.fail_type(v, key, "an integer or a string");
      }
      spec.process.rlimits.push_back({*canon, value, value});
    }
  }

  void seccomp(const toml::table* t) {
    if (!t) return;
    seccomp_from_profile(*t, spec);
  }
};

}  // namespace

Spec build_spec(const toml::table& profile, const BuildContext& ctx) {
  Builder b{ctx, {}, {}};
  TableReader top(profile, "the top level");
  b.spec.sbx.description = top.string("description").value_or("");
  b.spec.sbx.profile = ctx.profile_name;
  b.process(top.table("process"));
  b.namespaces(top.table("namespaces"), top.table("network"));
  b.filesystem(top.table("filesystem"));
  b.capabilities(top.table("capabilities"));
  b.limits(top.table("limits"));
  b.seccomp(top.table("seccomp"));
  top.finish();
  return std::move(b.spec);
}

}  // namespace sbx
