// profile/seccomp_text.hpp: [seccomp] tables blanked line for line, or nothing at all
// when the text sets seccomp some other way.
#include "profile/seccomp_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace sbx {
namespace {

TEST(SeccompText, TablesAreBlankedAndEveryOtherLineKept) {
  std::string text =
      "description = \"x\"\n"
      "[filesystem]\n"
      "ro = [\"/usr\",\n"
      "      \"/etc\"]\n"
      "[seccomp]   # the filter\n"
      "deny = [\"mount\",\n"
      "        \"umount2\"]\n"
      "[[seccomp.rule]]\n"
      "names = [\"clone\"]\n"
      "args = [{ index = 0, op = \"eq\", value = 1 }]\n"
      "[seccomp.notify]\n"
      "syscalls = [\"getppid\"]\n"
      "[network]\n"
      "mode = \"none\"\n";
  auto out = blank_seccomp_tables(text);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out,
            "description = \"x\"\n"
            "[filesystem]\n"
            "ro = [\"/usr\",\n"
            "      \"/etc\"]\n"
            "\n\n\n\n\n\n\n\n"
            "[network]\n"
            "mode = \"none\"\n");
  EXPECT_EQ(std::count(out->begin(), out->end(), '\n'), std::count(text.begin(), text.end(), '\n'));
}

TEST(SeccompText, TablesNamedLikeSeccompAreNotSeccomp) {
  std::string text = "[seccompish]\nx = 1\n[process.seccomp]\ny = 2\n";
  EXPECT_EQ(blank_seccomp_tables(text).value_or("?"), text);
}

TEST(SeccompText, OtherWaysOfSettingSeccompGiveNothing) {
  EXPECT_FALSE(blank_seccomp_tables("seccomp.deny = [\"mount\"]\n"));
  EXPECT_FALSE(blank_seccomp_tables("seccomp = { deny = [\"mount\"] }\n"));
  EXPECT_FALSE(blank_seccomp_tables("description = '''\n[seccomp]\n'''\n"));
  EXPECT_FALSE(blank_seccomp_tables("description = \"\"\"\nx\"\"\"\n"));
}

TEST(SeccompText, ALastLineWithoutNewlineStays) {
  EXPECT_EQ(blank_seccomp_tables("[a]\nb = 1").value_or("?"), "[a]\nb = 1");
  EXPECT_EQ(blank_seccomp_tables("[seccomp]\ndeny = []").value_or("?"), "\n");
}

}  // namespace
}  // namespace sbx
