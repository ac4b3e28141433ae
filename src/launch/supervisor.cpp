#include "launch/supervisor.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "launch/hints.hpp"
#include "launch/signals.hpp"
#include "util/error.hpp"
#include "util/syscalls.hpp"
#include "util/units.hpp"

namespace sbx {

Supervisor::Supervisor(UniqueFd pidfd, UniqueFd channel, UniqueFd signal_fd, SupervisorOptions opts)
    : pidfd_(std::move(pidfd)), channel_(std::move(channel)), signal_fd_(std::move(signal_fd)), opts_(opts) {}

// However supervision ends (an exception included), init does not outlive sbx as a
// zombie for whoever inherits it: a container's pid 1 may never reap it.
Supervisor::~Supervisor() {
  if (reaped_ || !pidfd_) return;
  sys_pidfd_send_signal(pidfd_.get(), SIGKILL);
  siginfo_t info {};
  while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd_.get()), &info, WEXITED) != 0 && errno == EINTR) {
  }
}

void Supervisor::start_timer() {
  if (opts_.timeout) {
    timer_fd_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    if (!timer_fd_) throw_errno("timerfd_create");
    struct itimerspec its {};
    auto ms = opts_.timeout->count();
    its.it_value.tv_sec = ms / 1000;
    its.it_value.tv_nsec = (ms % 1000) * 1000000;
    if (::timerfd_settime(timer_fd_.get(), 0, &its, nullptr) != 0) throw_errno("timerfd_settime");
  }
}

void Supervisor::add_source(int fd, std::function<bool()> on_readable) { sources_.push_back({fd, std::move(on_readable)}); }

void Supervisor::handle_channel(Outcome& out) {
  Message m;
  int fd = -1;
  if (!recv_message(channel_.get(), m, &fd)) {
    if (errno == 0 || errno == ECONNRESET) channel_open_ = false;
    return;
  }
  UniqueFd received(fd);
  switch (m.type) {
    case MsgType::SetupFailed:
      if (!out.setup_failed) out.setup_failed = m;
      break;
    case MsgType::ExecFailed:
      out.exec_failed = m;
      break;
    case MsgType::WorkloadExited:
      out.workload_exited = m;
      break;
    case MsgType::WorkloadStopped:
      if (on_workload_stopped) on_workload_stopped(m.signal);
      break;
    case MsgType::NotifyFd:
      if (received && on_notify_fd) on_notify_fd(std::move(received));
      break;
    default:
      break;
  }
}

void Supervisor::handle_signal() {
  struct signalfd_siginfo si {};
  while (::read(signal_fd_.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
    int sig = static_cast<int>(si.ssi_signo);
    if (sig == SIGCHLD) continue;  // the pidfd tells us about init
    // The workload is never in sbx's process group: what the terminal sends sbx (its
    // group is in the foreground) has not reached the workload, and is passed on too.
    if (sig == SIGCONT) {
      if (on_continued) on_continued();
      sys_pidfd_send_signal(pidfd_.get(), continue_signal());  // (not SIGCONT: see signals.hpp)
      continue;
    }
    sys_pidfd_send_signal(pidfd_.get(), sig);
  }
}

void Supervisor::handle_timer(Outcome& out) {
  uint64_t expirations;
  if (::read(timer_fd_.get(), &expirations, sizeof expirations) != sizeof expirations) return;
  if (timer_stage_ == 0) {
    out.timed_out = true;
    std::string msg = "sbx: timeout: " + format_duration(*opts_.timeout) +
                      " elapsed; sending SIGTERM, then SIGKILL after " + format_duration(opts_.kill_grace) + "\n";
    ssize_t w = ::write(STDERR_FILENO, msg.data(), msg.size());
    (void)w;
    sys_pidfd_send_signal(pidfd_.get(), SIGTERM);
    // A stopped workload (it may have stopped itself to wait the timeout out) gets the
    // SIGTERM only once continued, as timeout(1) does.
    sys_pidfd_send_signal(pidfd_.get(), continue_signal());
    struct itimerspec its {};
    its.it_value.tv_sec = opts_.kill_grace.count() / 1000;
    its.it_value.tv_nsec = (opts_.kill_grace.count() % 1000) * 1000000;
    ::timerfd_settime(timer_fd_.get(), 0, &its, nullptr);
    timer_stage_ = 1;
  } else if (timer_stage_ == 1) {
    sys_pidfd_send_signal(pidfd_.get(), SIGKILL);
    timer_stage_ = 2;
  }
}

void Supervisor::reap(Outcome& out) {
  siginfo_t info {};
  int rc;
  while ((rc = ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd_.get()), &info, WEXITED)) != 0 &&
         errno == EINTR) {
  }
  if (rc != 0) throw_errno("waitid");
  reaped_ = true;
  out.init_cld = info.si_code;
  out.init_code = info.si_status;
}

