// The man pages: lint-clean, and in step with the code. sbx(1) names every command and
// option `sbx help` shows, every environment variable sbx reads, every shipped profile,
// and the version; sbx-profile(5) names every key and table the profile schema reads
// (src/spec/from_profile*.cpp), every [limits] name, every syscall of the default
// profile's seccomp baseline; its TOML examples pass `sbx check`.
// And the README: its Quick start is the agreed one, it lists every command and shipped
// profile, its example commands use options that exist, its TOML passes `sbx check`.
//
// Needs: groff, mandoc (Debian packages of those names).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "cli_help.hpp"
#include "harness.hpp"
#include "util/names.hpp"

namespace sbx::test {

namespace {

namespace fs = std::filesystem;

const std::string kSource = SBX_SOURCE_DIR;

std::string source(const std::string& rel) {
  std::string text = read_file(kSource + "/" + rel);
  EXPECT_FALSE(text.empty()) << rel;
  return text;
}


// Roff source as plain text: font escapes and zero-width joiners gone, \- a hyphen.
std::string plain(const std::string& roff) {
  std::string out;
  for (size_t i = 0; i < roff.size(); ++i) {
    if (roff[i] == '\\' && i + 1 < roff.size()) {
      char c = roff[i + 1];
      if (c == '-') {
        out += '-';
        ++i;
        continue;
      }
      if (c == '&') {
        ++i;
        continue;
      }
      if (c == 'f' && i + 2 < roff.size()) {
        i += 2;
        continue;
      }
      if (c == 'e') {
        out += '\\';
        ++i;
        continue;
      }
    }
    out += roff[i];
  }
  return out;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// Whether `word` occurs in `text` not as part of a longer word ("--json" is not in
// "--json-status").
bool has_word(const std::string& text, const std::string& word) {
  for (size_t pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + 1)) {
    bool left = pos == 0 || !is_word_char(text[pos - 1]);
    size_t end = pos + word.size();
    bool right = end >= text.size() || !is_word_char(text[end]);
    if (left && right) return true;
  }
  return false;
}

// The text of one section (.SH NAME up to the next .SH).
std::string section(const std::string& roff, const std::string& name) {
  auto start = roff.find("\n.SH " + name + "\n");
  if (start == std::string::npos) start = roff.find("\n.SH \"" + name + "\"\n");
  if (start == std::string::npos) return {};
  auto end = roff.find("\n.SH ", start + 1);
  return roff.substr(start, end == std::string::npos ? std::string::npos : end - start);
}



// All matches of group 1 of `re` in `text`.
std::set<std::string> grep(const std::string& text, const std::string& re) {
  std::set<std::string> out;
  std::regex r(re);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), r); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1]);
  return out;
}

// The keys the schema code reads, grep-level: TableReader calls, the helpers that take
// a key, and the loops over key lists.
std::set<std::string> schema_keys() {
  std::string code = source("src/spec/from_profile.cpp") + source("src/spec/from_profile_seccomp.cpp");
  std::set<std::string> keys =
      grep(code, R"x(\.(?:string|boolean|integer|strings|table|array|get|known)\(\s*"([a-z_]+)")x");
  for (const auto& k : grep(code, R"x((?:bind_entries|syscall_names|action|errno_value)\([a-z]+,\s*(?:\*[a-z]+,\s*)?"([a-z_]+)")x"))
    keys.insert(k);
  for (const auto& list : grep(code, R"x(for \(const char\* [a-z]+ : \{([^}]*)\}\))x"))
    for (const auto& k : grep(list, R"x("([a-z_]+)")x")) keys.insert(k);
  if (source("src/profile/loader.cpp").find("\"extends\"") != std::string::npos) keys.insert("extends");
  return keys;
}

std::set<std::string> schema_tables() {
  std::string code = source("src/spec/from_profile.cpp") + source("src/spec/from_profile_seccomp.cpp");
  return grep(code, R"x(TableReader [a-z_]+\([^;]*?"(\[\[?[a-z.]+\]\]?))x");
}

struct Page {
  std::string name, path, roff, text;
};

Page page(const std::string& name) {
  Page p;
  p.name = name;
  p.roff = source("man/" + name);
  p.text = plain(p.roff);
  // A copy the unprivileged test user can read, wherever the source tree is.
  p.path = make_temp_dir("man") + "/" + name;
  write_file(p.path, p.roff);
  return p;
}

