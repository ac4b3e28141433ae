// `sbx export --bundle DIR`: DIR/config.json plus DIR/rootfs, laid out so that runc and
// crun give the workload the same view as `sbx run` with the same profile.
#pragma once
#include <string>

#include "spec/spec.hpp"

namespace sbx {

void write_bundle(const Spec& spec, const std::string& dir);

}  // namespace sbx
