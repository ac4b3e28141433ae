#include "spec/from_profile.hpp"

#include <fnmatch.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <fstream>
#include <map>

#include "profile/location.hpp"
#include "profile/reader.hpp"
#include "spec/from_profile_seccomp.hpp"
#include "spec/subids.hpp"
#include "util/error.hpp"
#include "util/names.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"


namespace sbx {

BuildContext BuildContext::from_process(std::vector<std::string> args) {
  BuildContext ctx;
  ctx.caller_uid = ::getuid();
  ctx.caller_gid = ::getgid();
  for (char** e = ::environ; e && *e; ++e) ctx.environ.emplace_back(*e);
  ctx.args = std::move(args);
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd)) ctx.cwd = cwd;
  for (const auto& name : rlimit_short_names()) {
    auto canon = normalize_rlimit(name);
    auto res = rlimit_resource(*canon);
    struct rlimit rl {};
    if (res && ::getrlimit(*res, &rl) == 0) ctx.hard_limits[*canon] = rl.rlim_max;
  }
  if (struct sysinfo si {}; ::sysinfo(&si) == 0) ctx.ram_bytes = static_cast<uint64_t>(si.totalram) * si.mem_unit;
  if (std::ifstream f("/proc/sys/fs/nr_open"); f) {
    uint64_t v = 0;
    if (f >> v && v > 0) ctx.nr_open = v;
  }
  return ctx;
}

std::string normalize_sandbox_path(const std::string& p) {
  if (p.empty()) throw Error("empty path");
  if (p.size() >= PATH_MAX) throw Error("path is longer than PATH_MAX (" + std::to_string(PATH_MAX) + ")");
  if (has_control_chars(p)) throw Error("control character in path \"" + printable(p) + "\"");
  if (p[0] != '/') throw Error("path must be absolute: \"" + p + "\"");
  std::string out;
  for (const auto& comp : split(p, '/')) {
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") throw Error("'..' is not allowed in a path: \"" + p + "\"");
    if (comp.size() > NAME_MAX)
      throw Error("path component longer than NAME_MAX (" + std::to_string(NAME_MAX) + "): \"" + comp.substr(0, 32) + "...\"");
    out += "/" + comp;
  }
  return out.empty() ? "/" : out;
}

namespace {

// A [filesystem] protect entry: a path relative to a writable bind, normalised
// ("./.git/" -> ".git").
std::string normalize_protect_path(const std::string& p) {
  if (p.empty()) throw Error("empty path");
  if (has_control_chars(p)) throw Error("control character in path \"" + printable(p) + "\"");
  if (p[0] == '/') throw Error("path must be relative to the writable directory, not absolute: \"" + p + "\"");
  std::string out;
  for (const auto& comp : split(p, '/')) {
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") throw Error("'..' is not allowed in a path: \"" + p + "\"");
    if (comp.size() > NAME_MAX) throw Error("path component longer than NAME_MAX: \"" + comp.substr(0, 32) + "...\"");
    out += (out.empty() ? "" : "/") + comp;
  }
  if (out.empty()) throw Error("\"" + p + "\" names the writable directory itself");
  return out;
}

size_t depth(const std::string& path) {
  return path == "/" ? 0 : static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
}


bool is_octal_mode(const std::string& s) {
  return !s.empty() && s.size() <= 4 && s.find_first_not_of("01234567") == std::string::npos;
}

// A size option value as the kernel (memparse) reads it: digits and one k/m/g suffix
// stay as written; anything else parse_size accepts ("64MiB") becomes bytes.
std::string size_option(const std::string& value) {
  auto bytes = parse_size(value);
  if (!bytes) throw Error("invalid size \"" + value + "\" (like 64M or 1G)");
  size_t digits = value.find_first_not_of("0123456789");
  if (digits == std::string::npos || (digits == value.size() - 1 && std::string("kKmMgG").find(value.back()) != std::string::npos))
    return value;
  return std::to_string(*bytes);
}

// A tmpfs size= value: a size (size_option) or a percentage of the RAM ("25%", which
// the kernel reads itself), refused above the RAM (`ram`: 0 if unknown).
std::string tmpfs_size(const std::string& value, uint64_t ram) {
  if (!value.empty() && value.back() == '%') {
    std::string digits = value.substr(0, value.size() - 1);
    if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos)
      throw Error("invalid tmpfs size \"" + value + "\" (like size=64M, or size=25% of the RAM)");
    if (std::stoul(digits) > 100)
      throw Error("tmpfs size " + value + " is more than the RAM: tmpfs lives in memory, and the OOM killer "
                  "would pick the host's processes, not the sandbox's files");
    return value;
  }
  std::string out = size_option(value);
  uint64_t bytes = *parse_size(value);
  if (ram && bytes > ram)
    throw Error("tmpfs size " + value + " is more than the machine's RAM (" + std::to_string(ram >> 20) +
                " MiB): tmpfs lives in memory, and the OOM killer would pick the host's processes, not the "
                "sandbox's files");
  return out;
}

