// profile/loader.hpp and profile/source.hpp: reading profile files, `extends`, cycle
// detection, overrides, and every error a profile file itself can cause.
#include "profile/loader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sys/stat.h>

#include <climits>
#include <fstream>
#include <sstream>

#include "profile/location.hpp"
#include "profile/source.hpp"
#include "profile_fixture.hpp"

namespace sbx {
namespace {

using testing::error_of;
using testing::load_file;
using testing::TempDir;

std::vector<std::string> strings(const toml::table& t, const std::string& path) {
  std::vector<std::string> out;
  if (const toml::array* a = t.at_path(path).as_array())
    for (const auto& e : *a) out.push_back(e.value_or(std::string("<not a string>")));
  return out;
}

// Isolates name lookups from the host's ~/.config/sbx/profiles.
class Loader : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* x = std::getenv("XDG_CONFIG_HOME")) saved_ = x;
    had_ = std::getenv("XDG_CONFIG_HOME") != nullptr;
    ::setenv("XDG_CONFIG_HOME", (dir.path() + "/config").c_str(), 1);
  }
  void TearDown() override {
    if (had_)
      ::setenv("XDG_CONFIG_HOME", saved_.c_str(), 1);
    else
      ::unsetenv("XDG_CONFIG_HOME");
  }
  TempDir dir;
  std::string saved_;
  bool had_ = false;
};

TEST_F(Loader, AMissingFileIsNamed) {
  std::string p = dir.path() + "/nope.toml";
  EXPECT_EQ(error_of([&] { load_file(p); }),
            "profile '" + p + "' does not exist; `sbx profiles` lists the profiles available by name");
}

TEST_F(Loader, ADirectoryIsRefused) {
  EXPECT_EQ(error_of([&] { load_file(dir.path()); }), "profile '" + dir.path() + "' is a directory, not a TOML file");
  ::mkdir((dir.path() + "/d.toml").c_str(), 0755);
  EXPECT_EQ(error_of([&] { load_file(dir.path() + "/d.toml"); }),
            "profile '" + dir.path() + "/d.toml' is a directory, not a TOML file");
}

TEST_F(Loader, AFifoIsRefusedWithoutBlocking) {
  std::string p = dir.path() + "/fifo.toml";
  ASSERT_EQ(::mkfifo(p.c_str(), 0644), 0);
  EXPECT_EQ(error_of([&] { load_file(p); }), "profile '" + p + "' is not a regular file");
}

TEST_F(Loader, FilesOver1MiBAreRefused) {
  std::string line = "# " + std::string(97, 'x') + "\n";  // 100 bytes
  std::string text;
  while (text.size() + line.size() <= kMaxProfileBytes) text += line;
  text += std::string(kMaxProfileBytes - text.size(), '\n');
  ASSERT_EQ(text.size(), kMaxProfileBytes);
  std::string ok = dir.write("ok.toml", text);
  EXPECT_EQ(error_of([&] { load_file(ok); }), "no error");
  std::string big = dir.write("big.toml", text + "\n");
  EXPECT_EQ(error_of([&] { load_file(big); }),
            "profile '" + big + "' is 1048577 bytes; profiles are limited to 1048576 bytes");
}

TEST_F(Loader, PathsLongerThanPathMaxAreRefused) {
  std::string p = "/" + std::string(PATH_MAX, 'a') + ".toml";
  EXPECT_EQ(error_of([&] { load_file(p); }),
            "profile path '/" + std::string(63, 'a') + "...' is longer than PATH_MAX (4096)");
}

TEST_F(Loader, SyntaxErrorsNameFileLineAndColumn) {
  std::string p = dir.write("bad.toml", "[filesystem]\nro = [\"/usr\"\n");
  EXPECT_EQ(error_of([&] { load_file(p); }), p + ":2:14: invalid TOML: Error while parsing array: encountered end-of-file");
  std::string q = dir.write("eq.toml", "description \"x\"\n");
  std::string e = error_of([&] { load_file(q); });
  EXPECT_EQ(e.rfind(q + ":1:13: invalid TOML: ", 0), 0u) << e;
}

TEST_F(Loader, InvalidUtf8IsRefused) {
  std::string p = dir.write("utf8.toml", "description = \"caf\xc3\x28\"\n");
  std::string e = error_of([&] { load_file(p); });
  EXPECT_EQ(e.rfind(p + ":1:", 0), 0u) << e;
  EXPECT_NE(e.find("invalid TOML: "), std::string::npos) << e;
  EXPECT_NE(e.find("utf-8"), std::string::npos) << e;
}

