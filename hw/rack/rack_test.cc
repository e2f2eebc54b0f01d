// The SystemC model against its oracle, the analytical estimate. Each
// TEST_CASE elaborates once, so ctest runs each in its own process.
#include "hw/rack/rack.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "core/config_loader.h"
#include "workloads/hf_config.h"

namespace tokenfab {
namespace {

struct Pair {
  Estimate analytical, simulated;
};

// On the round-number fixture hw/testdata/node16.yaml: 16 chips in two
// 8-chip scale-up domains joined by a scale-out network.
Pair both(const char* model, Mapping map, Workload w) {
  SystemConfig sys = load_config<SystemConfig>("hw/testdata/node16.yaml", system_schema());
  ModelSpec m = load_hf_config(std::string("workloads/models/") + model + ".json");
  Precision p{Dtype::fp4, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::fp8};
  EstimateInput in{sys, m, p, map, w, nullptr, true, {}};
  return {estimate(in), simulate_step(in)};
}

double share(const Estimate& e, Resource r) { return e.breakdown[r].value() / e.step_time.value(); }

// Uncontended cases: every device of the replica does the same work, so
// nobody waits at a collective and the two models must agree.
TEST_CASE("systemc: tensor-parallel Llama-3.1-70B decode in one scale-up domain matches the oracle within 5%") {
  Pair r = both("llama-3.1-70b", Mapping{.tp = 8}, {Phase::decode, 16, 1, 4096});
  CHECK(r.simulated.step_time.value() == doctest::Approx(r.analytical.step_time.value()).epsilon(0.05));
  // With identical devices the agreement is in fact exact up to the 1 ps clock.
  CHECK(r.simulated.step_time.value() == doctest::Approx(r.analytical.step_time.value()).epsilon(1e-6));
  for (Resource res : kResources)
    CHECK(share(r.simulated, res) == doctest::Approx(share(r.analytical, res)).epsilon(1e-4));
}

TEST_CASE("systemc: DeepSeek-R1 tensor-parallel over both scale-up domains matches the oracle within 5%") {
  Pair r = both("deepseek-r1", Mapping{.tp = 16, .ep = 16}, {Phase::decode, 1, 1, 8192});
  CHECK(r.analytical.breakdown[Resource::scale_out].value() > 0);
  CHECK(r.simulated.step_time.value() == doctest::Approx(r.analytical.step_time.value()).epsilon(0.05));
}

TEST_CASE("systemc: Llama-3.1-70B prefill over two pipeline stages matches the oracle within 5%") {
  Pair r = both("llama-3.1-70b", Mapping{.tp = 4, .pp = 2}, {Phase::prefill, 1, 2048, 0});
  CHECK(r.simulated.step_time.value() == doctest::Approx(r.analytical.step_time.value()).epsilon(0.05));
}

// Contended: under attention-DP with 12 sequences on 16 chips, 4 chips hold
// no sequence, so the ranks reach each all-to-all at different times. The analytical model times only
// the busiest device; the simulation makes the others wait, and must never
// be faster.
TEST_CASE("systemc: wide expert parallelism waits at collectives and is never faster than the oracle") {
  Pair r = both("deepseek-r1", Mapping{.attn_dp = 16, .ep = 16}, {Phase::decode, 12, 1, 8192});
  // The SystemC clock counts whole picoseconds: each op may round by one.
  const double clock_rounding = 1e-12 * static_cast<double>(r.simulated.stages[0].ops.size());
  CHECK(r.simulated.step_time.value() >= r.analytical.step_time.value() - clock_rounding);
  CHECK(r.simulated.step_time.value() == doctest::Approx(r.analytical.step_time.value()).epsilon(0.05));
  double sum = 0;
  for (Resource res : kResources) sum += r.simulated.breakdown[res].value();
  CHECK(sum == doctest::Approx(r.simulated.step_time.value()).epsilon(1e-9));
}

// A pipelined decode with fewer sequences than stages (the Groq v1 case of
// issue 9, in round numbers): Llama-3.1-8B, BF16, 4 stages of 8 layers,
// batch 3, context 1,023. Three micro-batches of one sequence; one user's
// token needs its whole pass T (the stages one after the other), and each
// stage serves 3 micro-batches per round, so the token time is
// max(T, 3 x slowest stage) = T: the stages are about T/4 each. The old rule,
// max(T, 4 x slowest stage), exceeded T by the LM head's share of the last
// stage, and disagreed with the step's own breakdown and timeline.
TEST_CASE("systemc: a pipelined decode with fewer sequences than stages takes one pass per token") {
  SystemConfig sys = load_config<SystemConfig>("hw/testdata/node16.yaml", system_schema());
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-8b.json");
  EstimateInput in{sys, m, Precision{}, Mapping{.pp = 4}, {Phase::decode, 3, 1, 1023}, nullptr, true, {}};
  Estimate e = simulate_step(in);
  Seconds slowest;
  for (const auto& s : e.stages) slowest = std::max(slowest, s.time);
  CHECK(e.micro_batches == 3);
  CHECK(4 * slowest.value() > e.pass_time.value());  // what the old rule took
  CHECK(e.step_time.value() == doctest::Approx(e.pass_time.value()).epsilon(1e-12));
  // One pass, stage after stage: its breakdown adds up to the token time.
  CHECK(e.breakdown.total().value() == doctest::Approx(e.step_time.value()).epsilon(1e-9));
  CHECK(e.tokens_per_second_per_replica.value() == doctest::Approx(3.0 / e.step_time.value()).epsilon(1e-12));
  // Each stage keeps the cache of all 3 sequences: 8 layers x 3 x 1,024
  // tokens x 2 (K, V) x 8 KV heads x 128 x 2 bytes = 3 x 32 MiB = 96 MiB.
  for (const auto& s : e.stages) CHECK(s.footprint.kv_cache.value() == 96.0 * 1024 * 1024);
  // The oracle agrees (identical devices, no contention).
  CHECK(e.step_time.value() == doctest::Approx(estimate(in).step_time.value()).epsilon(1e-6));
}

}  // namespace
}  // namespace tokenfab
