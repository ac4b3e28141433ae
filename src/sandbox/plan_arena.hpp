// Where the Plan's memory comes from. Normally the heap. For a sandbox started before
// its profile is parsed (launch/prestart.hpp), a shared anonymous mapping made before
// that clone: the parent builds the Plan in it afterwards, and the child, which has the
// same mapping at the same address, reads the Plan in place. No copy, no decoding, and
// no allocation on the child side.
//
// PlanAllocator is stateless: while a PlanArena is `use()`d (one at a time, by the
// single-threaded parent, for the duration of build_plan) every Plan container
// allocates from it; otherwise from the heap. Memory inside an arena is never freed
// piecemeal: the mapping goes when the arena does.
#pragma once
#include <cstddef>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace sbx {

class PlanArena {
 public:
  // A MAP_SHARED|MAP_NORESERVE anonymous mapping of `bytes` (only touched pages cost
  // memory); nullptr if mmap fails.
  static std::unique_ptr<PlanArena> create(size_t bytes);
  ~PlanArena();
  PlanArena(const PlanArena&) = delete;
  PlanArena& operator=(const PlanArena&) = delete;

  // Bump allocation; throws std::bad_alloc when the mapping is full.
  void* allocate(size_t bytes, size_t align);
  bool contains(const void* p) const;
  void* base() const { return base_; }
  size_t size() const { return size_; }
  size_t used() const { return used_; }

  // Makes PlanAllocator allocate here until the returned guard goes.
  class Use {
   public:
    explicit Use(PlanArena& a);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    PlanArena* previous_;
  };

 private:
  PlanArena(void* base, size_t size) : base_(base), size_(size) {}
  void* base_;
  size_t size_;
  size_t used_ = 0;
};

void* plan_allocate(size_t bytes, size_t align);
void plan_deallocate(void* p, size_t bytes, size_t align) noexcept;

template <class T>
struct PlanAllocator {
  using value_type = T;
  PlanAllocator() noexcept = default;
  template <class U>
  PlanAllocator(const PlanAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)
  T* allocate(size_t n) {
    if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_alloc();
    return static_cast<T*>(plan_allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, size_t n) noexcept { plan_deallocate(p, n * sizeof(T), alignof(T)); }
  template <class U>
  bool operator==(const PlanAllocator<U>&) const noexcept {
    return true;
  }
};

using PlanString = std::basic_string<char, std::char_traits<char>, PlanAllocator<char>>;
template <class T>
using PlanVector = std::vector<T, PlanAllocator<T>>;

inline PlanString plan_string(const std::string& s) { return PlanString(s.data(), s.size()); }

}  // namespace sbx