TEST_F(Loader, RawControlCharactersInTheFileAreRefused) {
  std::string p = dir.write("ctl.toml", "description = \"a\x01b\"\n");
  std::string e = error_of([&] { load_file(p); });
  EXPECT_EQ(e.rfind(p + ":1:17: invalid TOML: ", 0), 0u) << e;
  // The message itself never carries the raw character.
  EXPECT_EQ(e.find('\x01'), std::string::npos);
}

TEST_F(Loader, NulCharactersAreRefusedAnywhere) {
  std::string p = dir.write("nul.toml", "[process]\ncwd = \"/a\\u0000b\"\n");
  EXPECT_EQ(error_of([&] { load_file(p); }), p + ":2:7: NUL character in string \"/a\\x00b\"");
  std::string q = dir.write("nulkey.toml", "[process.env.set]\n\"A\\u0000\" = \"x\"\n");
  EXPECT_EQ(error_of([&] { load_file(q); }), q + ":2:1: NUL character in key 'A\\x00'");
}

TEST_F(Loader, ExtendsARelativePathFromTheFilesDirectory) {
  dir.write("base/base.toml", "description = 'base'\n[filesystem]\nro = ['/usr']\n");
  std::string child = dir.write("base/sub/child.toml", "extends = '../base.toml'\n[filesystem]\nro = ['/etc']\n");
  LoadedProfile lp = load_file(child);
  EXPECT_EQ(lp.table["description"].value_or(std::string()), "base");
  EXPECT_EQ(strings(lp.table, "filesystem.ro"), (std::vector<std::string>{"/usr", "/etc"}));
  EXPECT_FALSE(lp.table.contains("extends"));
  EXPECT_EQ(lp.chain, (std::vector<std::string>{child, dir.path() + "/base/base.toml"}));
}

TEST_F(Loader, ExtendsABuiltInProfileByName) {
  std::string child = dir.write("c.toml", "extends = 'default'\n[filesystem]\nro = ['!/etc']\n");
  LoadedProfile lp = load_file(child);
  std::vector<std::string> ro = strings(lp.table, "filesystem.ro");
  ASSERT_GE(ro.size(), 2u);
  EXPECT_EQ(ro[0], "/usr");
  EXPECT_EQ(ro[1], "?/opt") << "the inherited '/etc' is removed, the order of the rest kept";
  EXPECT_EQ(std::count(ro.begin(), ro.end(), "/etc"), 0);
  EXPECT_EQ(lp.chain, (std::vector<std::string>{child, "<built-in default>"}));
  // Variables are expanded after the merge.
  EXPECT_EQ(lp.table.at_path("process.cwd").value_or(std::string()), "/work/proj");
}

TEST_F(Loader, ABuiltInProfileExtendsBuiltInsWhateverTheSearchPathHolds) {
  // A user's ci-build.toml must not change what the built-in npm profile means.
  dir.write("config/sbx/profiles/ci-build.toml", "description = 'impostor'\n[network]\nmode = 'host'\n");
  LoadedProfile lp = load_profile(*builtin_profile("npm"), testing::test_variables());
  EXPECT_EQ(lp.chain, (std::vector<std::string>{"<built-in npm>", "<built-in ci-build>", "<built-in default>"}));
  EXPECT_EQ(lp.table.at_path("network.mode").value_or(std::string()), "none");
  // ... while a name given by the user still finds the user's file first.
  EXPECT_EQ(load_profile("ci-build", testing::test_variables()).chain[0], dir.path() + "/config/sbx/profiles/ci-build.toml");
}

TEST_F(Loader, ExtendsAProfileFoundOnTheSearchPath) {
  dir.write("config/sbx/profiles/mybase.toml", "description = 'mine'\n");
  std::string child = dir.write("c.toml", "extends = 'mybase'\n");
  LoadedProfile lp = load_file(child);
  EXPECT_EQ(lp.table["description"].value_or(std::string()), "mine");
  EXPECT_EQ(lp.chain[1], dir.path() + "/config/sbx/profiles/mybase.toml");
}

