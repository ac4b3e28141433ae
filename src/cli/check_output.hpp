// What `sbx check` prints for people: the profile's own settings (the ones its file
// sets, after merging and variable expansion) and one line summing up what it inherits,
// instead of the hundreds of inherited lines (mostly seccomp rules); `--full` prints the
// whole resolved profile.
#pragma once
#include <string>
#include <toml++/toml.h>

namespace sbx::cli {

// The entries of `merged` that come from `file` (a node's source path), with the tables
// that hold them; inherited entries are left out.
toml::table own_settings(const toml::table& merged, const std::string& file);

// "[process] 9, [filesystem] 14, [seccomp] 200": how many entries (array elements and
// values) each top-level table inherits from files other than `file`; "" if none.
std::string inherited_summary(const toml::table& merged, const std::string& file);

}  // namespace sbx::cli
