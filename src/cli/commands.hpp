// One function per subcommand; each returns the process exit status.
#pragma once
#include <memory>

#include "cli/options.hpp"
#include "launch/prestart.hpp"

namespace sbx::cli {

// `pre`: the sandbox started before the command line was parsed (launch/prestart.hpp).
int cmd_run(const RunOptions& o, std::unique_ptr<Prestart> pre = nullptr);
int cmd_check(const CheckOptions& o);
int cmd_export(const ExportOptions& o);
int cmd_profiles(bool names_only);
int cmd_features();

}  // namespace sbx::cli