bool have(const std::string& tool) { return run({"sh", "-c", "command -v " + tool}).status == 0; }

}  // namespace

TEST(ManPages, GroffFindsNothingToWarnAbout) {
  ASSERT_TRUE(have("groff")) << "apt-get install groff";
  for (const char* name : {"sbx.1", "sbx-profile.5"}) {
    Page p = page(name);
    Result r = run({"groff", "-man", "-ww", "-z", p.path});
    EXPECT_EQ(r.status, 0) << name;
    EXPECT_EQ(r.err, "") << name;
  }
}

TEST(ManPages, MandocLintIsClean) {
  ASSERT_TRUE(have("mandoc")) << "apt-get install mandoc";
  for (const char* name : {"sbx.1", "sbx-profile.5"}) {
    Page p = page(name);
    Result r = run({"mandoc", "-T", "lint", p.path});
    EXPECT_EQ(r.status, 0) << name << "\n" << r.out << r.err;
    EXPECT_EQ(r.out + r.err, "") << name;
  }
}

TEST(ManPages, VersionIsTheBinarys) {
  std::string version = sbx({"--version"}).out;  // "sbx 0.1.0\n"
  version = version.substr(0, version.find('\n'));
  ASSERT_EQ(version.rfind("sbx ", 0), 0u) << version;
  for (const char* name : {"sbx.1", "sbx-profile.5"}) {
    Page p = page(name);
    EXPECT_NE(p.roff.find("\"" + version + "\""), std::string::npos) << name << " .TH should say \"" << version << "\"";
  }
}

TEST(ManPages, Sbx1HasEveryCommandAndOption) {
  Page p = page("sbx.1");
  auto commands = help_commands();
  ASSERT_GE(commands.size(), 5u) << "could not read the commands from `sbx --help`";
  for (const auto& o : help_options("")) EXPECT_TRUE(has_word(p.text, o)) << "sbx " << o;
  for (const auto& c : commands) {
    EXPECT_NE(p.roff.find(".SS \"sbx " + c), std::string::npos) << "no .SS for `sbx " << c << "`";
    auto opts = help_options(c);
    EXPECT_FALSE(opts.empty()) << c;
    for (const auto& o : opts) EXPECT_TRUE(has_word(p.text, o)) << "sbx " << c << " " << o;
  }
}

TEST(ManPages, Sbx1HasEveryEnvironmentVariableSbxReads) {
  Page p = page("sbx.1");
  std::string env = plain(section(p.roff, "ENVIRONMENT"));
  ASSERT_FALSE(env.empty());
  std::set<std::string> vars;
  for (const auto& entry : fs::recursive_directory_iterator(kSource + "/src"))
    if (entry.path().extension() == ".cpp")
      for (const auto& v : grep(read_file(entry.path().string()), R"x(getenv\("([A-Z_]+)"\))x")) vars.insert(v);
  vars.insert("NO_COLOR");
  ASSERT_TRUE(vars.count("XDG_CONFIG_HOME"));
  for (const auto& v : vars) EXPECT_TRUE(has_word(env, v)) << v << " is read by sbx but not in ENVIRONMENT";
}

TEST(ManPages, Sbx1DescribesEveryShippedProfile) {
  Page p = page("sbx.1");
  std::string profiles = section(p.roff, "PROFILES");
  ASSERT_FALSE(profiles.empty());
  for (const auto& entry : fs::directory_iterator(kSource + "/profiles")) {
    if (entry.path().extension() != ".toml") continue;
    std::string name = entry.path().stem().string();
    EXPECT_NE(profiles.find("\n.B " + name + "\n"), std::string::npos)
        << "profiles/" << name << ".toml is not described in sbx.1, PROFILES";
  }
}

TEST(ManPages, ProfilePageHasEveryKeyAndTable) {
  Page p = page("sbx-profile.5");
  auto keys = schema_keys();
  ASSERT_GE(keys.size(), 30u) << "the key extraction from src/spec/from_profile*.cpp found too little";
  for (const char* k : {"ro", "rw", "deny", "names", "user", "cgroup", "mode", "args"}) EXPECT_TRUE(keys.count(k)) << k;
  for (const auto& k : keys) EXPECT_TRUE(has_word(p.text, k)) << "profile key '" << k << "'";
  auto tables = schema_tables();
  ASSERT_GE(tables.size(), 10u);
  for (const auto& t : tables) EXPECT_NE(p.text.find(t), std::string::npos) << "profile table " << t;
  for (const auto& r : rlimit_short_names()) EXPECT_TRUE(has_word(p.text, r)) << "[limits] " << r;
}

