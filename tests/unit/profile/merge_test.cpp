// profile/merge.hpp: how `extends` combines tables, arrays and scalars, exactly as
// documented there.
#include "profile/merge.hpp"

#include <gtest/gtest.h>

#include "profile/loader.hpp"
#include "profile_fixture.hpp"

namespace sbx {
namespace {

using testing::error_of;

toml::table parse(const std::string& text, const std::string& name) { return parse_profile_text(text, name); }

// Merges child into base as written (no canonical form).
toml::table merged(const std::string& base, const std::string& child) {
  toml::table b = parse(base, "base.toml");
  merge_profile(b, parse(child, "child.toml"));
  return b;
}

std::vector<std::string> strings(const toml::table& t, const std::string& path) {
  std::vector<std::string> out;
  const toml::array* a = t.at_path(path).as_array();
  if (!a) return out;
  for (const auto& e : *a) out.push_back(e.value_or(std::string("<not a string>")));
  return out;
}

TEST(Merge, TablesMergeKeyByKeyRecursively) {
  toml::table t = merged("[process]\ncwd = '/a'\n[process.env]\nclear = true\n",
                         "[process]\numask = '022'\n[process.env]\nkeep = ['PATH']\n[network]\nmode = 'host'\n");
  EXPECT_EQ(t.at_path("process.cwd").value_or(std::string()), "/a");
  EXPECT_EQ(t.at_path("process.umask").value_or(std::string()), "022");
  EXPECT_EQ(t.at_path("process.env.clear").value_or(false), true);
  EXPECT_EQ(strings(t, "process.env.keep"), (std::vector<std::string>{"PATH"}));
  EXPECT_EQ(t.at_path("network.mode").value_or(std::string()), "host");
}

TEST(Merge, ScalarsReplaceAndKeepTheChildsPosition) {
  toml::table t = merged("description = 'base'\n[process]\ntimeout = '1h'\nuid = 0\n",
                         "description = 'child'\n[process]\n\ntimeout = '5m'\n");
  EXPECT_EQ(t["description"].value_or(std::string()), "child");
  EXPECT_EQ(t.at_path("process.timeout").value_or(std::string()), "5m");
  EXPECT_EQ(t.at_path("process.uid").value_or(int64_t{-1}), 0);
  const auto& src = t.at_path("process.timeout").node()->source();
  EXPECT_EQ(*src.path, "child.toml");
  EXPECT_EQ(src.begin.line, 4u);
}

TEST(Merge, ArraysAppendInOrderWithDuplicatesDropped) {
  toml::table t = merged("[filesystem]\nro = ['/usr', '/etc']\n", "[filesystem]\nro = ['/opt', '/usr', '/srv', '/opt']\n");
  EXPECT_EQ(strings(t, "filesystem.ro"), (std::vector<std::string>{"/usr", "/etc", "/opt", "/srv"}));
}

TEST(Merge, DuplicatesWithinOneFileAreDropped) {
  toml::table t = merged("", "[filesystem]\nro = ['/usr', '/usr']\n");
  EXPECT_EQ(strings(t, "filesystem.ro"), (std::vector<std::string>{"/usr"}));
}

TEST(Merge, BangRemovesTheInheritedEntry) {
  toml::table t = merged("[filesystem]\nro = ['/usr', '/etc', '?/opt']\n", "[filesystem]\nro = ['!/etc', '/srv']\n");
  EXPECT_EQ(strings(t, "filesystem.ro"), (std::vector<std::string>{"/usr", "?/opt", "/srv"}));
}

TEST(Merge, BangThenReAddMovesTheEntryToTheEnd) {
  toml::table t = merged("[capabilities]\nadd = ['NET_RAW', 'CHOWN']\n", "[capabilities]\nadd = ['!NET_RAW', 'NET_RAW']\n");
  EXPECT_EQ(strings(t, "capabilities.add"), (std::vector<std::string>{"CHOWN", "NET_RAW"}));
}

TEST(Merge, BangThatRemovesNothingIsAnError) {
  EXPECT_EQ(error_of([] { merged("[filesystem]\nro = ['/usr']\n", "[filesystem]\nro = ['/srv', '!/ussr']\n"); }),
            "child.toml:2:15: [filesystem] ro: '!/ussr' removes nothing: no inherited entry '/ussr'");
}

// "!/tmp" when the inherited entry is "/tmp:mode=1777", "!/opt" for "?/opt": the entry
// it probably means is suggested.
TEST(Merge, BangThatRemovesNothingSuggestsTheEntryForTheSamePath) {
  EXPECT_EQ(error_of([] { merged("[filesystem]\ntmpfs = ['/tmp:mode=1777', '/run']\n", "[filesystem]\ntmpfs = ['!/tmp']\n"); }),
            "child.toml:2:10: [filesystem] tmpfs: '!/tmp' removes nothing: no inherited entry '/tmp' "
            "(did you mean '!/tmp:mode=1777'?)");
  EXPECT_EQ(error_of([] { merged("[filesystem]\nro = ['/usr', '?/opt']\n", "[filesystem]\nro = ['!/opt']\n"); }),
            "child.toml:2:7: [filesystem] ro: '!/opt' removes nothing: no inherited entry '/opt' (did you mean '!?/opt'?)");
}

// A number and a string replace each other (timeout = 45 over timeout = "1m"); the
// schema, not the merge, judges the value.
TEST(Merge, ANumberAndAStringReplaceEachOther) {
  toml::table t = merged("[process]\ntimeout = '1m'\n", "[process]\ntimeout = 45\n");
  EXPECT_EQ(t.at_path("process.timeout").value_or(int64_t{0}), 45);
  t = merged("[limits]\nnofile = 1024\n", "[limits]\nnofile = 'unlimited'\n");
  EXPECT_EQ(t.at_path("limits.nofile").value_or(std::string()), "unlimited");
}

TEST(Merge, BangInAnArrayTheBaseDoesNotHaveIsAnError) {
  EXPECT_EQ(error_of([] { merged("[filesystem]\nro = ['/usr']\n", "[filesystem]\nrw = ['!/usr']\n"); }),
            "child.toml:2:7: [filesystem] rw: '!/usr' removes nothing: no inherited entry '/usr'");
  EXPECT_EQ(error_of([] { merged("", "[capabilities]\nadd = ['!NET_RAW']\n"); }),
            "child.toml:2:8: [capabilities] add: '!NET_RAW' removes nothing: no inherited entry 'NET_RAW'");
}

TEST(Merge, BangInAProfileThatExtendsNothingIsAnError) {
  toml::table empty;
  EXPECT_EQ(error_of([&] { merge_profile(empty, parse("[process.env]\nkeep = ['!PATH']\n", "p.toml")); }),
            "p.toml:2:9: [process.env] keep: '!PATH' removes nothing: no inherited entry 'PATH'");
}

TEST(Merge, ADifferentTypeThanTheBasesIsAnError) {
  EXPECT_EQ(error_of([] { merged("[filesystem]\nro = ['/usr']\n", "[filesystem]\nro = '/usr'\n"); }),
            "child.toml:2:6: [filesystem] ro is a string here but an array in the profile it extends");
  EXPECT_EQ(error_of([] { merged("[process]\ncwd = '/'\n", "process = 3\n"); }),
            "child.toml:1:11: 'process' is an integer here but a table in the profile it extends");
  EXPECT_EQ(error_of([] { merged("[namespaces]\npid = true\n", "[namespaces]\npid = 'no'\n"); }),
            "child.toml:2:7: [namespaces] pid is a string here but a boolean in the profile it extends");
}

TEST(Merge, ArraysOfTablesAppendWholeTables) {
  toml::table t = merged("[[filesystem.mount]]\ndestination = '/a'\ntype = 'tmpfs'\n",
                         "[[filesystem.mount]]\ndestination = '/a'\ntype = 'tmpfs'\n[[filesystem.mount]]\ndestination = '/b'\ntype = 'tmpfs'\n");
  const toml::array* mounts = t.at_path("filesystem.mount").as_array();
  ASSERT_NE(mounts, nullptr);
  // Tables are never "duplicates": the spec reports the repeated destination instead.
  EXPECT_EQ(mounts->size(), 3u);
}

TEST(Merge, ACanonicalFormMakesSpellingsOfOneEntryEqual) {
  CanonicalString canon = [](const std::string& s) { return s == "${HOME}/x" ? std::string("/home/u/x") : s; };
  toml::table b = parse("[filesystem]\nro = ['${HOME}/x', '/usr']\n", "base.toml");
  merge_profile(b, parse("[filesystem]\nro = ['!/home/u/x']\n", "child.toml"), canon);
  EXPECT_EQ(strings(b, "filesystem.ro"), (std::vector<std::string>{"/usr"}));

  toml::table c = parse("[filesystem]\nrw = ['${HOME}/x']\n", "base.toml");
  merge_profile(c, parse("[filesystem]\nrw = ['/home/u/x']\n", "child.toml"), canon);
  EXPECT_EQ(strings(c, "filesystem.rw"), (std::vector<std::string>{"${HOME}/x"}));
}

TEST(Merge, NewSubtreesKeepTheirPositions) {
  toml::table t = merged("", "\n[filesystem]\nro = [\n  '/usr',\n]\n");
  const toml::node* ro = t.at_path("filesystem.ro").node();
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ro->source().begin.line, 3u);
  EXPECT_EQ((*ro->as_array())[0].source().begin.line, 4u);
}

}  // namespace
}  // namespace sbx
