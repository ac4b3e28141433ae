#include "profile/loader.hpp"

#include <algorithm>
#include <filesystem>

#include "profile/location.hpp"
#include "profile/merge.hpp"
#include "profile/reader.hpp"
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
  std::vector<std::string> identities;  // of the profiles being loaded, most derived first
  std::vector<std::string> chain;       // their display names

  toml::table load(const ProfileSource& src, const std::string& extends_at) {
    if (auto it = std::find(identities.begin(), identities.end(), src.identity); it != identities.end()) {
      std::string cycle;
      for (const auto& c : chain) cycle += c + " -> ";
      const std::string& first = chain[static_cast<size_t>(it - identities.begin())];
      cycle += same_spelling(src.display, first) ? first : src.display + " (the same file as " + first + ")";
      throw Error(extends_at + ": `extends` cycle: " + cycle);
    }
    if (identities.size() >= static_cast<size_t>(kMaxExtendsDepth))
      throw Error(extends_at + ": `extends` nests deeper than " + std::to_string(kMaxExtendsDepth) + " profiles");
    identities.push_back(src.identity);
    chain.push_back(src.display);

    toml::table t = parse_profile_text(src.text, src.display);
    refuse_nul(t);
    toml::table result;
    if (auto* ext = t.get("extends")) {
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
    merge_profile(result, std::move(t), canonical);
    return result;
  }
};

}  // namespace

LoadedProfile load_profile(const ProfileSource& src, const Variables& vars, toml::table overrides) {
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
  ChainLoader loader{canonical, {}, {}};
  out.table = loader.load(src, src.display);
  if (!overrides.empty()) {
    refuse_nul(overrides);
    merge_profile(out.table, std::move(overrides), canonical);
  }
  expand_profile_variables(out.table, vars);
  out.chain = std::move(loader.chain);
  return out;
}

LoadedProfile load_profile(const std::string& ref, const Variables& vars, toml::table overrides) {
  if (!ref.empty()) return load_profile(find_profile(ref), vars, std::move(overrides));
  // No profile named: the built-in default, whatever the search path holds.
  return load_profile(*builtin_profile("default"), vars, std::move(overrides));
}

}  // namespace sbx