Outcome Supervisor::run() {
  Outcome out;
  auto start = std::chrono::steady_clock::now();
  start_timer();
  for (;;) {
    std::vector<struct pollfd>& pfds = pfds_;
    pfds.clear();
    pfds.push_back({pidfd_.get(), POLLIN, 0});
    pfds.push_back({signal_fd_.get(), POLLIN, 0});
    pfds.push_back({channel_open_ ? channel_.get() : -1, POLLIN, 0});
    pfds.push_back({timer_fd_ ? timer_fd_.get() : -1, POLLIN, 0});
    for (const auto& s : sources_) pfds.push_back({s.fd, POLLIN, 0});
    int n = ::poll(pfds.data(), pfds.size(), -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("poll");
    }
    if (pfds[2].revents) handle_channel(out);
    // init has reaped the workload and everything else, and is exiting: it is reaped
    // once the kernel has torn its namespaces down.
    if (out.workload_exited && out.workload_exited->sandbox_empty) {
      reap(out);
      break;
    }
    if (pfds[1].revents) handle_signal();
    if (pfds[3].revents) handle_timer(out);
    for (size_t i = 4; i < pfds.size(); ++i) {
      if (!pfds[i].revents) continue;
      int fd = pfds[i].fd;
      for (auto it = sources_.begin(); it != sources_.end(); ++it) {
        if (it->fd != fd) continue;
        if (!it->cb()) sources_.erase(it);
        break;
      }
    }
    if (pfds[0].revents) {
      reap(out);
      // Whatever init and the workload said before the end is still in the channel.
      while (channel_open_) {
        struct pollfd p {channel_.get(), POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) break;
        handle_channel(out);
      }
      break;
    }
  }
  out.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return out;
}

int exit_status_for(const Outcome& out, const std::string& command, std::string& message) {
  message.clear();
  if (out.setup_failed) {
    const Message& m = *out.setup_failed;
    message = std::string("setup: ") + m.step;
    if (m.detail[0]) message += std::string(" ") + m.detail;
    if (m.err) message += std::string(": ") + std::strerror(m.err);
    bool namespaces = std::strncmp(m.step, "create the sandbox's namespaces", 31) == 0;
    if (m.err == ENOSYS) message += kernel_hint();
    else if (m.err == EPERM || m.err == EACCES || (namespaces && m.err == ENOSPC)) message += userns_hint(m.err);
    return kExitSbxFailure;
  }
  if (out.timed_out) return kExitTimeout;
  if (out.exec_failed) {
    const Message& m = *out.exec_failed;
    if (m.err == ENOENT) {
      message = command + ": command not found in the sandbox";
      return kExitNotFound;
    }
    message = command + ": " + std::strerror(m.err);
    return kExitNotExecutable;
  }
  if (out.workload_exited) {
    const Message& m = *out.workload_exited;
    if (m.signal) return 128 + m.signal;
    return m.code;
  }
  if (out.init_cld == CLD_EXITED && out.init_code == kExitSbxFailure) {
    message = "setup: the sandbox exited before starting the workload";
    return kExitSbxFailure;
  }
  if (out.init_cld == CLD_KILLED || out.init_cld == CLD_DUMPED) {
    message = std::string("the sandbox's init was killed by signal ") + std::to_string(out.init_code) + " (" +
              ::strsignal(out.init_code) + ")";
    return 128 + out.init_code;
  }
  message = "the sandbox ended without reporting the workload's status";
  return kExitSbxFailure;
}

}  // namespace sbx
