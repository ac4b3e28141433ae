#include "profile/loader.hpp"

#include <algorithm>

#include "profile/location.hpp"
#include "profile/merge.hpp"
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

toml::table load_chain(const ProfileSource& src, std::vector<std::string>& identities,
                       std::vector<std::string>& chain) {
  if (std::find(identities.begin(), identities.end(), src.identity) != identities.end()) {
    std::string cycle;
    for (auto& c : chain) cycle += c + " -> ";
    throw Error("`extends` cycle: " + cycle + src.display);
  }
  if (identities.size() >= static_cast<size_t>(kMaxExtendsDepth))
    throw Error(src.display + ": `extends` nests deeper than " + std::to_string(kMaxExtendsDepth) + " profiles");
  identities.push_back(src.identity);
  chain.push_back(src.display);

  toml::table t = parse_profile_text(src.text, src.display);
  toml::table result;
  if (auto* ext = t.get("extends")) {
    auto* s = ext->as_string();
    if (!s) throw Error(located(ext->source(), "'extends' must be a string: a profile name or a path"));
    std::string ref = s->get();
    ProfileSource base = find_profile(ref, src.builtin ? std::string() : src.dir, where(ext->source()));
    result = load_chain(base, identities, chain);
    t.erase("extends");
  }
  merge_profile(result, std::move(t));
  identities.pop_back();
  return result;
}

}  // namespace

LoadedProfile load_profile(const ProfileSource& src, const Variables& vars, toml::table overrides) {
  LoadedProfile out;
  std::vector<std::string> identities, chain;
  out.table = load_chain(src, identities, chain);
  if (!overrides.empty()) merge_profile(out.table, std::move(overrides));
  expand_profile_variables(out.table, vars);
  out.chain = std::move(chain);
  return out;
}

LoadedProfile load_profile(const std::string& ref, const Variables& vars, toml::table overrides) {
  if (!ref.empty()) return load_profile(find_profile(ref), vars, std::move(overrides));
  // No profile named: the built-in default, whatever the search path holds.
  ProfileSource src;
  src.name = "default";
  src.display = "<built-in default>";
  src.identity = "builtin:default";
  src.text = std::string(*embedded_profile("default"));
  src.builtin = true;
  return load_profile(src, vars, std::move(overrides));
}

}  // namespace sbx
