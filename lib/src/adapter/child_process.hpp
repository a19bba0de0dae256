#pragma once
// A child process spoken to over pipes: a command run through /bin/sh -c in a process group of
// its own, written and read without blocking (poll), each exchange bounded by a deadline, and
// ended with its whole group on every path out.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace gradfuzz::detail {

using Clock = std::chrono::steady_clock;

class ChildProcess {
 public:
  /// Starts `command` through `/bin/sh -c` as the leader of a new process group, with its
  /// stdin, stdout and stderr on pipes (stderr is kept apart: its last `stderr_lines` lines are
  /// held for messages). Stdout is buffered up to `max_line` bytes past the last line taken.
  /// Throws std::system_error if the pipes or the process cannot be made.
  ChildProcess(const std::string& command, std::size_t max_line, std::size_t stderr_lines);
  /// end(2 s) unless end() was called.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  enum class Write { done, timeout, closed, interrupted };
  /// Writes all of `data` to the child's stdin, reading stdout and stderr meanwhile so that a
  /// child writing while we write cannot deadlock us. `closed`: the child closed its stdin;
  /// `interrupted`: a stop was requested (interruption.hpp), seen within 100 ms.
  Write write(std::string_view data, Clock::time_point deadline);

  enum class Read { line, timeout, closed, too_long, interrupted };
  /// Takes one line from stdout (without its '\n') into `line`, draining stderr meanwhile.
  /// `closed`: stdout ended before a full line; `too_long`: the line exceeds max_line bytes;
  /// `interrupted`: a stop was requested (interruption.hpp), seen within 100 ms.
  Read read_line(std::string& line, Clock::time_point deadline);

  /// Reads stderr until the child closes it or `deadline` passes, for the last words of a child
  /// that is going away, and reaps the child if it has exited by then.
  void settle(Clock::time_point deadline);

  /// The ending PROTOCOL.md describes: closes stdin, waits `grace` for the child to exit (and
  /// anything else in its group), then SIGTERM to the group, `grace` more, then SIGKILL.
  /// Stdout and stderr are drained meanwhile. Idempotent; never throws.
  void end(std::chrono::milliseconds grace);

  /// "exited with status 3", "was killed by signal 11 (Segmentation fault)", or "" while the
  /// child has not been seen to exit.
  std::string exit_text() const;
  /// The last lines written to stderr, oldest first (each cut to a sensible length).
  std::vector<std::string> stderr_tail() const;
  pid_t pid() const { return pid_; }

 private:
  // One poll round over the open pipes, waiting at most until `deadline`: writes pending input,
  // reads stdout into out_ (while it holds less than the limit) and stderr into the tail.
  void step(Clock::time_point deadline);
  void take_stderr(std::string_view chunk);
  bool reap(bool block);
  void close_fd(int& fd);

  pid_t pid_ = -1;
  int in_ = -1, out_fd_ = -1, err_ = -1;
  std::size_t max_line_;
  std::size_t stderr_lines_;
  std::string out_;              // stdout read; out_[out_start_, end) not yet taken as lines
  std::size_t out_start_ = 0;    // taken lines are dropped in bulk, not one erase per line
  std::size_t out_scanned_ = 0;  // out_[out_start_, out_scanned_) holds no '\n'
  std::string_view pending_;     // what write() still has to send
  std::deque<std::string> err_lines_;
  std::string err_partial_;
  bool exited_ = false;
  int wait_status_ = 0;
  bool ended_ = false;
};

}  // namespace gradfuzz::detail
