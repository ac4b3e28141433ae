// Command-line overrides (--ro, --rw, --env, ...) as a TOML layer merged over the
// profile, so that they are validated, and reported, exactly like profile keys
// (positions read "<command line>").
#pragma once
#include <toml++/toml.h>

#include "cli/options.hpp"

namespace sbx::cli {

toml::table overrides_table(const Overrides& o);

}  // namespace sbx::cli
