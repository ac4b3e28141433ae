// cli/check_output.hpp: `sbx check` shows a profile's own settings and sums up the rest.
#include "cli/check_output.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "../profile/profile_fixture.hpp"

namespace sbx::cli {
namespace {

TEST(CheckOutput, OwnSettingsAndASummaryOfTheInherited) {
  sbx::testing::TempDir dir;
  std::string p = dir.write("p.toml", "extends = 'default'\n[filesystem]\nro = ['/srv']\n[process]\ntimeout = 45\n");
  LoadedProfile lp = sbx::testing::load_file(p);
  std::ostringstream own;
  own << own_settings(lp.table, p);
  EXPECT_EQ(own.str(), "[filesystem]\nro = [ '/srv' ]\n\n[process]\ntimeout = 45");
  std::string summary = inherited_summary(lp.table, p);
  EXPECT_EQ(summary.rfind("description, [filesystem] ", 0), 0u) << summary;
  EXPECT_NE(summary.find("[process] "), std::string::npos) << summary;
  EXPECT_NE(summary.find("[seccomp] "), std::string::npos) << summary;
  // The built-in default inherits nothing: all of it is its own.
  LoadedProfile d = load_profile("", sbx::testing::test_variables());
  EXPECT_EQ(inherited_summary(d.table, d.chain.front()), "");
}

}  // namespace
}  // namespace sbx::cli
