#include "explore/pod_simulation.h"

#include <doctest/doctest.h>

#include "explore/shipped_pod_fixture.h"

namespace tokenfab {
namespace {

// A two-layer model on a pod of two test GPUs and one LPX rack whose 256
// LP30 share one NIC, 8x slower than a GPU's port, so that both GPUs'
// crossings queue at it (explore/testdata/pod_one_nic.yaml).
struct OneNic {
  PodConfig pod = load_config("explore/testdata/pod_one_nic.yaml", pod_schema());
  ModelSpec model = load_hf_config("explore/testdata/tiny_llama.json");
  Precision fp8{Dtype::fp8, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::fp8};
  PodInput in{pod, model, fp8, Mapping{.attn_dp = 2}, Mapping{.tp = 4}, Workload{Phase::decode, 2, 1, 512}, {}};
};

TEST_CASE("pod simulation: crossings queue at a shared NIC, and the return's order staggers the next layer") {
  const OneNic x;
  const PodEstimate analytical = estimate_pod(x.in);
  const PodSimulation sim = simulate_pod(x.in);
  const PodEstimate& s = sim.estimate;
  // Each GPU sends its one sequence's 256 FP8 values (with their block
  // scales); b is their time through the NIC (the GPU's port takes an
  // eighth of it).
  const PoolConfig& lpx = pool_with_role(x.pod, "ffn");
  const double b = 256.0 * bytes_per_element(Dtype::fp8) / lpx.nic->link.sustained_bandwidth().value();
  const double latency = crossing_latency(x.pod).value();
  // The estimate charges every crossing the busiest NIC's queue: L + 2b.
  CHECK(analytical.crossing.value() == doctest::Approx(latency + 2 * b).epsilon(1e-12));
  // Simulated, with attention A and FFN F per layer, both GPUs ready at once:
  //   layer 0 forward      both flows queue at the NIC: the FFN starts L + 2b after the sends
  //   return               the NIC sends GPU 0's output, then GPU 1's: L + b and L + 2b
  //   layer 1 forward      GPU 1 sends b after GPU 0, as its flow would have queued anyway:
  //                        the FFN starts L + 2b after GPU 0's send, L + 3b after its output left
  //   last return          GPU 1's output, L + 2b
  // Over n = 2 layers the crossings take 2nL + (3n + 1)b against the
  // estimate's 2n(L + 2b): (n - 1)b less, and the sides' own work is the same.
  CHECK(s.attention.time.value() == doctest::Approx(analytical.attention.time.value()).epsilon(1e-9));
  CHECK(s.ffn.time.value() == doctest::Approx(analytical.ffn.time.value()).epsilon(1e-9));
  CHECK(s.step.value() == doctest::Approx(analytical.step.value() - b).epsilon(1e-9));
  // Two flows a crossing, two crossings a layer, through the one NIC.
  CHECK(sim.flows.size() == 8);
  for (const CrossingFlow& f : sim.flows) CHECK(f.nic == 0);
}

TEST_CASE("pod simulation: the shipped pod in SystemC agrees with its estimate to within the NIC queues' order") {
  const ShippedPod x;
  const PodConfig& pod = x.pod;
  const PodInput& in = x.in;
  const PodEstimate analytical = estimate_pod(in);
  const PodSimulation sim = simulate_pod(in);
  // Both sides' own work is timed by the same rules: equal. 72 GPUs over a
  // stage's 64 tray NICs put two GPUs on 8 of them; as in the case above,
  // each layer after the first saves one flow's time through a NIC:
  // 60 x 7,168 B / 45 GB/s = 9.6 us of 1.77 ms.
  CHECK(sim.estimate.attention.time.value() == doctest::Approx(analytical.attention.time.value()).epsilon(1e-9));
  CHECK(sim.estimate.ffn.time.value() == doctest::Approx(analytical.ffn.time.value()).epsilon(1e-9));
  const PoolConfig& lpx = pool_with_role(pod, "ffn");
  const double b = 7168.0 * bytes_per_element(Dtype::fp8) / lpx.nic->link.sustained_bandwidth().value();
  CHECK(sim.estimate.step.value() == doctest::Approx(analytical.step.value() - 60 * b).epsilon(1e-9));
  CHECK(sim.flows.size() == 61 * 2 * 72);
}

// Both styles in one elaboration: the attention-FFN step, then prefill on 8
// GPUs, the prompt's 288 MB of KV cache to the 2,048 LP30 decoding it, and
// both decode steps.
TEST_CASE("pod simulation: the prefill-decode style's steps and KV transfer in SystemC") {
  const ShippedPod x;
  const RequestInput& phases = x.phases;
  const PodStyles both = simulate_pod_styles(x.in, phases);
  const DisaggregatedEstimate a = estimate_disaggregated(phases);
  const DisaggregatedEstimate& s = both.prefill_decode.estimate;
  // The replicas' steps are timed by the same rules as the estimate's.
  CHECK(s.pod.prefill.value() == doctest::Approx(a.pod.prefill.value()).epsilon(1e-6));
  CHECK(s.pod.tpot.value() == doctest::Approx(a.pod.tpot.value()).epsilon(1e-6));
  CHECK(s.gpus.tpot.value() == doctest::Approx(a.gpus.tpot.value()).epsilon(1e-6));
  // The transfer: 8 senders x 512 tray NICs (128 x 16 LP30, 4 to a NIC).
  // The estimate spreads the KV evenly over the slower side (8 ports of
  // 180 GB/s against 512 of 45 GB/s). Simulated, each sender's flows go one
  // NIC after another, so at any moment 8 flows land on 8 neighbouring NICs
  // and a NIC can still queue its 8 senders' flows: at most 8 flows' time
  // through one NIC more.
  CHECK(both.prefill_decode.kv_flows.size() == 8 * 512);
  const PoolConfig& lpx = pool_with_role(x.pod, "ffn");
  double largest = 0;
  for (const CrossingFlow& f : both.prefill_decode.kv_flows) largest = std::max(largest, f.bytes.value());
  const double queue = 8 * largest / lpx.nic->link.sustained_bandwidth().value();
  CHECK(s.pod.kv_transfer.value() >= a.pod.kv_transfer.value() * (1 - 1e-9));
  CHECK(s.pod.kv_transfer.value() <= a.pod.kv_transfer.value() + queue);
  // And style (a) ran first in the same kernel, as alone.
  CHECK(both.attention_ffn.estimate.step.value() < estimate_pod(x.in).step.value());
}

}  // namespace
}  // namespace tokenfab
