// The copy of a repository's .git/config the sandbox sees: CI credentials cut out
// (actions/checkout's `http.<url>.extraheader`, GitLab's job token in a remote URL),
// every other line as it is. A line-based filter of the git-config syntax: no
// library reads it, and sbx never writes one.
#pragma once
#include <string>
#include <vector>

namespace sbx {

// Returns `text` without `http.*.extraheader` entries (values continued with a trailing
// backslash included) and without credentials in URLs: the user:password@ of any URL,
// and the whole userinfo of an http(s) URL (a token alone as the user name).
std::string sanitize_git_config(const std::string& text);

// The URL scrubbing alone, for one value.
std::string strip_url_credentials(const std::string& value);

// The paths a repository's config names that git reads or runs from on the host:
// include.path and includeIf.*.path (relative to the config's directory: kIncludes),
// core.hooksPath (relative to the work tree: kHooks). Values unquoted, as written.
struct GitConfigPath {
  enum Kind { kInclude, kHooks } kind;
  std::string path;
};
std::vector<GitConfigPath> git_config_paths(const std::string& text);

}  // namespace sbx
