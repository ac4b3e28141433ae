#include "launch/signals.hpp"

#include <sys/signalfd.h>

#include "util/error.hpp"

namespace sbx {

SignalGate::SignalGate() {
  sigset_t sigs = supervised_signals();
  if (::sigprocmask(SIG_BLOCK, &sigs, &old_) != 0) throw_errno("sigprocmask");
  blocked_ = true;
  fd_.reset(::signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd_) {
    restore();
    throw_errno("signalfd");
  }
}

SignalGate::~SignalGate() {
  if (blocked_) (void)::sigprocmask(SIG_SETMASK, &old_, nullptr);
}

void SignalGate::restore() {
  if (!blocked_) return;
  blocked_ = false;
  if (::sigprocmask(SIG_SETMASK, &old_, nullptr) != 0) throw_errno("sigprocmask");
}

}  // namespace sbx
