#include "sandbox/capabilities.hpp"

#include <sys/prctl.h>

#include <algorithm>
#include <cstdio>

#include "sandbox/report.hpp"

namespace sbx::child {

namespace {
void drop_bounding(const PlanVector<int>& keep) {
  for (int c = 0; c <= CAP_LAST_CAP; ++c) {
    if (std::find(keep.begin(), keep.end(), c) != keep.end()) continue;
    if (cap_drop_bound(static_cast<cap_value_t>(c)) < 0 && errno != EINVAL) {
      char d[32];
      std::snprintf(d, sizeof d, "capability %d", c);
      fail_errno("drop from bounding set", d);
    }
  }
}

void set_flag(cap_t caps, cap_flag_t flag, const PlanVector<cap_value_t>& values) {
  if (!values.empty() && cap_set_flag(caps, flag, static_cast<int>(values.size()), values.data(), CAP_SET) != 0)
    fail_errno("set capability flags", "");
}
}  // namespace

void drop_capabilities(const Plan& plan, const ChildCaps& caps) {
  drop_bounding(plan.bounding_keep);
  if (cap_reset_ambient() < 0) fail_errno("clear ambient capabilities", "");
  if (cap_clear(caps.workload) < 0) fail_errno("clear capability set", "");
  set_flag(caps.workload, CAP_EFFECTIVE, plan.effective);
  set_flag(caps.workload, CAP_PERMITTED, plan.permitted);
  set_flag(caps.workload, CAP_INHERITABLE, plan.inheritable);
  if (cap_set_proc(caps.workload) < 0) fail_errno("set capabilities", "");
  for (int c : plan.ambient) {
    if (cap_set_ambient(static_cast<cap_value_t>(c), CAP_SET) < 0) {
      char d[32];
      std::snprintf(d, sizeof d, "capability %d", c);
      fail_errno("raise ambient capability", d);
    }
  }
}

void drop_all_capabilities(const Plan& plan, const ChildCaps& caps) {
  // Init already holds no more than the workload's sets (drop_capabilities ran in it
  // before the workload started); what is left goes. Dropping from the bounding set
  // takes CAP_SETPCAP: without it (the workload did not keep it) the few kept bounding
  // capabilities stay, which means nothing for a process that never calls execve.
  for (int c : plan.bounding_keep)
    if (cap_drop_bound(static_cast<cap_value_t>(c)) < 0 && errno != EINVAL && errno != EPERM)
      fail_errno("drop from bounding set", "init");
  if (cap_reset_ambient() < 0) fail_errno("clear ambient capabilities", "");
  if (cap_clear(caps.none) < 0) fail_errno("clear capability set", "init");
  if (cap_set_proc(caps.none) < 0) fail_errno("drop capabilities", "init");
}

}  // namespace sbx::child
