// Network "none": a new network namespace with loopback up; the host's loopback
// listeners are unreachable. Network "host": they are.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "harness.hpp"

namespace sbx::test {

namespace {

// A TCP listener on the host's 127.0.0.1 that answers "host-secret" to anyone.
class HostListener {
 public:
  HostListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] {
      for (;;) {
        int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) return;
        ssize_t w = ::write(c, "host-secret\n", 12);
        (void)w;
        ::close(c);
      }
    });
  }
  ~HostListener() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// bash's /dev/tcp is not everywhere; python3 is in the default profile's /usr.
std::string connect_script(int port) {
  return "python3 -c \"import socket\ntry:\n s=socket.create_connection(('127.0.0.1'," + std::to_string(port) +
         "),timeout=2)\n print(s.recv(100).decode().strip())\nexcept OSError as e:\n print('refused', e.errno)\"";
}

}  // namespace

TEST(RunNetwork, HostLoopbackListenerIsUnreachableByDefault) {
  HostListener l;
  Result r = sbx_sh(connect_script(l.port()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("host-secret"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("refused"), std::string::npos) << r.out;
}

TEST(RunNetwork, HostNetworkModeReachesTheHostListener) {
  HostListener l;
  Result r = sbx_sh(connect_script(l.port()), {"--network", "host"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "host-secret\n");
}

TEST(RunNetwork, LoopbackInsideWorks) {
  Result r = sbx_sh(
      "python3 -c \"import socket\ns=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(1)\n"
      "c=socket.create_connection(s.getsockname()); a,_=s.accept(); a.send(b'inside'); print(c.recv(10).decode())\"");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "inside\n");
}

TEST(RunNetwork, OnlyLoopbackExists) {
  Result r = sbx_sh("cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "lo\n");
}

}  // namespace sbx::test
