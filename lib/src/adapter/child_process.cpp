#include "child_process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>

#include "gradfuzz/detail/utf8.hpp"
#include "gradfuzz/interruption.hpp"

extern char** environ;

namespace gradfuzz::detail {
namespace {

constexpr std::size_t kChunk = 1 << 16;
constexpr std::size_t kStderrLineChars = 400;
constexpr auto kWaitSlice = std::chrono::milliseconds(10);
// How often a wait looks whether a stop was requested (a signal may come just before poll).
constexpr auto kStopSlice = std::chrono::milliseconds(100);

[[noreturn]] void fail(int error, const char* what) {
  throw std::system_error(error, std::generic_category(), what);
}

// Moves a pipe end above the standard descriptors, so that dup2 onto 0..2 in the child always
// copies (dup2 of a descriptor onto itself would keep its close-on-exec flag).
int above_standard(int fd) {
  if (fd > 2) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  const int error = errno;
  ::close(fd);
  if (moved < 0) fail(error, "cannot move a pipe descriptor");
  return moved;
}

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) fail(errno, "cannot create a pipe for the adapter");
    read = above_standard(fds[0]);
    write = above_standard(fds[1]);
  }
  ~Pipe() {
    if (read >= 0) ::close(read);
    if (write >= 0) ::close(write);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int take_read() { return std::exchange(read, -1); }
  int take_write() { return std::exchange(write, -1); }
};

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
    fail(errno, "cannot make an adapter pipe non-blocking");
}

// write() without SIGPIPE when the reader is gone: the signal is blocked in this thread for the
// call and a SIGPIPE it raised is consumed, so the process-wide disposition stays untouched.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_set, old_mask, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  const ssize_t written = ::write(fd, data, size);
  const int error = errno;
  if (written < 0 && error == EPIPE && !was_pending) {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = error;
  return written;
}

int millis_until(Clock::time_point deadline) {
  const auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<decltype(ms)>(ms, 1 << 30));
}

// Whether a process of group `pgid` is still running. kill() also finds zombies, which a
// container's init may never reap; /proc tells those apart.
bool group_running(pid_t pgid) {
  if (::kill(-pgid, 0) != 0 && errno == ESRCH) return false;
  DIR* proc = ::opendir("/proc");
  if (!proc) return true;
  bool running = false;
  while (const dirent* entry = ::readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::ifstream stat(std::string("/proc/") + entry->d_name + "/stat");
    std::string text;
    if (!std::getline(stat, text)) continue;
    // "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses, so read after the last
    // ')'.
    const auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0, pgrp = 0;
    if (std::sscanf(text.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3) continue;
    if (pgrp == pgid && state != 'Z' && state != 'X') {
      running = true;
      break;
    }
  }
  ::closedir(proc);
  return running;
}

// A kept stderr line as messages show it: cut to kStderrLineChars bytes between two
// characters, and valid UTF-8 (an adapter may write latin-1; reports are UTF-8).
std::string shown_line(std::string_view raw) {
  if (raw.size() <= kStderrLineChars) return utf8_escaped(raw);
  return utf8_escaped(raw.substr(0, utf8_cut(raw, kStderrLineChars))) + "...";
}

}  // namespace

ChildProcess::ChildProcess(const std::string& command, std::size_t max_line,
                           std::size_t stderr_lines)
    : max_line_(max_line), stderr_lines_(std::max<std::size_t>(stderr_lines, 1)) {
  Pipe in, out, err;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, in.read, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  // A group of its own, so that the ending reaches whatever the command starts; default signal
  // handling and an empty mask, whatever this process has set, so SIGTERM ends it.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  char sh[] = "sh", dash_c[] = "-c";
  std::string text = command;
  char* argv[] = {sh, dash_c, text.data(), nullptr};
  const int error = ::posix_spawn(&pid_, "/bin/sh", &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (error != 0) fail(error, "cannot start /bin/sh");
  detail::record_child_group(pid_);  // for kill_adapters_now() on a second signal
  in_ = in.take_write();
  out_fd_ = out.take_read();
  err_ = err.take_read();
  try {
    set_nonblocking(in_);
    set_nonblocking(out_fd_);
    set_nonblocking(err_);
  } catch (...) {
    end(std::chrono::milliseconds(0));
    throw;
  }
}

ChildProcess::~ChildProcess() {
  end(std::chrono::milliseconds(2000));
}

void ChildProcess::close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void ChildProcess::take_stderr(std::string_view chunk) {
  for (char ch : chunk) {
    if (ch == '\n') {
      if (!err_partial_.empty() && err_partial_.back() == '\r') err_partial_.pop_back();
      err_lines_.push_back(std::move(err_partial_));
      err_partial_.clear();
      if (err_lines_.size() > stderr_lines_) err_lines_.pop_front();
    } else if (err_partial_.size() <= kStderrLineChars) {
      err_partial_ += ch;  // one byte past the limit marks a line that was cut (shown_line)
    }
  }
}

void ChildProcess::step(Clock::time_point deadline) {
  pollfd fds[3];
  int* owner[3];
  nfds_t n = 0;
  if (in_ >= 0 && !pending_.empty()) {
    fds[n] = {in_, POLLOUT, 0};
    owner[n++] = &in_;
  }
  if (out_fd_ >= 0 && out_.size() - out_start_ <= max_line_) {
    fds[n] = {out_fd_, POLLIN, 0};
    owner[n++] = &out_fd_;
  }
  if (err_ >= 0) {
    fds[n] = {err_, POLLIN, 0};
    owner[n++] = &err_;
  }
  const int ready = ::poll(n ? fds : nullptr, n, millis_until(deadline));
  if (ready <= 0) return;  // the deadline, or EINTR: the caller looks again
  char buffer[kChunk];
  for (nfds_t i = 0; i < n; ++i) {
    if (fds[i].revents == 0) continue;
    int& fd = *owner[i];
    if (&fd == &in_) {
      const ssize_t written = write_without_sigpipe(fd, pending_.data(), pending_.size());
      if (written > 0) {
        pending_.remove_prefix(static_cast<std::size_t>(written));
      } else if (written < 0 && errno != EAGAIN && errno != EINTR) {
        close_fd(fd);  // EPIPE: the child closed its stdin
        pending_ = {};
      }
      continue;
    }
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      const std::string_view chunk(buffer, static_cast<std::size_t>(got));
      if (&fd == &err_)
        take_stderr(chunk);
      else
        out_.append(chunk);
    } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
      close_fd(fd);
    }
  }
}

