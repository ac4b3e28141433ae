#include "profile/loader.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "profile/location.hpp"
#include "profile/merge.hpp"
#include "profile/reader.hpp"
#include "profile/seccomp_text.hpp"
#include "util/error.hpp"

namespace sbx {

toml::table parse_profile_text(const std::string& text, const std::string& display) {
  try {
    return toml::parse(text, display);
  } catch (const toml::parse_error& e) {
    std::string desc(e.description());
    throw Error(located(e.source(), "invalid TOML: " + desc));
  }
}

namespace {

// A NUL cannot reach a path, a name or the environment intact: refuse it anywhere.
void refuse_nul(const toml::node& n) {
  if (auto* t = n.as_table()) {
    for (auto&& [k, v] : *t) {
      if (k.str().find('\0') != std::string_view::npos)
        throw Error(located(k.source(), "NUL character in key '" + std::string(k.str()) + "'"));
      refuse_nul(v);
    }
  } else if (auto* a = n.as_array()) {
    for (const auto& e : *a) refuse_nul(e);
  } else if (auto* s = n.as_string(); s && s->get().find('\0') != std::string::npos) {
    throw Error(located(n.source(), "NUL character in string \"" + s->get() + "\""));
  }
}

// Whether two paths name the same file without following symlinks ("./a.toml" and
// "/proj/a.toml" when run in /proj).
bool same_spelling(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::error_code ec1, ec2;
  auto pa = std::filesystem::absolute(a, ec1).lexically_normal();
  auto pb = std::filesystem::absolute(b, ec2).lexically_normal();
  return !ec1 && !ec2 && pa == pb;
}

struct ChainLoader {
  const CanonicalString& canonical;
  const LoadOptions& opts;
  std::vector<std::string> identities;  // of the profiles being loaded, most derived first
  std::vector<std::string> chain;       // their display names
  bool seccomp_above = false;           // a more derived layer (or the command line) sets seccomp
  std::string seccomp_from_builtin;     // see LoadOptions::prebuilt_seccomp
  bool mixed = false;
  std::string unrooted;                 // see LoadedProfile::unrooted
  std::vector<std::string> named_files;  // their paths as named (absolute, not resolved)

  toml::table parse(const ProfileSource& src) {
    if (src.builtin && !seccomp_above && opts.prebuilt_seccomp &&
        (!seccomp_from_builtin.empty() || opts.prebuilt_seccomp(src.name))) {
      if (auto blanked = blank_seccomp_tables(src.text)) {
        if (seccomp_from_builtin.empty()) seccomp_from_builtin = src.name;
        return parse_profile_text(*blanked, src.display);
      }
      // A base that cannot be blanked under one that was: load_profile starts over.
      if (!seccomp_from_builtin.empty()) mixed = true;
    }
    return parse_profile_text(src.text, src.display);
  }