bool is_decimal(const std::string& s) {
  return !s.empty() && s.size() <= 10 && s.find_first_not_of("0123456789") == std::string::npos;
}

// A variable name a CI system or a developer would give a secret (case-insensitive).
bool looks_like_secret(const std::string& name) {
  for (const char* p : {"*TOKEN*", "*SECRET*", "*PASSWORD*", "*PASSWD*", "*_KEY", "*CREDENTIAL*", "*AUTH*"})
    if (::fnmatch(p, name.c_str(), FNM_CASEFOLD) == 0) return true;
  return false;
}

// Checks one "key=value" filesystem option for a mount type; returns it normalised.
std::string fs_option(const std::string& type, const std::string& opt, uint64_t ram) {
  auto eq = opt.find('=');
  std::string key = opt.substr(0, eq), value = opt.substr(eq + 1);
  static const std::map<std::string, std::vector<std::string>> kKeys = {
      {"tmpfs", {"size", "mode", "nr_inodes", "uid", "gid"}},
      {"devpts", {"mode", "ptmxmode", "uid", "gid", "max"}},
      {"proc", {"hidepid", "subset"}},
      {"mqueue", {}},
      {"sysfs", {}},
      {"bind", {}},
  };
  const auto& keys = kKeys.at(type);
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
    if (keys.empty()) throw Error("a " + type + " mount takes no key=value options, not \"" + opt + "\"");
    std::string list;
    for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k + "=";
    throw Error("unknown " + type + " option \"" + opt + "\"" + did_you_mean(key, keys) + " (" + list + ")");
  }
  if (key == "size" && type == "tmpfs") return key + "=" + tmpfs_size(value, ram);
  if (key == "size" || key == "nr_inodes") return key + "=" + size_option(value);
  if (key == "mode" || key == "ptmxmode") {
    if (!is_octal_mode(value)) throw Error(key + " must be octal, like " + key + "=0755: \"" + opt + "\"");
  } else if (key == "hidepid") {
    static const std::vector<std::string> kHidepid = {"0", "1", "2", "4", "off", "noaccess", "invisible", "ptraceable"};
    if (std::find(kHidepid.begin(), kHidepid.end(), value) == kHidepid.end())
      throw Error("hidepid must be off, noaccess, invisible or ptraceable: \"" + opt + "\"");
  } else if (key == "subset") {
    if (value != "pid") throw Error("subset must be pid: \"" + opt + "\"");
  } else if (!is_decimal(value)) {  // uid, gid, max
    throw Error(key + " must be a number: \"" + opt + "\"");
  }
  return opt;
}

// An environment variable name as [process.env] takes it.
void check_env_name(const std::string& name) {
  if (name.empty() || name.find('=') != std::string::npos || has_control_chars(name))
    throw Error("\"" + name + "\" is not a variable name");
}

// How a [limits] value is written and what unit the kernel takes.
enum class LimitUnit { Bytes, Count, Seconds, Microseconds, Priority };

LimitUnit limit_unit(const std::string& canon) {
  if (canon == "RLIMIT_NOFILE" || canon == "RLIMIT_NPROC" || canon == "RLIMIT_SIGPENDING" || canon == "RLIMIT_LOCKS")
    return LimitUnit::Count;
  if (canon == "RLIMIT_CPU") return LimitUnit::Seconds;
  if (canon == "RLIMIT_RTTIME") return LimitUnit::Microseconds;
  if (canon == "RLIMIT_NICE" || canon == "RLIMIT_RTPRIO") return LimitUnit::Priority;
  return LimitUnit::Bytes;
}

const char* limit_syntax(LimitUnit u) {
  switch (u) {
    case LimitUnit::Bytes: return "a number of bytes, a size like \"1G\", or \"unlimited\"";
    case LimitUnit::Count: return "a number, or \"unlimited\"";
    case LimitUnit::Seconds: return "a number of seconds, a duration like \"10m\", or \"unlimited\"";
    case LimitUnit::Microseconds: return "a number of microseconds, a duration like \"500ms\", or \"unlimited\"";
    case LimitUnit::Priority: return "a number";
  }
  return "";
}

struct Builder {
  const BuildContext& ctx;
  Spec spec;
  ErrorList errors;  // all of the profile's, reported together
  // destination -> who declared it ("at file:line:col", or a built-in mount) and in
  // which file, for duplicate detection across mounts and symlinks.
  struct Claim {
    std::string by;
    std::string file;
  };
  std::map<std::string, Claim> destinations;
  const toml::node* pid_off = nullptr;  // [namespaces] pid = false, if so

  static std::string file_of(const toml::node& n) { return n.source().path ? *n.source().path : std::string(); }

