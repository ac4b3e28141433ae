// One function per subcommand; each returns the process exit status.
#pragma once
#include "cli/options.hpp"

namespace sbx::cli {

int cmd_run(const RunOptions& o);
int cmd_check(const CheckOptions& o);
int cmd_export(const ExportOptions& o);
int cmd_profiles(bool names_only);
int cmd_features();

}  // namespace sbx::cli
