// Colour, used sparingly: only the "sbx: " prefix of error messages, only when stderr
// is a terminal, never with NO_COLOR set (no-color.org) or TERM=dumb.
#pragma once
#include <string>

namespace sbx {

bool stderr_wants_colour();
// "sbx: " (bold red on a colour terminal).
std::string error_prefix();

}  // namespace sbx
