#include "sandbox/capabilities.hpp"

#include <sys/prctl.h>

#include <algorithm>
#include <cstdio>

#include "sandbox/report.hpp"

namespace sbx::child {

namespace {
void drop_bounding(const std::vector<int>& keep) {
  for (int c = 0; c <= CAP_LAST_CAP; ++c) {
    if (std::find(keep.begin(), keep.end(), c) != keep.end()) continue;
    if (cap_drop_bound(static_cast<cap_value_t>(c)) < 0 && errno != EINVAL) {
      char d[32];
      std::snprintf(d, sizeof d, "capability %d", c);
      fail_errno("drop from bounding set", d);
    }
  }
}
}  // namespace

void drop_capabilities(const Plan& plan) {
  drop_bounding(plan.bounding_keep);
  if (cap_reset_ambient() < 0) fail_errno("clear ambient capabilities", "");
  if (cap_set_proc(plan.workload_caps) < 0) fail_errno("set capabilities", "");
  for (int c : plan.ambient) {
    if (cap_set_ambient(static_cast<cap_value_t>(c), CAP_SET) < 0) {
      char d[32];
      std::snprintf(d, sizeof d, "capability %d", c);
      fail_errno("raise ambient capability", d);
    }
  }
}

void drop_all_capabilities(const Plan& plan) {
  drop_bounding({});
  if (cap_reset_ambient() < 0) fail_errno("clear ambient capabilities", "");
  if (cap_set_proc(plan.no_caps) < 0) fail_errno("drop capabilities", "init");
}

}  // namespace sbx::child
