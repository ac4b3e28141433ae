#include "util/strings.hpp"

#include <gtest/gtest.h>

namespace sbx {
namespace {

TEST(Strings, Split) {
  EXPECT_EQ(split("a:b::c", ':'), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(split("", ':'), (std::vector<std::string>{""}));
  EXPECT_EQ(split("x", ':'), (std::vector<std::string>{"x"}));
}

TEST(Strings, StartsWith) {
  EXPECT_TRUE(starts_with("env:HOME", "env:"));
  EXPECT_FALSE(starts_with("en", "env:"));
  EXPECT_TRUE(starts_with("x", ""));
}

TEST(Strings, EditDistanceCountsATranspositionAsOne) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("ro", "rox"), 1u);
  EXPECT_EQ(edit_distance("filesytem", "filesystem"), 1u);
  EXPECT_EQ(edit_distance("evn", "env"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(Strings, ClosestMatch) {
  std::vector<std::string> keys = {"ro", "rw", "tmpfs", "mirror", "symlinks", "proc", "dev", "masked", "mount"};
  EXPECT_EQ(closest_match("rox", keys), "ro");
  EXPECT_EQ(closest_match("tmpsf", keys), "tmpfs");
  EXPECT_EQ(closest_match("mout", keys), "mount");
  EXPECT_EQ(closest_match("RO", keys), "ro");  // case is a typo too
  EXPECT_FALSE(closest_match("ro", keys));      // not a typo
  EXPECT_FALSE(closest_match("banana", keys));
  EXPECT_FALSE(closest_match("x", {}));
  // At most a third of the word.
  EXPECT_FALSE(closest_match("abcd", {"wxyz"}));
  EXPECT_EQ(closest_match("capabilites", {"capabilities"}), "capabilities");
}

TEST(Strings, DidYouMean) {
  EXPECT_EQ(did_you_mean("rox", {"ro", "rw"}), " (did you mean 'ro'?)");
  EXPECT_EQ(did_you_mean("zzzz", {"ro", "rw"}), "");
}

TEST(Strings, ControlCharacters) {
  EXPECT_FALSE(has_control_chars("/usr/bin é"));
  EXPECT_TRUE(has_control_chars(std::string("a\0b", 3)));
  EXPECT_TRUE(has_control_chars("a\x1b"));
  EXPECT_TRUE(has_control_chars("a\x7f"));
  EXPECT_EQ(printable("plain é"), "plain é");
  EXPECT_EQ(printable("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(printable("\x1b[2J"), "\\x1b[2J");
  EXPECT_EQ(printable(std::string("\0\x7f", 2)), "\\x00\\x7f");
  EXPECT_EQ(printable(printable("a\x01")), printable("a\x01"));  // idempotent
}

TEST(Strings, ShellQuote) {
  EXPECT_EQ(shell_quote("make"), "make");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

}  // namespace
}  // namespace sbx
