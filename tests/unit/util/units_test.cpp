#include "util/units.hpp"

#include <gtest/gtest.h>

namespace sbx {

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration("30")->count(), 30000);
  EXPECT_EQ(parse_duration("90s")->count(), 90000);
  EXPECT_EQ(parse_duration("30m")->count(), 1800000);
  EXPECT_EQ(parse_duration("1h30m")->count(), 5400000);
  EXPECT_EQ(parse_duration("500ms")->count(), 500);
  EXPECT_EQ(parse_duration("1d")->count(), 86400000);
  EXPECT_EQ(parse_duration("1m30s")->count(), 90000);
  EXPECT_EQ(parse_duration("0s")->count(), 0);
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("m"));
  EXPECT_FALSE(parse_duration("10x"));
  EXPECT_FALSE(parse_duration("1m30"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration(" 1s"));
  EXPECT_FALSE(parse_duration("1.5s"));
  EXPECT_FALSE(parse_duration("99999999999999999999s"));
  EXPECT_FALSE(parse_duration("999999999999d"));
}

TEST(Units, FormatDuration) {
  using std::chrono::milliseconds;
  EXPECT_EQ(format_duration(milliseconds(500)), "500ms");
  EXPECT_EQ(format_duration(milliseconds(90000)), "90s");
  EXPECT_EQ(format_duration(milliseconds(1800000)), "30m");
  EXPECT_EQ(format_duration(milliseconds(7200000)), "2h");
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
}

TEST(Units, Sizes) {
  EXPECT_EQ(*parse_size("1024"), 1024u);
  EXPECT_EQ(*parse_size("1k"), 1024u);
  EXPECT_EQ(*parse_size("1K"), 1024u);
  EXPECT_EQ(*parse_size("1G"), 1u << 30);
  EXPECT_EQ(*parse_size("2MiB"), 2u << 20);
  EXPECT_EQ(*parse_size("2MB"), 2u << 20);
  EXPECT_EQ(*parse_size("1T"), uint64_t{1} << 40);
  EXPECT_EQ(*parse_size("100b"), 100u);
  EXPECT_EQ(*parse_size("0"), 0u);
  EXPECT_FALSE(parse_size(""));
  EXPECT_FALSE(parse_size("1Q"));
  EXPECT_FALSE(parse_size("G"));
  EXPECT_FALSE(parse_size("-1"));
  EXPECT_FALSE(parse_size("1.5G"));
  EXPECT_FALSE(parse_size("1GG"));
  EXPECT_FALSE(parse_size("1 G"));
  EXPECT_FALSE(parse_size("99999999999T"));
  EXPECT_FALSE(parse_size("99999999999999999999"));
}

}  // namespace sbx
