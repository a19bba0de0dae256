#include "gradfuzz/interruption.hpp"

#include <signal.h>
#include <sys/types.h>

#include <atomic>

namespace gradfuzz {
namespace {

// Lock-free atomics only: these are read and written from signal handlers.
std::atomic<bool> stop{false};
std::atomic<long> groups[64];

static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<long>::is_always_lock_free);

}  // namespace

void request_stop() noexcept {
  stop.store(true);
}

bool stop_requested() noexcept {
  return stop.load();
}

void clear_stop() noexcept {
  stop.store(false);
}

void kill_adapters_now() noexcept {
  for (auto& g : groups)
    if (const long pgid = g.load(); pgid > 0) ::kill(-static_cast<pid_t>(pgid), SIGKILL);
}

namespace detail {

void record_child_group(long pgid) noexcept {
  for (auto& g : groups) {
    long empty = 0;
    if (g.compare_exchange_strong(empty, pgid)) return;
  }
}

void forget_child_group(long pgid) noexcept {
  for (auto& g : groups) {
    long expected = pgid;
    if (g.compare_exchange_strong(expected, 0)) return;
  }
}

}  // namespace detail
}  // namespace gradfuzz
