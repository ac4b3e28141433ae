// What the default profile shows of the host: project read-write (and the write lands
// on the host), system read-only, $HOME and /tmp fresh and empty.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "harness.hpp"

namespace sbx::test {

TEST(RunFilesystem, ProjectIsWritableAndTheWriteIsVisibleOnTheHost) {
  std::string dir = make_temp_dir();
  RunOptions o;
  o.cwd = dir;
  Result r = sbx_sh("pwd; echo built > artifact.txt", {}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, dir + "\n");
  EXPECT_EQ(read_file(dir + "/artifact.txt"), "built\n");
}

TEST(RunFilesystem, SystemDirectoriesAreReadOnly) {
  Result r = sbx_sh("for d in /usr /etc /; do if touch $d/sbx-probe 2>/dev/null; then echo writable $d; fi; done;"
                    "for d in /usr /etc /; do grep -qE \"^[^ ]+ $d [^ ]+ ro[, ]\" /proc/self/mounts && echo ro $d; done");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ro /usr\nro /etc\nro /\n") << r.out;
}

TEST(RunFilesystem, HostTmpAndHomeContentsAreInvisible) {
  // A file in the host's /tmp and in the caller's $HOME.
  std::string home = make_temp_dir("home");
  write_file(home + "/.secret", "token\n", 0600);
  std::string tmp_marker = "/tmp/sbx-host-marker-" + std::to_string(::getpid());
  write_file(tmp_marker, "x\n");
  RunOptions o;
  o.env = {"HOME=" + home};
  // /tmp holds only the path down to the project directory (a mount point).
  Result r = sbx_sh("ls -A \"$HOME\" | wc -l; ls -A /tmp | grep -v '^sbx-test-' | wc -l; test -e " + tmp_marker +
                        " && echo LEAK; echo $HOME",
                    {}, o);
  ::unlink(tmp_marker.c_str());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "0\n0\n" + home + "\n");
}

TEST(RunFilesystem, SshKeysInTheRealHomeAreUnreachable) {
  std::string home = make_temp_dir("home");
  std::filesystem::create_directories(home + "/.ssh");
  write_file(home + "/.ssh/id_ed25519", "PRIVATE KEY\n", 0600);
  if (running_as_root()) ::chown((home + "/.ssh").c_str(), test_uid(), test_gid());
  RunOptions o;
  o.env = {"HOME=" + home};
  Result r = sbx_sh("cat ~/.ssh/id_ed25519 " + home + "/.ssh/id_ed25519 2>&1; echo done", {}, o);
  EXPECT_EQ(r.out.find("PRIVATE KEY"), std::string::npos) << r.out;
}

TEST(RunFilesystem, ProcIsFreshAndDevIsMinimal) {
  Result r = sbx_sh("ls /dev | tr '\\n' ' '; echo; stat -f -c %T /proc; stat -c '%F %t:%T' /dev/null");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* d : {"null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "ptmx", "fd", "stdin",
                        "stdout", "stderr"})
    EXPECT_NE(r.out.find(std::string(d) + " "), std::string::npos) << d << " missing: " << r.out;
  EXPECT_EQ(r.out.find("sda"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("vda"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nproc\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("character special file 1:3"), std::string::npos) << r.out;
}

TEST(RunFilesystem, CommandLineBindsAndTmpfs) {
  std::string data = make_temp_dir("data");
  write_file(data + "/input.txt", "42\n");
  Result r = sbx_sh("cat /data/input.txt; touch /data/x 2>/dev/null || echo ro-ok; touch /scratch/y && echo tmpfs-ok",
                    {"--ro", data + ":/data", "--tmpfs", "/scratch"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "42\nro-ok\ntmpfs-ok\n");
}

TEST(RunFilesystem, CwdOverride) {
  Result r = sbx_sh("pwd", {"--cwd", "/usr"});
  EXPECT_EQ(r.out, "/usr\n") << r.err;
}

TEST(RunFilesystem, MissingBindSourceIsASetupErrorNamingThePath) {
  Result r = sbx_sh("true", {"--ro", "/no/such/dir"});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("/no/such/dir"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
}

}  // namespace sbx::test
