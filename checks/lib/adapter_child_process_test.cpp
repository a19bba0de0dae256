// The child process under an adapter: pipes without deadlock, deadlines kept, stderr's tail
// kept, and the whole process group gone after the ending.

#include "adapter/child_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <string>
#include <thread>

#include "adapter_test_support.hpp"

namespace gradfuzz::detail {
namespace {

using namespace std::chrono_literals;
using checks::pid_in;
using checks::running;
using checks::TempFile;

constexpr std::size_t kMaxLine = 1 << 20;

TEST(ChildProcess, WritesAndReadsLines) {
  ChildProcess cat("cat", kMaxLine, 5);
  EXPECT_EQ(cat.write("one\ntwo\n", Clock::now() + 5s), ChildProcess::Write::done);
  std::string line;
  ASSERT_EQ(cat.read_line(line, Clock::now() + 5s), ChildProcess::Read::line);
  EXPECT_EQ(line, "one");
  ASSERT_EQ(cat.read_line(line, Clock::now() + 5s), ChildProcess::Read::line);
  EXPECT_EQ(line, "two");
  cat.end(1s);
  EXPECT_EQ(cat.exit_text(), "exited with status 0");
}

TEST(ChildProcess, ALargeWriteWhileTheChildAnswersDoesNotDeadlock) {
  // cat echoes while we still write: with blocking pipes both sides would fill and wait.
  ChildProcess cat("cat", std::size_t{64} << 20, 5);
  std::string data;
  for (int i = 0; i < 100000; ++i)
    data += "line " + std::to_string(i) + " ........................\n";
  ASSERT_GT(data.size(), std::size_t{2} << 20);
  EXPECT_EQ(cat.write(data, Clock::now() + 20s), ChildProcess::Write::done);
  std::string line;
  for (int i = 0; i < 100000; ++i) {
    ASSERT_EQ(cat.read_line(line, Clock::now() + 20s), ChildProcess::Read::line);
    ASSERT_EQ(line, "line " + std::to_string(i) + " ........................");
  }
}

TEST(ChildProcess, StderrIsDrainedAndItsLastLinesKept) {
  // 4 MB on stderr before the answer: undrained, the child would block on a full pipe.
  ChildProcess child(
      "i=0; while [ $i -lt 4000 ]; do printf '%01000d\\n' $i >&2; i=$((i+1)); done; "
      "echo last words >&2; echo answer",
      kMaxLine, 3);
  std::string line;
  ASSERT_EQ(child.read_line(line, Clock::now() + 20s), ChildProcess::Read::line);
  EXPECT_EQ(line, "answer");
  child.settle(Clock::now() + 5s);
  const auto tail = child.stderr_tail();
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail.back(), "last words");
  EXPECT_EQ(tail[1].size(), 403u);  // cut at 400 characters, marked "..."
}

TEST(ChildProcess, TheStderrTailIsValidUtf8AndNoCutSplitsACharacter) {
  // 399 '0' then an 'é' (2 bytes) straddling the 400-byte cut; a latin-1 'café'; a cut 'ð'.
  ChildProcess child(
      "printf '%0399d\\303\\251tail\\n' 0 >&2; printf 'Erreur: caf\\351\\n' >&2; "
      "printf 'cut \\342\\210' >&2",
      kMaxLine, 5);
  child.settle(Clock::now() + 5s);
  const auto tail = child.stderr_tail();
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail[0], std::string(399, '0') + "...");  // before the 'é', not inside it
  EXPECT_EQ(tail[1], "Erreur: caf\\xe9");
  EXPECT_EQ(tail[2], "cut \\xe2\\x88");
}

TEST(ChildProcess, AReadStopsAtItsDeadline) {
  ChildProcess sleeper("sleep 30", kMaxLine, 5);
  const auto start = Clock::now();
  std::string line;
  EXPECT_EQ(sleeper.read_line(line, start + 300ms), ChildProcess::Read::timeout);
  const auto waited = Clock::now() - start;
  EXPECT_GE(waited, 300ms);
  EXPECT_LT(waited, 2s);
  sleeper.end(100ms);
}

TEST(ChildProcess, ALineOverTheLimitIsRefused) {
  ChildProcess child("head -c 5000 /dev/zero | tr '\\0' x; echo; sleep 30", 1000, 5);
  std::string line;
  EXPECT_EQ(child.read_line(line, Clock::now() + 10s), ChildProcess::Read::too_long);
  child.end(100ms);
}

TEST(ChildProcess, SaysHowTheChildEnded) {
  {
    ChildProcess child("echo bye >&2; exit 3", kMaxLine, 5);
    std::string line;
    EXPECT_EQ(child.read_line(line, Clock::now() + 10s), ChildProcess::Read::closed);
    child.settle(Clock::now() + 5s);
    EXPECT_EQ(child.exit_text(), "exited with status 3");
    EXPECT_EQ(child.stderr_tail(), std::vector<std::string>{"bye"});
  }
  {
    ChildProcess child("kill -SEGV $$", kMaxLine, 5);
    std::string line;
    EXPECT_EQ(child.read_line(line, Clock::now() + 10s), ChildProcess::Read::closed);
    child.settle(Clock::now() + 5s);
    EXPECT_EQ(child.exit_text().rfind("was killed by signal 11", 0), 0u) << child.exit_text();
  }
}

TEST(ChildProcess, WritingToAChildThatClosedItsStdinIsNoSigpipe) {
  ChildProcess child("exec 0<&-; sleep 30", kMaxLine, 5);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(child.write("hello\n", Clock::now() + 5s), ChildProcess::Write::closed);
  child.end(100ms);
}

TEST(ChildProcess, TheEndingReachesTheWholeGroupEvenWhenSigtermIsIgnored) {
  TempFile pids;
  const auto start = Clock::now();
  {
    // The shell and its background sleep both ignore SIGTERM (an ignored signal stays ignored
    // across fork and exec); only SIGKILL ends them.
    ChildProcess child("trap '' TERM; sleep 30 & echo $! > " + pids.path() + "; wait", kMaxLine, 5);
    std::this_thread::sleep_for(300ms);
    child.end(200ms);
    EXPECT_FALSE(running(child.pid()));
  }
  EXPECT_LT(Clock::now() - start, 3s);
  const long grandchild = pid_in(pids.path());
  ASSERT_GT(grandchild, 0);
  EXPECT_FALSE(running(grandchild));
}

TEST(ChildProcess, AChildThatExitsAtOnceIsEndedWithoutWaiting) {
  const auto start = Clock::now();
  ChildProcess child("true", kMaxLine, 5);
  child.end(2s);
  EXPECT_LT(Clock::now() - start, 1500ms);
  EXPECT_EQ(child.exit_text(), "exited with status 0");
}

}  // namespace
}  // namespace gradfuzz::detail
