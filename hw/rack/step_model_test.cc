// Both step models over many varied batches in one process: the SystemC
// replica elaborates once and takes a new trace every step. Each TEST_CASE
// runs in its own process (a SystemC kernel elaborates once).
#include "hw/rack/systemc_step_model.h"

#include <doctest/doctest.h>

#include <random>

#include "core/config_loader.h"
#include "workloads/hf_config.h"

namespace tokenfab {
namespace {

// A model laid out on the round-number 16-chip fixture; the config refers
// to the fixture's system and model, so the fixture outlives the models.
struct Fixture {
  SystemConfig system = load_config<SystemConfig>("hw/testdata/node16.yaml", system_schema());
  ModelSpec model;
  StepModelConfig config;
  Fixture(const char* name, Mapping mapping, Dtype weights)
      : model(load_hf_config(std::string("workloads/models/") + name + ".json")),
        config{system, model, Precision{weights, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::fp8}, mapping, {}} {}
};

// A reproducible mix of decodes at their own contexts and prefill chunks
// (mt19937's sequence is fixed by the standard; the draws use only it).
Batch random_batch(std::mt19937& rng, int max_sequences, std::int64_t max_context) {
  Batch b;
  const int n = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_sequences));
  for (int i = 0; i < n; ++i) {
    const bool prefill = rng() % 4 == 0;
    const std::int64_t context = static_cast<std::int64_t>(rng() % static_cast<unsigned>(max_context));
    const std::int64_t tokens = prefill ? 16 + static_cast<std::int64_t>(rng() % 1009) : 1;
    b.sequences.push_back({prefill ? Phase::prefill : Phase::decode, tokens, context, -1});
  }
  return b;
}

double sum(const ResourceTimes& t) { return t.total().value(); }

// Tensor and pipeline parallel only: every device of a stage does the same
// work, nobody waits at a collective, so the two engines must agree.
TEST_CASE("step model: 1,000 varied batches, SystemC within 1% of the analytical model when uncontended") {
  const Fixture f("llama-3.1-8b", Mapping{.tp = 4, .pp = 2}, Dtype::fp8);
  AnalyticalStepModel analytical(f.config);
  SystemCStepModel simulated(f.config);
  std::mt19937 rng(8);
  double worst = 0;
  int prefill_steps = 0;
  for (int step = 0; step < 1000; ++step) {
    const Batch b = random_batch(rng, 48, 16000);
    const StepResult a = analytical.time_step(b);
    const StepResult s = simulated.time_step(b);
    worst = std::max(worst, std::abs(s.time.value() / a.time.value() - 1));
    REQUIRE(s.time.value() == doctest::Approx(a.time.value()).epsilon(0.01));
    // The breakdown of each stage's critical device adds up to the stage.
    CHECK(sum(s.breakdown) == doctest::Approx(s.stages[0].time.value() + s.stages[1].time.value()).epsilon(1e-9));
    CHECK(a.bound == s.bound);
    prefill_steps += std::any_of(b.sequences.begin(), b.sequences.end(),
                                 [](const Sequence& q) { return q.phase == Phase::prefill; });
  }
  MESSAGE("largest relative difference over 1,000 steps: " << worst
                                                           << "; steps with a prefill chunk: " << prefill_steps);
  CHECK(prefill_steps > 500);  // the draw mixes phases: 1 in 4 sequences prefills
}

// Attention data parallel with expert parallelism: ranks hold different
// loads and meet at every all-to-all, so the simulation makes the lighter
// ranks wait and is never faster than the analytical critical device.
TEST_CASE("step model: a context bucket times decodes at their rounded-up context, and a repeated load once") {
  Fixture f("llama-3.1-8b", Mapping{.tp = 4, .pp = 2}, Dtype::fp8);
  AnalyticalStepModel exact(f.config);
  StepModelConfig bucketed = f.config;
  bucketed.context_bucket = 256;
  AnalyticalStepModel rounded(bucketed);
  // Contexts 1,000 and 700 are timed as 1,024 and 768; a prefill chunk keeps its own.
  const Batch b{{{Phase::decode, 1, 1000}, {Phase::decode, 1, 700}, {Phase::prefill, 128, 40}}};
  const Batch up{{{Phase::decode, 1, 1024}, {Phase::decode, 1, 768}, {Phase::prefill, 128, 40}}};
  CHECK(rounded.time_step(b).time.value() == exact.time_step(up).time.value());
  CHECK(rounded.time_step(b).time.value() > exact.time_step(b).time.value());
  // Timed again, the same load gives the same step, bit for bit, from what the model kept.
  std::mt19937 rng(5);
  for (int i = 0; i < 50; ++i) {
    const Batch r = random_batch(rng, 32, 8000);
    const double first = exact.time_step(r).time.value();
    CHECK(exact.time_step(r).time.value() == first);
    AnalyticalStepModel fresh(f.config);
    CHECK(fresh.time_step(r).time.value() == first);
  }
}

TEST_CASE("step model: uneven attention-DP ranks wait at the all-to-alls and are never faster in SystemC") {
  const Fixture f("qwen3-235b-a22b", Mapping{.attn_dp = 8, .ep = 8}, Dtype::fp4);
  AnalyticalStepModel analytical(f.config);
  SystemCStepModel simulated(f.config);
  std::mt19937 rng(9);
  for (int step = 0; step < 200; ++step) {
    const Batch b = random_batch(rng, 64, 30000);
    const StepResult a = analytical.time_step(b);
    const StepResult s = simulated.time_step(b);
    // The SystemC clock counts whole picoseconds: each op may round by one.
    const double clock_rounding = 1e-12 * static_cast<double>(s.stages[0].ops.size());
    REQUIRE(s.time.value() >= a.time.value() - clock_rounding);
    CHECK(a.rank_of == s.rank_of);
    CHECK(a.fits);
  }
}

// A batch of identical sequences is the steady-state workload: the step
// model must give exactly the estimate's step (one stage, no micro-batches).
TEST_CASE("step model: a uniform batch takes the estimate's step time") {
  Fixture f("qwen3-235b-a22b", Mapping{.attn_dp = 8, .ep = 8}, Dtype::fp4);
  const Workload w{Phase::decode, 20, 1, 4096};
  const Estimate e = estimate({f.system, f.model, f.config.precision, f.config.mapping, w, nullptr, true, {}});
  f.config.per_op = true;
  AnalyticalStepModel analytical(f.config);
  const StepResult r = analytical.time_step(uniform_batch(w));
  CHECK(r.time.value() == e.step_time.value());
  CHECK(r.stages[0].device == e.stages[0].device);
  // 20 sequences over 8 ranks: 3 on ranks 0-3, 2 on ranks 4-7.
  CHECK(r.rank_of == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3});
}

}  // namespace
}  // namespace tokenfab
