// Every shipped profile (profiles/*.toml, compiled into sbx): it validates with
// `sbx check`, runs `true`, carries a description, and the ones the documentation
// promises are there.
#include <gtest/gtest.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"
#include "profile/source.hpp"

namespace sbx::test {
namespace {

std::vector<std::string> shipped_names() {
  std::vector<std::string> names;
  for (const auto& p : embedded_profiles()) names.emplace_back(p.name);
  return names;
}

std::string param_name(const testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  std::replace_if(s.begin(), s.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return s;
}

}  // namespace

TEST(ProfilesShipped, TheDocumentedProfilesAreAllThere) {
  auto names = shipped_names();
  std::set<std::string> have(names.begin(), names.end());
  for (const char* want : {"default", "ci-build", "network", "strict", "npm", "pip", "cargo", "make"})
    EXPECT_TRUE(have.count(want)) << "no shipped profile '" << want << "'";
  Result r = sbx({"profiles", "--names"}, job(make_temp_dir(), make_temp_dir("home")));
  ASSERT_EQ(r.status, 0) << r.err;
  for (const auto& n : names) EXPECT_NE(r.out.find(n + "\n"), std::string::npos) << n << " not listed:\n" << r.out;
}

class ShippedProfile : public testing::TestWithParam<std::string> {};

TEST_P(ShippedProfile, ChecksClean) {
  Result r = sbx({"check", GetParam()}, job(make_temp_dir(), make_temp_dir("home")));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# " + GetParam() + ": ok", 0), 0u) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST_P(ShippedProfile, RunsTrue) {
  // With a home full of toolchain directories too, so that the optional binds are made.
  Result r = sbx({"run", GetParam(), "--", "true"}, job(make_temp_dir(), make_home_with_secrets()));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_P(ShippedProfile, IsDescribedAndDerivedFromAnother) {
  auto text = embedded_profile(GetParam());
  ASSERT_TRUE(text);
  toml::table t = toml::parse(*text);
  auto desc = t["description"].value<std::string>();
  ASSERT_TRUE(desc) << "no description";
  EXPECT_GE(desc->size(), 20u) << *desc;
  EXPECT_LE(desc->size(), 120u) << "keep it to one line of `sbx profiles`: " << *desc;
  // Everything but the base builds on another profile, so that a fix there reaches all.
  if (GetParam() != "default") {
    EXPECT_TRUE(t["extends"].is_string()) << "no `extends`";
  }
  // Commented for readers (the file: the embedded copy has its comment lines blanked).
  std::string file = read_file(std::string(SBX_SOURCE_DIR) + "/profiles/" + GetParam() + ".toml");
  size_t comments = 0;
  for (size_t i = 0; (i = file.find('#', i)) != std::string::npos; ++i) ++comments;
  EXPECT_GE(comments, 5u) << "explain each setting in a comment";
}

INSTANTIATE_TEST_SUITE_P(All, ShippedProfile, testing::ValuesIn(shipped_names()), param_name);

}  // namespace sbx::test
