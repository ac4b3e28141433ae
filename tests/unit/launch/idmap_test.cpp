#include "launch/idmap.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include "launch/launcher.hpp"
#include "util/error.hpp"

namespace sbx {

TEST(IdMap, FormatsOneLinePerMapping) {
  EXPECT_EQ(format_id_map({{1000, 1000, 1}}), "1000 1000 1\n");
  EXPECT_EQ(format_id_map({{1000, 1000, 1}, {0, 100000, 1000}}), "1000 1000 1\n0 100000 1000\n");
}

TEST(CloneFlags, FollowTheSpecsNamespaces) {
  Spec s;
  s.linux.namespaces = {{"user"}, {"mount"}, {"pid"}, {"network"}};
  EXPECT_EQ(clone_flags_for(s), static_cast<uint64_t>(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET));
  s.linux.namespaces.push_back({"time"});
  EXPECT_THROW(clone_flags_for(s), Error);
}

}  // namespace sbx
