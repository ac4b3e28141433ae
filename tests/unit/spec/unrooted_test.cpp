// spec/unrooted.hpp: the warning for a profile that extends nothing names what it lacks.
#include "spec/unrooted.hpp"

#include <gtest/gtest.h>

#include "../profile/profile_fixture.hpp"

namespace sbx {
namespace {

TEST(Unrooted, NamesWhatIsMissingAndTheFixes) {
  testing::TempDir dir;
  Spec bare = testing::build_file(dir.write("p.toml", "[filesystem]\nro = ['/etc']\n"));
  EXPECT_EQ(unrooted_warning("p.toml", bare),
            "p.toml extends no profile, so it starts from nothing: no seccomp filter (nested user namespaces, "
            "keyrings, bpf... are allowed), no /usr and no PATH; add extends = \"default\" to build on the default "
            "sandbox, or extends = \"none\" to start from nothing on purpose");
  Spec partial = testing::build_file(dir.write("q.toml", "[filesystem]\nro = ['/usr']\n[process.env]\nkeep = ['PATH']\n"));
  EXPECT_EQ(unrooted_warning("q.toml", partial).find("no seccomp filter (nested user namespaces, keyrings, bpf... are "
                                                     "allowed); add"),
            std::string("q.toml extends no profile, so it starts from nothing: ").size());
  // A profile written in full lacks nothing: no warning.
  Spec full = testing::build_file(dir.write("d.toml", "extends = 'default'\n"));
  EXPECT_EQ(unrooted_warning("d.toml", full), "");
}

}  // namespace
}  // namespace sbx
