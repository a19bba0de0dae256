// libFuzzer entry point for results files, which `gradfuzz report` reads from anywhere (CI
// artifacts, a colleague's upload): any bytes must either be read or raise
// std::invalid_argument naming what is wrong. What is read must render in every format without
// an exception, write JSON that reads back, and print a replay command /bin/sh reads as words.
// No crash (a 100,000-deep value once overflowed the stack), no sanitizer report.
//
// Built only with -DGRADFUZZ_BUILD_FUZZERS=ON and clang (see fuzz/CMakeLists.txt):
//   build-fuzz/fuzz/results_file_fuzz fuzz/corpus/results_file -dict=fuzz/results_file.dict

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

#include "gradfuzz/detail/shell_words.hpp"
#include "gradfuzz/reports/console_reporter.hpp"
#include "gradfuzz/reports/html_reporter.hpp"
#include "gradfuzz/reports/json_reporter.hpp"
#include "gradfuzz/reports/junit_reporter.hpp"
#include "gradfuzz/reports/markdown_reporter.hpp"
#include "gradfuzz/reports/results_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gradfuzz;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  RunResult run;
  try {
    run = read_results(in, "fuzz.json");
  } catch (const std::invalid_argument&) {
    return 0;
  }
  // The replay command's source words are rebuilt quoted: they split back into words.
  try {
    (void)detail::shell_split(run.source_args);
  } catch (const std::invalid_argument&) {
    std::abort();
  }
  std::ostringstream console, html, junit, markdown, json;
  ConsoleReporter(console, {}).report(run);
  HtmlReporter(html).report(run);
  JunitReporter(junit).report(run);
  MarkdownReporter(markdown).report(run);
  JsonReporter(json).report(run);
  std::istringstream again(json.str());
  try {
    (void)read_results(again, "again.json");
  } catch (const std::invalid_argument&) {
    std::abort();  // what gradfuzz writes, gradfuzz reads
  }
  return 0;
}
