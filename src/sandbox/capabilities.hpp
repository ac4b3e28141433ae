// Dropping capabilities (libcap). In the new user namespace the child holds every
// capability; before exec the workload keeps only what the Spec lists, in every set
// (bounding and ambient included), and sbx's init keeps none.
#pragma once

#include "sandbox/plan.hpp"

namespace sbx::child {

// The workload's sets, made in init before the workload starts (it inherits them).
void drop_capabilities(const Plan& plan, const ChildCaps& caps);
// init, once the workload runs: nothing at all.
void drop_all_capabilities(const Plan& plan, const ChildCaps& caps);

}  // namespace sbx::child
