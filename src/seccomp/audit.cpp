#include "seccomp/audit.hpp"

#include "util/error.hpp"

namespace sbx {

void apply_audit(Spec&, const std::string&) { throw Error("--audit is not available in this build yet"); }

}  // namespace sbx