  toml::table load(const ProfileSource& src, const std::string& extends_at) {
    if (auto it = std::find(identities.begin(), identities.end(), src.identity); it != identities.end()) {
      std::string cycle;
      for (const auto& c : chain) cycle += c + " -> ";
      const std::string& first = chain[static_cast<size_t>(it - identities.begin())];
      cycle += same_spelling(src.display, first) ? first : src.display + " (the same file as " + first + ")";
      // A user's npm.toml with extends = "npm" finds itself on the search path.
      if (!src.builtin && builtin_profile(src.name) && !is_profile_path(src.name))
        cycle += "; to extend the shipped profile of that name, write extends = \"builtin:" + src.name + "\"";
      throw Error(extends_at + ": `extends` cycle: " + cycle);
    }
    if (identities.size() >= static_cast<size_t>(kMaxExtendsDepth))
      throw Error(extends_at + ": `extends` nests deeper than " + std::to_string(kMaxExtendsDepth) + " profiles");
    identities.push_back(src.identity);
    chain.push_back(src.display);
    // The path as named too: a symlink there (./sandbox.toml -> conf/x.toml) is a file
    // of the chain the sandbox must not repoint either.
    if (!src.builtin) {
      std::error_code ec;
      auto named = std::filesystem::absolute(src.name, ec).lexically_normal();
      if (!ec) named_files.push_back(named.string());
    }

    toml::table t = parse(src);
    refuse_nul(t);
    if (t.contains("seccomp")) seccomp_above = true;
    toml::table result;
    auto* ext = t.get("extends");
    if (ext && ext->is_string() && ext->as_string()->get() == kExtendsNothing) {
      t.erase("extends");  // starts from nothing, on purpose: no warning
    } else if (!ext && !src.builtin) {
      unrooted = src.display;  // starts from nothing, perhaps by mistake (see LoadedProfile)
    } else if (ext) {
      auto* s = ext->as_string();
      if (!s)
        throw Error(located(ext->source(), std::string("'extends' must be a string (a profile name or a path), not ") +
                                               toml_type_name(*ext)));
      std::string at = where(ext->source());
      // A built-in profile has no directory: a relative path would be read from
      // wherever sbx runs (the untrusted project).
      if (src.builtin && is_profile_path(s->get()))
        throw Error(at + ": extends: a built-in profile extends others by name, not by path \"" + s->get() + "\"");
      // A built-in profile extends built-ins only: a user's own ci-build.toml on the
      // search path must not change what the built-in npm profile means.
      std::optional<ProfileSource> builtin_base = src.builtin ? builtin_profile(s->get()) : std::nullopt;
      ProfileSource base = builtin_base ? *builtin_base : find_profile(s->get(), src.dir, at + ": extends");
      result = load(base, at);
      t.erase("extends");
    }
    merge_profile(result, std::move(t), canonical, opts.errors);
    return result;
  }
};

}  // namespace

LoadedProfile load_profile(const ProfileSource& src, const Variables& vars, toml::table overrides,
                           const LoadOptions& opts) {
  // Entries are compared with their variables expanded; an entry whose expansion fails
  // is compared as written (and the error reported, with its position, below).
  CanonicalString canonical = [&vars](const std::string& s) {
    if (s.find('$') == std::string::npos) return s;
    try {
      return expand_variables(s, vars);
    } catch (const Error&) {
      return s;
    }
  };
  LoadedProfile out;
  std::optional<toml::table> overrides_again;
  if (opts.prebuilt_seccomp) overrides_again = overrides;
  ChainLoader loader{canonical, opts, {}, {}, overrides.contains("seccomp"), {}, false, {}, {}};
  out.table = loader.load(src, src.display);
  if (loader.mixed) {
    LoadOptions again;
    again.errors = opts.errors;
    return load_profile(src, vars, std::move(*overrides_again), again);
  }
  if (!overrides.empty()) {
    refuse_nul(overrides);
    merge_profile(out.table, std::move(overrides), canonical, opts.errors);
  }
  expand_profile_variables(out.table, vars, opts.errors);
  for (const auto& id : loader.identities)
    if (!id.empty() && id[0] == '/') out.files.push_back(id);
  for (auto& f : loader.named_files)
    if (std::find(out.files.begin(), out.files.end(), f) == out.files.end()) out.files.push_back(std::move(f));
  out.chain = std::move(loader.chain);
  out.seccomp_from_builtin = std::move(loader.seccomp_from_builtin);
  out.unrooted = std::move(loader.unrooted);
  return out;
}

LoadedProfile load_profile(const std::string& ref, const Variables& vars, toml::table overrides,
                           const LoadOptions& opts) {
  if (!ref.empty()) return load_profile(find_profile(ref), vars, std::move(overrides), opts);
  // No profile named: the built-in default, whatever the search path holds.
  return load_profile(*builtin_profile("default"), vars, std::move(overrides), opts);
}

}  // namespace sbx
