// What sbx writes for other OCI tools validates against the runtime-spec schemas
// (python3-jsonschema, golang-github-opencontainers-specs-dev): `sbx export` and
// `sbx export --bundle` of every shipped profile, `sbx export --seccomp-json`, and
// `sbx features` (against runtime-spec v1.1.0's features schema, transcribed in
// tests/tools/oci_schema.py and checked here against `runc features`). And the exported
// seccomp profile loads in runc and is enforced there as sbx enforces it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "harness.hpp"

namespace sbx::test {

namespace {

std::vector<std::string> profiles() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(SBX_SOURCE_DIR) + "/profiles"))
    if (e.path().extension() == ".toml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string param_name(const testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (auto& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

// A tool from tests/tools, copied where the unprivileged test user can read it.
// The tool (and the module the runtime checks import), copied where the unprivileged
// test user can read them.
std::string tool(const std::string& name) {
  std::string dir = make_temp_dir("tools");
  for (const std::string& f : {name, std::string("oci_runtime_env.py")})
    write_file(dir + "/" + f, read_file(std::string(SBX_SOURCE_DIR) + "/tests/tools/" + f), 0755);
  return dir + "/" + name;
}

Result validate(const std::string& kind, const std::string& file) {
  return run({"python3", tool("oci_schema.py"), kind, file});
}

// Writes `content` to a file the test user owns and validates it.
Result validate_text(const std::string& kind, const std::string& content) {
  std::string f = make_temp_dir("doc") + "/doc.json";
  write_file(f, content);
  return validate(kind, f);
}

}  // namespace

class OciSchema : public testing::TestWithParam<std::string> {};

TEST_P(OciSchema, ExportedConfigIsValid) {
  Result e = sbx({"export", GetParam(), "--", "make", "-j2"});
  ASSERT_EQ(e.status, 0) << e.err;
  Result v = validate_text("config", e.out);
  EXPECT_EQ(v.status, 0) << v.out << v.err;
}

TEST_P(OciSchema, ExportedBundleConfigIsValid) {
  std::string dir = make_temp_dir("bundle") + "/b";
  Result e = sbx({"export", "--bundle", dir, GetParam(), "--", "make"});
  ASSERT_EQ(e.status, 0) << e.err;
  Result v = validate("config", dir + "/config.json");
  EXPECT_EQ(v.status, 0) << v.out << v.err;
}

TEST_P(OciSchema, ExportedSeccompProfileIsValid) {
  Result e = sbx({"export", "--seccomp-json", GetParam()});
  if (e.status != 0 && e.err.find("no [seccomp] section") != std::string::npos) GTEST_SKIP() << e.err;
  ASSERT_EQ(e.status, 0) << e.err;
  Result v = validate_text("seccomp", e.out);
  EXPECT_EQ(v.status, 0) << v.out << v.err;
}

TEST_P(OciSchema, ExportedSeccompProfileLoadsInRuncAndIsEnforced) {
  RunOptions opts;
  opts.timeout = std::chrono::seconds(60);
  Result r = run({"python3", tool("oci_seccomp_runc.py"), "--sbx", sbx_binary(), GetParam()}, opts);
  ASSERT_FALSE(r.timed_out);
  if (r.status == 77) GTEST_SKIP() << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
}

INSTANTIATE_TEST_SUITE_P(ShippedProfiles, OciSchema, testing::ValuesIn(profiles()), param_name);

TEST(OciFeatures, SbxFeaturesIsAValidFeaturesDocument) {
  Result f = sbx({"features"});
  ASSERT_EQ(f.status, 0) << f.err;
  Result v = validate_text("features", f.out);
  EXPECT_EQ(v.status, 0) << v.out << v.err;
  // What it says sbx supports, as sbx's own checks accept it.
  for (const char* s : {"\"user\"", "\"SCMP_ACT_NOTIFY\"", "\"SCMP_CMP_MASKED_EQ\"", "\"CAP_SYS_ADMIN\"", "\"rbind\"",
                        "\"enabled\": true", "\"v2\": false"})
    EXPECT_NE(f.out.find(s), std::string::npos) << s << "\n" << f.out;
  EXPECT_EQ(f.out.find("SCMP_ACT_TRACE"), std::string::npos) << f.out;
}

TEST(OciFeatures, TheFeaturesSchemaAcceptsRuncsOwnDocumentAndRejectsAWrongOne) {
  Result rf = run({"runc", "features"});
  if (rf.status == 127) GTEST_SKIP() << "runc is not installed";
  ASSERT_EQ(rf.status, 0) << rf.err;
  Result v = validate_text("features", rf.out);
  EXPECT_EQ(v.status, 0) << v.out << v.err;
  Result bad = validate_text("features", R"({"ociVersionMin": "1.0.0", "ociVersionMax": "1.0.2",
                                            "linux": {"seccomp": {"enabled": "yes", "actions": ["SCMP_ACT_NOPE"]}}})");
  EXPECT_EQ(bad.status, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("$.linux.seccomp.enabled"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("SCMP_ACT_NOPE"), std::string::npos) << bad.out;
}

}  // namespace sbx::test
