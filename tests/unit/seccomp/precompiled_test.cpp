// The filters embedded at build time must be exactly what libseccomp compiles at run
// time, and every shipped profile must find its filter in the table.
#include "seccomp/precompiled.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "profile/loader.hpp"
#include "profile/source.hpp"
#include "spec/from_profile.hpp"
#include "spec/oci_json.hpp"
#include "../profile/profile_fixture.hpp"

namespace sbx {

namespace {

// The Spec of a profile, as `sbx run` builds it with the prebuilt-[seccomp] shortcut
// (profile/loader.hpp, LoadOptions) or without; `from` gets the built-in it took.
Spec build(const ProfileSource& src, bool shortcut, std::string* from = nullptr) {
  Variables vars;
  vars.values = {{"PWD", "/p"}, {"HOME", "/h"}, {"USER", "u"}, {"UID", "1000"}, {"GID", "1000"}};
  vars.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  LoadOptions opts;
  if (shortcut) opts.prebuilt_seccomp = [](const std::string& b) { return has_prebuilt_seccomp(b); };
  LoadedProfile lp = load_profile(src, vars, {}, opts);
  BuildContext ctx;
  ctx.caller_uid = ctx.caller_gid = 1000;
  ctx.args = {"true"};
  Spec spec = build_spec(lp.table, ctx);
  if (!lp.seccomp_from_builtin.empty()) spec.linux.seccomp = prebuilt_seccomp(lp.seccomp_from_builtin);
  if (from) *from = lp.seccomp_from_builtin;
  return spec;
}

Spec shipped(const std::string& name, bool shortcut = false, std::string* from = nullptr) {
  return build(*builtin_profile(name), shortcut, from);
}

bool same(const std::vector<struct sock_filter>& a, const std::vector<struct sock_filter>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(struct sock_filter)) == 0;
}

}  // namespace

TEST(Precompiled, EveryShippedProfileHitsTheTableAndMatchesARuntimeCompile) {
  ASSERT_FALSE(precompiled_filter_table().empty());
  for (const auto& p : embedded_profiles()) {
    Spec spec = shipped(std::string(p.name));
    if (!spec.linux.seccomp) continue;
    use_precompiled_filters(precompiled_filter_table());
    auto pre = find_precompiled(*spec.linux.seccomp);
    ASSERT_TRUE(pre) << p.name << " has no precompiled filter";
    use_precompiled_filters({});
    CompiledFilter fresh = compile_filter(*spec.linux.seccomp);
    EXPECT_TRUE(same(pre->program, fresh.program)) << p.name;
    EXPECT_EQ(pre->flags, fresh.flags) << p.name;
    EXPECT_EQ(pre->uses_notify, fresh.uses_notify) << p.name;
  }
}

TEST(Precompiled, AnyChangeToTheRulesMisses) {
  Spec spec = shipped("default");
  use_precompiled_filters(precompiled_filter_table());
  Seccomp changed = *spec.linux.seccomp;
  changed.syscalls.push_back({{"uname"}, "SCMP_ACT_ERRNO", 1, {}});
  EXPECT_FALSE(find_precompiled(changed));
  changed = *spec.linux.seccomp;
  changed.flags.push_back("SECCOMP_FILTER_FLAG_LOG");
  EXPECT_FALSE(find_precompiled(changed));
  use_precompiled_filters({});
}

TEST(Precompiled, InitsFilterIsInTheTableAndMatchesARuntimeCompile) {
  use_precompiled_filters(precompiled_filter_table());
  auto pre = find_precompiled_key(init_filter_key());
  ASSERT_TRUE(pre) << "init's filter is not precompiled";
  EXPECT_TRUE(same(pre->program, compile_init_filter_fresh()));
  EXPECT_TRUE(same(compile_init_filter(), compile_init_filter_fresh()));
  use_precompiled_filters({});
  EXPECT_TRUE(same(compile_init_filter(), compile_init_filter_fresh()));
}

TEST(Precompiled, KeysTellApartWhatConcatenationWouldNot) {
  Seccomp a, b;
  a.syscalls.push_back({{"ab", "c"}, "SCMP_ACT_ERRNO", 1, {}});
  b.syscalls.push_back({{"a", "bc"}, "SCMP_ACT_ERRNO", 1, {}});
  EXPECT_NE(filter_key(a), filter_key(b));
  a.syscalls = {{{"uname"}, "SCMP_ACT_ERRNO", std::nullopt, {}}};
  b.syscalls = {{{"uname"}, "SCMP_ACT_ERRNO", 1, {}}};
  EXPECT_NE(filter_key(a), filter_key(b));  // "no errno" is not errno 1
  a.syscalls = {{{"uname"}, "SCMP_ACT_ERRNO", 1, {{0, 1, 0, "SCMP_CMP_EQ"}}}};
  b.syscalls = {{{"uname"}, "SCMP_ACT_ERRNO", 1, {{0, 1, 0, "SCMP_CMP_NE"}}}};
  EXPECT_NE(filter_key(a), filter_key(b));
  b = a;
  EXPECT_EQ(filter_key(a), filter_key(b));
  b.architectures = {"SCMP_ARCH_X86"};
  EXPECT_NE(filter_key(a), filter_key(b));
  EXPECT_NE(filter_key(Seccomp{}), init_filter_key());
}

