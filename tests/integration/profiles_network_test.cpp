// The `network` profile: the host's network, which `default` does not have; proxy
// settings pass, registry tokens do not.
#include <gtest/gtest.h>

#include <unistd.h>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"

namespace sbx::test {
namespace {

Result send_to_host(const std::string& profile, int port) {
  std::vector<std::string> args = {"run"};
  if (!profile.empty()) args.push_back(profile);
  args.insert(args.end(), {"--", "/bin/bash", "-c", "printf from-sandbox > /dev/tcp/127.0.0.1/" + std::to_string(port)});
  return sbx(args, job(make_temp_dir(), make_temp_dir("home")));
}

}  // namespace

TEST(ProfilesNetwork, ReachesAListenerOnTheHostsLoopback) {
  HostListener host;
  Result r = send_to_host("network", host.port());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(host.received(), "from-sandbox");
}

TEST(ProfilesNetwork, TheDefaultProfileDoesNot) {
  HostListener host;
  Result r = send_to_host("", host.port());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("Connection refused"), std::string::npos) << r.err;
  EXPECT_EQ(host.received(), "");
}

TEST(ProfilesNetwork, TheBuildProfilesFetchWithNetworkHost) {
  // The documented fetch step: `sbx run npm --network host -- npm ci --ignore-scripts`.
  HostListener host;
  Result r = sbx({"run", "npm", "--network", "host", "--", "/bin/bash", "-c",
                  "printf from-npm > /dev/tcp/127.0.0.1/" + std::to_string(host.port())},
                 job(make_temp_dir(), make_temp_dir("home")));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(host.received(), "from-npm");
}

TEST(ProfilesNetwork, SeesTheHostsResolverConfiguration) {
  // On systemd-resolved, resolvconf or NetworkManager hosts resolv.conf points into /run,
  // which the profiles bind back.
  if (::access("/etc/resolv.conf", R_OK) != 0) GTEST_SKIP() << "this host has no readable /etc/resolv.conf";
  for (const char* profile : {"network", "ci-build"}) {
    Result r = sbx({"run", profile, "--network", "host", "--", "/bin/cat", "/etc/resolv.conf"},
                   job(make_temp_dir(), make_temp_dir("home")));
    ASSERT_EQ(r.status, 0) << profile << ": " << r.err;
    EXPECT_EQ(r.out, read_file("/etc/resolv.conf")) << profile;
  }
}

TEST(ProfilesNetwork, PassesProxySettingsButNotTokens) {
  Result r = sbx({"run", "network", "--", "/bin/sh", "-c", "env"},
                 job(make_temp_dir(), make_temp_dir("home"),
                     {"HTTPS_PROXY=http://proxy.example:3128", "no_proxy=localhost", "NPM_TOKEN=" + kSecret}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("HTTPS_PROXY=http://proxy.example:3128\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no_proxy=localhost\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
}

}  // namespace sbx::test
