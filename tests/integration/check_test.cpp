// `sbx check`: every shipped profile passes, the output is the fully resolved profile
// (TOML for people, --json for tools), and a bad profile, given to `check` or to `run`,
// exits 125 with one "sbx: file:line:col: ..." message on stderr.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sbx::test {
namespace {

namespace fs = std::filesystem;

// The shipped profiles, globbed now (others keep adding them), copied where the test
// user can read them; names keep their relative `extends` working.
struct ShippedCopy {
  std::string dir;
  std::vector<std::string> names;
};

const ShippedCopy& shipped() {
  static ShippedCopy copy = [] {
    ShippedCopy c;
    c.dir = make_temp_dir("profiles");
    for (const auto& e : fs::directory_iterator(fs::path(SBX_SOURCE_DIR) / "profiles")) {
      if (e.path().extension() != ".toml") continue;
      c.names.push_back(e.path().stem().string());
      write_file(c.dir + "/" + e.path().filename().string(), read_file(e.path().string()));
    }
    std::sort(c.names.begin(), c.names.end());
    return c;
  }();
  return copy;
}

RunOptions in_project(const std::string& project) {
  RunOptions o;
  o.cwd = project;
  return o;
}

TEST(Check, EveryShippedProfilePasses) {
  const auto& s = shipped();
  ASSERT_FALSE(s.names.empty());
  for (const auto& name : s.names) {
    std::string path = s.dir + "/" + name + ".toml";
    Result r = sbx({"check", path});
    EXPECT_EQ(r.status, 0) << name << ": " << r.err;
    EXPECT_EQ(r.err, "") << name;
    EXPECT_EQ(r.out.rfind("# " + path + ": ok", 0), 0u) << r.out;
    // And by name (the copy compiled into sbx).
    Result byname = sbx({"check", name});
    EXPECT_EQ(byname.status, 0) << name << ": " << byname.err;
  }
}

TEST(Check, AllShippedProfilesAtOnceAsJson) {
  const auto& s = shipped();
  std::vector<std::string> args = {"check", "--json"};
  for (const auto& name : s.names) args.push_back(s.dir + "/" + name + ".toml");
  Result r = sbx(args);
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j.size(), s.names.size());
}