// The run-time shortcut (profile/loader.hpp, LoadOptions::prebuilt_seccomp) must give
// exactly the Spec the full parse gives, for every shipped profile and for a user's
// profile on top of one; and it must stay out of the way when the user sets seccomp.
namespace {


}  // namespace

TEST(PrebuiltSeccomp, EveryShippedProfileHasOneAndTheShortcutChangesNothing) {
  use_prebuilt_seccomp(prebuilt_seccomp_table());
  for (const auto& p : embedded_profiles()) {
    std::string name(p.name), from;
    ASSERT_TRUE(has_prebuilt_seccomp(name)) << name;
    Spec fast = shipped(name, true, &from);
    EXPECT_EQ(from, name);
    EXPECT_EQ(to_oci_json(fast), to_oci_json(shipped(name))) << name;
  }
  use_prebuilt_seccomp({});
}

TEST(PrebuiltSeccomp, AUserProfileWithoutSeccompTakesItsBasesSection) {
  use_prebuilt_seccomp(prebuilt_seccomp_table());
  testing::TempDir dir;
  std::string path = dir.write("user.toml", "extends = 'npm'\n[filesystem]\nro = ['?/srv/sbx-test']\n");
  std::string from;
  Spec fast = build(find_profile(path), true, &from);
  EXPECT_EQ(from, "npm");
  EXPECT_EQ(to_oci_json(fast), to_oci_json(build(find_profile(path), false)));
  use_prebuilt_seccomp({});
}

TEST(PrebuiltSeccomp, AUserProfileThatSetsSeccompIsParsedInFull) {
  use_prebuilt_seccomp(prebuilt_seccomp_table());
  testing::TempDir dir;
  std::string path = dir.write("user.toml", "extends = 'default'\n[seccomp]\ndeny = ['uname']\n");
  std::string from;
  Spec fast = build(find_profile(path), true, &from);
  EXPECT_EQ(from, "");
  ASSERT_TRUE(fast.linux.seccomp);
  bool has_uname = false, has_mount = false;
  for (const auto& r : fast.linux.seccomp->syscalls)
    for (const auto& n : r.names) {
      has_uname = has_uname || n == "uname";
      has_mount = has_mount || n == "mount";
    }
  EXPECT_TRUE(has_uname);
  EXPECT_TRUE(has_mount) << "the base's rules are kept";
  EXPECT_EQ(to_oci_json(fast), to_oci_json(build(find_profile(path), false)));
  use_prebuilt_seccomp({});
}

// `sbx run --seccomp-log` puts [seccomp] log = true among the command-line overrides:
// the section must then be parsed, or the flag would be lost.
TEST(PrebuiltSeccomp, ACommandLineSeccompOptionIsParsedInFull) {
  use_prebuilt_seccomp(prebuilt_seccomp_table());
  Variables vars;
  vars.values = {{"PWD", "/p"}, {"HOME", "/h"}, {"USER", "u"}, {"UID", "1000"}, {"GID", "1000"}};
  vars.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  LoadOptions opts;
  opts.prebuilt_seccomp = [](const std::string& b) { return has_prebuilt_seccomp(b); };
  toml::table overrides{{"seccomp", toml::table{{"log", true}}}};
  LoadedProfile lp = load_profile(*builtin_profile("default"), vars, std::move(overrides), opts);
  EXPECT_EQ(lp.seccomp_from_builtin, "");
  BuildContext ctx;
  ctx.caller_uid = ctx.caller_gid = 1000;
  ctx.args = {"true"};
  Spec spec = build_spec(lp.table, ctx);
  ASSERT_TRUE(spec.linux.seccomp);
  const auto& flags = spec.linux.seccomp->flags;
  EXPECT_NE(std::find(flags.begin(), flags.end(), "SECCOMP_FILTER_FLAG_LOG"), flags.end());
  EXPECT_EQ(spec.linux.seccomp->syscalls.size(), shipped("default").linux.seccomp->syscalls.size())
      << "the built-in rules are still there";
  use_prebuilt_seccomp({});
}

}  // namespace sbx
