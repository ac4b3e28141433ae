// In-process timing of the parent's work before clone(), linking the sbx core library
// (build-bench/src/libsbxcore.a): profile loading (TOML parse + extends + variables),
// build_spec, compile_filter (the workload's filter), compile_init_filter (init's),
// and build_plan (which compiles both); and compile_filter with the native architecture
// only, to price the x86/x32 rule sets. Prints the first (cold) call and the median of
// the next K calls for each phase, in microseconds.
//   phases [PROFILE] [K]     PROFILE: "" (built-in default) or a path
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "profile/loader.hpp"
#include "sandbox/plan.hpp"
#include "seccomp/compile.hpp"
#include "spec/from_profile.hpp"

using Clock = std::chrono::steady_clock;

static void phase(const char* name, int k, const std::function<void()>& f) {
  auto t0 = Clock::now();
  f();
  double cold = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
  std::vector<double> v;
  for (int i = 0; i < k; ++i) {
    auto a = Clock::now();
    f();
    v.push_back(std::chrono::duration<double, std::micro>(Clock::now() - a).count());
  }
  std::sort(v.begin(), v.end());
  std::printf("%-22s cold %8.1f us   median %8.1f us\n", name, cold, v.empty() ? cold : v[v.size() / 2]);
}

int main(int argc, char** argv) {
  std::string ref = argc > 1 ? argv[1] : "";
  int k = argc > 2 ? std::atoi(argv[2]) : 200;
  sbx::Variables vars = sbx::Variables::from_process();
  sbx::LoadedProfile lp;
  sbx::Spec spec;
  phase("load_profile", k, [&] { lp = sbx::load_profile(ref, vars); });
  phase("build_spec", k, [&] {
    sbx::BuildContext ctx = sbx::BuildContext::from_process({"/bin/true"});
    ctx.caller_user = vars.values["USER"];
    spec = sbx::build_spec(lp.table, ctx);
  });
  if (spec.linux.seccomp) {
    phase("compile_filter", k, [&] { (void)sbx::compile_filter(*spec.linux.seccomp); });
    // The same rules for the native architecture only (x86, x32 would then be refused
    // by the filter's bad-arch action instead of getting their own rule sets).
    sbx::Seccomp native = *spec.linux.seccomp;
    native.architectures.clear();
    phase("compile_filter(native)", k, [&] { (void)sbx::compile_filter(native); });
  }
  phase("compile_init_filter", k, [&] { (void)sbx::compile_init_filter(); });
  phase("build_plan", k, [&] {
    sbx::Plan plan;
    sbx::build_plan(spec, {false, true}, plan);
  });
  if (spec.linux.seccomp) {
    auto f = sbx::compile_filter(*spec.linux.seccomp);
    sbx::Seccomp native = *spec.linux.seccomp;
    native.architectures.clear();
    std::printf("workload filter: %zu BPF instructions (native arch only: %zu); init filter: %zu\n", f.program.size(),
                sbx::compile_filter(native).program.size(), sbx::compile_init_filter().size());
  }
  return 0;
}
