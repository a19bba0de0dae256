#pragma once
// A RunResult built by hand, every number fixed, so golden files do not depend on the BLAS or
// the processor the tests run on.

#include "gradfuzz/recipe.hpp"
#include "gradfuzz/run_result.hpp"

namespace gradfuzz::checks {

inline Case small_case(std::vector<arma::uword> sizes, std::vector<Activation> activations,
                       arma::uword m, std::uint64_t seed) {
  CaseRecipe r;
  r.spec.sizes = std::move(sizes);
  r.spec.activations = std::move(activations);
  r.batch = m;
  r.seed = seed;
  return make_case(r);
}

inline QuantityCheck check(Quantity q, arma::mat claimed, arma::mat numeric, bool passed,
                           std::optional<Convention> matched) {
  QuantityCheck c;
  c.quantity = q;
  c.passed = passed;
  c.expected = q.is_parameter() ? Convention::mean : Convention::sum;
  c.matched = matched;
  c.claimed_shape = shape_of(claimed);
  c.expected_shape = shape_of(numeric);
  c.claimed = std::move(claimed);
  c.numeric = std::move(numeric);
  c.rel_diff = c.claimed_shape == c.expected_shape ? relative_difference(c.claimed, c.numeric) : 0;
  c.worst = {0, 0, c.claimed.is_empty() ? 0 : c.claimed(0, 0), c.numeric(0, 0), 0, 0, false};
  c.worst.abs_error = std::abs(c.worst.claimed - c.worst.numeric);
  c.worst.rel_error =
      c.worst.abs_error / std::max(std::abs(c.worst.claimed), std::abs(c.worst.numeric));
  c.failing_entries = passed ? 0 : c.claimed.n_elem;
  return c;
}

/// A campaign that caught a missing 1/m, shrunk to a 1-1 network with m = 2, plus one single
/// case, one mutant caught and one missed: every part a reporter renders.
inline RunResult sample_run() {
  RunResult run;
  run.command = "check";
  run.source_args = "--builtin no_inv_m";
  run.seed = 7;

  CaseResult shrunk;
  shrunk.c = small_case({1, 1}, {Activation::sigmoid}, 2, 11);
  shrunk.source = "no_inv_m";
  arma::mat g(1, 1), n(1, 1);
  g(0, 0) = -0.5;
  n(0, 0) = -0.25;
  QuantityCheck dW = check(Quantity::dW(1), g, n, false, Convention::sum);
  dW.convergence = {
      {1e-1, -0.2500001, 0.2499999}, {1e-2, -0.25000001, 0.24999999}, {1e-3, -0.25, 0.25}};
  dW.convergence_order = 0.0;
  dW.convergence_verdict = Convergence::stalls;
  shrunk.checks.push_back(dW);
  g(0, 0) = 0.125;
  n(0, 0) = 0.0625;
  shrunk.checks.push_back(check(Quantity::db(1), g, n, false, Convention::sum));
  shrunk.diagnosis = Diagnosis{"missing_inv_m",
                               "every entry of dW1 is 2 times what finite differences give: m = 2 "
                               "<& \"quoted\" ]]> \x01 control>",
                               std::string("no_inv_m"), 1};
  shrunk.diagnosis->ids = {"missing_inv_m"};
  shrunk.diagnosis->hypothesis = "no_inv_m";
  shrunk.diagnosis->evidence = "it reproduces every claimed quantity of the case checked";
  shrunk.diagnosis->probes.push_back(
      {"batch",
       "another batch size (m = 5) <& hostile ]]>",
       shrunk.c.replay,
       "the code's gradients are wrong on it; it rules out 1 hypothesis",
       {"no_inv_m"},
       {"scaled_gradients=2.000000"}});
  CaseResult found = shrunk;
  found.c = small_case({3, 2, 1}, {Activation::tanh, Activation::sigmoid}, 5, 12);

  CampaignResult campaign;
  campaign.source = "no_inv_m";
  campaign.seed = 7;
  campaign.cases_planned = 100;
  campaign.cases_run = 3;
  campaign.kink_entries = 4;
  campaign.borderline_settled = 1;
  campaign.quantities = {{"dW1", 3, 0.5, 1, 3},
                         {"db1", 3, 0.5, 1, 3},
                         {"dW2", 2, 1.5e-11, 0, 2},
                         {"db2", 1, 0, 1, 0},
                         {"cost", 3, 2.5e-16, 0, 3}};
  campaign.failure = Failure{3, found, shrunk, 5, 40};
  // What the code declared (protocol 1.1), and a case it refused.
  campaign.declared.output_activations = {Activation::sigmoid};
  campaign.declared.depth = Range{1, 3};
  campaign.declared.output_units = Range{1, 1};
  campaign.declared.hard_labels = true;
  campaign.cases_skipped = 2;
  campaign.skips.push_back(
      {"batches of 2 <\"too small\"> & more", 2, small_case({2, 1}, {Activation::sigmoid}, 2, 14)});
  run.campaigns.push_back(campaign);

  CaseResult single;
  single.c = small_case({2, 2}, {Activation::sigmoid}, 3, 13);
  single.source = "reference";
  single.scheme = Scheme::complex_step;
  arma::mat a = {{0.5, -1.0}, {2.0, 0.25}};
  single.checks.push_back(check(Quantity::dW(1), a, a, true, Convention::mean));
  single.cost = CostCheck{0.6931471805599453, 0.6931471805599453, 6.9e-08, true};
  run.cases.push_back(single);

  CampaignResult hunt = campaign;
  hunt.source = "no_inv_m";
  run.mutants.push_back({"no_inv_m", "missing_inv_m", "dW and db without 1/m", hunt});
  CampaignResult missed;
  missed.source = "l2_missing";
  missed.seed = 7;
  missed.cases_planned = 100;
  missed.cases_run = 100;
  run.mutants.push_back({"l2_missing", "regularization", "dW lacks the L2 term", missed});
  return run;
}

}  // namespace gradfuzz::checks
