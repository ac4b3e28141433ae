// Dropping capabilities (libcap). In the new user namespace the child holds every
// capability; before exec the workload keeps only what the Spec lists, in every set
// (bounding and ambient included), and sbx's init keeps none.
#pragma once

#include "sandbox/plan.hpp"

namespace sbx::child {

void drop_capabilities(const Plan& plan);  // the workload's sets
void drop_all_capabilities(const Plan& plan);  // init: nothing at all

}  // namespace sbx::child
