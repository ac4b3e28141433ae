// A crate with a build script and no dependencies (tests/fixtures/crate) built offline
// with Debian's cargo in the `cargo` profile.
#include <gtest/gtest.h>

#include <filesystem>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"

namespace sbx::test {

TEST(EcosystemCargo, BuildsOfflineAndTheBuildScriptSeesNoToken) {
  // Debian's cargo: a rustup toolchain (in root's ~/.cargo) is out of the test user's reach.
  if (!is_executable("/usr/bin/cargo") || !is_executable("/usr/bin/rustc"))
    GTEST_SKIP() << "Debian's cargo and rustc (/usr/bin/cargo, /usr/bin/rustc) are not installed";
  std::string project = make_temp_dir(), home = make_home_with_secrets();
  copy_fixture("crate", project);
  std::string before = snapshot(home);
  Result r = sbx({"run", "cargo", "--env", "RUSTC=/usr/bin/rustc", "--", "/bin/sh", "-c",
                  "/usr/bin/cargo build --offline && ./target/debug/hello && echo \"CARGO_HOME=$CARGO_HOME\""},
                 job(project, home, {}, std::chrono::seconds(180)));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("hello from rust\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("build script: cannot read " + home + "/.cargo/credentials.toml: NotFound"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CARGO_HOME=" + project + "/.cache/cargo\n"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(project + "/target/debug/hello"));
  EXPECT_TRUE(std::filesystem::exists(project + "/Cargo.lock"));
  EXPECT_EQ(snapshot(home), before);
}

}  // namespace sbx::test
