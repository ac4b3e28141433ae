// What `sbx --help` and `sbx help CMD` show, read back as lists: the completion and man
// page tests both check their own text against it (defined in cli_help.cpp).
#pragma once
#include <string>
#include <vector>

namespace sbx::test {

// The lines of `s`, without their newlines.
std::vector<std::string> lines(const std::string& s);

// Subcommands as `sbx --help` lists them.
std::vector<std::string> help_commands();

// Every option name ("-v", "--verbose") `sbx help CMD` shows ("": `sbx --help`).
std::vector<std::string> help_options(const std::string& cmd);

}  // namespace sbx::test