ChildProcess::Write ChildProcess::write(std::string_view data, Clock::time_point deadline) {
  pending_ = data;
  while (!pending_.empty()) {
    if (in_ < 0) {
      pending_ = {};
      return Write::closed;
    }
    if (Clock::now() >= deadline) {
      pending_ = {};
      return Write::timeout;
    }
    if (stop_requested()) {
      pending_ = {};
      return Write::interrupted;
    }
    step(std::min(deadline, Clock::now() + kStopSlice));
  }
  return in_ < 0 ? Write::closed : Write::done;
}

ChildProcess::Read ChildProcess::read_line(std::string& line, Clock::time_point deadline) {
  for (;;) {
    const auto newline = out_.find('\n', std::max(out_scanned_, out_start_));
    if (newline != std::string::npos) {
      if (newline - out_start_ > max_line_) return Read::too_long;
      line.assign(out_, out_start_, newline - out_start_);
      out_start_ = out_scanned_ = newline + 1;
      if (out_start_ == out_.size() || out_start_ > (std::size_t{1} << 20)) {
        out_.erase(0, out_start_);
        out_start_ = out_scanned_ = 0;
      }
      return Read::line;
    }
    out_scanned_ = out_.size();
    if (out_.size() - out_start_ > max_line_) return Read::too_long;
    if (out_fd_ < 0) return Read::closed;
    if (Clock::now() >= deadline) return Read::timeout;
    if (stop_requested()) return Read::interrupted;
    step(std::min(deadline, Clock::now() + kStopSlice));
  }
}

bool ChildProcess::reap(bool block) {
  if (exited_) return true;
  if (pid_ <= 0) return exited_ = true;
  int status = 0;
  pid_t got;
  do {
    got = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (got < 0 && errno == EINTR);
  if (got == pid_) {
    wait_status_ = status;
    return exited_ = true;
  }
  if (got < 0) {
    wait_status_ = -1;  // reaped elsewhere (SIGCHLD ignored by the embedding program)
    return exited_ = true;
  }
  return false;
}

void ChildProcess::settle(Clock::time_point deadline) {
  while (err_ >= 0 && Clock::now() < deadline) step(deadline);
  while (!reap(false) && Clock::now() < deadline)
    step(std::min(deadline, Clock::now() + kWaitSlice));
}

void ChildProcess::end(std::chrono::milliseconds grace) {
  if (ended_) return;
  ended_ = true;
  pending_ = {};
  close_fd(in_);
  if (pid_ > 0) {
    // Drain while waiting, so that a child writing to a full pipe is not kept from exiting.
    auto wait_for = [&](Clock::duration span, auto done) {
      const auto deadline = Clock::now() + span;
      while (!done() && Clock::now() < deadline) {
        out_.clear();  // nothing more is read after the ending begins
        out_start_ = out_scanned_ = 0;
        step(std::min(deadline, Clock::now() + kWaitSlice));
      }
      return done();
    };
    auto gone = [&] { return reap(false) && !group_running(pid_); };
    wait_for(grace, [&] { return reap(false); });
    if (!gone()) {
      ::kill(-pid_, SIGTERM);
      if (!wait_for(grace, gone)) {
        ::kill(-pid_, SIGKILL);
        // SIGKILL is delivered asynchronously; members that are not our children cannot be
        // waited for, so look until they are gone (bounded: a process in the kernel's
        // uninterruptible sleep ends only when it leaves it).
        wait_for(std::chrono::seconds(1), gone);
      }
    }
  }
  close_fd(out_fd_);
  close_fd(err_);
  if (pid_ > 0) detail::forget_child_group(pid_);
}

std::string ChildProcess::exit_text() const {
  if (!exited_) return "";
  if (wait_status_ == -1) return "exited";
  if (WIFEXITED(wait_status_)) {
    const int status = WEXITSTATUS(wait_status_);
    std::string text = "exited with status " + std::to_string(status);
    // /bin/sh reports a command killed by signal N as status 128 + N.
    if (status > 128 && status < 128 + 32) {
      const char* name = ::strsignal(status - 128);
      text += " (its command was killed by signal " + std::to_string(status - 128) +
              (name ? std::string(", ") + name : "") + ")";
    }
    return text;
  }
  if (WIFSIGNALED(wait_status_)) {
    const int sig = WTERMSIG(wait_status_);
    const char* name = ::strsignal(sig);
    return "was killed by signal " + std::to_string(sig) +
           (name ? std::string(" (") + name + ")" : "");
  }
  return "exited";
}

std::vector<std::string> ChildProcess::stderr_tail() const {
  std::vector<std::string> tail;
  for (const std::string& line : err_lines_) tail.push_back(shown_line(line));
  if (!err_partial_.empty()) tail.push_back(shown_line(err_partial_));
  if (tail.size() > stderr_lines_)
    tail.erase(tail.begin(), tail.end() - static_cast<std::ptrdiff_t>(stderr_lines_));
  return tail;
}

}  // namespace gradfuzz::detail
