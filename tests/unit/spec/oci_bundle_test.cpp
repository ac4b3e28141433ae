// spec/bundle's adaptations of a Spec for runc and crun, and `sbx features`.
#include <gtest/gtest.h>

#include "spec/bundle.hpp"
#include "spec/features.hpp"

namespace sbx {
namespace {

TEST(OciBundleSpec, RecursiveBindsGetTheRecursiveFlagsRuncNeeds) {
  Spec s;
  s.mounts = {{"/usr", "bind", "/usr", {"rbind", "ro", "nosuid", "nodev"}, false},
              {"/etc/hosts", "bind", "/etc/hosts", {"bind", "ro"}, false},
              {"/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev"}, false}};
  Spec b = bundle_spec(s);
  EXPECT_EQ(b.mounts[0].options, (std::vector<std::string>{"rbind", "ro", "nosuid", "nodev", "rro", "rnosuid", "rnodev"}));
  EXPECT_EQ(b.mounts[1].options, (std::vector<std::string>{"bind", "ro"}));  // not recursive
  EXPECT_EQ(b.mounts[2].options, (std::vector<std::string>{"nosuid", "nodev"}));
  EXPECT_EQ(s.mounts[0].options.size(), 4u);  // the caller's Spec is left alone
}

TEST(OciBundleSpec, OptionalBindsAreDroppedOnlyWhenAbsent) {
  Spec s;
  s.mounts = {{"/opt", "bind", "/nonexistent-sbx-unit-test", {"rbind"}, true},
              {"/usr", "bind", "/usr", {"rbind"}, true}};
  Spec b = bundle_spec(s);
  ASSERT_EQ(b.mounts.size(), 1u);
  EXPECT_EQ(b.mounts[0].destination, "/usr");
}

TEST(OciBundleSpec, TheBuiltInNotifyListenerBecomesLogOrErrno) {
  for (bool allow : {true, false}) {
    Spec s;
    Seccomp sc;
    sc.syscalls = {{{"mkdir"}, "SCMP_ACT_NOTIFY", std::nullopt, {}}, {{"unshare"}, "SCMP_ACT_ERRNO", 1, {}}};
    s.linux.seccomp = sc;
    SbxExtensions::Notify n;
    n.syscalls = {"mkdir"};
    n.allow = allow;
    n.errno_ret = 13;
    s.sbx.notify = n;
    Spec b = bundle_spec(s);
    const auto& rule = b.linux.seccomp->syscalls[0];
    EXPECT_EQ(rule.action, allow ? "SCMP_ACT_LOG" : "SCMP_ACT_ERRNO");
    EXPECT_EQ(rule.errno_ret, allow ? std::nullopt : std::optional<uint32_t>(13));
    EXPECT_EQ(b.linux.seccomp->syscalls[1].action, "SCMP_ACT_ERRNO");
    EXPECT_FALSE(b.sbx.notify);
    EXPECT_EQ(b.annotations.count("org.sbx.notify"), 1u);
  }
}

TEST(OciFeatures, DescribesWhatSbxAccepts) {
  auto f = features_json();
  EXPECT_EQ(f["ociVersionMin"], "1.0.0");
  EXPECT_EQ(f["hooks"], nlohmann::json::array());
  EXPECT_EQ(f["linux"]["namespaces"],
            nlohmann::json::array({"cgroup", "ipc", "mount", "network", "pid", "user", "uts"}));
  EXPECT_EQ(f["linux"]["seccomp"]["enabled"], true);
  EXPECT_EQ(f["linux"]["cgroup"]["v2"], false);
  EXPECT_GE(f["linux"]["capabilities"].size(), 38u);
  auto opts = f["mountOptions"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(opts.begin(), opts.end(), "rro"), opts.end());
}

}  // namespace
}  // namespace sbx
