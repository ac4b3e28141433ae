#include "util/names.hpp"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/resource.h>

#include <cerrno>

namespace sbx {
namespace {

TEST(Names, Errno) {
  EXPECT_EQ(errno_from_name("EPERM"), EPERM);
  EXPECT_EQ(errno_from_name("ENOSYS"), ENOSYS);
  EXPECT_FALSE(errno_from_name("eperm"));
  EXPECT_FALSE(errno_from_name("1"));
  EXPECT_EQ(errno_name(EACCES), "EACCES");
  auto names = errno_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "EPERM"), names.end());
}

TEST(Names, Capabilities) {
  EXPECT_EQ(normalize_capability("net_raw"), "CAP_NET_RAW");
  EXPECT_EQ(normalize_capability("CAP_NET_RAW"), "CAP_NET_RAW");
  EXPECT_EQ(normalize_capability("Cap_Sys_Admin"), "CAP_SYS_ADMIN");
  EXPECT_FALSE(normalize_capability("net_raww"));
  EXPECT_FALSE(normalize_capability("12"));
  EXPECT_FALSE(normalize_capability(""));
  EXPECT_EQ(capability_value("CAP_CHOWN"), CAP_CHOWN);
  auto names = capability_names();
  EXPECT_GE(names.size(), 38u);
  EXPECT_EQ(names.front(), "CAP_CHOWN");
}

TEST(Names, Rlimits) {
  EXPECT_EQ(normalize_rlimit("nofile"), "RLIMIT_NOFILE");
  EXPECT_EQ(normalize_rlimit("RLIMIT_NOFILE"), "RLIMIT_NOFILE");
  EXPECT_EQ(normalize_rlimit("rlimit_as"), "RLIMIT_AS");
  EXPECT_FALSE(normalize_rlimit("files"));
  EXPECT_EQ(rlimit_resource("RLIMIT_NOFILE"), RLIMIT_NOFILE);
  EXPECT_EQ(rlimit_resource("RLIMIT_RTTIME"), RLIMIT_RTTIME);
  EXPECT_EQ(rlimit_short_names().size(), 16u);
}

}  // namespace
}  // namespace sbx
