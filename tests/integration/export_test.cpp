// `sbx export`: the config.json it prints validates against the OCI runtime-spec JSON
// schema (Debian: golang-github-opencontainers-specs-dev), checked with
// tests/tools/validate_oci.py (python3-jsonschema), for every shipped profile and for
// a profile that uses every key.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sbx::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kSchema =
    "/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema/config-schema.json";

std::string validator() { return std::string(SBX_SOURCE_DIR) + "/tests/tools/validate_oci.py"; }

// Runs the validator on a config, as it is (it needs no privilege to drop).
Result validate(const std::string& config_json) {
  RunOptions o;
  o.privileged = true;
  o.input = config_json;
  return run({kPython, validator(), "-"}, o);
}

// A limit the caller may set to "unlimited" (one whose hard limit already is).
std::string unlimited_limit() {
  for (auto [name, res] : {std::pair{"data", RLIMIT_DATA}, {"as", RLIMIT_AS}, {"rss", RLIMIT_RSS}, {"memlock", RLIMIT_MEMLOCK}}) {
    struct rlimit rl {};
    if (::getrlimit(res, &rl) == 0 && rl.rlim_max == RLIM_INFINITY) return std::string(name) + " = \"unlimited\"";
  }
  return "data = 1";  // (then the check below fails and says why)
}

class Export : public ::testing::Test {
 protected:
  void SetUp() override {
    RunOptions o;
    o.privileged = true;
    if (run({kPython, "-c", "import jsonschema"}, o).status != 0)
      GTEST_SKIP() << "/usr/bin/python3 cannot import jsonschema (apt-get install python3-jsonschema): cannot "
                      "validate against the OCI schema";
    ASSERT_TRUE(fs::exists(kSchema)) << "no OCI runtime-spec schema at " << kSchema
                                     << ": apt-get install golang-github-opencontainers-specs-dev";
  }

};

TEST_F(Export, TheValidatorRejectsAnInvalidConfig) {
  Result v = validate(R"({"ociVersion": "1.0.2", "linux": {"namespaces": [{"type": "bogus"}]}, "mounts": [{"destination": 3}]})");
  EXPECT_EQ(v.status, 1) << v.err;
  EXPECT_NE(v.err.find("$.linux.namespaces[0]"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("$.mounts[0].destination: 3 is not of type 'string'"), std::string::npos) << v.err;
  Result ok = validate(R"({"ociVersion": "1.0.2"})");
  EXPECT_EQ(ok.status, 0) << ok.err;
}

TEST_F(Export, EveryShippedProfileValidates) {
  std::string dir = make_temp_dir("profiles");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(SBX_SOURCE_DIR) / "profiles")) {
    if (e.path().extension() != ".toml") continue;
    names.push_back(e.path().stem().string());
    write_file(dir + "/" + e.path().filename().string(), read_file(e.path().string()));
  }
  ASSERT_FALSE(names.empty());
  for (const auto& name : names) {
    Result r = sbx({"export", dir + "/" + name + ".toml", "--", "make", "-j4"});
    ASSERT_EQ(r.status, 0) << name << ": " << r.err;
    Result v = validate(r.out);
    EXPECT_EQ(v.status, 0) << name << ": the OCI schema rejects the export:\n" << v.err << v.out;
    nlohmann::json j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["process"]["args"], nlohmann::json({"make", "-j4"})) << name;
  }
}

TEST_F(Export, TheBuiltInDefaultValidates) {
  Result r = sbx({"export", "--", "true"});
  ASSERT_EQ(r.status, 0) << r.err;
  Result v = validate(r.out);
  EXPECT_EQ(v.status, 0) << v.err;
}

TEST_F(Export, AProfileUsingEveryKeyValidates) {
  std::string project = make_temp_dir();
  write_file(project + "/all.toml", R"(extends = "default"
description = "every key"
[process]
uid = 0
gid = 0
umask = "027"
timeout = "1h30m"
keep_fds = [3]
env = { clear = true, keep = ["PATH", "LC_*"], set = { CI = "true" }, unset = ["TZ"] }
[filesystem]
ro = ["?/srv/data:/data"]
tmpfs = ["/scratch:mode=1777,size=64MiB,noexec"]
symlinks = ["usr/bin:/usr/local/bin2"]
masked = ["/etc/shadow"]
root_readonly = true
[[filesystem.mount]]
destination = "/dev/mqueue"
type = "mqueue"
options = ["nosuid", "nodev", "noexec"]
[[filesystem.mount]]
destination = "/cache"
type = "tmpfs"
options = ["size=1G", "mode=700", "uid=0"]
[network]
mode = "host"
[namespaces]
hostname = "builder"
ipc = false
cgroup = false
[capabilities]
add = ["NET_BIND_SERVICE", "CAP_CHOWN"]
[limits]
nofile = 256
nproc = 100
fsize = "1G"
cpu = "10m"
core = 0
stack = "8M"
)" + unlimited_limit() + R"(
[seccomp]
log = true
[[seccomp.rule]]
names = ["personality"]
action = "errno"
errno = "EINVAL"
args = [{ index = 0, op = "ne", value = 0 }]
)");
  RunOptions o;
  o.cwd = project;
  Result r = sbx({"export", "./all.toml", "--", "make"}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  Result v = validate(r.out);
  EXPECT_EQ(v.status, 0) << v.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["process"]["user"]["umask"], 027);
  EXPECT_EQ(j["hostname"], "builder");
  EXPECT_EQ(j["process"]["rlimits"].size(), 7u);
  // RLIM_INFINITY is the schema's largest uint64.
  bool infinite = false;
  for (const auto& rl : j["process"]["rlimits"]) infinite |= rl["hard"] == RLIM_INFINITY;
  EXPECT_TRUE(infinite) << j["process"]["rlimits"];
  bool has_cache = false;
  for (const auto& m : j["mounts"])
    if (m["destination"] == "/cache") has_cache = m["options"] == nlohmann::json({"size=1G", "mode=700", "uid=0"});
  EXPECT_TRUE(has_cache) << j["mounts"];
  EXPECT_EQ(j["annotations"]["org.sbx.timeout-ms"], "5400000");
  for (const auto& ns : j["linux"]["namespaces"]) EXPECT_NE(ns["type"], "network");
}

}  // namespace
}  // namespace sbx::test
