#include "cli/completion.hpp"

#include <CLI/CLI.hpp>

#include "util/error.hpp"

namespace sbx::cli {

std::string completion_script(CLI::App&, const std::string& shell) {
  throw Error("completion for " + shell + " is not available in this build yet");
}

}  // namespace sbx::cli
