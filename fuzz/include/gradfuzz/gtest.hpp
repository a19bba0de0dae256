#pragma once
// GoogleTest assertions for a C++ project that checks its own backprop: implement
// gradfuzz::GradientSource, then in a test
//
//   MyBackprop backprop;
//   gradfuzz::CampaignOptions options;  // 100 cases, seed 1, the default networks
//   EXPECT_GRADIENTS_CORRECT(backprop, options);
//
// On failure the test's message is what `gradfuzz check` prints: the verdict, the diagnosis
// (id and explanation), the failing quantities with their worst entries, the shrunk case and
// its replay string, and the line that replays that case in a test:
//
//   EXPECT_GRADIENTS_CORRECT_ON(backprop, "v1;sizes=1,1;...");
//
// Header-only on purpose: libgradfuzz does not depend on GoogleTest, so find_package(gradfuzz)
// does not require it, and this header compiles against whichever GoogleTest the consumer
// links (GoogleTest asks to be built with the flags of the tests that use it).

#include <gtest/gtest.h>

#include <exception>
#include <sstream>
#include <string>
#include <string_view>

#include "gradfuzz/fuzz/campaign.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reports/console_reporter.hpp"
#include "gradfuzz/run_result.hpp"

namespace gradfuzz::testing {
namespace detail {

/// The source as a campaign sees it, with one difference: any exception from the code under
/// test other than gradfuzz's own (SourceError, ProtocolError, Unsupported), Armadillo's
/// "incompatible matrix dimensions" say, is a finding about that code, as an adapter's error
/// reply is (docs/PROTOCOL.md), so the case fails with diagnosis `adapter_error` and is shrunk
/// like any other failure. Unsupported skips the case, as an adapter's unsupported reply does.
class ExceptionsAreFindings final : public GradientSource {
 public:
  explicit ExceptionsAreFindings(GradientSource& source) : source_(source) {}
  SourceInfo info() const override { return source_.info(); }
  Gradients gradients(const Case& c) override { return claim(c).gradients; }
  Claim claim(const Case& c) override {
    try {
      return source_.claim(c);
    } catch (const SourceError&) {
      throw;
    } catch (const ProtocolError&) {
      throw;
    } catch (const Unsupported&) {  // a case the code does not handle: skipped, not a finding
      throw;
    } catch (const std::exception& e) {
      throw SourceError(std::string("an exception escaped the backprop: ") + e.what());
    }
  }

 private:
  GradientSource& source_;
};

/// The console report of one campaign or one replayed case (what `gradfuzz check` and
/// `gradfuzz replay` print).
inline std::string console_report(const RunResult& run) {
  std::ostringstream out;
  ConsoleReporter(out, {}).report(run);
  return out.str();
}

inline ::testing::AssertionResult judged(const RunResult& run, const std::string& replay_hint) {
  if (run.passed()) {
    std::ostringstream verdict;
    ConsoleReporter(verdict, {.quiet = true}).report(run);
    return ::testing::AssertionSuccess() << verdict.str();
  }
  return ::testing::AssertionFailure() << console_report(run) << replay_hint;
}

inline std::string replay_hint(const std::string& replay) {
  return "replay this case in a test: EXPECT_GRADIENTS_CORRECT_ON(source, \"" + replay + "\");\n";
}

}  // namespace detail

/// Runs a campaign (gradfuzz::fuzz) against `source` and succeeds when every drawn case passes.
/// Fails with the console report as its message when a case fails, when the source misbehaves
/// (a ProtocolError: the report says how, with the results gathered so far), and when the
/// options draw nothing the source supports (the message says which options clash).
/// An exception other than gradfuzz's from the source is a finding (diagnosis adapter_error).
inline ::testing::AssertionResult gradients_correct(GradientSource& source,
                                                    const CampaignOptions& options = {}) {
  RunResult run;
  run.command = "check";
  run.seed = options.seed;
  detail::ExceptionsAreFindings guarded(source);
  try {
    run.campaigns.push_back(fuzz(guarded, options));
  } catch (const std::invalid_argument& e) {
    return ::testing::AssertionFailure() << "gradfuzz: the campaign options draw no network "
                                         << source.info().name << " supports: " << e.what() << '\n';
  } catch (const ProtocolError& e) {
    // The source broke its contract before the first case (in info(), say).
    return ::testing::AssertionFailure()
           << "gradfuzz: " << source.info().name << " misbehaved: " << e.what() << '\n';
  }
  const CampaignResult& campaign = run.campaigns.back();
  return detail::judged(run, campaign.failure
                                 ? detail::replay_hint(campaign.failure->shrunk.c.replay)
                                 : std::string());
}

/// Checks `source` on the one case a replay string describes (the "v1;..." of a failure
/// message) and succeeds when every quantity passes; fails with that case's report, or with
/// what is wrong with the replay string.
inline ::testing::AssertionResult gradients_correct_on(GradientSource& source,
                                                       std::string_view replay,
                                                       const CheckOptions& options = {}) {
  Case c;
  try {
    c = make_case(parse_recipe(replay));
  } catch (const std::invalid_argument& e) {
    return ::testing::AssertionFailure()
           << "gradfuzz: cannot replay \"" << replay << "\": " << e.what()
           << "\ncopy the replay string from a failure message; it starts with 'v1;'\n";
  }
  RunResult run;
  run.command = "replay";
  detail::ExceptionsAreFindings guarded(source);
  try {
    run.cases.push_back(check_case(c, guarded, options));
  } catch (const ProtocolError& e) {
    CampaignResult failed;
    failed.source = source.info().name;
    failed.cases_planned = 1;
    failed.misbehaviour = e.what();
    run.campaigns.push_back(std::move(failed));
  }
  return detail::judged(run, "");
}

namespace detail {

// Predicate-formatters for the macros below: the message says which expression failed.
inline ::testing::AssertionResult gradients_correct_format(const char* source_text,
                                                           const char* options_text,
                                                           GradientSource& source,
                                                           const CampaignOptions& options) {
  ::testing::AssertionResult result = gradients_correct(source, options);
  if (result) return result;
  return ::testing::AssertionFailure() << "gradients of " << source_text << " (campaign options "
                                       << options_text << ") are not correct:\n"
                                       << result.message();
}

inline ::testing::AssertionResult gradients_correct_on_format(const char* source_text,
                                                              const char* /*replay_text*/,
                                                              GradientSource& source,
                                                              std::string_view replay) {
  ::testing::AssertionResult result = gradients_correct_on(source, replay);
  if (result) return result;
  return ::testing::AssertionFailure()
         << "gradients of " << source_text << " are not correct on the replayed case:\n"
         << result.message();
}

}  // namespace detail
}  // namespace gradfuzz::testing

/// A non-fatal failure carrying the campaign's report unless `source` passes the campaign.
#define EXPECT_GRADIENTS_CORRECT(source, options) \
  EXPECT_PRED_FORMAT2(::gradfuzz::testing::detail::gradients_correct_format, source, options)
/// The same, ending the test on failure.
#define ASSERT_GRADIENTS_CORRECT(source, options) \
  ASSERT_PRED_FORMAT2(::gradfuzz::testing::detail::gradients_correct_format, source, options)
/// Checks `source` on the case a replay string ("v1;...") describes.
#define EXPECT_GRADIENTS_CORRECT_ON(source, replay) \
  EXPECT_PRED_FORMAT2(::gradfuzz::testing::detail::gradients_correct_on_format, source, replay)
