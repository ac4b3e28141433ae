#include "util/colour.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace sbx {

bool stderr_wants_colour() {
  const char* no = std::getenv("NO_COLOR");
  if (no && *no) return false;
  const char* term = std::getenv("TERM");
  if (!term || std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(STDERR_FILENO) == 1;
}

std::string error_prefix() { return stderr_wants_colour() ? "\033[1;31msbx:\033[0m " : "sbx: "; }

}  // namespace sbx
