// profile/variables.hpp: ${PWD} ${HOME} ${USER} ${UID} ${GID} ${env:NAME}, "$$", and
// an error for anything undefined.
#include "profile/variables.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "profile/loader.hpp"
#include "profile_fixture.hpp"

namespace sbx {
namespace {

using testing::error_of;
using testing::test_variables;

std::string expand(const std::string& s) { return expand_variables(s, test_variables()); }

TEST(Variables, EachVariableExpands) {
  EXPECT_EQ(expand("${PWD}"), "/work/proj");
  EXPECT_EQ(expand("${HOME}/.cache"), "/home/u/.cache");
  EXPECT_EQ(expand("${USER}:${UID}:${GID}"), "u:1000:1000");
  EXPECT_EQ(expand("${env:CI_DIR}/out"), "/ci/out");
  EXPECT_EQ(expand("no variables"), "no variables");
  EXPECT_EQ(expand(""), "");
}

TEST(Variables, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(expand("$$"), "$");
  EXPECT_EQ(expand("a$$b"), "a$b");
  EXPECT_EQ(expand("$${HOME}"), "${HOME}");
  EXPECT_EQ(expand("$$$${PWD}"), "$${PWD}");
  EXPECT_EQ(expand("$$${PWD}"), "$/work/proj");
}

TEST(Variables, UndefinedVariablesAreErrors) {
  EXPECT_EQ(error_of([] { expand("${HOEM}"); }),
            "unknown variable ${HOEM} (did you mean ${HOME}?); known: ${PWD} ${HOME} ${USER} ${UID} ${GID} "
            "${env:NAME}, and $$ for a literal '$'");
  EXPECT_EQ(error_of([] { expand("${XYZZY}"); }),
            "unknown variable ${XYZZY}; known: ${PWD} ${HOME} ${USER} ${UID} ${GID} ${env:NAME}, and $$ for a literal '$'");
  EXPECT_EQ(error_of([] { expand("${env:NOT_SET_ANYWHERE}"); }),
            "${env:NOT_SET_ANYWHERE}: environment variable 'NOT_SET_ANYWHERE' is not set");
  EXPECT_EQ(error_of([] { expand("${env:}"); }), "${env:} needs a variable name, as in ${env:CI_PROJECT_DIR}");
  EXPECT_EQ(error_of([] { expand("${}"); }),
            "unknown variable ${}; known: ${PWD} ${HOME} ${USER} ${UID} ${GID} ${env:NAME}, and $$ for a literal '$'");
}

TEST(Variables, MalformedReferencesAreErrors) {
  EXPECT_EQ(error_of([] { expand("cost: 5$"); }), "a '$' must start ${VARIABLE} (write '$$' for a literal '$')");
  EXPECT_EQ(error_of([] { expand("$HOME"); }), "a '$' must start ${VARIABLE} (write '$$' for a literal '$')");
  EXPECT_EQ(error_of([] { expand("${HOME"); }), "unterminated '${' in \"${HOME\"");
}

TEST(Variables, AKnownVariableWithoutAValueIsAnError) {
  Variables v = test_variables();
  v.values.erase("PWD");
  EXPECT_EQ(error_of([&] { expand_variables("${PWD}", v); }),
            "${PWD} has no value here (the current directory cannot be determined)");
}

TEST(Variables, ExpansionIsNotRecursive) {
  Variables v = test_variables();
  v.values["HOME"] = "/home/${USER}";
  EXPECT_EQ(expand_variables("${HOME}", v), "/home/${USER}");
}

TEST(Variables, EveryStringInATableExpandsAndErrorsCarryThePosition) {
  toml::table t = parse_profile_text(
      "description = '${USER}'\n[process.env]\nset = { A = '${HOME}' }\n[filesystem]\nro = ['${PWD}/a', '/b']\n", "p.toml");
  expand_profile_variables(t, test_variables());
  EXPECT_EQ(t["description"].value_or(std::string()), "u");
  EXPECT_EQ(t.at_path("process.env.set.A").value_or(std::string()), "/home/u");
  EXPECT_EQ(t.at_path("filesystem.ro[0]").value_or(std::string()), "/work/proj/a");
  // Positions survive expansion.
  EXPECT_EQ(t.at_path("filesystem.ro[0]").node()->source().begin.line, 5u);

  toml::table bad = parse_profile_text("[filesystem]\nro = ['/usr', '${NOSUCHVAR}']\n", "p.toml");
  EXPECT_EQ(error_of([&] { expand_profile_variables(bad, test_variables()); }),
            "p.toml:2:15: unknown variable ${NOSUCHVAR}; known: ${PWD} ${HOME} ${USER} ${UID} ${GID} ${env:NAME}, and $$ for "
            "a literal '$'");
}

TEST(Variables, KeysAreNotExpanded) {
  toml::table t = parse_profile_text("[process.env.set]\n'$X' = 'y'\n", "p.toml");
  expand_profile_variables(t, test_variables());
  EXPECT_TRUE(t.at_path("process.env.set").as_table()->contains("$X"));
}

TEST(Variables, FromProcessHasEveryVariable) {
  Variables v = Variables::from_process();
  for (const char* name : {"PWD", "HOME", "USER", "UID", "GID"}) EXPECT_TRUE(v.values.count(name)) << name;
  EXPECT_EQ(v.values["UID"], std::to_string(::getuid()));
  ::setenv("SBX_UNIT_TEST_VAR", "yes", 1);
  EXPECT_EQ(v.env("SBX_UNIT_TEST_VAR").value_or(""), "yes");
  EXPECT_FALSE(v.env("SBX_UNIT_TEST_UNSET_VAR"));
}

TEST(Variables, PasswdEntryReadsTheFileWithoutNss) {
  testing::TempDir dir;
  std::string file = dir.write("passwd", "root:x:0:0:root:/root:/bin/bash\n"
                                         "# a comment line is not an entry\n"
                                         "dev:x:1000:1000:A Developer,,,:/home/dev:/bin/zsh\n"
                                         "dup:x:1000:1000::/home/dup:/bin/sh\n");
  const char* path = file.c_str();
  auto dev = passwd_entry(1000, path);
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->name, "dev");  // the first entry wins, as getpwuid() does
  EXPECT_EQ(dev->home, "/home/dev");
  EXPECT_EQ(passwd_entry(0, path)->home, "/root");
  EXPECT_FALSE(passwd_entry(4242, path));
  EXPECT_FALSE(passwd_entry(0, "/nonexistent/passwd"));
}

TEST(Variables, FromProcessTakesUserFromPasswdAndHomeFromTheEnvironment) {
  auto pw = passwd_entry(::getuid());
  if (!pw) GTEST_SKIP() << "uid " << ::getuid() << " is not in /etc/passwd";
  const char* old_home = std::getenv("HOME");
  std::string saved = old_home ? old_home : "";
  ::setenv("HOME", "/somewhere/else", 1);
  Variables v = Variables::from_process();
  EXPECT_EQ(v.values["USER"], pw->name);
  EXPECT_EQ(v.values["HOME"], "/somewhere/else");
  ::unsetenv("HOME");
  EXPECT_EQ(Variables::from_process().values["HOME"], pw->home);
  if (old_home) ::setenv("HOME", saved.c_str(), 1);
}

}  // namespace
}  // namespace sbx
