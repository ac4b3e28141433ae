#include "util/units.hpp"

#include <gtest/gtest.h>

namespace sbx {

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration("30")->count(), 30000);
  EXPECT_EQ(parse_duration("90s")->count(), 90000);
  EXPECT_EQ(parse_duration("30m")->count(), 1800000);
  EXPECT_EQ(parse_duration("1h30m")->count(), 5400000);
  EXPECT_EQ(parse_duration("500ms")->count(), 500);
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("m"));
  EXPECT_FALSE(parse_duration("10x"));
  EXPECT_FALSE(parse_duration("1m30"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("99999999999999999999s"));
}

TEST(Units, Sizes) {
  EXPECT_EQ(*parse_size("1024"), 1024u);
  EXPECT_EQ(*parse_size("1k"), 1024u);
  EXPECT_EQ(*parse_size("1G"), 1u << 30);
  EXPECT_EQ(*parse_size("2MiB"), 2u << 20);
  EXPECT_FALSE(parse_size("1Q"));
  EXPECT_FALSE(parse_size("G"));
  EXPECT_FALSE(parse_size("99999999999T"));
}

}  // namespace sbx
