// An existing OCI bundle (config.json) -> Spec, for `sbx run --bundle DIR`. Fields sbx
// does not support are refused with a precise error (the JSON path), never ignored.
#pragma once
#include <string>

#include "spec/spec.hpp"

namespace sbx {

// Reads DIR/config.json; root.path is resolved relative to DIR. Throws sbx::Error.
Spec spec_from_bundle(const std::string& bundle_dir);

}  // namespace sbx