TEST_F(Loader, RemovalsMatchAcrossVariableSpellings) {
  dir.write("base.toml", "[filesystem]\nrw = ['${PWD}', '${HOME}/.cache']\n");
  std::string child = dir.write("c.toml", "extends = './base.toml'\n[filesystem]\nrw = ['!/home/u/.cache', '/work/proj']\n");
  LoadedProfile lp = load_file(child);
  EXPECT_EQ(strings(lp.table, "filesystem.rw"), (std::vector<std::string>{"/work/proj"}));
}

TEST_F(Loader, AVariableCannotTurnAnEntryIntoARemoval) {
  dir.write("base.toml", "[filesystem]\nro = ['/usr']\n");
  std::string child = dir.write("c.toml", "extends = './base.toml'\n[filesystem]\nro = ['${env:BANG}']\n");
  LoadedProfile lp = load_file(child);
  EXPECT_EQ(strings(lp.table, "filesystem.ro"), (std::vector<std::string>{"/usr", "!/usr"}));
}

TEST_F(Loader, ExtendsCyclesNameTheChain) {
  std::string a = dir.write("a.toml", "extends = './b.toml'\n");
  std::string b = dir.write("b.toml", "\nextends = './a.toml'\n");
  EXPECT_EQ(error_of([&] { load_file(a); }), b + ":2:11: `extends` cycle: " + a + " -> " + b + " -> " + a);
  std::string self = dir.write("self.toml", "extends = 'self.toml'\n");
  EXPECT_EQ(error_of([&] { load_file(self); }), self + ":1:11: `extends` cycle: " + self + " -> " + self);
}

TEST_F(Loader, ExtendsCyclesThroughASymlinkAreFound) {
  std::string a = dir.write("a.toml", "extends = './link.toml'\n");
  ASSERT_EQ(::symlink("a.toml", (dir.path() + "/link.toml").c_str()), 0);
  EXPECT_EQ(error_of([&] { load_file(a); }),
            a + ":1:11: `extends` cycle: " + a + " -> " + dir.path() + "/link.toml (the same file as " + a + ")");
}

TEST_F(Loader, ExtendsTooDeepIsAnError) {
  for (int i = 0; i < kMaxExtendsDepth; ++i)
    dir.write("p" + std::to_string(i) + ".toml", "extends = './p" + std::to_string(i + 1) + ".toml'\n");
  dir.write("p" + std::to_string(kMaxExtendsDepth) + ".toml", "");
  std::string last = dir.path() + "/p" + std::to_string(kMaxExtendsDepth - 1) + ".toml";
  EXPECT_EQ(error_of([&] { load_file(dir.path() + "/p0.toml"); }),
            last + ":1:11: `extends` nests deeper than 16 profiles");
  dir.write("p" + std::to_string(kMaxExtendsDepth - 1) + ".toml", "");
  EXPECT_EQ(error_of([&] { load_file(dir.path() + "/p0.toml"); }), "no error");
}

TEST_F(Loader, AMissingBaseIsNamedWithTheExtendsPosition) {
  std::string a = dir.write("a.toml", "# comment\nextends = './missing.toml'\n");
  EXPECT_EQ(error_of([&] { load_file(a); }),
            a + ":2:11: extends: profile '" + dir.path() + "/missing.toml' does not exist");
  std::string b = dir.write("b.toml", "extends = 'defualt'\n");
  EXPECT_EQ(error_of([&] { load_file(b); }),
            b + ":1:11: extends: no profile named 'defualt' (did you mean 'default'?); `sbx profiles` lists them, and a "
                "path needs a '/' or a .toml suffix");
  std::string c = dir.write("c.toml", "extends = './'\n");
  EXPECT_EQ(error_of([&] { load_file(c); }),
            c + ":1:11: extends: profile '" + dir.path() + "/' is a directory, not a TOML file");
}

TEST_F(Loader, ExtendsMustBeAString) {
  std::string a = dir.write("a.toml", "extends = ['default']\n");
  EXPECT_EQ(error_of([&] { load_file(a); }),
            a + ":1:11: 'extends' must be a string (a profile name or a path), not an array");
  std::string b = dir.write("b.toml", "extends = ''\n");
  EXPECT_EQ(error_of([&] { load_file(b); }), b + ":1:11: extends: empty profile name");
  std::string c = dir.write("c.toml", "extends = \"def\\u0007ault\"\n");
  EXPECT_EQ(error_of([&] { load_file(c); }), c + ":1:11: extends: control character in profile reference \"def\\x07ault\"");
}

