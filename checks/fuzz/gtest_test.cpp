#include "gradfuzz/gtest.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gradfuzz/mutants.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "lacks \"" << part << "\" in:\n" << text;
}

CampaignOptions quick(std::size_t cases, std::uint64_t seed) {
  CampaignOptions o;
  o.cases = cases;
  o.seed = seed;
  return o;
}

// The failures a statement reports, intercepted so that the test itself does not fail.
std::vector<::testing::TestPartResult> failures_of(const std::function<void()>& statement) {
  ::testing::TestPartResultArray reported;
  {
    ::testing::ScopedFakeTestPartResultReporter intercept(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &reported);
    statement();
  }
  std::vector<::testing::TestPartResult> failures;
  for (int i = 0; i < reported.size(); ++i) failures.push_back(reported.GetTestPartResult(i));
  return failures;
}

TEST(GTestHelper, TheReferencePassesAndSaysHowMuchWasChecked) {
  ReferenceBackprop reference;
  const ::testing::AssertionResult r = testing::gradients_correct(reference, quick(60, 5));
  EXPECT_TRUE(r);
  EXPECT_TRUE(contains(r.message(), "PASSED, 60 case(s) checked"));
  ReferenceBackprop sum(Convention::sum);
  EXPECT_GRADIENTS_CORRECT(sum, quick(60, 5));
}

// Every bug of the catalogue fails the assertion with its diagnosis, the failing quantities,
// the shrunk case and both ways to replay it; the replayed case fails with the same diagnosis.
TEST(GTestHelper, EveryMutantFailsWithItsDiagnosisAndTheReplayOfTheShrunkCase) {
  for (const MutantInfo& mutant : mutant_catalogue()) {
    SCOPED_TRACE(mutant.name);
    CampaignOptions options = quick(200, 11);
    options.generate = focused_on(options.generate, mutant.domain);
    auto source = make_mutant(mutant.name);
    const ::testing::AssertionResult r = testing::gradients_correct(*source, options);
    ASSERT_FALSE(r);
    // The same campaign, run directly, says what the message must hold.
    auto again = make_mutant(mutant.name);
    const CampaignResult campaign = fuzz(*again, options);
    ASSERT_TRUE(campaign.failure);
    const CaseResult& shrunk = campaign.failure->shrunk;
    ASSERT_TRUE(shrunk.diagnosis);
    const std::string message = r.message();
    EXPECT_TRUE(contains(message, "gradfuzz check: FAILED: " + mutant.name +
                                      " has a wrong gradient [" + mutant.diagnosis + "]"));
    EXPECT_TRUE(
        contains(message, "diagnosis [" + mutant.diagnosis + "]: " + shrunk.diagnosis->message));
    EXPECT_TRUE(contains(message, "shrunk in " + std::to_string(campaign.failure->shrink_steps) +
                                      " step(s) to " + shrunk.c.spec.describe()));
    for (const QuantityCheck* q : shrunk.failures())
      EXPECT_TRUE(contains(message, "    " + q->quantity.name() + " "));
    EXPECT_TRUE(contains(message, "replay: gradfuzz replay '" + shrunk.c.replay + "'"));
    EXPECT_TRUE(
        contains(message, "EXPECT_GRADIENTS_CORRECT_ON(source, \"" + shrunk.c.replay + "\");"));

    const ::testing::AssertionResult replayed =
        testing::gradients_correct_on(*source, shrunk.c.replay);
    EXPECT_FALSE(replayed);
    EXPECT_TRUE(contains(replayed.message(), "diagnosis [" + mutant.diagnosis + "]"));
    ReferenceBackprop reference;
    EXPECT_TRUE(testing::gradients_correct_on(reference, shrunk.c.replay));
  }
}

TEST(GTestHelper, TheMacrosReportOneFailureNamingTheSourceExpression) {
  auto buggy = make_mutant("no_inv_m");
  const CampaignOptions options = quick(50, 3);
  const auto failures = failures_of([&] { EXPECT_GRADIENTS_CORRECT(*buggy, options); });
  ASSERT_EQ(failures.size(), 1u);
  const ::testing::TestPartResult& f = failures[0];
  EXPECT_TRUE(f.nonfatally_failed());
  EXPECT_TRUE(contains(f.message(),
                       "gradients of *buggy (campaign options options) are not "
                       "correct:\ngradfuzz check: FAILED"));
  EXPECT_TRUE(contains(f.message(), "diagnosis [missing_inv_m]"));
  EXPECT_TRUE(contains(f.message(), "replay: gradfuzz replay 'v1;sizes=1,1;"));

  bool went_on = false;
  const auto fatal = failures_of([&] {
    [&] {
      ASSERT_GRADIENTS_CORRECT(*buggy, options);
      went_on = true;
    }();
  });
  ASSERT_EQ(fatal.size(), 1u);
  EXPECT_TRUE(fatal[0].fatally_failed());
  EXPECT_FALSE(went_on);

  ReferenceBackprop reference;
  EXPECT_EQ(failures_of([&] { EXPECT_GRADIENTS_CORRECT(reference, options); }).size(), 0u);
}

