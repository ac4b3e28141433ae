// Ways of running beyond the default: as root, with subordinate ids, with
// --json-status, with -v.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness.hpp"

namespace sbx::test {

namespace {

// Gives the test user a subordinate id range for the duration of a test (root only).
class SubidRange {
 public:
  SubidRange() {
    if (!running_as_root()) return;
    for (const char* f : {"/etc/subuid", "/etc/subgid"}) {
      std::string content = read_file(f);
      saved_.push_back(content);
      std::ofstream out(f, std::ios::app);
      out << "nobody:300000:65536\n";
    }
    active_ = true;
  }
  ~SubidRange() {
    if (!active_) return;
    const char* files[] = {"/etc/subuid", "/etc/subgid"};
    for (size_t i = 0; i < 2; ++i) {
      std::ofstream out(files[i], std::ios::trunc);
      out << saved_[i];
    }
  }
  bool active() const { return active_; }

 private:
  bool active_ = false;
  std::vector<std::string> saved_;
};

bool user_has_subuids() {
  std::ifstream f("/etc/subuid");
  std::string line, user = getenv("USER") ? getenv("USER") : "";
  while (std::getline(f, line))
    if (!user.empty() && line.rfind(user + ":", 0) == 0) return true;
  return false;
}

}  // namespace

TEST(RunModes, WorksAsRootWithTheSameIsolation) {
  if (!running_as_root()) GTEST_SKIP() << "needs root (CI runs the suite as root)";
  RunOptions o;
  o.privileged = true;
  Result r = sbx_sh("id -u; cat /proc/self/uid_map; grep -E '^Cap(Eff|Bnd)' /proc/self/status; touch /usr/x 2>&1 || true",
                    {}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("0\n         0          0          1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapEff:\t0000000000000000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapBnd:\t0000000000000000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Read-only file system"), std::string::npos) << r.out;
}

// One test, because it edits /etc/subuid (ctest runs tests in parallel processes).
TEST(RunModes, SubordinateIdsMapARangeThroughNewuidmapOrSayWhatToDo) {
  if (::access("/usr/bin/newuidmap", X_OK) != 0) GTEST_SKIP() << "uidmap package not installed";
  std::string dir = make_temp_dir();
  write_file(dir + "/subids.toml", "extends = \"default\"\n[namespaces]\nsubordinate_ids = true\n");
  RunOptions o;
  o.cwd = dir;
  if (running_as_root() || !user_has_subuids()) {
    // nobody has no range until we add one.
    Result r = sbx({"run", "./subids.toml", "--", "true"}, o);
    EXPECT_EQ(r.status, 125);
    EXPECT_NE(r.err.find("has no range in /etc/subuid"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("usermod --add-subuids"), std::string::npos) << r.err;
  }
  SubidRange range;
  if (!range.active() && !user_has_subuids()) GTEST_SKIP() << "no /etc/subuid range for this user";
  Result r = sbx({"run", "./subids.toml", "--", "sh", "-c", "cat /proc/self/uid_map | wc -l; id -u"}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "3\n" + std::to_string(test_uid()) + "\n");
}

TEST(RunModes, JsonStatusRecordsPidNamespacesExitAndDuration) {
  std::string dir = make_temp_dir();
  RunOptions o;
  o.cwd = dir;
  Result r = sbx({"run", "--json-status", dir + "/status.json", "--", "sh", "-c", "exit 3"}, o);
  EXPECT_EQ(r.status, 3) << r.err;
  auto j = nlohmann::json::parse(read_file(dir + "/status.json"));
  EXPECT_GT(j["pid"].get<int>(), 0);
  EXPECT_EQ(j["exit_code"], 3);
  EXPECT_EQ(j["exit_status"], 3);
  EXPECT_FALSE(j["timed_out"].get<bool>());
  for (const char* ns : {"user", "mnt", "pid", "net", "ipc", "uts", "cgroup"}) EXPECT_TRUE(j["namespaces"].contains(ns)) << ns;
  EXPECT_GE(j["duration_ms"].get<int>(), 0);

  r = sbx({"run", "--json-status", dir + "/status2.json", "--", "sh", "-c", "kill -9 $$"}, o);
  EXPECT_EQ(r.status, 137);
  auto k = nlohmann::json::parse(read_file(dir + "/status2.json"));
  EXPECT_EQ(k["signal"], 9);
}

TEST(RunModes, VerboseShowsEachSetupStep) {
  Result r = sbx_sh("true", {"-v"});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* step : {"clone", "uid_map", "bind /usr on /usr (read-only)", "mount proc on /proc", "pivot_root",
                           "loopback up"})
    EXPECT_NE(r.err.find(step), std::string::npos) << step << "\n" << r.err;
}

}  // namespace sbx::test
