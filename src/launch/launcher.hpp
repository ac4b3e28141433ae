// `sbx run`, parent side, top to bottom (launch/launcher.cpp):
//   plan (everything the child needs, seccomp compiled) -> block signals -> channel ->
//   clone into new namespaces -> write id maps -> tell the child to go -> supervise ->
//   exit status.
#pragma once
#include <string>

#include "spec/spec.hpp"

namespace sbx {

struct LaunchOptions {
  bool verbose = false;
  std::string json_status;  // --json-status FILE
  std::string audit_log;
};

// Runs the sandbox; returns sbx's exit status. Throws sbx::Error for setup failures
// on the parent side (exit 125).
int launch(const Spec& spec, const LaunchOptions& opts);

// CLONE_NEW* flags for the namespaces in the Spec.
uint64_t clone_flags_for(const Spec& spec);

}  // namespace sbx