  // Records that `dest` is declared at `here`; throws (without position: the caller
  // adds it) when something else already declared it.
  void claim(const std::string& dest, const toml::node& here) {
    if (dest.rfind("/proc/", 0) == 0)
      throw Error("nothing may be mounted or created below /proc ('" + dest +
                  "'): sbx's /proc is a fresh procfs, masked where the OCI defaults say");
    std::string w = where(here.source());
    auto [it, inserted] = destinations.emplace(dest, Claim{w.empty() ? "elsewhere" : "at " + w, file_of(here)});
    if (inserted) return;
    std::string msg = "'" + dest + "' is mounted twice (also " + it->second.by + ")";
    if (!it->second.file.empty() && it->second.file != file_of(here))
      msg += "; to replace the inherited entry, remove it with \"!ENTRY\" in the array that declares it";
    throw Error(msg);
  }

  void add_mount(Mount m, const toml::node& n) {
    if (m.destination == "/")
      throw Error(std::string("nothing can be mounted on / (the sandbox's root is sbx's own)") +
                  (m.is_bind() && m.source == "/" && ctx.cwd == "/"
                       ? ": the current directory is /, and binding it would hand the sandbox the whole host; "
                         "run sbx from a project directory"
                       : ""));
    // /proc is only ever a fresh procfs of the sandbox's own pid namespace, masked and
    // read-only where the OCI defaults say: nothing else there, nothing below it.
    if (m.destination == "/proc" && m.type != "proc")
      throw Error("only a fresh procfs may be mounted at /proc, not a " + m.type);
    if (project_meets_private_tmpfs(m, n)) return;
    claim(m.destination, n);
    spec.mounts.push_back(std::move(m));
  }

  // The project (the current directory, bound by `${PWD}`) at the same place as one of
  // the profile's private tmpfs mounts ($HOME, /tmp, ...): the tmpfs wins, because the
  // host's home or /tmp holds what a sandbox must not see (~/.ssh, agent sockets). The
  // sandbox then starts in that empty directory, and the user is told.
  bool project_meets_private_tmpfs(Mount& m, const toml::node& n) {
    auto it = destinations.find(m.destination);
    if (it == destinations.end() || ctx.cwd.empty()) return false;
    auto old = std::find_if(spec.mounts.begin(), spec.mounts.end(),
                            [&](const Mount& x) { return x.destination == m.destination; });
    if (old == spec.mounts.end()) return false;
    bool new_is_project = m.is_bind() && m.source == ctx.cwd && old->type == "tmpfs";
    bool old_is_project = old->is_bind() && old->source == ctx.cwd && m.type == "tmpfs";
    if (!new_is_project && !old_is_project) return false;
    spec.sbx.warnings.push_back("the current directory " + ctx.cwd +
                                " is a private tmpfs in this profile, so the sandbox starts in an empty " +
                                ctx.cwd + " and does not see the host's; run sbx from a project directory");
    if (old_is_project) {
      *old = std::move(m);  // the tmpfs replaces the project bind
      it->second = Claim{"at " + where(n.source()), file_of(n)};
    }
    return true;
  }

  // "?SRC[:DEST]" -> bind mount
  void bind_entries(TableReader& r, const std::string& key, bool readonly) {
    for (const auto& e : r.strings(key)) {
      at_key(r, *e.node, key, [&] {
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
        std::string w = where(e.node->source());
        spec.sbx.bind_origins.emplace(m.source, (w.empty() ? "" : w + ": ") + "[filesystem] " + key);
        add_mount(std::move(m), *e.node);
        return 0;
      });
    }
  }

  // "DEST[:mode=..,size=..,noexec,ro]"
  void tmpfs_entries(TableReader& r) {
    for (const auto& e : r.strings("tmpfs")) {
      at_key(r, *e.node, "tmpfs", [&] {
        auto colon = e.value.find(':');
        Mount m;
        m.type = "tmpfs";
        m.source = "tmpfs";
        m.destination = normalize_sandbox_path(e.value.substr(0, colon));
        m.options = {"nosuid", "nodev"};
        std::vector<std::string> seen;
        if (colon != std::string::npos) {
          for (const auto& o : split(e.value.substr(colon + 1), ',')) {
            std::string key = o.substr(0, o.find('='));
            if (std::find(seen.begin(), seen.end(), key) != seen.end())
              throw Error("tmpfs option \"" + key + "\" given twice");
            seen.push_back(key);
            if (starts_with(o, "mode=")) {
              if (!is_octal_mode(o.substr(5))) throw Error("tmpfs mode must be octal, like mode=1777: \"" + o + "\"");
              m.options.push_back(o);
            } else if (starts_with(o, "size=")) {
              std::string v = o.substr(5);
              if (v.empty() || (v.back() != '%' && !parse_size(v)))
                throw Error("invalid tmpfs size \"" + o + "\" (like size=64M, or size=25% of the RAM)");
              m.options.push_back("size=" + tmpfs_size(v, ctx.ram_bytes));
            } else if (o == "noexec" || o == "ro") {
              m.options.push_back(o);
            } else {
              throw Error("unknown tmpfs option \"" + o + "\"" + did_you_mean(key, {"mode", "size", "noexec", "ro"}) +
                          " (mode=, size=, noexec, ro)");
            }
          }
        }
        if (std::find(seen.begin(), seen.end(), "mode") == seen.end()) m.options.push_back("mode=755");
        add_mount(std::move(m), *e.node);
        return 0;
      });
    }
  }

