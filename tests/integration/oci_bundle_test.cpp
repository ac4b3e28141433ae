// `sbx export --bundle DIR` (the layout runc and crun need) and `sbx run --bundle DIR`
// (an OCI bundle run by sbx): round trips, a bundle's own rootfs, and refusals that name
// the JSON path.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sbx::test {

namespace {

using nlohmann::json;

// Exports the default profile with `command` into a new bundle directory; returns it.
std::string export_bundle(const std::vector<std::string>& extra, const std::vector<std::string>& command) {
  std::string dir = make_temp_dir("bundle") + "/b";
  std::vector<std::string> args = {"export", "--bundle", dir};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("--");
  args.insert(args.end(), command.begin(), command.end());
  Result r = sbx(args);
  EXPECT_EQ(r.status, 0) << r.err;
  return dir;
}

json read_config(const std::string& dir) { return json::parse(read_file(dir + "/config.json")); }

void write_config(const std::string& dir, const json& c) { write_file(dir + "/config.json", c.dump(2)); }

std::string link_target(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

}  // namespace

TEST(OciBundle, ExportLaysOutTheRootfsSbxWouldBuild) {
  std::string dir = export_bundle({}, {"true"});
  json c = read_config(dir);
  EXPECT_EQ(c["process"]["args"], json::array({"true"}));
  EXPECT_EQ(c["process"]["terminal"], false);
  EXPECT_EQ(c["root"]["path"], "rootfs");
  // Every mount destination exists in rootfs, a directory or (for a file bind) a file.
  for (const auto& m : c["mounts"]) {
    std::string p = dir + "/rootfs" + m["destination"].get<std::string>();
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  }
  // The profile's mirrored symlinks are there, as on the host.
  for (const char* l : {"/bin", "/lib", "/sbin"}) {
    std::string host = link_target(l);
    if (host.empty()) continue;
    EXPECT_EQ(link_target(dir + "/rootfs" + l), host) << l;
  }
  // A recursive read-only bind carries the recursive flag runc and crun need.
  bool found = false;
  for (const auto& m : c["mounts"])
    if (m["destination"] == "/usr") {
      found = true;
      auto opts = m["options"].get<std::vector<std::string>>();
      EXPECT_NE(std::find(opts.begin(), opts.end(), "rro"), opts.end()) << m.dump();
    }
  EXPECT_TRUE(found) << c["mounts"].dump();
}

TEST(OciBundle, ExportingAgainIntoTheSameDirectoryWorksAndAConflictIsRefused) {
  std::string dir = export_bundle({}, {"true"});
  Result again = sbx({"export", "--bundle", dir, "--", "false"});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(read_config(dir)["process"]["args"], json::array({"false"}));
  if (link_target("/bin").empty()) GTEST_SKIP() << "/bin is not a symlink here";
  ASSERT_EQ(::unlink((dir + "/rootfs/bin").c_str()), 0);
  write_file(dir + "/rootfs/bin", "in the way");
  Result conflict = sbx({"export", "--bundle", dir, "--", "true"});
  EXPECT_EQ(conflict.status, 125);
  EXPECT_NE(conflict.err.find("sbx: --bundle " + dir + ": rootfs/bin is in the way"), std::string::npos) << conflict.err;
}

TEST(OciBundle, OptionalBindsAbsentAtExportAreLeftOut) {
  std::string dir = export_bundle({"--ro", "?/nonexistent-sbx-test"}, {"true"});
  EXPECT_EQ(read_config(dir).dump().find("/nonexistent-sbx-test"), std::string::npos);
}

TEST(OciBundle, RunBundleRoundTripsTheExport) {
  std::string dir = export_bundle({}, {"/bin/sh", "-c", "id -u; cat /proc/sys/kernel/hostname; pwd; exit 7"});
  RunOptions o;
  Result r = sbx({"run", "--bundle", dir}, o);
  EXPECT_EQ(r.status, 7) << r.err;
  Result direct = sbx_sh("id -u; cat /proc/sys/kernel/hostname; pwd; exit 7");
  // Same uid and hostname; the working directory is the one baked in at export.
  EXPECT_EQ(r.out.substr(0, r.out.rfind('\n', r.out.size() - 2)),
            direct.out.substr(0, direct.out.rfind('\n', direct.out.size() - 2)));
  Result replaced = sbx({"run", "--bundle", dir, "--", "echo", "replaced"});
  EXPECT_EQ(replaced.status, 0) << replaced.err;
  EXPECT_EQ(replaced.out, "replaced\n");
}

TEST(OciBundle, RunBundleUsesTheBundlesOwnRootfs) {
  std::string dir = export_bundle({}, {"/bin/sh", "-c", "cat /data/hello; touch /data/new 2>&1; ls /"});
  ASSERT_EQ(::mkdir((dir + "/rootfs/data").c_str(), 0755), 0);
  write_file(dir + "/rootfs/data/hello", "from the rootfs\n");
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown((dir + "/rootfs/data").c_str(), test_uid(), test_gid()), 0);
  }
  Result r = sbx({"run", "--bundle", dir});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("from the rootfs\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Read-only file system"), std::string::npos) << r.out;  // root.readonly
  EXPECT_NE(r.out.find("\ndata\n"), std::string::npos) << r.out;
}

TEST(OciBundle, UnsupportedFieldsAreRefusedWithTheirJsonPath) {
  std::string dir = export_bundle({}, {"true"});
  json c = read_config(dir);
  c["linux"]["resources"] = {{"memory", {{"limit", 1 << 30}}}};
  write_config(dir, c);
  Result r = sbx({"run", "--bundle", dir});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err.rfind("sbx: " + dir + "/config.json: linux.resources.memory is not supported by sbx "
                        "(no cgroup management)", 0), 0u) << r.err;

  c = read_config(dir);
  c["linux"].erase("resources");
  c["linux"]["namespaces"][2]["path"] = "/proc/1/ns/pid";
  write_config(dir, c);
  r = sbx({"run", "--bundle", dir});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("linux.namespaces[2].path is not supported by sbx (joining an existing namespace)"),
            std::string::npos) << r.err;
}

TEST(OciBundle, ABundleAndAProfileAreNotGivenTogether) {
  std::string dir = export_bundle({}, {"true"});
  Result r = sbx({"run", "--bundle", dir, "strict", "--", "true"});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("--bundle replaces the profile"), std::string::npos) << r.err;
}

}  // namespace sbx::test
