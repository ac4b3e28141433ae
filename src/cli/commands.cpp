#include "cli/commands.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/check_output.hpp"
#include "cli/overrides.hpp"
#include "launch/cache_dir.hpp"
#include "launch/launcher.hpp"
#include "profile/loader.hpp"
#include "profile/source.hpp"
#include "seccomp/audit.hpp"
#include "seccomp/known.hpp"
#include "seccomp/precompiled.hpp"
#include "spec/bundle.hpp"
#include "spec/features.hpp"
#include "spec/from_oci.hpp"
#include "spec/from_profile.hpp"
#include "spec/oci_json.hpp"
#include "spec/unrooted.hpp"
#include "util/error.hpp"
#include "util/startup_trace.hpp"

namespace sbx::cli {

namespace {

// `for_run`: a shipped profile's [seccomp] section comes prebuilt (LoadOptions).
Spec resolve(const std::string& profile, const Overrides& o, std::vector<std::string> command, bool for_run = false) {
  Variables vars = Variables::from_process();
  SBX_TRACE_POINT("parent: variables");
  LoadOptions opts;
  ErrorList errors;  // the profile's, all reported by build_spec
  opts.errors = &errors;
  if (for_run) opts.prebuilt_seccomp = [](const std::string& builtin) { return has_prebuilt_seccomp(builtin); };
  LoadedProfile lp = load_profile(profile, vars, overrides_table(o), opts);
  SBX_TRACE_POINT("parent: profile loaded");
  BuildContext ctx = BuildContext::from_process(std::move(command));
  ctx.caller_user = vars.values["USER"];
  ctx.profile_name = profile.empty() ? "default" : profile;
  // One reading of the working directory for ${PWD} and the project: a rename between
  // two getcwd() calls must not make them differ (the project is bound from the working
  // directory only when its bind's source is this path).
  if (auto pwd = vars.values.find("PWD"); pwd != vars.values.end()) ctx.cwd = pwd->second;
  SBX_TRACE_POINT("parent: context");
  Spec spec = build_spec(lp.table, ctx, &errors);
  if (!lp.seccomp_from_builtin.empty()) spec.linux.seccomp = prebuilt_seccomp(lp.seccomp_from_builtin);
  if (!lp.unrooted.empty())
    if (auto w = unrooted_warning(lp.unrooted, spec); !w.empty()) spec.sbx.warnings.push_back(std::move(w));
  // What must not change for the next run: the profile files and where profiles are
  // looked up (kept read-only when a writable bind holds them: launch/guard.hpp).
  if (for_run) {
    spec.sbx.guarded_paths = std::move(lp.files);
    for (auto& d : profile_search_dirs()) spec.sbx.guarded_paths.push_back(std::move(d));
    // And sbx itself (a release unpacked in the CI workspace): the next run is its.
    char exe[PATH_MAX];
    if (ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1); n > 0)
      spec.sbx.guarded_paths.emplace_back(exe, static_cast<size_t>(n));
  }
  SBX_TRACE_POINT("parent: spec built");
  for (const auto& w : spec.sbx.warnings) std::fprintf(stderr, "sbx: warning: %s\n", w.c_str());
  return spec;
}

}  // namespace

int cmd_run(const RunOptions& o, std::unique_ptr<Prestart> pre) {
  if (!o.bundle.empty()) {
    pre.reset();  // an OCI bundle says its own namespaces: start afresh
    if (!o.profile.empty()) throw Error("--bundle replaces the profile: give one or the other, not '" + o.profile + "'");
    Spec spec = spec_from_bundle(o.bundle);
    if (o.saw_separator && !o.command.empty()) spec.process.args = o.command;
    LaunchOptions lo;
    lo.verbose = o.verbose;
    lo.json_status = o.json_status;
    return launch(spec, lo);
  }
  if (!o.saw_separator || o.command.empty()) {
    std::string hint = o.profile.empty() || o.saw_separator ? "" : " (did you mean `sbx run -- " + o.profile + "`?)";
    throw Error("no command given: write it after `--`, as in `sbx run [PROFILE] -- make -j4`" + hint);
  }
  // The sandbox's namespaces are made while the profile is parsed (launch/prestart.hpp).
  if (!pre) pre = Prestart::begin();
  Spec spec = resolve(o.profile, o.overrides, o.command, /*for_run=*/true);
  if (!o.audit.empty()) apply_audit(spec, o.audit);
  // The cache directory, in the project the sandbox sees (not when a private tmpfs hides
  // the current directory: nothing would use it).
  auto project_bound = [&] {
    return std::any_of(spec.mounts.begin(), spec.mounts.end(), [&](const Mount& m) {
      return m.is_bind() && m.destination == spec.sbx.project && m.source == spec.sbx.project;
    });
  };
  if (!spec.sbx.cache_dir.empty() && project_bound())
    if (auto w = ensure_cache_dir(spec.sbx.project, spec.sbx.cache_dir); !w.empty())
      std::fprintf(stderr, "sbx: warning: %s\n", w.c_str());
  LaunchOptions lo;
  lo.verbose = o.verbose;
  lo.json_status = o.json_status;
  lo.audit_log = o.audit;
  return launch(spec, lo, std::move(pre));
}

