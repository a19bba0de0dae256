#include "gradfuzz/fuzz/selftest.hpp"

#include "gradfuzz/mutants.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

CaseRecipe recipe(std::vector<arma::uword> sizes, std::vector<Activation> activations, Loss loss,
                  arma::uword m, std::uint64_t seed) {
  CaseRecipe r;
  r.spec.sizes = std::move(sizes);
  r.spec.activations = std::move(activations);
  r.spec.loss = loss;
  r.batch = m;
  r.seed = seed;
  return r;
}

}  // namespace

std::vector<CaseRecipe> selftest_battery() {
  using A = Activation;
  std::vector<CaseRecipe> battery;
  // The course's two-layer network.
  battery.push_back(recipe({3, 4, 1}, {A::tanh, A::sigmoid}, Loss::bce, 5, 1));
  // Soft labels for bce.
  auto soft = recipe({2, 3, 1}, {A::sigmoid, A::sigmoid}, Loss::bce, 4, 2);
  soft.labels = Labels::soft;
  battery.push_back(soft);
  battery.push_back(recipe({4, 5, 3}, {A::relu, A::softmax}, Loss::ce, 6, 3));
  auto leaky = recipe({3, 4, 3}, {A::leaky_relu, A::softmax}, Loss::ce, 3, 4);
  leaky.spec.leaky_slope = 0.1;
  leaky.labels = Labels::soft;
  battery.push_back(leaky);
  battery.push_back(recipe({2, 3, 2}, {A::tanh, A::linear}, Loss::mse, 4, 5));
  auto regularized = recipe({3, 2, 2}, {A::relu, A::tanh}, Loss::mse, 5, 6);
  regularized.spec.lambda = 0.7;
  battery.push_back(regularized);
  // Batch size 1, where mean and sum coincide.
  auto single = recipe({4, 3, 1}, {A::sigmoid, A::sigmoid}, Loss::bce, 1, 7);
  single.spec.lambda = 0.3;
  battery.push_back(single);
  // Single-layer networks: logistic and linear regression.
  battery.push_back(recipe({4, 2}, {A::sigmoid}, Loss::bce, 3, 8));
  battery.push_back(recipe({3, 1}, {A::linear}, Loss::mse, 2, 9));
  // Deep and narrow, every hidden activation.
  battery.push_back(recipe({2, 2, 2, 2, 2, 2, 1},
                           {A::tanh, A::sigmoid, A::relu, A::leaky_relu, A::linear, A::sigmoid},
                           Loss::bce, 3, 10));
  auto mixed = recipe({3, 4, 4, 2}, {A::leaky_relu, A::relu, A::linear}, Loss::mse, 7, 11);
  mixed.spec.lambda = 0.1;
  battery.push_back(mixed);
  // Large weights push tanh and sigmoid into saturation.
  auto saturated = recipe({3, 4, 1}, {A::tanh, A::sigmoid}, Loss::bce, 4, 12);
  saturated.weight_scale = 4;
  battery.push_back(saturated);
  return battery;
}

RunResult run_selftest(const SelftestOptions& options, const Progress& progress) {
  RunResult run;
  run.command = "selftest";
  run.source_args = "--builtin reference";
  run.seed = options.campaign.seed;
  ReferenceBackprop reference;
  for (const CaseRecipe& r : selftest_battery()) {
    const Case c = make_case(r);
    for (Scheme s : options.schemes) {
      CheckOptions check = options.campaign.check;
      check.scheme = s;
      run.cases.push_back(check_case(c, reference, check));
    }
  }
  run.campaigns.push_back(fuzz(reference, options.campaign, progress));
  if (!options.mutants) return run;
  for (const MutantInfo& m : mutant_catalogue()) {
    CampaignOptions hunt = options.campaign;
    hunt.generate = focused_on(hunt.generate, m.domain);
    const auto source = make_mutant(m.name);
    run.mutants.push_back({m.name, m.diagnosis, m.description, fuzz(*source, hunt)});
  }
  return run;
}

}  // namespace gradfuzz
