// spec/from_profile.hpp: [filesystem] protect, the paths relative to each writable
// bind that the workload may not change or create (launch/guard.hpp).
#include <gtest/gtest.h>

#include "../profile/profile_fixture.hpp"
#include "spec/from_profile.hpp"

namespace sbx {
namespace {

using testing::error_of;
using testing::TempDir;

class FromProfileProtect : public ::testing::Test {
 protected:
  TempDir dir;
  Spec build(const std::string& text) { return testing::build_file(dir.write("p.toml", text)); }
  std::string err(const std::string& text) {
    std::string e = error_of([&] { build(text); });
    std::string prefix = dir.path() + "/";
    for (size_t pos; (pos = e.find(prefix)) != std::string::npos;) e.erase(pos, prefix.size());
    return e;
  }
};

TEST_F(FromProfileProtect, EntriesAreNormalisedRelativePaths) {
  Spec s = build("[filesystem]\nprotect = [\".git\", \"./ci//deploy.sh/\", \".vscode\"]\n");
  EXPECT_EQ(s.sbx.protect, (std::vector<std::string>{".git", "ci/deploy.sh", ".vscode"}));
}

TEST_F(FromProfileProtect, TheDefaultProfileProtectsWhatRunsOutsideLater) {
  Spec s = build("extends = \"default\"\n");
  for (const char* p : {".git", ".vscode", ".idea", ".envrc"})
    EXPECT_NE(std::find(s.sbx.protect.begin(), s.sbx.protect.end(), p), s.sbx.protect.end()) << p;
  Spec t = build("extends = \"default\"\n[filesystem]\nprotect = [\"!.envrc\"]\n");
  EXPECT_EQ(std::find(t.sbx.protect.begin(), t.sbx.protect.end(), ".envrc"), t.sbx.protect.end());
}

TEST_F(FromProfileProtect, BadEntriesAreRefusedWithTheirPosition) {
  EXPECT_EQ(err("[filesystem]\nprotect = [\"/etc/passwd\"]\n"),
            "p.toml:2:12: [filesystem] protect: path must be relative to the writable directory, not absolute: "
            "\"/etc/passwd\"");
  EXPECT_EQ(err("[filesystem]\nprotect = [\"a\", \"../x\"]\n"),
            "p.toml:2:17: [filesystem] protect: '..' is not allowed in a path: \"../x\"");
  EXPECT_EQ(err("[filesystem]\nprotect = [\"\"]\n"), "p.toml:2:12: [filesystem] protect: empty path");
  EXPECT_EQ(err("[filesystem]\nprotect = [\"./\"]\n"),
            "p.toml:2:12: [filesystem] protect: \"./\" names the writable directory itself");
  EXPECT_EQ(err("[filesystem]\nprotect = \".git\"\n").substr(0, 12), "p.toml:2:11:");
}

}  // namespace
}  // namespace sbx
