// sbx: see README.md. The flow: cli/ -> profile/ -> spec/ -> launch/ (parent) ->
// sandbox/ (child), with seccomp/ compiled in the parent and installed in the child.
#include "cli/app.hpp"

int main(int argc, char** argv) { return sbx::cli::main(argc, argv); }
