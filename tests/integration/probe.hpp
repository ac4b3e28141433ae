// The escape probe (defined in escape_probes_test.cpp): the test binary itself, copied
// into the sandbox, tries one attack by name and prints key=value outcomes. Used by the
// escape_*_test.cpp files.
#pragma once
#include <string>
#include <vector>

#include "harness.hpp"

namespace sbx::test::probe {

// Copies this binary into `dir` as `dir`/sbx-probe (owned by the test user, 0755).
std::string install(const std::string& dir);

// The value of "key=" in a probe's output, or "<missing>".
std::string value(const std::string& out, const std::string& key);

// Runs `sbx run [RUN_ARGS] -- PROBE --sbx-probe NAME [ARGS]` in `dir` (the probe is
// installed there first).
Result run_in_sandbox(const std::string& dir, const std::string& name, const std::vector<std::string>& run_args,
                      const std::vector<std::string>& probe_args, RunOptions opts);

// A profile with the default's filesystem but no seccomp filter at all: the control
// for what the filter alone stops.
std::string write_unfiltered_profile(const std::string& dir);

}  // namespace sbx::test::probe