TEST(ManPages, ProfilePageExplainsEveryEntryOfTheDefaultSeccompBaseline) {
  Page p = page("sbx-profile.5");
  std::string baseline = plain(section(p.roff, "THE DEFAULT SECCOMP BASELINE"));
  ASSERT_FALSE(baseline.empty());
  toml::table t = toml::parse(source("profiles/default.toml"));
  std::set<std::string> names;
  if (auto* deny = t["seccomp"]["deny"].as_array())
    for (const auto& n : *deny) names.insert(n.value_or(std::string()));
  if (auto* allow = t["seccomp"]["allow"].as_array())
    for (const auto& n : *allow) names.insert(n.value_or(std::string()));
  if (auto* rules = t["seccomp"]["rule"].as_array())
    for (const auto& r : *rules)
      if (auto* n = r.as_table()->get_as<toml::array>("names"))
        for (const auto& s : *n) names.insert(s.value_or(std::string()));
  if (auto* n = t["seccomp"]["notify"]["syscalls"].as_array())
    for (const auto& s : *n) names.insert(s.value_or(std::string()));
  ASSERT_GE(names.size(), 20u);
  for (const auto& n : names)
    EXPECT_TRUE(has_word(baseline, n)) << "profiles/default.toml [seccomp] has " << n
                                       << ", which sbx-profile.5 THE DEFAULT SECCOMP BASELINE does not explain";
}

TEST(ManPages, ProfilePageExamplesPassSbxCheck) {
  Page p = page("sbx-profile.5");
  std::string dir = make_temp_dir("examples");
  std::regex ex(R"(\n\.EX\n([\s\S]*?)\.EE)");
  int checked = 0;
  for (auto it = std::sregex_iterator(p.roff.begin(), p.roff.end(), ex); it != std::sregex_iterator(); ++it) {
    std::string toml_text = plain((*it)[1]);
    if (toml_text.find(" = ") == std::string::npos) continue;  // not a profile
    std::string file = dir + "/example" + std::to_string(checked++) + ".toml";
    write_file(file, toml_text);
    RunOptions o;
    o.cwd = dir;
    Result r = sbx({"check", file}, o);
    EXPECT_EQ(r.status, 0) << toml_text << "\n" << r.err;
  }
  EXPECT_GE(checked, 4);
}

