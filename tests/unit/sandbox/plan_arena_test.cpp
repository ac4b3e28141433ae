// sandbox/plan_arena.hpp: while an arena is in use every Plan container allocates from
// it, and a process forked before the Plan was built sees the Plan at the same address.
#include "sandbox/plan_arena.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <new>

#include "sandbox/plan.hpp"

namespace sbx {
namespace {

TEST(PlanArena, ContainersAllocateFromTheArenaOnlyWhileItIsUsed) {
  auto arena = PlanArena::create(size_t{1} << 20);
  ASSERT_TRUE(arena);
  PlanVector<PlanString> v;
  {
    PlanArena::Use use(*arena);
    v.emplace_back("a string well beyond the small-string buffer of libstdc++");
    EXPECT_TRUE(arena->contains(v.data()));
    EXPECT_TRUE(arena->contains(v[0].data()));
  }
  PlanString heap("another string well beyond the small-string buffer");
  EXPECT_FALSE(arena->contains(heap.data()));
  v.clear();  // freeing arena memory is a no-op, not a delete of a foreign pointer
  v.shrink_to_fit();
  EXPECT_GT(arena->used(), 0u);
}

TEST(PlanArena, AFullArenaThrowsBadAlloc) {
  auto arena = PlanArena::create(4096);
  ASSERT_TRUE(arena);
  PlanArena::Use use(*arena);
  PlanVector<char> v;
  EXPECT_THROW(v.resize(8192), std::bad_alloc);
  EXPECT_NO_THROW(arena->allocate(16, 16));
}

TEST(PlanArena, AllocationsAreAligned) {
  auto arena = PlanArena::create(4096);
  ASSERT_TRUE(arena);
  arena->allocate(1, 1);
  void* p = arena->allocate(8, 64);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
}

// What launch/prestart relies on: the child exists before the Plan does.
TEST(PlanArena, AProcessForkedBeforeThePlanWasBuiltReadsIt) {
  auto arena = PlanArena::create(size_t{1} << 20);
  ASSERT_TRUE(arena);
  int to_child[2], from_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(from_child), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    Plan* plan = nullptr;
    if (::read(to_child[0], &plan, sizeof plan) != sizeof plan) ::_exit(2);
    const char* cwd = plan->cwd.c_str();
    bool ok = plan->args.size() == 2 && plan->args[1] == "second argument, long enough to be on the heap" &&
              std::strcmp(cwd, "/work/project") == 0 && plan->mounts.size() == 1 &&
              plan->mounts[0].destination == "/usr";
    char c = ok ? 'y' : 'n';
    if (::write(from_child[1], &c, 1) != 1) ::_exit(3);
    ::_exit(0);
  }
  Plan* plan;
  {
    PlanArena::Use use(*arena);
    plan = new (arena->allocate(sizeof(Plan), alignof(Plan))) Plan();
    plan->args.emplace_back("true");
    plan->args.emplace_back("second argument, long enough to be on the heap");
    plan->cwd = "/work/project";
    plan->mounts.emplace_back();
    plan->mounts[0].destination = "/usr";
  }
  ASSERT_EQ(::write(to_child[1], &plan, sizeof plan), static_cast<ssize_t>(sizeof plan));
  char c = 0;
  ASSERT_EQ(::read(from_child[0], &c, 1), 1);
  EXPECT_EQ(c, 'y');
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(status, 0);
  for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) ::close(fd);
}

}  // namespace
}  // namespace sbx
