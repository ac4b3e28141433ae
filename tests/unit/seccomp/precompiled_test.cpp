// The filters embedded at build time must be exactly what libseccomp compiles at run
// time, and every shipped profile must find its filter in the table.
#include "seccomp/precompiled.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "profile/loader.hpp"
#include "profile/source.hpp"
#include "spec/from_profile.hpp"

namespace sbx {

namespace {

Spec shipped(const std::string& name) {
  Variables vars;
  vars.values = {{"PWD", "/p"}, {"HOME", "/h"}, {"USER", "u"}, {"UID", "1000"}, {"GID", "1000"}};
  vars.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  LoadedProfile lp = load_profile(*builtin_profile(name), vars);
  BuildContext ctx;
  ctx.caller_uid = ctx.caller_gid = 1000;
  ctx.args = {"true"};
  return build_spec(lp.table, ctx);
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

}  // namespace sbx