TEST(GTestHelper, ReplayOnACaseAndAMalformedReplayString) {
  auto buggy = make_mutant("no_inv_m");
  const std::string replay =
      "v1;sizes=1,1;act=sigmoid;loss=bce;lambda=0;slope=0.01;m=2;seed=5;scale=1;"
      "values=continuous;labels=hard";
  const auto failures = failures_of([&] { EXPECT_GRADIENTS_CORRECT_ON(*buggy, replay); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(contains(failures[0].message(),
                       "gradients of *buggy are not correct on the replayed case:\ngradfuzz "
                       "replay: FAILED"));
  EXPECT_TRUE(contains(failures[0].message(), "diagnosis [missing_inv_m]"));

  const ::testing::AssertionResult bad = testing::gradients_correct_on(*buggy, "v1;sizes=1,x");
  EXPECT_FALSE(bad);
  EXPECT_TRUE(contains(bad.message(), "cannot replay \"v1;sizes=1,x\": "));
  EXPECT_TRUE(contains(bad.message(), "sizes"));
}

// A source that breaks its contract after a few good answers.
class Breaks : public ReferenceBackprop {
 public:
  Gradients gradients(const Case& c) override {
    if (calls_++ == 3) throw ProtocolError("gradients() returned no dW2");
    return ReferenceBackprop::gradients(c);
  }

 private:
  int calls_ = 0;
};

TEST(GTestHelper, AMisbehavingSourceFailsWithWhatItDid) {
  Breaks source;
  const ::testing::AssertionResult r = testing::gradients_correct(source, quick(50, 1));
  EXPECT_FALSE(r);
  EXPECT_TRUE(contains(r.message(), "gradfuzz check: ERROR: the code under test misbehaved"));
  EXPECT_TRUE(contains(r.message(), "the code under test misbehaved: gradients() returned no dW2"));
  EXPECT_TRUE(contains(r.message(), "3 of 50 case(s) run"));
  EXPECT_FALSE(contains(r.message(), "EXPECT_GRADIENTS_CORRECT_ON"));
}

// Course-style code whose shapes only work for square layers throws Armadillo's
// std::logic_error elsewhere: a finding about the code, shrunk like any other.
class ThrowsOnNonSquare : public ReferenceBackprop {
 public:
  Gradients gradients(const Case& c) override {
    for (int l = 1; l <= c.depth(); ++l)
      if (c.W[l - 1].n_rows != c.W[l - 1].n_cols)
        throw std::logic_error("addition: incompatible matrix dimensions");
    return ReferenceBackprop::gradients(c);
  }
};

TEST(GTestHelper, AnExceptionFromTheBackpropIsAFindingShrunkToTheSmallestCase) {
  ThrowsOnNonSquare source;
  const ::testing::AssertionResult r = testing::gradients_correct(source, quick(100, 2));
  EXPECT_FALSE(r);
  EXPECT_TRUE(contains(r.message(), "[adapter_error]"));
  EXPECT_TRUE(contains(r.message(),
                       "an exception escaped the backprop: addition: incompatible "
                       "matrix dimensions"));
  EXPECT_TRUE(contains(r.message(), "replay: gradfuzz replay 'v1;sizes=1,2;"))
      << "the smallest non-square network is 1-2";
}

TEST(GTestHelper, OptionsThatDrawNothingTheSourceSupportsFailSayingSo) {
  class BceOnly : public ReferenceBackprop {
   public:
    SourceInfo info() const override {
      SourceInfo i = ReferenceBackprop::info();
      i.losses = {Loss::bce};
      return i;
    }
  } source;
  CampaignOptions options = quick(5, 1);
  options.generate.losses = {Loss::mse};
  const ::testing::AssertionResult r = testing::gradients_correct(source, options);
  EXPECT_FALSE(r);
  EXPECT_TRUE(contains(r.message(), "the campaign options draw no network reference supports: "));
}

// Unsupported from the code is no finding: refused cases are skipped; refusing most fails,
// saying so.
TEST(GTestHelper, ACaseTheCodeDoesNotHandleIsSkippedNotFailed) {
  class DeepOnly : public ReferenceBackprop {
   public:
    explicit DeepOnly(int depth) : depth_(depth) {}
    Gradients gradients(const Case& c) override {
      if (c.depth() < depth_) throw Unsupported("needs " + std::to_string(depth_) + " layers");
      return ReferenceBackprop::gradients(c);
    }

   private:
    int depth_;
  };
  DeepOnly two(2), three(3);
  const ::testing::AssertionResult some = testing::gradients_correct(two, quick(30, 1));
  EXPECT_TRUE(some) << some.message();
  EXPECT_TRUE(contains(some.message(), "skipped (refused by the code)"));
  const ::testing::AssertionResult most = testing::gradients_correct(three, quick(30, 1));
  EXPECT_FALSE(most);
  EXPECT_TRUE(contains(most.message(), "STOPPED"));
  EXPECT_TRUE(contains(most.message(), "depth: it answered for depth 3 and refused 1, 2"));
}

}  // namespace
}  // namespace gradfuzz
