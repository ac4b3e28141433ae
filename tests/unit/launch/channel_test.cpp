#include "launch/channel.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/fd.hpp"

namespace sbx {

TEST(Channel, CarriesTypedMessagesAndOneFd) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  UniqueFd a(sv[0]), b(sv[1]);
  Message m;
  m.type = MsgType::SetupFailed;
  m.err = EPERM;
  std::strcpy(m.step, "mount");
  UniqueFd passed(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(send_message(a.get(), m, passed.get()));
  Message got;
  int fd = -1;
  ASSERT_TRUE(recv_message(b.get(), got, &fd));
  UniqueFd owned(fd);
  EXPECT_EQ(got.type, MsgType::SetupFailed);
  EXPECT_EQ(got.err, EPERM);
  EXPECT_STREQ(got.step, "mount");
  ASSERT_TRUE(owned.valid());
  EXPECT_EQ(::fcntl(owned.get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}

TEST(Channel, EofIsFalseWithErrnoZero) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  UniqueFd a(sv[0]), b(sv[1]);
  a.reset();
  Message got;
  EXPECT_FALSE(recv_message(b.get(), got));
  EXPECT_EQ(errno, 0);
}

}  // namespace sbx
