// The copy of a repository's .git/config the sandbox sees: CI credentials cut out
// (actions/checkout's `http.<url>.extraheader`, GitLab's job token in a remote URL),
// every other line as it is. A line-based filter of the git-config syntax: no
// library reads it, and sbx never writes one.
#pragma once
#include <string>

namespace sbx {

// Returns `text` without `http.*.extraheader` entries (values continued with a trailing
// backslash included) and without credentials in URLs: the user:password@ of any URL,
// and the whole userinfo of an http(s) URL (a token alone as the user name).
std::string sanitize_git_config(const std::string& text);

// The URL scrubbing alone, for one value.
std::string strip_url_credentials(const std::string& value);

}  // namespace sbx
