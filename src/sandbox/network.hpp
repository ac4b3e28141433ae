// In a new network namespace only "lo" exists, and it is down: bring it up so
// loopback works inside while nothing outside is reachable.
#pragma once

namespace sbx::child {

void bring_up_loopback();

}  // namespace sbx::child