int cmd_check(const CheckOptions& o) {
  std::vector<std::string> profiles = o.profiles;
  if (profiles.empty()) profiles.push_back("");
  nlohmann::json all = nlohmann::json::array();
  for (const auto& p : profiles) {
    Variables vars = Variables::from_process();
    ErrorList errors;
    LoadOptions opts;
    opts.errors = &errors;
    LoadedProfile lp = load_profile(p, vars, {}, opts);
    BuildContext ctx = BuildContext::from_process({"true"});
    ctx.caller_user = vars.values["USER"];
    ctx.profile_name = p.empty() ? "default" : p;
    Spec spec = build_spec(lp.table, ctx, &errors);
    if (!lp.unrooted.empty())
      if (auto w = unrooted_warning(lp.unrooted, spec); !w.empty()) spec.sbx.warnings.push_back(std::move(w));
    for (const auto& w : spec.sbx.warnings) std::fprintf(stderr, "sbx: warning: %s\n", w.c_str());
    if (o.json) {
      std::ostringstream ss;
      ss << toml::json_formatter{lp.table};
      all.push_back({{"profile", ctx.profile_name},
                     {"chain", lp.chain},
                     {"resolved", nlohmann::json::parse(ss.str())},
                     {"spec", to_oci_json(spec)}});
      continue;
    }
    std::cout << "# " << ctx.profile_name << ": ok";
    if (lp.chain.size() > 1) {
      std::cout << " (";
      for (size_t i = 0; i < lp.chain.size(); ++i) std::cout << (i ? " extends " : "") << lp.chain[i];
      std::cout << ")";
    }
    std::cout << "\n";
    const std::string& file = lp.chain.front();
    std::string inherited = o.full ? std::string() : inherited_summary(lp.table, file);
    if (inherited.empty()) {
      std::cout << "# Fully resolved: `extends` merged, variables expanded.\n" << lp.table << "\n";
    } else {
      std::cout << "# Its own settings, variables expanded:\n" << own_settings(lp.table, file) << "\n";
      std::cout << "# Inherited (entries): " << inherited << "; `sbx check --full` shows them\n";
    }
    if (spec.linux.seccomp) std::cout << "# seccomp: " << known_boundary(*spec.linux.seccomp) << ".\n";
    if (profiles.size() > 1) std::cout << "\n";
  }
  if (o.json) std::cout << all.dump(2) << "\n";
  return 0;
}

int cmd_export(const ExportOptions& o) {
  if (!o.seccomp_json && (!o.saw_separator || o.command.empty()))
    throw Error("no command given: `sbx export [PROFILE] -- CMD [ARGS...]` (the command becomes process.args)");
  Spec spec = resolve(o.profile, o.overrides, o.command.empty() ? std::vector<std::string>{"true"} : o.command);
  if (o.seccomp_json) {
    // As runtimes see it: the built-in notify listener has no OCI equivalent.
    nlohmann::json j = to_oci_json(bundle_spec(spec));
    if (!j["linux"].contains("seccomp")) throw Error("profile has no [seccomp] section to export");
    std::cout << j["linux"]["seccomp"].dump(2) << "\n";
    return 0;
  }
  if (o.bundle.empty()) {
    std::cout << to_oci_json(spec).dump(2) << "\n";
    return 0;
  }
  write_bundle(spec, o.bundle);
  return 0;
}

int cmd_features() {
  std::cout << features_json().dump(2) << "\n";
  return 0;
}

int cmd_profiles(bool names_only) {
  for (const auto& p : list_profiles()) {
    if (names_only) {
      std::cout << p.name << "\n";
      continue;
    }
    std::string desc;
    try {
      ProfileSource src = find_profile(p.name);
      toml::table t = parse_profile_text(src.text, src.display);
      desc = t["description"].value_or(std::string());
    } catch (const std::exception& e) {
      desc = std::string("(error: ") + e.what() + ")";
    }
    std::printf("%-12s %s\n%-12s   from %s\n", p.name.c_str(), desc.c_str(), "", p.location.c_str());
  }
  return 0;
}

}  // namespace sbx::cli
