// Resolving paths inside a root without ever leaving it: openat2(RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS). Symlinks are followed as if `root_fd` were "/", so a hostile
// project directory (evil -> /home/user/outside) cannot redirect a mount or a mkdir
// onto the host. Used for mount destinations (in the new root) and bind sources (in
// the old root, i.e. the host as seen before pivot_root).
#pragma once

namespace sbx::child {

// Opens an absolute path inside the root. Returns an fd or -1 with errno.
int open_in_root(int root_fd, const char* path, int flags);

// Opens the mount point at `path` inside the root, creating missing directories
// (mode 0755) and, if !directory, an empty file as the last component. Returns an
// O_PATH fd, or -1 with errno.
int make_mountpoint(int root_fd, const char* path, bool directory);

}  // namespace sbx::child
