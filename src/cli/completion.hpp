// Shell completion scripts for bash, zsh and fish, generated from the CLI11 definition
// (one source of truth); completions/ holds the committed output (a test keeps them equal).
//
// What the generator reads from the CLI11 App, and nothing else:
//   - subcommands and their descriptions;
//   - options: names, descriptions, whether they take a value (flags do not), whether
//     they repeat (vector options), whether they end parsing (--help, --version);
//   - what a value is, from the option's type name (->type_name(), plus validator
//     descriptions such as CLI::IsMember's "{bash,zsh,fish}"):
//       "a|b|c" or "{a,b,c}"  one of these words
//       PROFILE               a profile name (`sbx profiles --names`) or a *.toml file
//       FILE / DIR            a file / a directory
//       SRC, DEST             a path
//       COMMAND               an sbx subcommand
//       anything else         free text (nothing to complete);
//   - a subcommand whose description shows "-- CMD" takes a command line after `--`,
//     completed as a command of its own (bash _command_offset, zsh _normal, fish
//     complete -C).
#pragma once
#include <string>

namespace CLI {
class App;
}

namespace sbx::cli {

// The script for "bash", "zsh" or "fish"; throws sbx::Error for any other shell.
std::string completion_script(const CLI::App& app, const std::string& shell);

}  // namespace sbx::cli
