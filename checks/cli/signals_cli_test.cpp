// A Ctrl-C or a cancelled CI job (SIGINT, SIGTERM, SIGHUP) during a campaign against a real
// adapter: every report written with the results so far marked interrupted, the seed printed,
// exit status 128 + the signal, and nothing left running, the adapter's own children included.
// A second signal exits at once, and still ends the adapter.

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli_test_support.hpp"

extern char** environ;

namespace gradfuzz {
namespace {

using namespace std::chrono_literals;
using checks::pid_in;
using checks::quoted;
using checks::running;
using checks::slurp;
using checks::TempFile;
using checks::test_adapter;
using Clock = std::chrono::steady_clock;

// gradfuzz ARGS running in the background (exec'd by sh, so the pid is gradfuzz's).
class Background {
 public:
  explicit Background(const std::string& args) {
    command_ = "exec " + std::string(GRADFUZZ_CLI) + " " + args + " >" + out_.path() + " 2>" +
               err_.path() + " </dev/null";
    char sh[] = "/bin/sh", dash_c[] = "-c";
    char* argv[] = {sh, dash_c, command_.data(), nullptr};
    if (::posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, argv, environ) != 0) pid_ = -1;
  }
  ~Background() {
    if (pid_ > 0 && status_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  void signal(int sig) const { ::kill(pid_, sig); }
  /// The exit status (128 + N when killed by signal N), or -1 after `limit`.
  int wait(std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      int raw = 0;
      if (::waitpid(pid_, &raw, WNOHANG) == pid_)
        return status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }
  std::string shown() const {
    return "stdout:\n" + slurp(out_.path()) + "\nstderr:\n" + slurp(err_.path());
  }
  std::string out() const { return slurp(out_.path()); }

 private:
  TempFile out_, err_;
  std::string command_;
  pid_t pid_ = -1;
  int status_ = -1;
};

// Waits until `path` names a running process.
long started(const std::string& path) {
  for (int i = 0; i < 500; ++i) {
    if (const long pid = pid_in(path); running(pid)) return pid;
    std::this_thread::sleep_for(20ms);
  }
  return -1;
}

bool gone_soon(long pid) {
  for (int i = 0; i < 100 && running(pid); ++i) std::this_thread::sleep_for(50ms);
  return !running(pid);
}

TEST(SignalsCli, SigintDuringACampaignWritesEveryReportAndEndsTheAdapter) {
  for (const auto& [sig, status] : {std::pair{SIGINT, 130}, {SIGTERM, 143}, {SIGHUP, 129}}) {
    TempFile pidfile, json, junit, markdown, html;
    Background run("check --adapter " +
                   quoted(test_adapter("correct.py --pidfile " + pidfile.path())) +
                   " --cases 100000 --seed 42 --json " + json.path() + " --junit " + junit.path() +
                   " --markdown " + markdown.path() + " --html " + html.path());
    const long adapter = started(pidfile.path());
    ASSERT_GT(adapter, 0) << run.shown();
    std::this_thread::sleep_for(1500ms);  // some cases checked
    run.signal(sig);
    EXPECT_EQ(run.wait(30s), status) << sig << "\n" << run.shown();
    EXPECT_TRUE(gone_soon(adapter)) << "the adapter is still running";
    const auto report = nlohmann::json::parse(slurp(json.path()));
    EXPECT_EQ(report["interrupted"], true);
    EXPECT_EQ(report["passed"], false);
    EXPECT_EQ(report["seed"], 42);
    EXPECT_GT(report["cases_run"].get<int>(), 0);
    EXPECT_LT(report["cases_run"].get<int>(), 100000);
    EXPECT_EQ(report["campaigns"][0]["interrupted"], true);
    for (const TempFile* f : {&junit, &markdown, &html})
      EXPECT_FALSE(slurp(f->path()).empty()) << f->path();
    EXPECT_NE(run.out().find("INTERRUPTED after"), std::string::npos) << run.shown();
    EXPECT_NE(run.out().find("--seed 42 draws the same cases again"), std::string::npos);
  }
}

TEST(SignalsCli, SigintWhileTheAdapterHangsEndsItsWholeGroup) {
  TempFile pidfile, grandchild, json;
  Background run("check --adapter " +
                 quoted(test_adapter("hostile.py grandchild --pidfile " + pidfile.path() +
                                     " --pidfile2 " + grandchild.path())) +
                 " --timeout 600 --json " + json.path());
  const long adapter = started(pidfile.path());
  const long sleeper = started(grandchild.path());
  ASSERT_GT(adapter, 0) << run.shown();
  ASSERT_GT(sleeper, 0) << run.shown();
  std::this_thread::sleep_for(500ms);  // the first request is waiting for its answer
  const auto start = Clock::now();
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(30s), 130) << run.shown();
  EXPECT_LT(Clock::now() - start, 8s);  // 2 s for the adapter to exit, 2 s after SIGTERM
  EXPECT_TRUE(gone_soon(adapter));
  EXPECT_TRUE(gone_soon(sleeper)) << "the adapter's child is still running";
  EXPECT_EQ(nlohmann::json::parse(slurp(json.path()))["interrupted"], true);
}

TEST(SignalsCli, ASecondSignalExitsAtOnceAndStillKillsTheAdapter) {
  // This adapter ignores SIGTERM and the end of its stdin: ending it takes 4 s and a SIGKILL.
  TempFile pidfile;
  Background run("check --adapter " +
                 quoted(test_adapter("hostile.py ignore_term --pidfile " + pidfile.path())) +
                 " --timeout 600");
  const long adapter = started(pidfile.path());
  ASSERT_GT(adapter, 0) << run.shown();
  std::this_thread::sleep_for(500ms);
  run.signal(SIGINT);
  std::this_thread::sleep_for(300ms);
  const auto start = Clock::now();
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(10s), 130) << run.shown();
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_TRUE(gone_soon(adapter)) << "the adapter is still running";
}

}  // namespace
}  // namespace gradfuzz
