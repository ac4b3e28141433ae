#include "cli_help.hpp"

#include <regex>
#include <sstream>

#include "harness.hpp"

namespace sbx::test {

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> help_commands() {
  std::vector<std::string> out;
  bool in = false;
  for (const auto& l : lines(sbx({"--help"}).out)) {
    if (l.rfind("Subcommands:", 0) == 0) {
      in = true;
      continue;
    }
    if (in && l.empty()) break;
    std::smatch m;
    if (in && std::regex_search(l, m, std::regex("^  ([a-z][a-z0-9-]*)"))) out.push_back(m[1]);
  }
  return out;
}

std::vector<std::string> help_options(const std::string& cmd) {
  Result r = cmd.empty() ? sbx({"--help"}) : sbx({"help", cmd});
  std::vector<std::string> out;
  for (const auto& l : lines(r.out)) {
    std::smatch m;
    if (std::regex_search(l, m, std::regex("^ +(-[A-Za-z])?,?(--[A-Za-z0-9][A-Za-z0-9-]*)"))) {
      if (m[1].matched) out.push_back(m[1]);
      out.push_back(m[2]);
    }
  }
  return out;
}

}  // namespace sbx::test
