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

}  // namespace sbx
