// The numeric engine: the batched engine of numeric_gradients against its oracle, the
// entry-by-entry path, on the same case in the same run. Compare the two rows' times (a ratio),
// never absolute times across runs or machines.
#include <benchmark/benchmark.h>

#include "gradfuzz/difference_scheme.hpp"
#include "gradfuzz/numeric.hpp"
#include "gradfuzz/recipe.hpp"

namespace gradfuzz {
namespace {

// tanh, tanh, sigmoid, bce with the layers and batch of the benchmark's arguments.
Case network(const benchmark::State& state) {
  CaseRecipe r;
  r.spec.sizes = {
      static_cast<arma::uword>(state.range(0)), static_cast<arma::uword>(state.range(1)),
      static_cast<arma::uword>(state.range(2)), static_cast<arma::uword>(state.range(3))};
  r.spec.activations = {Activation::tanh, Activation::tanh, Activation::sigmoid};
  r.spec.loss = Loss::bce;
  r.batch = static_cast<arma::uword>(state.range(4));
  r.seed = 1;
  return make_case(r);
}

template <bool batched>
void parameters_central(benchmark::State& state) {
  const Case c = network(state);
  const auto scheme = make_scheme(Scheme::central);
  const std::vector<Quantity> which = parameter_quantities(c);
  for (auto _ : state) {
    NumericGradients n = batched ? numeric_gradients(c, *scheme, which)
                                 : detail::numeric_gradients_entrywise(c, *scheme, which);
    benchmark::DoNotOptimize(n);
  }
  state.counters["params/s"] = benchmark::Counter(
      static_cast<double>(c.parameter_count()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

void Shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n0", "n1", "n2", "n3", "m"});
  b->Args({5, 4, 3, 1, 8});
  b->Args({64, 32, 16, 4, 64});
}

void BM_NumericBatched(benchmark::State& state) {
  parameters_central<true>(state);
}
void BM_NumericEntrywise(benchmark::State& state) {
  parameters_central<false>(state);
}
BENCHMARK(BM_NumericBatched)->Apply(Shapes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_NumericEntrywise)->Apply(Shapes)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gradfuzz
