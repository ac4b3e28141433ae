// The minimal /dev: null, zero, full, random, urandom and tty bound from the host
// (each verified to be the character device it claims to be: a user namespace cannot
// mknod), the fd/stdin/stdout/stderr links, and ptmx -> pts/ptmx. The devpts and shm
// mounts come from the Spec's own mounts.
#pragma once

namespace sbx::child {

void populate_dev(int oldroot_fd, int newroot_fd, int dev_fd);

// Opens the host's /dev/null (O_PATH) after checking it is the real character device
// 1:3; reports and exits otherwise. Used to mask files.
int open_verified_null(int oldroot_fd);

}  // namespace sbx::child
