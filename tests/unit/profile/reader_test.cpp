// profile/reader.hpp: typed access with positions, and strictness about unknown keys
// and tables.
#include "profile/reader.hpp"

#include <gtest/gtest.h>

#include "profile/loader.hpp"
#include "profile_fixture.hpp"

namespace sbx {
namespace {

using testing::error_of;

toml::table parse(const std::string& text) { return parse_profile_text(text, "profile.toml"); }

TEST(TableReader, UnknownKeysPointAtTheKeyWithASuggestion) {
  toml::table t = parse("[filesystem]\nro = ['/usr']\n\n\n\n\n\n\n\n\n\n    rox = ['/x']\n");
  TableReader r(*t["filesystem"].as_table(), "[filesystem]");
  r.strings("ro");
  r.strings("rw");
  EXPECT_EQ(error_of([&] { r.finish(); }), "profile.toml:12:5: unknown key 'rox' in [filesystem] (did you mean 'ro'?)");
}

TEST(TableReader, UnknownKeysWithoutALikelyMatchGetNoSuggestion) {
  toml::table t = parse("[process]\nbanana = 1\n");
  TableReader r(*t["process"].as_table(), "[process]");
  r.string("cwd");
  EXPECT_EQ(error_of([&] { r.finish(); }), "profile.toml:2:1: unknown key 'banana' in [process]");
}

TEST(TableReader, TheFirstUnknownKeyInTheFileIsReported) {
  toml::table t = parse("[process]\nzzz = 1\naaa = 2\n");
  TableReader r(*t["process"].as_table(), "[process]");
  EXPECT_EQ(error_of([&] { r.finish(); }), "profile.toml:2:1: unknown key 'zzz' in [process]");
}

TEST(TableReader, UnknownTopLevelKeysAndTables) {
  toml::table t = parse("descripton = 'x'\n");
  TableReader r(t, "the top level");
  r.string("description");
  EXPECT_EQ(error_of([&] { r.finish(); }),
            "profile.toml:1:1: unknown key 'descripton' at the top level (did you mean 'description'?)");

  toml::table u = parse("[filesytem]\nro = ['/usr']\n");
  TableReader top(u, "the top level");
  top.table("filesystem");
  top.table("process");
  EXPECT_EQ(error_of([&] { top.finish(); }), "profile.toml:1:2: unknown table [filesytem] (did you mean [filesystem]?)");

  toml::table v = parse("[bogus]\n");
  TableReader top2(v, "the top level");
  top2.table("filesystem");
  EXPECT_EQ(error_of([&] { top2.finish(); }), "profile.toml:1:2: unknown table [bogus]");
}

TEST(TableReader, UnknownNestedTablesAndArraysOfTables) {
  toml::table t = parse("[process.evn]\nclear = true\n");
  TableReader r(*t["process"].as_table(), "[process]");
  r.get("env");
  EXPECT_EQ(error_of([&] { r.finish(); }), "profile.toml:1:10: unknown table [process.evn] (did you mean [process.env]?)");

  toml::table u = parse("[[filesystem.mounts]]\ndestination = '/x'\n");
  TableReader fs(*u["filesystem"].as_table(), "[filesystem]");
  fs.array("mount");
  EXPECT_EQ(error_of([&] { fs.finish(); }),
            "profile.toml:1:14: unknown table [[filesystem.mounts]] (did you mean [[filesystem.mount]]?)");

  // Dotted keys make a table too.
  toml::table v = parse("[process]\nevn.clear = true\n");
  TableReader p(*v["process"].as_table(), "[process]");
  p.get("env");
  EXPECT_EQ(error_of([&] { p.finish(); }), "profile.toml:2:1: unknown table [process.evn] (did you mean [process.env]?)");
}

TEST(TableReader, InlineTablesAreKeys) {
  toml::table t = parse("[process]\nevn = { clear = true }\n");
  TableReader r(*t["process"].as_table(), "[process]");
  r.get("env");
  EXPECT_EQ(error_of([&] { r.finish(); }), "profile.toml:2:1: unknown key 'evn' in [process] (did you mean 'env'?)");
}

TEST(TableReader, WrongTypesNameKeyAndBothTypes) {
  toml::table t = parse("[process]\ncwd = 3\nuid = 'root'\nkeep_fds = 3\n[filesystem]\nro = ['/usr', 4]\nproc = 'yes'\n");
  TableReader p(*t["process"].as_table(), "[process]");
  EXPECT_EQ(error_of([&] { p.string("cwd"); }), "profile.toml:2:7: [process] cwd must be a string, not an integer");
  EXPECT_EQ(error_of([&] { p.integer("uid", 0, 10); }), "profile.toml:3:7: [process] uid must be an integer, not a string");
  EXPECT_EQ(error_of([&] { p.array("keep_fds"); }), "profile.toml:4:12: [process] keep_fds must be an array, not an integer");
  EXPECT_EQ(error_of([&] { p.table("cwd"); }), "profile.toml:2:7: [process] cwd must be a table, not an integer");
  TableReader f(*t["filesystem"].as_table(), "[filesystem]");
  EXPECT_EQ(error_of([&] { f.strings("ro"); }), "profile.toml:6:15: [filesystem] ro entries must be strings, not an integer");
  EXPECT_EQ(error_of([&] { f.boolean("proc"); }), "profile.toml:7:8: [filesystem] proc must be true or false, not a string");
}

TEST(TableReader, IntegersAreRangeChecked) {
  toml::table t = parse("uid = -1\ngid = 5\n");
  TableReader r(t, "the top level");
  EXPECT_EQ(error_of([&] { r.integer("uid", 0, 10); }), "profile.toml:1:7: 'uid' must be between 0 and 10, not -1");
  EXPECT_EQ(r.integer("gid", 0, 10), 5);
  EXPECT_FALSE(r.integer("nope", 0, 10));
}

TEST(TableReader, ReadingMarksKeysKnown) {
  toml::table t = parse("a = 1\nb = 'x'\n");
  TableReader r(t, "the top level");
  r.get("a");
  r.known("b");
  EXPECT_EQ(error_of([&] { r.finish(); }), "no error");
}

TEST(TableReader, ControlCharactersInKeysAreEscapedInMessages) {
  toml::table t = parse("[process]\n\"c\\u001bwd\" = '/'\n");
  TableReader r(*t["process"].as_table(), "[process]");
  r.string("cwd");
  EXPECT_EQ(error_of([&] { r.finish(); }), "profile.toml:2:1: unknown key 'c\\x1bwd' in [process] (did you mean 'cwd'?)");
}

TEST(TableReader, TablePaths) {
  toml::table t;
  EXPECT_EQ(TableReader(t, "the top level").table_path(), "");
  EXPECT_EQ(TableReader(t, "[filesystem]").table_path(), "filesystem");
  EXPECT_EQ(TableReader(t, "[process.env]").table_path(), "process.env");
  EXPECT_EQ(TableReader(t, "[[filesystem.mount]]").table_path(), "filesystem.mount");
}

}  // namespace
}  // namespace sbx
