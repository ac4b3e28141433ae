// spec/from_profile.cpp, what a profile may take from the host: tmpfs sizes (a share of
// the RAM, never more than the RAM), the process cap (lowered to the caller's hard
// limit, never refused), and the warning for kept variables that look like secrets.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>

#include "../profile/profile_fixture.hpp"
#include "spec/from_profile.hpp"

namespace sbx {
namespace {

using testing::error_of;

class FromProfileHostLimits : public ::testing::Test {
 protected:
  BuildContext ctx = [] {
    BuildContext c = testing::test_context();
    c.ram_bytes = uint64_t{8} << 30;  // 8 GiB
    return c;
  }();
  Spec build(const std::string& text) { return testing::build_file(dir.write("p.toml", text), ctx); }
  std::string err(const std::string& text) {
    std::string e = error_of([&] { build(text); });
    std::string prefix = dir.path() + "/";
    for (size_t pos; (pos = e.find(prefix)) != std::string::npos;) e.erase(pos, prefix.size());
    return e;
  }
  std::vector<std::string> options(const Spec& s, const std::string& dest) {
    for (const auto& m : s.mounts)
      if (m.destination == dest) return m.options;
    return {"(no such mount)"};
  }
  testing::TempDir dir;
};

TEST_F(FromProfileHostLimits, TheDefaultProfileSizesEveryTmpfsAsAShareOfTheRam) {
  Spec s = build("extends = \"default\"\n");
  auto has = [&](const std::string& dest, const std::string& opt) {
    auto o = options(s, dest);
    return std::find(o.begin(), o.end(), opt) != o.end();
  };
  EXPECT_TRUE(has("/home/u", "size=15%"));
  EXPECT_TRUE(has("/tmp", "size=15%"));
  EXPECT_TRUE(has("/var/tmp", "size=5%"));
  EXPECT_TRUE(has("/run", "size=1%"));
  for (const auto& m : s.mounts) {
    if (m.type != "tmpfs") continue;
    EXPECT_TRUE(std::any_of(m.options.begin(), m.options.end(), [](const std::string& o) { return o.rfind("size=", 0) == 0; }))
        << m.destination;
  }
}

TEST_F(FromProfileHostLimits, ATmpfsSizeIsASizeOrAPercentageAndNeverAboveTheRam) {
  EXPECT_EQ(options(build("[filesystem]\ntmpfs = [\"/t:size=25%\"]\n"), "/t"),
            (std::vector<std::string>{"nosuid", "nodev", "size=25%", "mode=755"}));
  EXPECT_EQ(options(build("[filesystem]\ntmpfs = [\"/t:size=8G\"]\n"), "/t"),
            (std::vector<std::string>{"nosuid", "nodev", "size=8G", "mode=755"}));
  EXPECT_EQ(err("[filesystem]\ntmpfs = [\"/t:size=9G\"]\n"),
            "p.toml:2:10: [filesystem] tmpfs: tmpfs size 9G is more than the machine's RAM (8192 MiB): tmpfs lives in "
            "memory, and the OOM killer would pick the host's processes, not the sandbox's files");
  EXPECT_EQ(err("[filesystem]\ntmpfs = [\"/t:size=101%\"]\n"),
            "p.toml:2:10: [filesystem] tmpfs: tmpfs size 101% is more than the RAM: tmpfs lives in memory, and the OOM "
            "killer would pick the host's processes, not the sandbox's files");
  EXPECT_EQ(err("[filesystem]\ntmpfs = [\"/t:size=x%\"]\n"),
            "p.toml:2:10: [filesystem] tmpfs: invalid tmpfs size \"x%\" (like size=64M, or size=25% of the RAM)");
  EXPECT_EQ(err("[[filesystem.mount]]\ntype = \"tmpfs\"\ndestination = \"/t\"\noptions = [\"size=10G\"]\n"),
            "p.toml:4:12: [[filesystem.mount]] options: tmpfs size 10G is more than the machine's RAM (8192 MiB): tmpfs "
            "lives in memory, and the OOM killer would pick the host's processes, not the sandbox's files");
}

TEST_F(FromProfileHostLimits, TheDefaultCapsProcessesAndLowersTheCapToTheCallersHardLimit) {
  auto nproc = [](const Spec& s) {
    for (const auto& r : s.process.rlimits)
      if (r.type == "RLIMIT_NPROC") return r.hard;
    return uint64_t{0};
  };
  EXPECT_EQ(nproc(build("extends = \"default\"\n")), 4096u);
  ctx.hard_limits["RLIMIT_NPROC"] = 1000;
  EXPECT_EQ(nproc(build("extends = \"default\"\n")), 1000u);
  EXPECT_EQ(nproc(build("[limits]\nnproc = 'unlimited'\n")), 1000u);
}

TEST_F(FromProfileHostLimits, KeptSecretLookingVariablesAreWarnedOfOnceByName) {
  ctx.environ = {"PATH=/bin", "LC_DEPLOY_TOKEN=x", "LC_ALL=C", "GITHUB_TOKEN=t", "GITHUB_SHA=s", "NPM_AUTH=a",
                 "DB_PASSWORD=p", "SSH_KEY=k", "github_secret=g"};
  Spec s = build("extends = \"default\"\n");
  EXPECT_TRUE(s.sbx.warnings.empty());
  EXPECT_EQ(std::count(s.process.env.begin(), s.process.env.end(), "LC_DEPLOY_TOKEN=x"), 0);
  EXPECT_EQ(std::count(s.process.env.begin(), s.process.env.end(), "LC_ALL=C"), 1);
  s = build("[process]\nenv = { keep = [\"GITHUB_*\", \"github_*\", \"NPM_AUTH\", \"DB_*\", \"SSH_KEY\"] }\n");
  ASSERT_EQ(s.sbx.warnings.size(), 1u);
  EXPECT_EQ(s.sbx.warnings[0],
            "[process.env] keeps variables that look like secrets, and passes them into the sandbox: DB_PASSWORD, "
            "GITHUB_TOKEN, NPM_AUTH, SSH_KEY, github_secret (keep names, not patterns; `unset` drops one)");
  // What `set` replaces or `unset` drops does not pass: no warning for it.
  s = build("[process]\nenv = { keep = [\"GITHUB_*\"], set = { GITHUB_TOKEN = \"\" } }\n");
  EXPECT_TRUE(s.sbx.warnings.empty()) << s.sbx.warnings[0];
  s = build("[process]\nenv = { keep = [\"GITHUB_*\"], unset = [\"GITHUB_TOKEN\"] }\n");
  EXPECT_TRUE(s.sbx.warnings.empty()) << s.sbx.warnings[0];
}

TEST_F(FromProfileHostLimits, UnknownSyscallsAndAllowNumbers) {
  EXPECT_TRUE(build("extends = \"default\"\n").linux.seccomp->unknown_enosys);
  EXPECT_FALSE(build("[seccomp]\ndeny = ['mount']\n").linux.seccomp->unknown_enosys);
  Spec s = build("[seccomp]\nunknown = 'enosys'\nallow_numbers = [999]\n");
  EXPECT_EQ(s.linux.seccomp->allow_numbers, (std::vector<uint32_t>{999}));
  EXPECT_EQ(err("[seccomp]\nunknown = 'deny'\n"), "p.toml:2:11: [seccomp] unknown must be \"enosys\" or \"allow\", not \"deny\"");
  EXPECT_EQ(err("[seccomp]\nunknown = 'enosys'\nallow_numbers = [0]\n"),
            "p.toml:3:18: [seccomp] allow_numbers: 0 is 'read', which this libseccomp knows: allow it by name");
  EXPECT_EQ(err("[seccomp]\nallow_numbers = [999]\n"),
            "p.toml:2:17: [seccomp] allow_numbers only matters with unknown = \"enosys\"");
}

}  // namespace
}  // namespace sbx
