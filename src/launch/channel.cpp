#include "launch/channel.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sbx {

bool send_message(int fd, const Message& m, int pass_fd) {
  struct iovec iov {const_cast<Message*>(&m), sizeof m};
  struct msghdr mh {};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(struct cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))] = {};
  if (pass_fd >= 0) {
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    struct cmsghdr* c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
  }
  for (;;) {
    ssize_t n = ::sendmsg(fd, &mh, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    return n == static_cast<ssize_t>(sizeof m);
  }
}

bool recv_message(int fd, Message& m, int* received_fd, int flags) {
  struct iovec iov {&m, sizeof m};
  struct msghdr mh {};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(struct cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))] = {};
  mh.msg_control = cbuf;
  mh.msg_controllen = sizeof cbuf;
  if (received_fd) *received_fd = -1;
  ssize_t n;
  do {
    n = ::recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return false;
  if (n == 0) {
    errno = 0;
    return false;
  }
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int got;
      std::memcpy(&got, CMSG_DATA(c), sizeof(int));
      if (received_fd)
        *received_fd = got;
      else
        ::close(got);
    }
  }
  if (n != static_cast<ssize_t>(sizeof m)) {
    errno = EPROTO;
    return false;
  }
  m.step[sizeof m.step - 1] = '\0';
  m.detail[sizeof m.detail - 1] = '\0';
  return true;
}

}  // namespace sbx
