// libFuzzer target: the profile engine, TOML text to Spec to Plan, the way `sbx run`
// takes it, without the filesystem. Each input is tried twice:
//   1. as a profile of its own (`extends` may name a built-in profile; a path is
//      skipped, so no file is read),
//   2. as a layer of overrides over the built-in default (what --ro, --env... become).
// Then: build_spec, the OCI JSON export, and build_plan (which compiles the seccomp
// filter with libseccomp). sbx::Error is the expected way to refuse an input; any other
// exception escaping is a finding (main() would report it as an "internal error").
#include <cstdint>
#include <cstdlib>
#include <string>

#include "profile/loader.hpp"
#include "profile/source.hpp"
#include "profile/variables.hpp"
#include "sandbox/plan.hpp"
#include "spec/from_profile.hpp"
#include "spec/oci_json.hpp"
#include "util/error.hpp"

namespace {

const sbx::Variables& vars() {
  static const sbx::Variables v = [] {
    sbx::Variables x;
    x.values = {{"PWD", "/home/fuzz/project"}, {"HOME", "/home/fuzz"}, {"USER", "fuzz"}, {"UID", "1000"}, {"GID", "1000"}};
    x.env = [](const std::string& name) -> std::optional<std::string> {
      if (name.rfind("SET", 0) == 0) return "value-of-" + name;
      return std::nullopt;
    };
    return x;
  }();
  return v;
}

sbx::BuildContext context() {
  sbx::BuildContext ctx;
  ctx.caller_uid = 1000;
  ctx.caller_gid = 1000;
  ctx.caller_user = "fuzz";
  ctx.environ = {"PATH=/usr/bin:/bin", "HOME=/home/fuzz", "USER=fuzz", "TERM=xterm", "LC_ALL=C.UTF-8",
                 "AWS_SECRET_ACCESS_KEY=x", "CI_JOB_TOKEN=y", "NOEQUALS"};
  ctx.args = {"make", "-j4"};
  ctx.profile_name = "fuzz";
  return ctx;
}

template <typename Load>
void build(Load&& load) {
  try {
    sbx::LoadedProfile lp = load();
    sbx::Spec spec = sbx::build_spec(lp.table, context());
    std::string json = sbx::to_oci_json(spec).dump();
    if (json.empty()) std::abort();
    sbx::Plan plan;
    sbx::build_plan(spec, {}, plan);
  } catch (const sbx::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The profile search path: nothing outside the built-in profiles.
  ::setenv("XDG_CONFIG_HOME", "/nonexistent/sbx-fuzz", 1);
  ::setenv("HOME", "/nonexistent/sbx-fuzz", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > sbx::kMaxProfileBytes) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);

  // Only built-in profiles may be extended: a path would read the filesystem.
  try {
    toml::table t = sbx::parse_profile_text(text, "<fuzz>");
    if (auto* ext = t.get("extends"); ext && ext->is_string() && sbx::is_profile_path(ext->as_string()->get()))
      return 0;
  } catch (const sbx::Error&) {
    return 0;
  }

  build([&] {
    sbx::ProfileSource src;
    src.name = "fuzz";
    src.display = "<fuzz>";
    src.identity = "fuzz:input";
    src.text = text;
    src.builtin = true;
    return sbx::load_profile(src, vars());
  });
  build([&] {
    toml::table overrides = sbx::parse_profile_text(text, "<command line>");
    overrides.erase("extends");
    return sbx::load_profile(std::string(), vars(), std::move(overrides));
  });
  return 0;
}