  // Reproduce host paths as they are: a symlink stays a symlink, a directory is bound
  // read-only, an absent path is skipped.
  void mirror_entries(TableReader& r) {
    for (const auto& e : r.strings("mirror")) {
      at_key(r, *e.node, "mirror", [&] {
        std::string p = normalize_sandbox_path(e.value);
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) {
          if (errno == ENOENT || errno == ENOTDIR) return 0;
          throw_errno("lstat " + p);
        }
        if (S_ISLNK(st.st_mode)) {
          char buf[PATH_MAX];
          ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
          if (n < 0) throw_errno("readlink " + p);
          buf[n] = '\0';
          claim(p, *e.node);
          spec.sbx.symlinks.push_back({buf, p});
        } else {
          Mount m;
          m.type = "bind";
          m.source = p;
          m.destination = p;
          m.options = {"rbind", "ro", "nosuid", "nodev"};
          add_mount(std::move(m), *e.node);
        }
        return 0;
      });
    }
  }

  // "TARGET:PATH"
  void symlink_entries(TableReader& r) {
    for (const auto& e : r.strings("symlinks")) {
      at_key(r, *e.node, "symlinks", [&] {
        auto colon = e.value.rfind(':');
        if (colon == std::string::npos || colon == 0) throw Error("expected \"TARGET:PATH\", got \"" + e.value + "\"");
        std::string target = e.value.substr(0, colon);
        if (has_control_chars(target)) throw Error("control character in symlink target \"" + printable(target) + "\"");
        if (target.size() >= PATH_MAX) throw Error("symlink target is longer than PATH_MAX (" + std::to_string(PATH_MAX) + ")");
        std::string path = normalize_sandbox_path(e.value.substr(colon + 1));
        if (path == "/") throw Error("cannot replace / with a symlink");
        claim(path, *e.node);
        spec.sbx.symlinks.push_back({target, path});
        return 0;
      });
    }
  }

  void full_mounts(TableReader& r) {
    if (const toml::node* n = r.get("mount"); n && n->is_table())
      r.fail(*n, "[filesystem] mount is an array of tables: write [[filesystem.mount]], with two brackets");
    const toml::array* arr = r.array("mount");
    if (!arr) return;
    static const std::vector<std::string> kTypes = {"bind", "tmpfs", "proc", "devpts", "mqueue", "sysfs"};
    static const std::vector<std::string> kFlags = {
        "bind", "rbind", "ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "relatime",
        "norelatime", "strictatime", "noatime", "private", "rprivate", "slave", "rslave", "newinstance"};
    for (const auto& n : *arr) {
      const toml::table* t = n.as_table();
      if (!t) r.fail(n, "[[filesystem.mount]] entries must be tables, not " + std::string(toml_type_name(n)));
      TableReader mr(*t, "[[filesystem.mount]]");
      Mount m;
      auto dst = mr.string("destination");
      auto type = mr.string("type");
      if (!dst) r.fail(n, "[[filesystem.mount]] needs a destination");
      if (!type) r.fail(n, "[[filesystem.mount]] needs a type (bind, tmpfs, proc, devpts, mqueue, sysfs)");
      if (std::find(kTypes.begin(), kTypes.end(), *type) == kTypes.end())
        mr.fail(*mr.get("type"), "[[filesystem.mount]] type: unsupported mount type '" + *type + "'" +
                                     did_you_mean(*type, kTypes) + " (bind, tmpfs, proc, devpts, mqueue, sysfs)");
      m.type = *type;
      m.destination = at_key(mr, *mr.get("destination"), "destination", [&] { return normalize_sandbox_path(*dst); });
      auto src = mr.string("source");
      if (m.type == "bind") {
        if (!src) r.fail(n, "a bind [[filesystem.mount]] needs a source");
        m.source = at_key(mr, *mr.get("source"), "source", [&] { return normalize_sandbox_path(*src); });
      } else if (src) {
        if (src->empty() || has_control_chars(*src))
          mr.fail(*mr.get("source"), "[[filesystem.mount]] source: invalid filesystem name \"" + *src + "\"");
        m.source = *src;
      } else {
        m.source = m.type;
      }
      std::vector<std::string> seen;
      for (const auto& o : mr.strings("options")) {
        if (std::find(seen.begin(), seen.end(), o.value) != seen.end())
          mr.fail(*o.node, "[[filesystem.mount]] options: \"" + o.value + "\" given twice");
        seen.push_back(o.value);
        if (o.value.find('=') != std::string::npos) {
          m.options.push_back(at_key(mr, *o.node, "options", [&] { return fs_option(m.type, o.value, ctx.ram_bytes); }));
          continue;
        }
        if (std::find(kFlags.begin(), kFlags.end(), o.value) == kFlags.end())
          mr.fail(*o.node, "[[filesystem.mount]] options: unknown mount option '" + o.value + "'" + did_you_mean(o.value, kFlags));
        if ((o.value == "bind" || o.value == "rbind") && m.type != "bind")
          mr.fail(*o.node, "[[filesystem.mount]] options: '" + o.value + "' only goes with type = \"bind\"");
        if (o.value == "newinstance" && m.type != "devpts")
          mr.fail(*o.node, "[[filesystem.mount]] options: 'newinstance' only goes with type = \"devpts\"");
        m.options.push_back(o.value);
      }
      if (m.has_option("ro") && m.has_option("rw"))
        mr.fail(n, "[[filesystem.mount]] options: 'ro' and 'rw' contradict each other");
      if (m.type == "bind" && !m.has_option("bind") && !m.has_option("rbind")) m.options.insert(m.options.begin(), "rbind");
      if (auto opt = mr.boolean("optional")) {
        if (*opt && m.type != "bind")
          mr.fail(*mr.get("optional"), "[[filesystem.mount]] optional only applies to bind mounts (a missing source)");
        m.optional = *opt;
      }
      mr.finish();
      const toml::node& dst_node = *mr.get("destination");
      at_key(mr, dst_node, "destination", [&] {
        add_mount(std::move(m), dst_node);
        return 0;
      });
    }
  }

  void filesystem(const toml::table* t) {
    toml::table empty;
    TableReader r(t ? *t : empty, "[filesystem]", &errors);
    // The built-in mounts claim their destinations first, so that a profile's own mount
    // there is the one reported.
    bool proc = r.boolean("proc").value_or(true);
    bool dev = r.boolean("dev").value_or(true);
    if (proc) destinations["/proc"] = {"by [filesystem] proc = true; set proc = false to mount your own", ""};
    if (dev)
      for (const char* d : {"/dev", "/dev/pts", "/dev/shm"})
        destinations[d] = {"by [filesystem] dev = true; set dev = false to mount your own /dev", ""};
    if (proc && pid_off)
      r.fail(*pid_off,
             "[namespaces] pid = false: a fresh /proc needs the pid namespace; also set [filesystem] proc = false");
    bind_entries(r, "ro", true);
    bind_entries(r, "rw", false);
    tmpfs_entries(r);
    mirror_entries(r);
    symlink_entries(r);
    full_mounts(r);
    if (proc) spec.mounts.push_back({"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}, false});
    if (dev) {
      spec.mounts.push_back({"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}, false});
      spec.mounts.push_back(
          {"/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}, false});
      spec.mounts.push_back({"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}, false});
    }
    spec.linux.masked_paths = oci_default_masked_paths();
    for (const auto& e : r.strings("masked")) {
      std::string p = at_key(r, *e.node, "masked", [&] { return normalize_sandbox_path(e.value); });
      if (p == "/") r.fail(*e.node, "[filesystem] masked: cannot mask /");
      if (std::find(spec.linux.masked_paths.begin(), spec.linux.masked_paths.end(), p) == spec.linux.masked_paths.end())
        spec.linux.masked_paths.push_back(p);
    }
    spec.linux.readonly_paths = oci_default_readonly_paths();
    for (const auto& e : r.strings("protect"))
      spec.sbx.protect.push_back(at_key(r, *e.node, "protect", [&] { return normalize_protect_path(e.value); }));
    spec.root.readonly = r.boolean("root_readonly").value_or(true);
    if (auto c = r.string("cache"); c && !c->empty()) {
      spec.sbx.cache_dir = at_key(r, *r.get("cache"), "cache", [&] {
        std::string p = normalize_sandbox_path(*c);
        if (!ctx.cwd.empty() && !strictly_below(p, ctx.cwd))
          throw Error("\"" + p + "\" is not inside the project (" + ctx.cwd + "): sbx makes the cache directory there");
        return p;
      });
    }
    r.finish();
    // Parents before children: a tmpfs on $HOME must not hide a project bound below it.
    std::stable_sort(spec.mounts.begin(), spec.mounts.end(),
                     [](const Mount& a, const Mount& b) { return depth(a.destination) < depth(b.destination); });
    protect_project_parents();
  }

  static bool strictly_below(const std::string& path, const std::string& dir) {
    return dir == "/" ? path.size() > 1 : path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
  }

  // The directory holding the project (the bind of the current directory), when it is in
  // a writable tmpfs ($HOME, /tmp): read-only, so that `cmake -B ../build` or a
  // ../pkg.deb fails with EROFS at once instead of writing to a tmpfs that is gone at
  // exit. Only that one: its siblings higher up stay writable ($HOME/go/pkg/mod for a
  // project in $HOME/go/src/x/p), and so does the tmpfs itself (~/.npm, ~/.cache): a
  // project directly in it ($HOME/proj) has no such directory, and ../x lands in the
  // throwaway tmpfs.
  void protect_project_parents() {
    if (ctx.cwd.empty() || ctx.cwd == "/") return;
    auto is_project = [&](const Mount& m) { return m.is_bind() && m.destination == ctx.cwd; };
    if (std::none_of(spec.mounts.begin(), spec.mounts.end(), is_project)) return;
    const Mount* below = nullptr;  // the deepest mount the project is below
    for (const auto& m : spec.mounts)
      if (strictly_below(ctx.cwd, m.destination) && (!below || depth(m.destination) >= depth(below->destination)))
        below = &m;
    if (!below || below->type != "tmpfs" || below->has_option("ro")) return;
    std::string parent = ctx.cwd.substr(0, ctx.cwd.rfind('/'));
    if (!strictly_below(parent, below->destination)) return;  // directly in the tmpfs
    spec.sbx.readonly_dirs.push_back(parent);
  }

  void environment(TableReader& pr) {
    const toml::node* envn = pr.get("env");
    toml::table empty;
    const toml::table* et = &empty;
    if (envn) {
      if (!envn->is_table()) pr.fail_type(*envn, "env", "a table like { clear = true, keep = [\"PATH\"] }");
      et = envn->as_table();
    }
    TableReader r(*et, "[process.env]", &errors);
    bool clear = r.boolean("clear").value_or(true);
    auto keep = r.strings("keep");
    for (const auto& k : keep)
      at_key(r, *k.node, "keep", [&] {
        check_env_name(k.value);
        return 0;
      });
    std::vector<std::string> env, secrets;
    for (const auto& kv : ctx.environ) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) continue;
      std::string name = kv.substr(0, eq);
      bool kept = !clear;
      for (const auto& k : keep)
        if (::fnmatch(k.value.c_str(), name.c_str(), 0) == 0) kept = true;
      if (!kept) continue;
      env.push_back(kv);
      if (looks_like_secret(name)) secrets.push_back(kv);
    }
    auto drop = [&](const std::string& name) {
      std::erase_if(env, [&](const std::string& e) { return e.compare(0, name.size() + 1, name + "=") == 0; });
    };
    if (const toml::table* set = r.table("set")) {
      for (auto&& [k, v] : *set) {
        std::string name(k.str());
        if (name.empty() || name.find('=') != std::string::npos || has_control_chars(name))
          throw Error(located(k.source(), "[process.env] set: invalid variable name '" + name + "'"));
        if (!v.is_string())
          throw Error(located(v.source(), "[process.env] set." + name + " must be a string, not " + toml_type_name(v)));
        drop(name);
        env.push_back(name + "=" + v.as_string()->get());
      }
    }
    for (const auto& u : r.strings("unset")) {
      at_key(r, *u.node, "unset", [&] {
        check_env_name(u.value);
        if (u.value.find_first_of("*?[") != std::string::npos)
          throw Error("\"" + u.value + "\" is a pattern; unset takes variable names");
        return 0;
      });
      drop(u.value);
    }
    r.finish();
    // What the caller's environment passes that looks like a secret, said once (a `set`
    // or `unset` of the same name replaced or dropped it).
    std::string passed;
    std::sort(secrets.begin(), secrets.end());
    for (const auto& kv : secrets)
      if (std::find(env.begin(), env.end(), kv) != env.end()) passed += (passed.empty() ? "" : ", ") + kv.substr(0, kv.find('='));
    if (!passed.empty())
      spec.sbx.warnings.push_back("[process.env] keeps variables that look like secrets, and passes them into the sandbox: " +
                                  passed + " (keep names, not patterns; `unset` drops one)");
    spec.process.env = std::move(env);
  }

  void process(const toml::table* t) {
    toml::table empty;
    TableReader r(t ? *t : empty, "[process]", &errors);
    spec.process.args = ctx.args;
    spec.process.uid = static_cast<uint32_t>(r.integer("uid", 0, 0xfffffffe).value_or(ctx.caller_uid));
    spec.process.gid = static_cast<uint32_t>(r.integer("gid", 0, 0xfffffffe).value_or(ctx.caller_gid));
    if (auto cwd = r.string("cwd"))
      spec.process.cwd = at_key(r, *r.get("cwd"), "cwd", [&] { return normalize_sandbox_path(*cwd); });
    if (const toml::node* um = r.get("umask")) {
      int64_t v = -1;
      if (um->is_integer()) v = um->as_integer()->get();
      if (um->is_string()) {
        const auto& s = um->as_string()->get();
        if (is_octal_mode(s)) v = std::stol(s, nullptr, 8);
      }
      if (v < 0 || v > 0777) r.fail(*um, "[process] umask must be an octal mode like \"022\" or 0o022");
      spec.process.umask = static_cast<uint32_t>(v);
    }
    if (const toml::node* to = r.get("timeout")) {
      // A bare number is seconds (sbx-profile(5)); a string is a duration.
      if (auto* i = to->as_integer()) {
        if (i->get() <= 0 || i->get() > 100LL * 365 * 24 * 3600)
          r.fail(*to, "[process] timeout must be a positive number of seconds, not " + std::to_string(i->get()));
        spec.sbx.timeout = std::chrono::seconds(i->get());
      } else if (auto* s = to->as_string()) {
        auto d = parse_duration(s->get());
        if (!d || d->count() == 0)
          r.fail(*to, "[process] timeout: invalid duration \"" + s->get() + "\" (like \"90s\", \"30m\", \"1h30m\", or 45 for seconds)");
        spec.sbx.timeout = *d;
      } else {
        r.fail_type(*to, "timeout", "a number of seconds or a duration like \"90s\"");
      }
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
    TableReader r(t ? *t : empty, "[namespaces]", &errors);
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
    if (!spec.has_namespace("pid")) pid_off = r.get("pid");
    if (r.get("network"))
      r.fail(*r.get("network"), "[namespaces] network: set [network] mode = \"none\" or \"host\" instead");
    spec.sbx.subordinate_ids = r.boolean("subordinate_ids").value_or(false);
    auto hostname = r.string("hostname");
    if (hostname && !hostname->empty()) {
      const auto& h = *hostname;
      if (h.size() > 64 ||
          h.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != std::string::npos)
        r.fail(*r.get("hostname"), "[namespaces] hostname must be 1-64 letters, digits, '-' or '.', not \"" + h + "\"");
      if (!spec.has_namespace("uts"))
        r.fail(*r.get("hostname"),
               "[namespaces] hostname needs the uts namespace: set uts = true, or hostname = \"\" to set none");
      spec.hostname = h;
    } else if (!hostname && spec.has_namespace("uts")) {
      spec.hostname = "sbx";
    }
    r.finish();

    TableReader nr(net ? *net : empty, "[network]", &errors);
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
      try {  // (spec/subids' messages name the key already)
        add_subordinate_mappings(spec.linux.uid_mappings,
                                 read_subid_ranges("/etc/subuid", ctx.caller_user, ctx.caller_uid), "/etc/subuid",
                                 ctx.caller_user);
        add_subordinate_mappings(spec.linux.gid_mappings,
                                 read_subid_ranges("/etc/subgid", ctx.caller_user, ctx.caller_uid), "/etc/subgid",
                                 ctx.caller_user);
      } catch (const Error& e) {
        r.fail(*r.get("subordinate_ids"), e.what());
      }
    }
  }

  void capabilities(const toml::table* t) {
    toml::table empty;
    TableReader r(t ? *t : empty, "[capabilities]", &errors);
    std::vector<std::string> caps;
    for (const auto& e : r.strings("add")) {
      auto c = normalize_capability(e.value);
      if (!c) {
        // Suggest in the canonical spelling: "net_raww" -> CAP_NET_RAW.
        std::string word = e.value;
        for (auto& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (!starts_with(word, "CAP_")) word = "CAP_" + word;
        r.fail(*e.node, "[capabilities] add: unknown capability '" + e.value + "'" + did_you_mean(word, capability_names()));
      }
      if (std::find(caps.begin(), caps.end(), *c) == caps.end()) caps.push_back(*c);
    }
    r.finish();
    auto& pc = spec.process.capabilities;
    pc.bounding = pc.effective = pc.inheritable = pc.permitted = pc.ambient = caps;
  }

  uint64_t limit_value(TableReader& r, const std::string& key, const std::string& canon, const toml::node& v) {
    LimitUnit unit = limit_unit(canon);
    std::string syntax = limit_syntax(unit);
    if (v.is_integer()) {
      int64_t i = v.as_integer()->get();
      if (i < 0) r.fail(v, "[limits] " + key + " cannot be negative");
      if (unit == LimitUnit::Priority) {
        int64_t max = canon == "RLIMIT_NICE" ? 40 : 99;
        if (i > max)
          r.fail(v, "[limits] " + key + " must be between 0 and " + std::to_string(max) + ", not " + std::to_string(i));
      }
      return static_cast<uint64_t>(i);
    }
    if (!v.is_string()) r.fail_type(v, key, "an integer or a string (" + syntax + ")");
    const auto& s = v.as_string()->get();
    if (s == "unlimited" && unit != LimitUnit::Priority) return RLIM_INFINITY;
    std::optional<uint64_t> parsed;
    switch (unit) {
      case LimitUnit::Bytes: parsed = parse_size(s); break;
      case LimitUnit::Count:
        if (!s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string::npos) parsed = std::stoull(s);
        break;
      case LimitUnit::Seconds:
        if (auto d = parse_duration(s)) {
          if (d->count() % 1000 != 0) r.fail(v, "[limits] " + key + ": \"" + s + "\" is not a whole number of seconds");
          parsed = static_cast<uint64_t>(d->count() / 1000);
        }
        break;
      case LimitUnit::Microseconds:
        if (auto d = parse_duration(s)) parsed = static_cast<uint64_t>(d->count()) * 1000;
        break;
      case LimitUnit::Priority: break;
    }
    if (!parsed) r.fail(v, "[limits] " + key + ": invalid value \"" + s + "\" (" + syntax + ")");
    return *parsed;
  }

  void limits(const toml::table* t) {
    if (!t) return;
    // In source order, so that the second of two spellings of one limit is reported.
    std::vector<const toml::key*> keys;
    for (auto&& [k, v] : *t) keys.push_back(&k);
    std::stable_sort(keys.begin(), keys.end(), [](const toml::key* a, const toml::key* b) {
      return std::pair(a->source().begin.line, a->source().begin.column) <
             std::pair(b->source().begin.line, b->source().begin.column);
    });
    std::map<std::string, std::string> seen;  // canonical -> key
    for (const toml::key* kp : keys) {
      const toml::key& k = *kp;
      std::string key(k.str());
      auto canon = normalize_rlimit(key);
      if (!canon) {
        bool memory = key == "memory" || key == "mem" || key == "ram" || key == "memory_max";
        throw Error(located(k.source(), "unknown key '" + key + "' in [limits]" +
                                            (memory ? std::string("; there is no memory limit as such: 'as' caps the "
                                                                  "address space (virtual memory), as = \"4G\"")
                                                    : did_you_mean(key, rlimit_short_names()))));
      }
      if (auto [it, fresh] = seen.emplace(*canon, key); !fresh)
        throw Error(located(k.source(), "[limits] '" + key + "' and '" + it->second + "' set the same limit (" + *canon + ")"));
    }
    TableReader r(*t, "[limits]", &errors);
    for (auto&& [k, v] : *t) {
      std::string key(k.str());
      std::string canon = *normalize_rlimit(key);
      r.known(key);
      uint64_t value = limit_value(r, key, canon, v);
      if (canon == "RLIMIT_NOFILE" && value > ctx.nr_open)
        r.fail(v, "[limits] " + key + ": " + (value == RLIM_INFINITY ? std::string("\"unlimited\"") : std::to_string(value)) +
                      " is above the kernel's maximum for open files, fs.nr_open = " + std::to_string(ctx.nr_open));
      auto h = ctx.hard_limits.find(canon);
      bool above = h != ctx.hard_limits.end() && h->second != RLIM_INFINITY && value > h->second;
      // A cap on processes is a protection, not a request: above the caller's own hard
      // limit, that lower limit holds (the default profile's nproc on a small machine).
      if (above && canon == "RLIMIT_NPROC") {
        value = h->second;
        above = false;
      }
      if (above)
        r.fail(v, "[limits] " + key + ": " + (value == RLIM_INFINITY ? std::string("\"unlimited\"") : std::to_string(value)) +
                      " is above the caller's hard limit (" + std::to_string(h->second) +
                      "), which a sandbox cannot raise; raise it before starting sbx (ulimit -H)");
      spec.process.rlimits.push_back({canon, value, value});
    }
    r.finish();
  }

  void seccomp(const toml::table* t) {
    if (!t) return;
    seccomp_from_profile(*t, spec);
  }
};

}  // namespace

Spec build_spec(const toml::table& profile, const BuildContext& ctx, const ErrorList* pending) {
  Builder b{ctx, {}, {}, {}, nullptr};
  if (pending) b.errors = *pending;
  // Each section is read in full even after an error in another, so that a profile's
  // errors are all reported at once.
  auto section = [&b](auto&& read) {
    try {
      read();
    } catch (const Error& e) {
      b.errors.add(e);
    }
  };
  TableReader top(profile, "the top level", &b.errors);
  section([&] {
    if (auto d = top.string("description")) {
      if (has_control_chars(*d)) top.fail(*top.get("description"), "'description' must be one line of text without control characters");
      b.spec.sbx.description = *d;
    }
  });
  b.spec.sbx.profile = ctx.profile_name;
  b.spec.sbx.project = ctx.cwd;
  section([&] { b.process(top.table("process")); });
  section([&] { b.namespaces(top.table("namespaces"), top.table("network")); });
  section([&] { b.filesystem(top.table("filesystem")); });
  section([&] { b.capabilities(top.table("capabilities")); });
  section([&] { b.limits(top.table("limits")); });
  section([&] { b.seccomp(top.table("seccomp")); });
  top.finish();
  b.errors.throw_if_any();
  return std::move(b.spec);
}

}  // namespace sbx
