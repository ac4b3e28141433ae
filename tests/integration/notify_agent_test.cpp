// The OCI seccomp agent protocol (`[seccomp] listener`): an agent in the test process (a
// thread on a unix socket in a temp dir the test user can reach) receives the container
// process state and the listener fd in one message, checks every field, answers a
// notification with the fd, and goes away; the workload's next notified syscall then
// fails with ENOSYS at once instead of hanging.
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sbx::test {

const std::string& seccomp_probe_dir();
Result run_probe(const std::string& commands, const std::vector<std::string>& run_args = {}, RunOptions opts = {});
std::map<std::string, std::string> probe_lines(const std::string& out);

namespace {

class Agent {
 public:
  // answer_errno > 0: answer the first notification with that errno, then close.
  explicit Agent(int answer_errno) : answer_errno_(answer_errno) {
    path_ = make_temp_dir("agent") + "/agent.sock";
    sock_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a {};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path_.c_str(), sizeof a.sun_path - 1);
    if (sock_ < 0 || ::bind(sock_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(sock_, 4) != 0)
      throw std::runtime_error("agent socket: " + std::string(std::strerror(errno)));
    ::chmod(path_.c_str(), 0777);  // the test user connects
    thread_ = std::thread([this] { serve(); });
  }
  ~Agent() {
    thread_.join();
    ::close(sock_);
  }
  const std::string& path() const { return path_; }

  // Filled in by the agent thread (read after the sandbox ended).
  std::string payload, error;
  int fds_received = 0;
  bool eof_after_message = false;
  uint32_t notified_nr = 0;
  uint32_t notified_pid = 0;

 private:
  bool wait_readable(int fd, int ms) {
    struct pollfd p {fd, POLLIN, 0};
    return ::poll(&p, 1, ms) == 1;
  }

  void serve() {
    if (!wait_readable(sock_, 30000)) {
      error = "nobody connected";
      return;
    }
    int c = ::accept4(sock_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) {
      error = "accept failed";
      return;
    }
    char buf[65536];
    struct iovec iov {buf, sizeof buf};
    alignas(struct cmsghdr) char cbuf[CMSG_SPACE(sizeof(int) * 4)];
    struct msghdr mh {};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    int listener = -1;
    if (wait_readable(c, 30000)) {
      ssize_t n = ::recvmsg(c, &mh, MSG_CMSG_CLOEXEC);
      if (n > 0) payload.assign(buf, static_cast<size_t>(n));
      for (struct cmsghdr* h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h))
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
          size_t k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
          fds_received += static_cast<int>(k);
          std::memcpy(&listener, CMSG_DATA(h), sizeof(int));
        }
    }
    // sbx closes its end right after the one message.
    eof_after_message = wait_readable(c, 10000) && ::recv(c, buf, sizeof buf, 0) == 0;
    ::close(c);
    if (listener >= 0 && answer_errno_ > 0 && wait_readable(listener, 30000)) {
      struct seccomp_notif req {};
      struct seccomp_notif_resp resp {};
      if (::ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0) {
        notified_nr = static_cast<uint32_t>(req.data.nr);
        notified_pid = req.pid;
        resp.id = req.id;
        resp.error = -answer_errno_;
        if (::ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0) error = "NOTIF_SEND failed";
      } else {
        error = "NOTIF_RECV failed";
      }
    }
    if (listener >= 0) ::close(listener);  // the agent goes away
  }

  int answer_errno_;
  std::string path_;
  int sock_ = -1;
  std::thread thread_;
};

std::string agent_profile(const std::string& socket, const std::string& extra = "") {
  std::string p = make_temp_dir("profiles") + "/agent.toml";
  write_file(p, "extends = \"default\"\n"
                "[seccomp]\n"
                "listener = \"" + socket + "\"\n"
                "listener_metadata = \"MKNOD=/dev/null;x=1\"\n" + extra +
                "[[seccomp.rule]]\n"
                "names = [\"getppid\"]\n"
                "action = \"notify\"\n");
  return p;
}

}  // namespace

TEST(NotifyAgent, ReceivesTheStateAndTheFdInOneMessageThenAnswersUntilItLeaves) {
  Agent agent(EXDEV);
  std::string profile = agent_profile(agent.path());
  auto start = std::chrono::steady_clock::now();
  RunOptions o;
  o.cwd = seccomp_probe_dir();
  o.timeout = std::chrono::seconds(60);
  Result r = sbx({"run", profile, "--", "./probe", "sys", "first", "110", "--", "sys", "second", "110"}, o);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(agent.error, "");
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["first"], "errno=EXDEV") << "the agent's answer\n" << r.out;
  EXPECT_EQ(got["second"], "errno=ENOSYS") << "the agent is gone\n" << r.out;
  EXPECT_LT(took, std::chrono::seconds(20));
  EXPECT_EQ(agent.notified_nr, static_cast<uint32_t>(SYS_getppid));

  EXPECT_EQ(agent.fds_received, 1);
  EXPECT_TRUE(agent.eof_after_message);
  nlohmann::json s = nlohmann::json::parse(agent.payload);  // the whole state in the one message
  EXPECT_EQ(s["ociVersion"], "1.0.2") << s;
  EXPECT_EQ(s["fds"], nlohmann::json::array({"seccompFd"})) << s;
  EXPECT_EQ(s["metadata"], "MKNOD=/dev/null;x=1") << s;
  ASSERT_TRUE(s["pid"].is_number_integer()) << s;
  EXPECT_GT(s["pid"].get<int>(), 1);
  // The container process is the one whose syscall was notified (host pid).
  EXPECT_EQ(s["pid"].get<uint32_t>(), agent.notified_pid) << s;
  const auto& st = s["state"];
  EXPECT_EQ(st["ociVersion"], "1.0.2") << s;
  EXPECT_EQ(st["status"], "creating") << s;
  EXPECT_EQ(st["pid"], s["pid"]) << s;
  EXPECT_TRUE(st["id"].is_string() && !st["id"].get<std::string>().empty()) << s;
  EXPECT_TRUE(st["bundle"].is_string() && st["bundle"].get<std::string>().rfind('/', 0) == 0) << s;
  EXPECT_TRUE(st["annotations"].is_object()) << s;
}

TEST(NotifyAgent, WhenTheAgentLeavesAtOnceNotifiedSyscallsFailFastInsteadOfHanging) {
  Agent agent(0);  // takes the fd and closes it
  std::string profile = agent_profile(agent.path());
  auto start = std::chrono::steady_clock::now();
  RunOptions o;
  o.cwd = seccomp_probe_dir();
  o.timeout = std::chrono::seconds(60);
  Result r = sbx({"run", profile, "--", "/bin/sh", "-c", "sleep 0.5; ./probe sys gpp 110; echo done"}, o);
  EXPECT_FALSE(r.timed_out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(probe_lines(r.out)["gpp"], "errno=ENOSYS") << r.out;
  EXPECT_NE(r.out.find("done\n"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_EQ(agent.fds_received, 1);
}

TEST(NotifyAgent, NoAgentListeningFailsBeforeTheSandboxStartsNamingThePath) {
  std::string sock = make_temp_dir("agent") + "/nobody-here.sock";
  std::string profile = agent_profile(sock);
  Result r = sbx({"run", profile, "--", "/bin/sh", "-c", "echo should-not-run"});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("sbx: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(sock), std::string::npos) << r.err;
}

}  // namespace sbx::test
