// How the child side talks back: every failure goes to the parent over the channel
// (never a silent exit), and -v prints each step. Fixed buffers, no allocation.
#pragma once

namespace sbx::child {

// Set once, right after clone.
void set_channel(int fd, bool verbose);
int channel();

// Reports "step: detail: strerror(err)" to the parent and exits 125.
[[noreturn]] void fail(const char* step, const char* detail, int err);
// The same, with errno.
[[noreturn]] void fail_errno(const char* step, const char* detail);

// "sbx: setup: <message>" on stderr when -v was given.
void verbose(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace sbx::child
