// The campaign loop: `gradfuzz check --builtin reference --max-layers 4 --max-width 8
// --max-batch 16`, as cases per second (the target is 5,000 on two cores).
#include <benchmark/benchmark.h>

#include "gradfuzz/fuzz/campaign.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

void BM_ReferenceCampaign(benchmark::State& state) {
  CampaignOptions options;
  options.generate.max_layers = 4;
  options.generate.max_width = 8;
  options.generate.max_batch = 16;
  options.cases = static_cast<std::size_t>(state.range(0));
  std::uint64_t seed = 1;
  for (auto _ : state) {
    options.seed = seed++;
    ReferenceBackprop reference;
    const CampaignResult result = fuzz(reference, options);
    if (result.failure || result.misbehaviour) state.SkipWithError("the reference failed");
    benchmark::DoNotOptimize(result);
  }
  state.counters["cases/s"] = benchmark::Counter(
      static_cast<double>(options.cases) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReferenceCampaign)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gradfuzz