TEST_F(Loader, ABuiltInProfileCannotExtendAPath) {
  // It has no directory of its own: a relative path would come from the project.
  ProfileSource src;
  src.name = "x";
  src.display = "<built-in x>";
  src.identity = "builtin:x";
  src.text = "extends = './evil.toml'\n";
  src.builtin = true;
  EXPECT_EQ(error_of([&] { load_profile(src, testing::test_variables()); }),
            "<built-in x>:1:11: extends: a built-in profile extends others by name, not by path \"./evil.toml\"");
}

TEST_F(Loader, ABaseWithAnErrorIsReportedInTheBase) {
  std::string base = dir.write("base.toml", "[filesystem]\nro = ['!/usr']\n");
  std::string child = dir.write("c.toml", "extends = './base.toml'\n");
  EXPECT_EQ(error_of([&] { load_file(child); }),
            base + ":2:7: [filesystem] ro: '!/usr' removes nothing: no inherited entry '/usr'");
}

TEST_F(Loader, OverridesMergeLastAndCarryTheirSource) {
  std::string p = dir.write("p.toml", "[filesystem]\nro = ['/usr']\n[network]\nmode = 'none'\n");
  toml::table overrides = parse_profile_text("[filesystem]\nro = ['/srv', '/usr']\n[network]\nmode = 'host'\n",
                                             kCommandLineSource);
  LoadedProfile lp = load_profile(p, testing::test_variables(), std::move(overrides));
  EXPECT_EQ(strings(lp.table, "filesystem.ro"), (std::vector<std::string>{"/usr", "/srv"}));
  EXPECT_EQ(lp.table.at_path("network.mode").value_or(std::string()), "host");
  EXPECT_EQ(where(lp.table.at_path("network.mode").node()->source()), "<command line>");
}

TEST_F(Loader, TheBuiltInDefaultLoadsWithoutAName) {
  LoadedProfile lp = load_profile(std::string(), testing::test_variables());
  EXPECT_EQ(lp.chain, (std::vector<std::string>{"<built-in default>"}));
  EXPECT_EQ(strings(lp.table, "filesystem.rw"), (std::vector<std::string>{"/work/proj"}));
  EXPECT_EQ(strings(lp.table, "filesystem.tmpfs")[0], "/home/u:size=15%");
}

TEST_F(Loader, NamesAndPathsAreTellable) {
  EXPECT_TRUE(is_profile_path("./x"));
  EXPECT_TRUE(is_profile_path("x.toml"));
  EXPECT_TRUE(is_profile_path("/etc/sbx/x"));
  EXPECT_FALSE(is_profile_path("npm"));
  EXPECT_EQ(error_of([] { find_profile("no-such-profile-xyz"); }),
            "no profile named 'no-such-profile-xyz'; `sbx profiles` lists them, and a path needs a '/' or a .toml suffix");
}

TEST_F(Loader, EveryEmbeddedProfileParses) {
  ASSERT_FALSE(embedded_profiles().empty());
  for (const auto& p : embedded_profiles()) {
    EXPECT_EQ(error_of([&] { load_profile(std::string(p.name), testing::test_variables()); }), "no error") << p.name;
  }
}

// The embedded copies have their comment-only lines blanked (cmake/embed_profiles.cmake);
// everything else, and so every line:col a message points at, is the file's.
TEST_F(Loader, EmbeddedProfilesAreTheFilesWithCommentLinesBlanked) {
  for (const auto& p : embedded_profiles()) {
    std::ifstream f(std::string(SBX_SOURCE_DIR) + "/profiles/" + std::string(p.name) + ".toml");
    ASSERT_TRUE(f) << p.name;
    std::stringstream file;
    file << f.rdbuf();
    std::istringstream a{std::string(p.text)}, b{file.str()};
    std::string la, lb;
    int line = 0;
    while (std::getline(b, lb)) {
      ++line;
      ASSERT_TRUE(std::getline(a, la)) << p.name << ": the embedded copy ends at line " << line;
      size_t first = lb.find_first_not_of(" \t");
      bool comment = first != std::string::npos && lb[first] == '#';
      EXPECT_EQ(la, comment ? std::string() : lb) << p.name << ":" << line;
    }
    EXPECT_FALSE(std::getline(a, la)) << p.name << ": the embedded copy is longer";
  }
}

}  // namespace
}  // namespace sbx

