// The command-line contract (CLI11): sbx run | check | export | profiles | completion |
// help, --version. Parses, dispatches, and maps every failure to "sbx: ..." + exit 125.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sbx::cli {

int main(int argc, char** argv) noexcept;

// The CLI11 definition, also walked to generate shell completions.
struct AppModel;
std::unique_ptr<AppModel> make_app();
CLI::App& root(AppModel& m);

}  // namespace sbx::cli
