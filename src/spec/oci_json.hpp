// Spec <-> OCI runtime-spec config.json (nlohmann-json).
#pragma once
#include <nlohmann/json.hpp>

#include "spec/spec.hpp"

namespace sbx {

nlohmann::json to_oci_json(const Spec& spec);

}  // namespace sbx
