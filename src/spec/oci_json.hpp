// Spec <-> OCI runtime-spec config.json (nlohmann-json).
#pragma once
#include <nlohmann/json.hpp>

#include "spec/spec.hpp"

namespace sbx {

nlohmann::json to_oci_json(const Spec& spec);

// linux.seccomp alone, as in config.json.
nlohmann::json seccomp_to_json(const Seccomp& sc);

}  // namespace sbx
