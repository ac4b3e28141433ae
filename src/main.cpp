// sbx: see README.md. The flow: cli/ -> profile/ -> spec/ -> launch/ (parent) ->
// sandbox/ (child), with seccomp/ compiled in the parent and installed in the child.
#include "cli/app.hpp"
#include "seccomp/precompiled.hpp"
#include "util/startup_trace.hpp"

int main(int argc, char** argv) {
  SBX_TRACE_POINT("parent: main");
  // The shipped profiles' filters and [seccomp] sections, compiled at build time
  // (seccomp/precompiled.hpp).
  sbx::use_precompiled_filters(sbx::precompiled_filter_table());
  sbx::use_prebuilt_seccomp(sbx::prebuilt_seccomp_table());
  return sbx::cli::main(argc, argv);
}
