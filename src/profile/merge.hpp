// How `extends` combines a base profile with the one extending it:
//  - tables merge key by key, recursively;
//  - scalars (strings, numbers, booleans) in the child replace the base's;
//  - arrays append: the child's entries follow the base's, duplicates dropped;
//  - a string entry "!X" in a child array removes the inherited entry "X"
//    (and an error if there is no such entry, so a typo cannot pass silently);
//  - a value of a different type than the base's is an error.
// The same rules hold within one file: duplicates in an array are dropped, and a "!X"
// in a profile that extends nothing (or in an array its base does not have) is an error.
// Arrays of tables ([[filesystem.mount]], [[seccomp.rule]]) append whole tables: their
// contents are not merged.
#pragma once
#include <functional>
#include <string>
#include <toml++/toml.h>

#include "util/error.hpp"

namespace sbx {

// How two strings are compared for "duplicate" and "!X": equal when their canonical
// forms are. The loader passes variable expansion, so "!/home/me/x" removes "${HOME}/x"
// and "--rw /proj" does not repeat "${PWD}". Empty: compared as written.
using CanonicalString = std::function<std::string(const std::string&)>;

// Merges `child` into `base` (consuming child, so source positions are kept). Errors
// are sbx::Error with the child's file:line:col.
// With `errors`, each error is recorded there (the offending entry left out) and the
// merge goes on.
void merge_profile(toml::table& base, toml::table&& child, const CanonicalString& canonical = {},
                   ErrorList* errors = nullptr);

}  // namespace sbx
