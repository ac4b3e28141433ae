// `sbx features`: what this sbx supports, in the shape of the runtime-spec's
// features-linux document (namespaces, capabilities, mount options, seccomp actions,
// operators and architectures, notify support).
#pragma once
#include <nlohmann/json.hpp>

namespace sbx {

nlohmann::json features_json();

}  // namespace sbx
