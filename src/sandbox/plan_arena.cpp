#include "sandbox/plan_arena.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <memory>

namespace sbx {

namespace {
PlanArena* g_active = nullptr;
// Every arena's range, so that a pointer from one is never handed to operator delete
// (a Plan built in an arena may be destroyed after its Use has ended). sbx has at most
// one arena; a few slots cost nothing.
constexpr int kMaxArenas = 4;
const PlanArena* g_arenas[kMaxArenas] = {};
}  // namespace

std::unique_ptr<PlanArena> PlanArena::create(size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  std::unique_ptr<PlanArena> a(new PlanArena(p, bytes));
  for (auto& slot : g_arenas) {
    if (slot) continue;
    slot = a.get();
    return a;
  }
  return nullptr;  // (munmapped by the destructor)
}

PlanArena::~PlanArena() {
  for (auto& slot : g_arenas)
    if (slot == this) slot = nullptr;
  if (g_active == this) g_active = nullptr;
  ::munmap(base_, size_);
}

void* PlanArena::allocate(size_t bytes, size_t align) {
  void* p = static_cast<char*>(base_) + used_;
  size_t space = size_ - used_;
  if (!std::align(align, bytes, p, space)) throw std::bad_alloc();
  used_ = static_cast<size_t>(static_cast<char*>(p) - static_cast<char*>(base_)) + bytes;
  return p;
}

bool PlanArena::contains(const void* p) const {
  auto a = reinterpret_cast<uintptr_t>(p), b = reinterpret_cast<uintptr_t>(base_);
  return a >= b && a < b + size_;
}

PlanArena::Use::Use(PlanArena& a) : previous_(g_active) { g_active = &a; }
PlanArena::Use::~Use() { g_active = previous_; }

void* plan_allocate(size_t bytes, size_t align) {
  if (g_active) return g_active->allocate(bytes, align);
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(bytes);
  return ::operator new(bytes, std::align_val_t(align));
}

void plan_deallocate(void* p, size_t bytes, size_t align) noexcept {
  for (const PlanArena* a : g_arenas)
    if (a && a->contains(p)) return;
  (void)bytes;
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__)
    ::operator delete(p);
  else
    ::operator delete(p, std::align_val_t(align));
}

}  // namespace sbx
