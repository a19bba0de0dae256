#pragma once
// Stopping a run from outside (a Ctrl-C, a CI job cancelled: SIGINT, SIGTERM, SIGHUP) without
// losing it. The program's signal handler calls request_stop(); campaigns then draw no more
// cases and stop shrinking, an adapter exchange stops waiting, and the results gathered so far
// come back marked interrupted, to be reported. Nothing here installs a handler: that is the
// program's choice (cli/main.cpp does it), so that a library embedding gradfuzz keeps its own.

#include <stdexcept>

namespace gradfuzz {

/// Thrown by an adapter exchange (and so by AdapterSource's requests) cut short because a stop
/// was requested. Campaigns catch it and return their results marked interrupted.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Asks every campaign and adapter exchange of this process to stop as soon as it can.
/// Async-signal-safe (it sets a lock-free flag): meant to be called from a signal handler.
void request_stop() noexcept;
/// Whether request_stop() has been called. Async-signal-safe.
bool stop_requested() noexcept;
/// Forgets a request (tests run several interrupted campaigns in one process).
void clear_stop() noexcept;

/// Sends SIGKILL to the process group of every adapter this process has started and not yet
/// ended, at once: for a second signal, when the program exits without waiting. Async-signal-safe.
void kill_adapters_now() noexcept;

namespace detail {
/// ChildProcess records each process group it starts, and forgets it once the group is gone.
/// At most 64 are recorded at a time (more are still ended normally, only not by
/// kill_adapters_now).
void record_child_group(long pgid) noexcept;
void forget_child_group(long pgid) noexcept;
}  // namespace detail

}  // namespace gradfuzz
