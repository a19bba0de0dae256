#include "gradfuzz/fuzz/selftest.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "gradfuzz/mutants.hpp"

namespace gradfuzz {
namespace {

TEST(Selftest, BatteryCoversEveryActivationLossAndEdgeCase) {
  bool activation[6] = {}, loss[3] = {}, batch_of_one = false, single_layer = false, deep = false,
       l2 = false;
  for (const CaseRecipe& r : selftest_battery()) {
    for (Activation a : r.spec.activations) activation[static_cast<int>(a)] = true;
    loss[static_cast<int>(r.spec.loss)] = true;
    batch_of_one = batch_of_one || r.batch == 1;
    single_layer = single_layer || r.spec.depth() == 1;
    deep = deep || r.spec.depth() >= 5;
    l2 = l2 || r.spec.lambda > 0;
  }
  for (bool seen : activation) EXPECT_TRUE(seen);
  for (bool seen : loss) EXPECT_TRUE(seen);
  EXPECT_TRUE(batch_of_one && single_layer && deep && l2);
}

TEST(Selftest, TheReferencePassesAndEveryMutantIsCaughtWithItsDiagnosis) {
  SelftestOptions options;
  options.campaign.cases = 100;
  options.campaign.seed = 1;
  const RunResult run = run_selftest(options);
  for (const CaseResult& c : run.cases) {
    EXPECT_TRUE(c.passed()) << c.c.replay;
    for (const QuantityCheck& q : c.checks)
      EXPECT_LT(q.rel_diff, c.scheme == Scheme::complex_step ? 1e-12 : 1e-7)
          << q.quantity.name() << " of " << c.c.replay;
  }
  ASSERT_EQ(run.campaigns.size(), 1u);
  EXPECT_TRUE(run.campaigns[0].passed());
  ASSERT_EQ(run.mutants.size(), mutant_catalogue().size());
  std::vector<std::size_t> cases_to_catch;
  for (const MutantOutcome& m : run.mutants) {
    ASSERT_TRUE(m.caught()) << m.name;
    EXPECT_EQ(m.diagnosis_id(), m.expected_diagnosis) << m.name;
    cases_to_catch.push_back(m.campaign.failure->case_number);
  }
  std::nth_element(cases_to_catch.begin(), cases_to_catch.begin() + cases_to_catch.size() / 2,
                   cases_to_catch.end());
  EXPECT_LE(cases_to_catch[cases_to_catch.size() / 2], 3u);
  EXPECT_TRUE(run.passed());
}

}  // namespace
}  // namespace gradfuzz
