// Shell completions: the committed completions/ files are what `sbx completion` prints,
// they cover every command and option `sbx help` shows, and bash, zsh and fish really
// complete with them (driven as a user's shell would be: bash through
// COMP_WORDS/COMP_CWORD and bash-completion's helpers, fish through `complete -C`,
// zsh through its completion widget in a pseudo-terminal).
//
// Needs: bash-completion, fish, zsh (Debian packages of those names).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "cli_help.hpp"
#include "harness.hpp"

namespace sbx::test {

namespace {

namespace fs = std::filesystem;




struct Shells {
  std::string dir;  // scripts, a project with a.toml, b.txt, sub/, ci/sbx.toml, node_modules/, .git/
  std::string path_env;

  Shells() {
    dir = make_temp_dir("completion");
    for (const char* f : {"sbx.bash", "_sbx", "sbx.fish"})
      write_file(dir + "/" + f, read_file(std::string(SBX_SOURCE_DIR) + "/completions/" + f));
    write_file(dir + "/zsh_capture.zsh",
               read_file(std::string(SBX_SOURCE_DIR) + "/tests/tools/completion_zsh_capture.zsh"), 0755);
    // Drives bash's completion as readline would: COMP_WORDS split at blanks and at
    // COMP_WORDBREAKS' '=' and ':', COMP_CWORD, COMP_LINE, COMP_POINT.
    write_file(dir + "/drive.bash", R"(
set -f
source /usr/share/bash-completion/bash_completion || exit 90
source "$1" || exit 91
compopt() { :; }                        # only meaningful inside readline
complete -W '--alpha --beta' fakecmd    # a command with completions of its own
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
COMP_WORDS=()
for w in $COMP_LINE; do
  while [[ $w =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
    [[ -n ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
    COMP_WORDS+=("${BASH_REMATCH[2]}")
    w=${BASH_REMATCH[3]}
  done
  [[ -n $w ]] && COMP_WORDS+=("$w")
done
[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
set +f
_sbx sbx "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
)");
    write_file(dir + "/a.toml", "extends = \"default\"\n");
    write_file(dir + "/b.txt", "");
    // Directories: sub/ is empty, ci/ holds a profile, node_modules/ and .git/ none.
    for (const char* d : {"sub", "ci", "node_modules", ".git"}) {
      fs::create_directory(dir + "/" + d);
      if (running_as_root()) (void)::chown((dir + "/" + d).c_str(), test_uid(), test_gid());
    }
    write_file(dir + "/ci/sbx.toml", "extends = \"default\"\n");
    write_file(dir + "/node_modules/x.js", "");
    const char* path = std::getenv("PATH");
    path_env = "PATH=" + fs::path(sbx_binary()).parent_path().string() + ":" + (path ? path : "/usr/bin:/bin");
  }

  RunOptions opts() const {
    RunOptions o;
    o.cwd = dir;
    o.clear_env = true;
    const char* user = std::getenv("USER");
    o.env = {path_env,
             "HOME=" + dir,
             "USER=" + std::string(running_as_root() || !user ? "nobody" : user),
             "LANG=C.UTF-8",
             "TERM=dumb",
             "XDG_CONFIG_HOME=" + dir + "/.config",
             "XDG_DATA_HOME=" + dir + "/.local/share",
             "XDG_CACHE_HOME=" + dir + "/.cache"};
    o.timeout = std::chrono::seconds(30);
    return o;
  }

  // The candidates each shell offers for a command line (the cursor at its end).
  std::set<std::string> bash(const std::string& line) const {
    Result r = run({"bash", "--norc", "--noprofile", dir + "/drive.bash", dir + "/sbx.bash", line}, opts());
    EXPECT_EQ(r.status, 0) << line << "\n" << r.err;
    auto v = lines(r.out);
    std::set<std::string> out(v.begin(), v.end());
    out.erase("");
    return out;
  }
  std::set<std::string> fish(const std::string& line) const {
    std::string quoted;
    for (char c : line) quoted += c == '\'' ? std::string("\\'") : std::string(1, c);
    Result r = run({"fish", "-c", "source " + dir + "/sbx.fish; and complete -C '" + quoted + "'"}, opts());
    EXPECT_EQ(r.status, 0) << line << "\n" << r.err;
    std::set<std::string> out;
    for (const auto& l : lines(r.out)) out.insert(l.substr(0, l.find('\t')));
    out.erase("");
    return out;
  }
  std::set<std::string> zsh(const std::string& line) const {
    Result r = run({"zsh", "-f", dir + "/zsh_capture.zsh", dir, line}, opts());
    EXPECT_EQ(r.status, 0) << line << "\n" << r.err << r.out;
    std::set<std::string> out;
    for (const auto& l : lines(r.out)) out.insert(l.substr(0, l.find(" -- ")));
    out.erase("");
    return out;
  }
};

const Shells& shells() {
  static Shells s;
  return s;
}

bool have(const std::string& tool) { return run({"sh", "-c", "command -v " + tool}).status == 0; }

#define REQUIRE_TOOL(tool, package) \
  ASSERT_TRUE(have(tool)) << tool << " is not installed: apt-get install " << package

#define EXPECT_HAS(set, word) EXPECT_TRUE((set).count(word)) << "missing '" << (word) << "' in: " << join(set)
#define EXPECT_LACKS(set, word) EXPECT_FALSE((set).count(word)) << "unexpected '" << (word) << "' in: " << join(set)

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& w : s) out += "[" + w + "] ";
  return out;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST(Completion, CommittedScriptsAreWhatSbxGenerates) {
  for (auto [shell, file] : {std::pair{"bash", "sbx.bash"}, {"zsh", "_sbx"}, {"fish", "sbx.fish"}}) {
    Result r = sbx({"completion", shell});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, read_file(std::string(SBX_SOURCE_DIR) + "/completions/" + file))
        << "completions/" << file << " is stale: cmake --build BUILD --target completions-update";
  }
}

TEST(Completion, UnknownShellIsAnError) {
  Result r = sbx({"completion", "tcsh"});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err.rfind("sbx: ", 0), 0u) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Completion, ScriptsCoverEveryCommandAndOption) {
  auto commands = help_commands();
  ASSERT_GE(commands.size(), 5u) << "could not read the commands from `sbx --help`";
  for (const char* shell : {"bash", "zsh", "fish"}) {
    std::string script = sbx({"completion", shell}).out;
    for (const auto& c : commands) {
      EXPECT_NE(script.find("'" + c + "'"), std::string::npos) << shell << ": command " << c;
      auto opts = help_options(c);
      EXPECT_FALSE(opts.empty()) << c;
      for (const auto& o : opts) {
        std::string as_written = o;
        if (std::string(shell) == "fish") as_written = o.size() == 2 ? "-s " + o.substr(1) : "-l " + o.substr(2);
        EXPECT_NE(script.find(as_written), std::string::npos) << shell << ": " << c << " " << o;
      }
    }
  }
}

TEST(Completion, BashSyntax) {
  for (const char* f : {"sbx.bash"}) EXPECT_EQ(run({"bash", "-n", shells().dir + "/" + f}).status, 0);
}

TEST(Completion, ZshSyntax) {
  REQUIRE_TOOL("zsh", "zsh");
  Result r = run({"zsh", "-n", shells().dir + "/_sbx"});
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST(Completion, FishSyntax) {
  REQUIRE_TOOL("fish", "fish");
  Result r = run({"fish", "-n", shells().dir + "/sbx.fish"});
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST(Completion, Bash) {
  ASSERT_TRUE(fs::exists("/usr/share/bash-completion/bash_completion")) << "apt-get install bash-completion";
  const Shells& s = shells();
  EXPECT_EQ(s.bash("sbx ru"), as_set({"run"}));
  EXPECT_EQ(s.bash("sbx "), as_set(help_commands()));
  EXPECT_EQ(s.bash("sbx -"), as_set(help_options("")));
  EXPECT_EQ(s.bash("sbx run --netw"), as_set({"--network"}));
  EXPECT_EQ(s.bash("sbx run --network "), as_set({"none", "host"}));
  EXPECT_EQ(s.bash("sbx run --network=h"), as_set({"host"}));
  EXPECT_EQ(s.bash("sbx export --network n"), as_set({"none"}));
  EXPECT_EQ(s.bash("sbx completion "), as_set({"bash", "zsh", "fish"}));
  EXPECT_EQ(s.bash("sbx help ex"), as_set({"export"}));
  EXPECT_EQ(s.bash("sbx run --cwd "), as_set({"sub", "ci", "node_modules", ".git"}));
  EXPECT_HAS(s.bash("sbx run --json-status "), "b.txt");
  // PROFILE: names from `sbx profiles --names`, *.toml files, and only the directories
  // that hold *.toml files: not every directory of a project (node_modules/, .git/).
  auto p = s.bash("sbx run ");
  EXPECT_HAS(p, "default");
  EXPECT_HAS(p, "a.toml");
  EXPECT_HAS(p, "ci");
  EXPECT_LACKS(p, "sub");
  EXPECT_LACKS(p, "node_modules");
  EXPECT_LACKS(p, "b.txt");
  EXPECT_LACKS(s.bash("sbx run ."), ".git");
  EXPECT_EQ(s.bash("sbx run ci/"), as_set({"ci/sbx.toml"}));
  EXPECT_EQ(s.bash("sbx run a"), as_set({"a.toml"}));
  EXPECT_HAS(s.bash("sbx check default "), "a.toml");
  EXPECT_HAS(s.bash("sbx export --ro /a:/b --env X=1 -v "), "default");
  // One PROFILE only: after it, options and `--`.
  EXPECT_TRUE(s.bash("sbx run default ").empty());
  EXPECT_HAS(s.bash("sbx run default -"), "--");
  // After `--`: the command's own completion.
  EXPECT_HAS(s.bash("sbx run -- ech"), "echo");
  EXPECT_EQ(s.bash("sbx run default --env A=b -- fakecmd --a"), as_set({"--alpha"}));
  EXPECT_EQ(s.bash("sbx run --network host -- fakecmd --b"), as_set({"--beta"}));
  EXPECT_TRUE(s.bash("sbx check -- ").empty());
}

TEST(Completion, Fish) {
  REQUIRE_TOOL("fish", "fish");
  const Shells& s = shells();
  EXPECT_EQ(s.fish("sbx ru"), as_set({"run"}));
  EXPECT_EQ(s.fish("sbx "), as_set(help_commands()));
  EXPECT_EQ(s.fish("sbx run --netw"), as_set({"--network"}));
  EXPECT_EQ(s.fish("sbx run --network "), as_set({"none", "host"}));
  EXPECT_EQ(s.fish("sbx run --network=h"), as_set({"--network=host"}));
  EXPECT_EQ(s.fish("sbx completion "), as_set({"bash", "zsh", "fish"}));
  EXPECT_EQ(s.fish("sbx run --cwd "), as_set({"sub/", "ci/", "node_modules/"}));
  auto p = s.fish("sbx run ");
  EXPECT_HAS(p, "default");
  EXPECT_HAS(p, "a.toml");
  EXPECT_HAS(p, "ci/");
  EXPECT_LACKS(p, "sub/");
  EXPECT_LACKS(p, "node_modules/");
  EXPECT_LACKS(p, "b.txt");
  EXPECT_LACKS(s.fish("sbx run ."), ".git/");
  EXPECT_EQ(s.fish("sbx run ci/"), as_set({"ci/sbx.toml"}));
  EXPECT_HAS(s.fish("sbx check default "), "a.toml");
  EXPECT_HAS(s.fish("sbx run --env X=1 -v "), "default");
  EXPECT_TRUE(s.fish("sbx run default ").empty());
  EXPECT_HAS(s.fish("sbx run -- ech"), "echo");
  EXPECT_HAS(s.fish("sbx run --network host -- sbx ru"), "run");
  EXPECT_TRUE(s.fish("sbx check -- ").empty());
}

TEST(Completion, Zsh) {
  REQUIRE_TOOL("zsh", "zsh");
  const Shells& s = shells();
  EXPECT_EQ(s.zsh("sbx ru"), as_set({"run"}));
  EXPECT_EQ(s.zsh("sbx "), as_set(help_commands()));
  EXPECT_EQ(s.zsh("sbx run --network "), as_set({"none", "host"}));
  EXPECT_EQ(s.zsh("sbx run --network="), as_set({"none", "host"}));
  EXPECT_EQ(s.zsh("sbx completion "), as_set({"bash", "zsh", "fish"}));
  auto p = s.zsh("sbx run ");
  EXPECT_HAS(p, "default");
  EXPECT_HAS(p, "a.toml");
  EXPECT_HAS(p, "ci");
  EXPECT_LACKS(p, "sub");
  EXPECT_LACKS(p, "node_modules");
  EXPECT_LACKS(p, "b.txt");
  EXPECT_LACKS(s.zsh("sbx run ."), ".git");
  EXPECT_EQ(s.zsh("sbx run ci/"), as_set({"sbx.toml"}));
  EXPECT_HAS(s.zsh("sbx run -- ech"), "echo");
  EXPECT_HAS(s.zsh("sbx run --cwd /tmp -- sbx ru"), "run");
}

}  // namespace sbx::test
