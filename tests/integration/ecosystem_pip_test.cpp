// A venv in the project and an offline `pip install` of a local package
// (tests/fixtures/python-package) in the `pip` profile, with Debian's python3.
#include <gtest/gtest.h>

#include <filesystem>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"

namespace sbx::test {

TEST(EcosystemPip, InstallsALocalPackageIntoAProjectVenvOffline) {
  ASSERT_TRUE(is_executable("/usr/bin/python3")) << "run tools/install-deps.sh test";
  // setuptools needs `wheel` to build; Debian ships it as a wheel (python3-wheel-whl).
  bool wheelhouse = false;
  for (const auto& e : std::filesystem::directory_iterator("/usr/share/python-wheels", std::filesystem::directory_options::skip_permission_denied))
    wheelhouse |= e.path().filename().string().rfind("wheel-", 0) == 0;
  ASSERT_TRUE(wheelhouse) << "no /usr/share/python-wheels/wheel-*.whl: run tools/install-deps.sh test";

  std::string project = make_temp_dir(), home = make_home_with_secrets();
  copy_fixture("python-package", project + "/greeting");
  std::string before = snapshot(home);
  Result r = sbx({"run", "pip", "--", "/bin/sh", "-c",
                  "set -e\n"
                  "/usr/bin/python3 -m venv .venv\n"
                  ".venv/bin/pip install -q --no-index --find-links /usr/share/python-wheels wheel\n"
                  ".venv/bin/pip install -q --no-index --no-build-isolation ./greeting\n"
                  ".venv/bin/pip cache dir\n"
                  "cd / && \"$OLDPWD/.venv/bin/python\" -c 'import greeting; print(greeting.MESSAGE, greeting.__file__)'\n"},
                 job(project, home, {"PIP_INDEX_URL=https://user:" + kSecret + "@pypi.example/simple"},
                     std::chrono::seconds(180)));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(project + "/.cache/pip\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hello from greeting " + project + "/.venv/lib/"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find(kSecret), std::string::npos) << r.err;

  // The venv is the project's: it works on the host too.
  Result host = run({project + "/.venv/bin/python", "-c", "import greeting; print(greeting.MESSAGE)"}, job("/", home));
  EXPECT_EQ(host.status, 0) << host.err;
  EXPECT_EQ(host.out, "hello from greeting\n");
  EXPECT_EQ(snapshot(home), before);
}

}  // namespace sbx::test
