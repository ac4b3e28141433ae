// The OCI container process state sbx sends a seccomp agent.
#include <gtest/gtest.h>

#include "seccomp/agent.hpp"
#include "seccomp_fixture.hpp"

namespace sbx::test {
namespace {

TEST(AgentState, HasEveryFieldOfTheRuntimeSpec) {
  Spec s = seccomp_spec("[seccomp]\nlistener = \"/run/a.sock\"\nlistener_metadata = \"k=v\"\n"
                        "[[seccomp.rule]]\nnames = [\"mkdir\"]\naction = \"notify\"\n");
  s.annotations["org.example"] = "yes";
  nlohmann::json j = container_process_state(s, 4242, "sbx-1", "/work/proj");
  EXPECT_EQ(j, nlohmann::json::parse(R"({
    "ociVersion": "1.0.2", "fds": ["seccompFd"], "pid": 4242, "metadata": "k=v",
    "state": {"ociVersion": "1.0.2", "id": "sbx-1", "status": "creating", "pid": 4242,
              "bundle": "/work/proj", "annotations": {"org.example": "yes"}}})"));
}

TEST(AgentState, ConnectingToNothingNamesThePath) {
  Spec s = seccomp_spec("[seccomp]\nlistener = \"/nonexistent/agent.sock\"\n"
                        "[[seccomp.rule]]\nnames = [\"mkdir\"]\naction = \"notify\"\n");
  std::string e = testing::error_of([&] { SeccompAgent a(s); });
  EXPECT_EQ(e.rfind("seccomp listener: cannot connect to the agent at /nonexistent/agent.sock: No such file or directory",
                    0),
            0u)
      << e;
}

}  // namespace
}  // namespace sbx::test