namespace sbx {
namespace {

// A user's own npm.toml extends the shipped npm: "builtin:npm" is the compiled-in
// profile, whatever the search path holds; plain "npm" would find the file itself.
TEST_F(Loader, BuiltinPrefixExtendsTheShippedProfileOfTheSameName) {
  std::string own = dir.write("config/sbx/profiles/npm.toml",
                              "extends = 'builtin:npm'\n[process.env]\nkeep = ['MY_VAR']\n");
  LoadedProfile lp = load_profile("npm", testing::test_variables());
  ASSERT_GE(lp.chain.size(), 3u);
  EXPECT_EQ(lp.chain[0], own);
  EXPECT_EQ(lp.chain[1], "<built-in npm>");
  auto keep = strings(lp.table, "process.env.keep");
  EXPECT_NE(std::find(keep.begin(), keep.end(), "NODE_ENV"), keep.end());
  EXPECT_NE(std::find(keep.begin(), keep.end(), "MY_VAR"), keep.end());
  EXPECT_TRUE(lp.unrooted.empty());
  // On the command line too.
  EXPECT_EQ(load_profile("builtin:npm", testing::test_variables()).chain[0], "<built-in npm>");
  EXPECT_EQ(error_of([&] { find_profile("builtin:nmp"); }),
            "no built-in profile named 'nmp' (did you mean 'npm'?) (built-in: cargo, ci-build, default, make, "
            "network, npm, pip, strict)");
}

TEST_F(Loader, ASelfCycleByTheNameOfABuiltinSuggestsTheBuiltinPrefix) {
  std::string own = dir.write("config/sbx/profiles/npm.toml", "extends = 'npm'\n");
  EXPECT_EQ(error_of([&] { load_profile("npm", testing::test_variables()); }),
            own + ":1:11: `extends` cycle: " + own + " -> " + own +
                "; to extend the shipped profile of that name, write extends = \"builtin:npm\"");
}

// A profile with no `extends` starts from nothing, which the warning says
// (spec/unrooted.hpp); extends = "none" says it is meant.
TEST_F(Loader, AFileThatExtendsNothingIsUnrootedUnlessItSaysNone) {
  std::string bare = dir.write("bare.toml", "[filesystem]\nro = ['/usr']\n");
  EXPECT_EQ(load_file(bare).unrooted, bare);
  std::string child = dir.write("child.toml", "extends = './bare.toml'\n");
  EXPECT_EQ(load_file(child).unrooted, bare);
  std::string none = dir.write("none.toml", "extends = 'none'\n[filesystem]\nro = ['/usr']\n");
  LoadedProfile lp = load_file(none);
  EXPECT_TRUE(lp.unrooted.empty());
  EXPECT_FALSE(lp.table.contains("extends"));
  EXPECT_EQ(strings(lp.table, "filesystem.ro"), (std::vector<std::string>{"/usr"}));
  EXPECT_TRUE(load_file(dir.write("d.toml", "extends = 'default'\n")).unrooted.empty());
  EXPECT_TRUE(load_profile("", testing::test_variables()).unrooted.empty());
}

// With an ErrorList, merge and variable errors are all collected.
TEST_F(Loader, CollectsEveryMergeAndVariableError) {
  std::string p = dir.write("p.toml",
                            "extends = 'default'\n[filesystem]\nro = ['!/nope', '${NOPE}']\ntmpfs = ['!/tmp']\n"
                            "[namespaces]\nhostname = true\n");
  ErrorList errors;
  LoadOptions opts;
  opts.errors = &errors;
  load_profile(p, testing::test_variables(), {}, opts);
  std::string e = error_of([&] { errors.throw_if_any(); });
  EXPECT_NE(e.find(p + ":3:7: [filesystem] ro: '!/nope' removes nothing"), std::string::npos) << e;
  EXPECT_NE(e.find(p + ":3:17: unknown variable ${NOPE}"), std::string::npos) << e;
  EXPECT_NE(e.find(p + ":4:10: [filesystem] tmpfs: '!/tmp' removes nothing: no inherited entry '/tmp' (did you mean "
                       "'!/tmp:mode=1777,size=15%'?)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find(p + ":6:12: [namespaces] hostname is a boolean here but a string"), std::string::npos) << e;
}

}  // namespace
}  // namespace sbx