// --full: the whole resolved profile (without it, see CheckShowsOwnSettings below).
TEST(Check, PrintsTheFullyResolvedProfile) {
  std::string project = make_temp_dir();
  write_file(project + "/sbx.toml",
             "extends = 'default'\n"
             "[filesystem]\n"
             "ro = ['!/etc', '${HOME}/tools']\n"
             "[process.env]\n"
             "set = { PRICE = '5$$' }\n");
  Result r = sbx({"check", "--full", "./sbx.toml"}, in_project(project));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# ./sbx.toml: ok (./sbx.toml extends <built-in default>)\n", 0), 0u) << r.out;
  // extends merged: the base's settings are there, the removed entry is not.
  EXPECT_NE(r.out.find("[seccomp]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'/usr'"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("'/etc'"), std::string::npos) << r.out;
  // Variables expanded.
  EXPECT_EQ(r.out.find("${"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'" + project + "'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PRICE = '5$'"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("extends"), r.out.find("extends <built-in default>")) << "no `extends` key left:\n" << r.out;
}

TEST(Check, JsonForTools) {
  std::string project = make_temp_dir();
  write_file(project + "/sbx.toml", "extends = 'default'\n[filesystem]\nro = ['!/etc']\n[limits]\nnofile = 256\n");
  Result r = sbx({"check", "--json", "./sbx.toml", "default"}, in_project(project));
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  const auto& p = j[0];
  EXPECT_EQ(p["profile"], "./sbx.toml");
  EXPECT_EQ(p["chain"], nlohmann::json({"./sbx.toml", "<built-in default>"}));
  const auto& ro = p["resolved"]["filesystem"]["ro"];
  ASSERT_GE(ro.size(), 2u);
  EXPECT_EQ(ro[0], "/usr");
  EXPECT_EQ(ro[1], "?/opt") << "the inherited '/etc' is removed, the order of the rest kept";
  for (const auto& e : ro) EXPECT_NE(e, "/etc");
  EXPECT_EQ(p["resolved"]["filesystem"]["rw"], nlohmann::json({project}));
  EXPECT_EQ(p["resolved"]["process"]["cwd"], project);
  EXPECT_FALSE(p["resolved"].contains("extends"));
  EXPECT_EQ(p["spec"]["process"]["cwd"], project);
  EXPECT_EQ(p["spec"]["process"]["rlimits"][0]["type"], "RLIMIT_NOFILE");
  EXPECT_EQ(j[1]["profile"], "default");
}

// ---- Errors: exit 125, one message on stderr naming file, line, column and key ----

struct BadProfile {
  const char* name;
  const char* text;
  const char* message;  // after "sbx: ./p.toml:"
};

TEST(Check, ErrorsExit125WithTheMessageOnStderr) {
  const BadProfile cases[] = {
      {"unknown key", "[filesystem]\nro = ['/usr']\n\n\n\n\n\n\n\n\n\n    rox = ['/x']\n",
       "12:5: unknown key 'rox' in [filesystem] (did you mean 'ro'?)"},
      {"unknown table", "[filesytem]\nro = ['/usr']\n", "1:2: unknown table [filesytem] (did you mean [filesystem]?)"},
      {"wrong type", "[network]\nmode = false\n", "2:8: [network] mode must be a string, not a boolean"},
      {"relative destination", "[filesystem]\nrw = ['/srv:srv']\n", "2:7: [filesystem] rw: path must be absolute: \"srv\""},
      {"dot-dot", "[filesystem]\nro = ['/usr/../root']\n",
       "2:7: [filesystem] ro: '..' is not allowed in a path: \"/usr/../root\""},
      {"duplicate destination", "[filesystem]\nro = ['/srv']\ntmpfs = ['/srv']\n",
       "3:10: [filesystem] tmpfs: '/srv' is mounted twice (also at ./p.toml:2:7)"},
      {"undefined variable", "[process]\ncwd = '${env:SBX_SURELY_UNSET}'\n",
       "2:7: ${env:SBX_SURELY_UNSET}: environment variable 'SBX_SURELY_UNSET' is not set"},
      {"bad removal", "extends = 'default'\n[filesystem]\nro = ['!/usr/local']\n",
       "3:7: [filesystem] ro: '!/usr/local' removes nothing: no inherited entry '/usr/local'"},
      {"capability", "[capabilities]\nadd = ['SYS_ADMN']\n",
       "2:8: [capabilities] add: unknown capability 'SYS_ADMN' (did you mean 'CAP_SYS_ADMIN'?)"},
      {"rlimit", "[limits]\nnofiles = 10\n", "2:1: unknown key 'nofiles' in [limits] (did you mean 'nofile'?)"},
      {"size", "[limits]\nfsize = '1X'\n",
       "2:9: [limits] fsize: invalid value \"1X\" (a number of bytes, a size like \"1G\", or \"unlimited\")"},
      {"duration", "[process]\ntimeout = '5 min'\n",
       "2:11: [process] timeout: invalid duration \"5 min\" (like \"90s\", \"30m\", \"1h30m\", or 45 for seconds)"},
      {"control character", "[namespaces]\nhostname = \"a\\u001b[31m\"\n",
       "2:12: [namespaces] hostname must be 1-64 letters, digits, '-' or '.', not \"a\\x1b[31m\""},
      {"syntax", "[filesystem\n", "1:12: invalid TOML: Error while parsing table header: expected ']', saw '\\n'"},
  };
  for (const auto& c : cases) {
    std::string project = make_temp_dir();
    write_file(project + "/p.toml", c.text);
    Result r = sbx({"check", "./p.toml"}, in_project(project));
    EXPECT_EQ(r.status, 125) << c.name;
    EXPECT_EQ(r.out, "") << c.name;
    EXPECT_EQ(r.err, std::string("sbx: ./p.toml:") + c.message + "\n") << c.name;
  }
}

TEST(Check, ExtendsCyclesNameTheChain) {
  std::string project = make_temp_dir();
  write_file(project + "/a.toml", "extends = './b.toml'\n");
  write_file(project + "/b.toml", "extends = './a.toml'\n");
  Result r = sbx({"check", "./a.toml"}, in_project(project));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sbx: " + project + "/b.toml:1:11: `extends` cycle: ./a.toml -> " + project + "/b.toml -> ./a.toml\n");
}

TEST(Check, AMissingBaseIsNamed) {
  std::string project = make_temp_dir();
  write_file(project + "/a.toml", "extends = 'no-such-base'\n");
  Result r = sbx({"check", "./a.toml"}, in_project(project));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err,
            "sbx: ./a.toml:1:11: extends: no profile named 'no-such-base'; `sbx profiles` lists them, and a path needs a "
            "'/' or a .toml suffix\n");
}

TEST(Check, AHugeFileIsRefused) {
  std::string project = make_temp_dir();
  write_file(project + "/big.toml", std::string(2 << 20, '#'));
  Result r = sbx({"check", "./big.toml"}, in_project(project));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sbx: profile './big.toml' is 2097152 bytes; profiles are limited to 1048576 bytes\n");
}

TEST(Check, TheFirstBadProfileStopsTheCheck) {
  std::string project = make_temp_dir();
  write_file(project + "/bad.toml", "bogus = 1\n");
  Result r = sbx({"check", "default", "./bad.toml"}, in_project(project));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sbx: ./bad.toml:1:1: unknown key 'bogus' at the top level\n");
}

// ---- The same errors from `sbx run`, before anything starts ----------------------

TEST(Check, RunWithAMissingProfile) {
  std::string project = make_temp_dir();
  Result r = sbx({"run", "./nope.toml", "--", "true"}, in_project(project));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "sbx: profile './nope.toml' does not exist; `sbx profiles` lists the profiles available by name\n");
  Result n = sbx({"run", "defualt", "--", "true"}, in_project(project));
  EXPECT_EQ(n.status, 125);
  EXPECT_EQ(n.err.rfind("sbx: no profile named 'defualt' (did you mean 'default'?)", 0), 0u) << n.err;
}

TEST(Check, RunWithADirectory) {
  std::string project = make_temp_dir();
  fs::create_directory(project + "/conf.toml");
  Result r = sbx({"run", project, "--", "true"}, in_project(project));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sbx: profile '" + project + "' is a directory, not a TOML file\n");
  Result t = sbx({"run", "./conf.toml", "--", "true"}, in_project(project));
  EXPECT_EQ(t.status, 125);
  EXPECT_EQ(t.err, "sbx: profile './conf.toml' is a directory, not a TOML file\n");
}

TEST(Check, RunWithASyntaxError) {
  std::string project = make_temp_dir();
  write_file(project + "/p.toml", "[process]\ncwd = /tmp\n");
  Result r = sbx({"run", "./p.toml", "--", "sh", "-c", "echo ran"}, in_project(project));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("sbx: ./p.toml:2:7: invalid TOML: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
}

TEST(Check, RunValidatesTheWholeProfileBeforeStarting) {
  std::string project = make_temp_dir();
  // The error is in the last table read; nothing may run.
  write_file(project + "/p.toml", "extends = 'default'\n[seccomp]\ndeny = ['ptrace']\nbogus = true\n");
  Result r = sbx({"run", "./p.toml", "--", "sh", "-c", "echo ran > ran"}, in_project(project));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sbx: ./p.toml:4:1: unknown key 'bogus' in [seccomp]\n");
  EXPECT_FALSE(fs::exists(project + "/ran"));
}

TEST(Check, CommandLineOverridesAreValidatedLikeProfileKeys) {
  std::string project = make_temp_dir();
  Result r = sbx({"run", "--ro", "relative/dir", "--", "true"}, in_project(project));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sbx: <command line>: [filesystem] ro: path must be absolute: \"relative/dir\"\n");
}

}  // namespace
}  // namespace sbx::test
