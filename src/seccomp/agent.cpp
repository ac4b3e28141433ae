#include "seccomp/agent.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>

#include "util/error.hpp"

namespace sbx {

nlohmann::json container_process_state(const Spec& spec, pid_t pid, const std::string& id, const std::string& bundle) {
  nlohmann::json annotations = nlohmann::json::object();
  for (const auto& [k, v] : spec.annotations) annotations[k] = v;
  nlohmann::json j;
  j["ociVersion"] = spec.oci_version;
  j["fds"] = {"seccompFd"};
  j["pid"] = pid;
  j["metadata"] = spec.linux.seccomp ? spec.linux.seccomp->listener_metadata : std::string();
  j["state"] = {
      {"ociVersion", spec.oci_version}, {"id", id},         {"status", "creating"},
      {"pid", pid},                     {"bundle", bundle}, {"annotations", annotations},
  };
  return j;
}

namespace {

// The first pid in /proc/PID/task/PID/children (needs CONFIG_PROC_CHILDREN).
pid_t first_child(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return 0;
  char buf[64] = {};
  ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
  if (n <= 0) return 0;
  return static_cast<pid_t>(std::strtol(buf, nullptr, 10));
}

}  // namespace

pid_t find_workload_pid() {
  pid_t init = first_child(::getpid());
  if (init <= 0) return 0;
  return first_child(init);
}

SeccompAgent::SeccompAgent(const Spec& spec) {
  path_ = spec.linux.seccomp ? spec.linux.seccomp->listener_path : std::string();
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  if (path_.empty() || path_.size() >= sizeof addr.sun_path)
    throw Error("seccomp listener: the socket path '" + path_ + "' must be 1 to " +
                std::to_string(sizeof addr.sun_path - 1) + " bytes long");
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  sock_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!sock_) throw_errno("seccomp listener: socket");
  int rc;
  do {
    rc = ::connect(sock_.get(), reinterpret_cast<struct sockaddr*>(&addr), sizeof addr);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0)
    throw Error("seccomp listener: cannot connect to the agent at " + path_ + ": " + std::strerror(errno) +
                (errno == ENOENT || errno == ECONNREFUSED ? " (is the agent running?)" : ""));
}

bool SeccompAgent::hand_over(UniqueFd listener_fd, const nlohmann::json& state) {
  std::string payload = state.dump();
  struct iovec iov {payload.data(), payload.size()};
  struct msghdr mh {};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(struct cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))] = {};
  mh.msg_control = cbuf;
  mh.msg_controllen = sizeof cbuf;
  struct cmsghdr* c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  int fd = listener_fd.get();
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do {
    n = ::sendmsg(sock_.get(), &mh, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  bool ok = n == static_cast<ssize_t>(payload.size());
  if (!ok)
    std::fprintf(stderr, "sbx: seccomp listener: sending the listener fd to the agent at %s failed: %s\n",
                 path_.c_str(), n < 0 ? std::strerror(errno) : "short write");
  sock_.reset();
  listener_fd.reset();
  return ok;
}

}  // namespace sbx
