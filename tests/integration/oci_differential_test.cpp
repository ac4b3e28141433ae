// Differential test: every shipped profile under `sbx run` and, exported with
// `sbx export --bundle`, under runc and crun, as the same unprivileged user; the probe's
// outputs must agree line by line (tests/tools/oci_differential.py documents the probe
// and each normalisation).
//
// runc runs each profile with `[process] uid = 0, gid = 0` added: rootless runc requires
// container uid 0 mapped to the caller. crun runs the profiles as shipped, and as root.
// "sbx_bundle" is the round trip: `sbx run --bundle` on the export against `sbx run`.
// Foreign: a `runc spec --rootless` bundle with a rootfs of its own, under runc or crun
// and under `sbx run --bundle`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace sbx::test {

namespace {

struct Case {
  std::string profile;
  std::string runtime;
  bool as_root;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.profile << " under " << c.runtime << (c.as_root ? " as root" : "");
}

std::vector<Case> cases() {
  std::vector<std::string> profiles;
  for (const auto& e : std::filesystem::directory_iterator(std::string(SBX_SOURCE_DIR) + "/profiles"))
    if (e.path().extension() == ".toml") profiles.push_back(e.path().stem().string());
  std::sort(profiles.begin(), profiles.end());
  std::vector<Case> out;
  for (const auto& p : profiles) {
    out.push_back({p, "runc", true});
    out.push_back({p, "crun", false});
    out.push_back({p, "crun", true});
    out.push_back({p, "sbx-bundle", false});
  }
  return out;
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  std::string n = info.param.profile + "_" + info.param.runtime + (info.param.as_root ? "_as_root" : "");
  for (auto& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

// The tool, copied where the unprivileged test user can read it.
const std::string& tool() {
  static std::string path = [] {
    std::string dir = make_temp_dir("tools");
    for (const char* f : {"oci_differential.py", "oci_runtime_env.py"})
      write_file(dir + "/" + f, read_file(std::string(SBX_SOURCE_DIR) + "/tests/tools/" + f), 0755);
    return dir + "/oci_differential.py";
  }();
  return path;
}

}  // namespace

class OciDifferential : public testing::TestWithParam<Case> {};

TEST_P(OciDifferential, ProbeSeesTheSameSandbox) {
  const Case& c = GetParam();
  std::vector<std::string> argv = {"python3", tool(), "--sbx", sbx_binary(), "--runtime", c.runtime};
  if (c.as_root) argv.push_back("--as-root");
  argv.push_back(c.profile);
  RunOptions opts;
  opts.timeout = std::chrono::seconds(60);
  Result r = run(argv, opts);
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  if (r.status == 77) GTEST_SKIP() << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
}

INSTANTIATE_TEST_SUITE_P(ShippedProfiles, OciDifferential, testing::ValuesIn(cases()), case_name);

class OciForeignBundle : public testing::TestWithParam<std::string> {};

TEST_P(OciForeignBundle, SbxRunsItAsTheRuntimeDoes) {
  RunOptions opts;
  opts.timeout = std::chrono::seconds(60);
  Result r = run({"python3", tool(), "--sbx", sbx_binary(), "--runtime", GetParam(), "--foreign"}, opts);
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  if (r.status == 77) GTEST_SKIP() << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
}

INSTANTIATE_TEST_SUITE_P(RuncSpecRootless, OciForeignBundle, testing::Values("runc", "crun"),
                         [](const testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace sbx::test