namespace {

// The fenced blocks (language, text) of a Markdown text.
std::vector<std::pair<std::string, std::string>> fences(const std::string& md) {
  std::vector<std::pair<std::string, std::string>> out;
  std::regex re(R"x((?:^|\n)```([a-z]*)\n([\s\S]*?)\n```)x");
  for (auto it = std::sregex_iterator(md.begin(), md.end(), re); it != std::sregex_iterator(); ++it)
    out.emplace_back((*it)[1], (*it)[2]);
  return out;
}

std::string md_section(const std::string& md, const std::string& heading) {
  auto start = md.find("\n## " + heading + "\n");
  if (start == std::string::npos) return {};
  auto end = md.find("\n## ", start + 1);
  return md.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

TEST(Readme, QuickStartIsExactlyTheTwoAgreedCommands) {
  std::string quick = md_section(source("README.md"), "Quick start");
  ASSERT_FALSE(quick.empty()) << "README.md has no \"## Quick start\"";
  auto blocks = fences(quick);
  ASSERT_EQ(blocks.size(), 2u) << quick;
  EXPECT_EQ(blocks[0].first, "sh");
  EXPECT_EQ(blocks[0].second,
            "s=$(command -v sudo); $s tools/install-deps.sh build && cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && "
            "cmake --build build -j\"$(nproc)\" --target sbx && ./build/sbx run -- "
            "sh -c 'echo \"hello from $(hostname) as $(id -un) in $PWD\"; ls /'");
  EXPECT_EQ(blocks[1].first, "sh");
  EXPECT_EQ(blocks[1].second, "s=$(command -v sudo); $s tools/install-deps.sh test && tests/run-all.sh");
  EXPECT_TRUE(fs::exists(kSource + "/tests/run-all.sh"));
  EXPECT_TRUE(fs::exists(kSource + "/tools/install-deps.sh"));
}

// CI runs the README's test command as written there, so that what a user runs on a fresh
// machine is what CI proves; and every package list the installer reads exists.
TEST(Readme, CiRunsTheQuickStartTestCommand) {
  auto blocks = fences(md_section(source("README.md"), "Quick start"));
  ASSERT_EQ(blocks.size(), 2u);
  auto ci = lines(source(".ci/run"));
  EXPECT_NE(std::find(ci.begin(), ci.end(), blocks[1].second), ci.end())
      << ".ci/run does not run the README's test command: " << blocks[1].second;
  // ...and runs it as a shell at a prompt would: under `set -e`, `s=$(command -v sudo)`
  // alone ends the script where there is no sudo (as on CI, which runs as root).
  for (const auto& l : ci)
    EXPECT_TRUE(l.rfind("set -e", 0) != 0 && l.rfind("set -eu", 0) != 0) << ".ci/run: " << l;
  for (const char* list : {"build", "test", "ecosystem"})
    EXPECT_TRUE(fs::exists(kSource + "/tools/packages/" + list + ".txt")) << list;
}

TEST(Readme, ListsEveryCommandAndShippedProfile) {
  std::string md = source("README.md");
  for (const auto& c : help_commands())
    EXPECT_NE(md.find("| `sbx " + c), std::string::npos) << "README's command table lacks `sbx " << c << "`";
  for (const auto& e : fs::directory_iterator(kSource + "/profiles")) {
    if (e.path().extension() != ".toml") continue;
    EXPECT_NE(md.find("| `" + e.path().stem().string() + "` |"), std::string::npos)
        << "README's profile table lacks " << e.path().stem();
  }
}

TEST(Readme, ExampleCommandsUseOptionsThatExist) {
  std::map<std::string, std::vector<std::string>> options;
  int seen = 0;
  for (const auto& [lang, text] : fences(source("README.md"))) {
    if (lang != "sh" && lang != "yaml" && lang != "console") continue;
    for (auto line : lines(text)) {
      line = line.substr(0, line.find(" #"));  // comments
      if (line.find_first_not_of(' ') != std::string::npos && line[line.find_first_not_of(' ')] == '#') continue;
      // The first "sbx " that starts a command: after a space, '/' or '$', and followed by a
      // word or an option (not `--target sbx && ...`).
      auto starts_command = [&](std::size_t at) {
        if (at > 0 && line[at - 1] != ' ' && line[at - 1] != '/' && line[at - 1] != '$') return false;
        return at + 4 < line.size() && (std::isalpha(static_cast<unsigned char>(line[at + 4])) || line[at + 4] == '-');
      };
      auto at = line.find("sbx ");
      while (at != std::string::npos && !starts_command(at)) at = line.find("sbx ", at + 1);
      if (at == std::string::npos) continue;
      std::istringstream words(line.substr(at + 4));
      std::string cmd, w;
      words >> cmd;
      if (cmd.empty() || cmd[0] == '-' || cmd == "help") continue;
      if (!options.count(cmd)) options[cmd] = help_options(cmd);
      EXPECT_FALSE(options[cmd].empty()) << "README runs an unknown command: " << line;
      while (words >> w && w != "--" && w != "#") {
        if (w.rfind("--", 0) != 0 && !(w.size() == 2 && w[0] == '-')) continue;
        std::string opt = w.substr(0, w.find('='));
        ++seen;
        EXPECT_NE(std::find(options[cmd].begin(), options[cmd].end(), opt), options[cmd].end())
            << "README uses `sbx " << cmd << " " << opt << "`, which `sbx help " << cmd << "` does not list: " << line;
      }
    }
  }
  EXPECT_GE(seen, 8);
}

TEST(Readme, TomlExamplesPassSbxCheck) {
  std::string dir = make_temp_dir("readme");
  int n = 0;
  for (const auto& [lang, text] : fences(source("README.md"))) {
    if (lang != "toml") continue;
    std::string file = dir + "/readme" + std::to_string(n++) + ".toml";
    write_file(file, text + "\n");
    RunOptions o;
    o.cwd = dir;
    Result r = sbx({"check", file}, o);
    EXPECT_EQ(r.status, 0) << text << "\n" << r.err;
  }
  EXPECT_GE(n, 1);
}

TEST(Readme, LinksToFilesInTheTreeResolve) {
  std::string md = source("README.md");
  for (const auto& target : grep(md, R"x(\]\(([A-Za-z0-9_./-]+)\))x"))
    EXPECT_TRUE(fs::exists(kSource + "/" + target)) << "README links to " << target << ", which does not exist";
}

}  // namespace sbx::test
