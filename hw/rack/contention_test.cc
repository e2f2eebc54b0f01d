// Where the SystemC level sees what the analytical bound cannot: uneven
// expert routing (engine.expert_imbalance) makes one expert-parallel rank
// hot, and the dispatch flows of every rank converge on its one ingress
// port and queue there. Each TEST_CASE elaborates once, so ctest runs each
// in its own process.
//
// The case, on the round-number fixtures: hw/testdata/node16.yaml's first
// 8-chip scale-up domain (beta = 500 GB/s per direction and port, alpha =
// 1 us per traversal, 5 us of software overhead per collective) holds
// attn_dp = ep = 8 of hw/testdata/moe8.json (4 MoE layers, 8 experts, one
// per rank, 4 per token, hidden 8000). A decode of 64 sequences puts 8
// tokens on each rank; activations are BF16.
//
//   dispatch payload of every rank  S = 8 tokens * 4 experts * 8000 * 2 B = 512,000 B,
//                                   S/beta = 1.024 us
//   analytical (each device alone at its link rate, the closed form of an
//   even exchange): 5 + 1 + 7/8 * 1.024 = 6.896 us, for every device.
//
//   expert_imbalance f = 2: rank 0 receives f/g = 2/8 of every rank's
//   payload, the other seven (8 - 2)/7 = 6/7 of an even 1/8 each.
//   SystemC: seven flows of 512,000 * 2/8 = 128,000 B converge on rank 0's
//   ingress, 896,000 B = 1.792 us of port time. Their heads arrive one flow
//   of 512,000 * (6/7)/8 = 54,857 B (0.110 us) apart, sooner than the port
//   drains each (0.256 us), so it never idles: rank 0 is done at
//   5 + 1 + 1.792 = 7.792 us. The others' egress carries 512,000 - 54,857 B
//   (0.914 us): rank 0's ingress is the last port to finish.
//
//   difference per layer = 7.792 - 6.896 = 0.896 us = (f - 1)(g - 1)/g * S/beta
//
// Everything else of rank 0 is the same in both: its expert GEMMs of twice
// the rows (one timing rule), and its combine of twice the bytes (1,024,000
// B), which its own egress carries at its link rate, 5 + 1 + 7/8 * 2.048 =
// 7.792 us, just as the closed form says. The combine ends for every member
// with rank 0's last byte, so each layer starts together and the queue
// repeats: the step differs by 4 * 0.896 = 3.584 us (analytical 419.647 us,
// SystemC 423.231 us), all of it on the scale-up link.
#include "hw/rack/rack.h"

#include <doctest/doctest.h>

#include "core/config_loader.h"
#include "hw/analytical/step_model.h"
#include "workloads/hf_config.h"

namespace tokenfab {
namespace {

constexpr double kQueuePerLayer = 0.896e-6;  // (f - 1)(g - 1)/g * S/beta at f = 2
constexpr int kLayers = 4;

struct Case {
  SystemConfig system = load_config<SystemConfig>("hw/testdata/node16.yaml", system_schema());
  ModelSpec model = load_hf_config("hw/testdata/moe8.json");
  EstimateInput input;
  explicit Case(double imbalance)
      : input{system,
              model,
              Precision{Dtype::fp8, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::bf16},
              Mapping{.attn_dp = 8, .ep = 8, .expert_imbalance = imbalance},
              Workload{Phase::decode, 64, 1, 1024},
              nullptr,
              true,
              {}} {
    input.engine.expert_imbalance = imbalance;
  }
};

// The first op called `name` of a stage's critical device.
const OpTiming& first(const StageEstimate& s, const std::string& name) {
  for (std::size_t i = 0; i < s.ops.size(); ++i) {
    if (s.ops[i].name == name) return s.timings[i];
  }
  throw std::logic_error("no op " + name);
}

// The SystemC clock counts whole picoseconds: each op may round by one.
double clock_rounding(const Estimate& e) { return 1e-12 * static_cast<double>(e.stages[0].ops.size()); }

TEST_CASE("contention: a hot expert rank's ingress queues the dispatch, so SystemC exceeds the bound by 4 x 0.896 us") {
  const Case c(2.0);
  const Estimate analytical = estimate(c.input);
  const Estimate simulated = simulate_step(c.input);
  const StageEstimate& a = analytical.stages[0];
  const StageEstimate& s = simulated.stages[0];

  // Rank 0 is hot, the slowest device in both, and reported as critical.
  CHECK(a.device == 0);
  CHECK(s.device == 0);
  CHECK(first(a, "moe.dispatch").time.value() == doctest::Approx(6.896e-6).epsilon(1e-9));
  CHECK(first(s, "moe.dispatch").time.value() == doctest::Approx(7.792e-6).epsilon(1e-6));
  CHECK(first(a, "moe.combine").time.value() == doctest::Approx(7.792e-6).epsilon(1e-9));
  CHECK(first(s, "moe.combine").time.value() == doctest::Approx(7.792e-6).epsilon(1e-6));

  const double difference = simulated.step_time.value() - analytical.step_time.value();
  CHECK(difference == doctest::Approx(kLayers * kQueuePerLayer).epsilon(clock_rounding(simulated) / difference));
  CHECK(analytical.step_time.value() == doctest::Approx(419.647172e-6).epsilon(1e-8));

  // The queue is link time: rank 0's ingress is busy carrying bytes from the
  // group's readiness to its end, so its collective charge puts it on the
  // scale-up link; sync keeps the 5 us software overhead of each collective.
  const double link =
      simulated.breakdown[Resource::scale_up].value() - analytical.breakdown[Resource::scale_up].value();
  CHECK(link == doctest::Approx(kLayers * kQueuePerLayer).epsilon(1e-6));
  for (Resource res : {Resource::memory, Resource::compute, Resource::launch, Resource::sync}) {
    CAPTURE(resource_key(res, c.system));
    CHECK(simulated.breakdown[res].value() ==
          doctest::Approx(analytical.breakdown[res].value()).epsilon(clock_rounding(simulated)));
  }
  CHECK(simulated.breakdown.total().value() == doctest::Approx(simulated.step_time.value()).epsilon(1e-9));

  // The analytical step model times every distinct device and takes the
  // slowest: the same hot rank, the same bound.
  AnalyticalStepModel model(StepModelConfig{c.system, c.model, c.input.precision, c.input.mapping, c.input.engine});
  const StepResult bound = model.time_step(uniform_batch(c.input.workload));
  CHECK(bound.stages[0].device == 0);
  CHECK(bound.time.value() == doctest::Approx(analytical.step_time.value()).epsilon(1e-12));
}

TEST_CASE("contention: with uniform routing (expert_imbalance = 1) the two levels agree") {
  const Case c(1.0);
  const Estimate analytical = estimate(c.input);
  const Estimate simulated = simulate_step(c.input);
  CHECK(first(simulated.stages[0], "moe.dispatch").time.value() == doctest::Approx(6.896e-6).epsilon(1e-6));
  CHECK(std::abs(simulated.step_time.value() - analytical.step_time.value()) <= clock_rounding(simulated));
}

TEST_CASE("contention: simulating every device gives the step that shared groups give") {
  const Case c(2.0);
  const Estimate analytical = estimate(c.input);
  const Estimate simulated = simulate_step(c.input, {.timeline = {}, .share_identical_groups = false});
  const double difference = simulated.step_time.value() - analytical.step_time.value();
  CHECK(difference == doctest::Approx(kLayers * kQueuePerLayer).epsilon(clock_rounding(simulated) / difference));
}

}  // namespace
}  // namespace tokenfab
