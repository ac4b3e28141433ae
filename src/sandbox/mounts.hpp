// The mount primitives, all fd-based (the new mount API: open_tree, fsopen/fsmount,
// mount_setattr, move_mount), so each bind costs the same however many came before:
// no rescans of the mount table, read-only applied recursively in one call.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "sandbox/plan.hpp"

namespace sbx::child {

// Performs one planned mount into the new root. Failures are reported and exit.
void do_mount(int oldroot_fd, int newroot_fd, const MountStep& step);

// One fsconfig(2) option; an empty value sets a flag.
struct FsOption {
  const char* key;
  const char* value;
};

// Creates a detached filesystem mount (fsopen/fsconfig/fsmount); fd or -1 with errno.
int make_fs(const char* fstype, std::initializer_list<FsOption> options, uint64_t attrs);
int make_fs(const char* fstype, const FsOption* options, size_t count, uint64_t attrs);

// Clones the mount at `source_fd` (an O_PATH fd) and attaches it at `target_fd`,
// applying `attrs` (MOUNT_ATTR_*) to it and, if recursive, to every submount.
// 0, or -1 with errno; `what` names the failing call.
int bind_fd(int source_fd, int target_fd, uint64_t attrs, bool recursive, const char** what);

// Attaches a detached mount fd at target_fd. 0 or -1 with errno.
int attach(int mount_fd, int target_fd);

// A new file made by `fill` (given its write fd and `ctx`) in the new root's tmpfs,
// still private to sbx, bound read-only (plus `attrs`) over `target_fd`, its name then
// removed: the sanitized .git/config, /etc/hosts with the hostname. `label` names the
// target in failures, which are reported and exit.
using FillFile = void (*)(int fd, const void* ctx);
void bind_new_file(int newroot_fd, int target_fd, const char* label, int mode, uint64_t attrs, FillFile fill,
                   const void* ctx);

}  // namespace sbx::child
