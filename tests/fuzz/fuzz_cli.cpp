// libFuzzer target: the command line. The input is argv[1..], one argument per line,
// handed to sbx::cli::main exactly as a shell would. Two things are removed first so
// that nothing is ever executed or written: "--" (without it `sbx run` refuses before
// launching anything) and any argument naming --bundle (`sbx export --bundle DIR`
// writes files). Everything else runs for real: CLI11 parsing, the "did you mean"
// explanations, check/export/profiles/completion/help with the built-in profiles.
// stdout goes to /dev/null; run with -close_fd_mask=2 to silence sbx's messages.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/app.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("XDG_CONFIG_HOME", "/nonexistent/sbx-fuzz", 1);
  ::setenv("HOME", "/nonexistent/sbx-fuzz", 1);
  int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0 || ::dup2(null, STDOUT_FILENO) < 0) std::abort();
  ::close(null);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::vector<std::string> args = {"sbx"};
  std::string cur;
  for (size_t i = 0; i <= size; ++i) {
    if (i == size || data[i] == '\n') {
      cur = cur.c_str();  // what main() will see: a C string ends at the first NUL
      if (cur != "--" && cur.find("bundle") == std::string::npos) args.push_back(cur);
      cur.clear();
      if (args.size() > 64) break;
    } else {
      cur += static_cast<char>(data[i]);
    }
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = sbx::cli::main(static_cast<int>(args.size()), argv.data());
  // The contract: 0 for success, 125 for sbx's own failures; nothing else without a
  // workload.
  if (rc != 0 && rc != 125) std::abort();
  return 0;
}
