// `sbx run`, parent side, top to bottom (launch/launcher.cpp):
//   plan (everything the child needs, seccomp compiled) -> block signals -> channel ->
//   clone into new namespaces (or take the prestarted child: launch/prestart.hpp) ->
//   write id maps -> tell the child to go -> supervise -> exit status.
#pragma once
#include <memory>
#include <string>

#include "launch/prestart.hpp"
#include "spec/spec.hpp"

namespace sbx {

struct LaunchOptions {
  bool verbose = false;
  std::string json_status;  // --json-status FILE
  std::string audit_log;
};

// Runs the sandbox; returns sbx's exit status. Throws sbx::Error for setup failures
// on the parent side (exit 125). `pre`: a sandbox started before the profile was
// parsed (launch/prestart.hpp), used if it has the namespaces the Spec asks for.
int launch(const Spec& spec, const LaunchOptions& opts, std::unique_ptr<Prestart> pre = nullptr);

// CLONE_NEW* flags for the namespaces in the Spec.
uint64_t clone_flags_for(const Spec& spec);

}  // namespace sbx
