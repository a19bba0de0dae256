#pragma once
// Helpers for the adapter checks: where the test adapters are, temporary files, and whether a
// process is still running.

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace gradfuzz::checks {

/// /usr/bin/python3 running a script of checks/adapters/ with `args`.
inline std::string test_adapter(const std::string& script_and_args) {
  return "/usr/bin/python3 " GRADFUZZ_SOURCE_DIR "/checks/adapters/" + script_and_args;
}

/// /usr/bin/python3 running an example of adapters/python/examples/ with `args`.
inline std::string example_adapter(const std::string& script_and_args) {
  return "/usr/bin/python3 " GRADFUZZ_SOURCE_DIR "/adapters/python/examples/" + script_and_args;
}

/// A temporary file name, removed at the end of the scope.
class TempFile {
 public:
  TempFile() {
    char name[] = "/tmp/gradfuzz-check-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd >= 0) ::close(fd);
    path_ = name;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// The process id written in `path`, or -1.
inline long pid_in(const std::string& path) {
  std::ifstream in(path);
  long pid = -1;
  in >> pid;
  return pid;
}

/// Whether process `pid` still runs: it exists and is not a zombie (a container's init may
/// never reap an orphan, so kill(pid, 0) alone would still find it).
inline bool running(long pid) {
  if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  const auto close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() || text[close + 2] != 'Z';
}

}  // namespace gradfuzz::checks
