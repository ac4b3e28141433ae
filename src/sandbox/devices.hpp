// The minimal /dev: null, zero, full, random, urandom and tty bound from the host
// (each verified to be the character device it claims to be: a user namespace cannot
// mknod), the fd/stdin/stdout/stderr links, and ptmx -> pts/ptmx. The devpts and shm
// mounts come from the Spec's own mounts.
#pragma once

namespace sbx::child {

void populate_dev(int oldroot_fd, int newroot_fd, int dev_fd);

// The caller's terminal (the workload's stdin, when it is one) bound at /dev/console,
// as runc does for a terminal: the sandbox's /dev/pts is a new devpts instance without
// it, so ttyname() (and `tty`) would find no name for it. The device is opened by the
// path the kernel gives for fd 0, inside the old root, and used only if it is the same
// device as fd 0 (st_dev, st_ino, st_rdev); otherwise nothing is bound. The workload
// holds the terminal already (fd 0, /dev/tty): this names it and grants nothing more.
void bind_console(int oldroot_fd, int newroot_fd);

// Opens the host's /dev/null (O_PATH) after checking it is the real character device
// 1:3; reports and exits otherwise. Used to mask files.
int open_verified_null(int oldroot_fd);

}  // namespace sbx::child
