// Shell completion scripts for bash, zsh and fish, generated from the CLI11 definition
// (one source of truth); completions/ holds the committed output.
#pragma once
#include <string>

namespace CLI {
class App;
}

namespace sbx::cli {

std::string completion_script(CLI::App& app, const std::string& shell);

}  // namespace sbx::cli
