// How `extends` combines a base profile with the one extending it:
//  - tables merge key by key, recursively;
//  - scalars (strings, numbers, booleans) in the child replace the base's;
//  - arrays append: the child's entries follow the base's, duplicates dropped;
//  - a string entry "!X" in a child array removes the inherited entry "X"
//    (and an error if there is no such entry, so a typo cannot pass silently);
//  - a value of a different type than the base's is an error.
#pragma once
#include <toml++/toml.h>

namespace sbx {

// Merges `child` into `base` (consuming child, so source positions are kept).
void merge_profile(toml::table& base, toml::table&& child);

}  // namespace sbx
