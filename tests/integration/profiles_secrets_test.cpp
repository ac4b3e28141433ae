// No shipped profile exposes what a CI runner or a developer keeps in $HOME or in the
// environment: credential files are invisible, secret variables are not passed, the
// toolchain directories an ecosystem profile binds are read-only, and whatever the
// workload writes to $HOME is gone with the sandbox.
#include <gtest/gtest.h>

#include <map>
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
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

// The $HOME directories each profile binds (read-only) when present; none elsewhere.
std::set<std::string> expected_toolchains(const std::string& profile) {
  static const std::map<std::string, std::set<std::string>> m = {
      {"cargo", {".cargo/bin", ".rustup"}}, {"npm", {".nvm"}}, {"pip", {".pyenv"}}};
  auto it = m.find(profile);
  return it == m.end() ? std::set<std::string>{} : it->second;
}

class SecretsOf : public testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(SecretsOf, HomeCredentialsAndSecretVariablesStayOutAndHomeIsUntouched) {
  std::string home = make_home_with_secrets();
  std::string before = snapshot(home);
  std::string script;
  for (const auto& f : secret_files()) script += "[ -e \"$HOME/" + f + "\" ] && echo \"VISIBLE " + f + "\"\n";
  script +=
      "for d in .cargo/bin .rustup .nvm .pyenv; do\n"
      "  [ -e \"$HOME/$d/marker\" ] || continue\n"
      "  echo \"toolchain $d\"\n"
      "  (echo x >> \"$HOME/$d/marker\") 2>/dev/null && echo \"WRITABLE $d\"\n"
      "done\n"
      "env\n"
      // What a hostile build would leave behind for later: all into the sandbox's $HOME.
      "echo evil >> \"$HOME/.bashrc\"\n"
      "mkdir -p \"$HOME/.ssh\" \"$HOME/.npm\" \"$HOME/.cache/pip\"\n"
      "echo evil >> \"$HOME/.ssh/authorized_keys\"\n"
      "echo evil > \"$HOME/.npm/poisonable\"; echo evil > \"$HOME/.cache/pip/poisonable\"\n"
      "true\n";
  Result r = sbx({"run", GetParam(), "--", "/bin/sh", "-c", script},
                 job(make_temp_dir(), home,
                     {"CI=true", "CI_JOB_TOKEN=" + kSecret, "GITHUB_TOKEN=" + kSecret, "AWS_SECRET_ACCESS_KEY=" + kSecret,
                      "NPM_TOKEN=" + kSecret, "npm_config__authToken=" + kSecret, "CARGO_REGISTRY_TOKEN=" + kSecret,
                      "PIP_INDEX_URL=https://user:" + kSecret + "@pypi.example/simple",
                      "SSH_AUTH_SOCK=/tmp/ssh-agent." + kSecret}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("VISIBLE"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("WRITABLE"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find(kSecret), std::string::npos) << r.err;
  std::set<std::string> toolchains;
  for (size_t i = 0; (i = r.out.find("toolchain ", i)) != std::string::npos; ++i)
    toolchains.insert(r.out.substr(i + 10, r.out.find('\n', i) - i - 10));
  EXPECT_EQ(toolchains, expected_toolchains(GetParam())) << r.out;
  EXPECT_EQ(snapshot(home), before) << "the sandbox changed the host's $HOME";
}

INSTANTIATE_TEST_SUITE_P(Shipped, SecretsOf, testing::ValuesIn(shipped_names()), param_name);

}  // namespace sbx::test
