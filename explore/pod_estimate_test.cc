#include "explore/pod_estimate.h"

#include <doctest/doctest.h>

#include "explore/shipped_pod_fixture.h"

namespace tokenfab {
namespace {

using Shipped = ShippedPod;

TEST_CASE("pod: a decode step is the GPUs' attention, the LPUs' FFN and two crossings per layer") {
  const Shipped x;
  const PodConfig& pod = x.pod;
  const ModelSpec& model = x.model;
  const Precision& fp8 = x.fp8;
  const PodInput& in = x.in;
  const PodEstimate p = estimate_pod(in);
  // 61 layers, 2 crossings each. One crossing carries one GPU's one sequence:
  // 7,168 FP8 values (with their block scales), after the link's latency and
  // the pod's overhead. An LPX stage of 256 LP30 reaches Ethernet through 64
  // tray NICs (4 chips each), so 8 of them take two GPUs' states: the
  // crossing ends when the second is through its NIC.
  CHECK(p.crossings == 122);
  const LinkConfig& link = pod.interconnect;
  const PoolConfig& lpx = pool_with_role(pod, "ffn");
  REQUIRE(lpx.nic);
  CHECK(ports_for(lpx, 256) == 64);
  const double sent = 7168.0 * bytes_per_element(Dtype::fp8);
  const double crossing =
      pod.crossing_overhead.value() + link.latency.value() + lpx.nic->link.latency.value() +
      std::max(sent / link.sustained_bandwidth().value(), 2 * sent / lpx.nic->link.sustained_bandwidth().value());
  CHECK(p.crossing.value() == doctest::Approx(crossing).epsilon(1e-12));
  CHECK(p.step.value() == doctest::Approx(p.attention.time.value() + p.ffn.time.value() + 122 * crossing));
  // Each side does only its own work: the GPUs read HBM (Resource::memory
  // is the chip's weight memory); the LPUs' expert GEMMs are the emulator's
  // kernels, their SRAM reads inside the kernels' compute time.
  CHECK(p.attention.breakdown[Resource::memory].value() > 0);
  CHECK(p.ffn.breakdown[Resource::compute].value() > 0);
  CHECK(p.attention.time.value() == doctest::Approx(p.attention.breakdown.total().value()));
  // Every op of the FFN pool's step that is the FFN's, and only those, is
  // the FFN side: timing the LPUs' whole step gives more (their attention).
  const SystemConfig lpus = ffn_system(pod);
  CHECK(lpus.chips == 2048);
  const Estimate whole = estimate({lpus, model, fp8, in.ffn_mapping, in.workload, nullptr, true, {}});
  double ffn = 0;
  for (const auto& s : whole.stages) {
    for (std::size_t i = 0; i < s.ops.size(); ++i) ffn += ffn_op(s.ops[i]) ? s.timings[i].time.value() : 0.0;
  }
  CHECK(p.ffn.time.value() == doctest::Approx(ffn));
  CHECK(whole.pass_time.value() > ffn);
  // The LPUs hold only the FFN: DeepSeek-R1's experts, shared experts and
  // dense FFNs in FP8 over 2,048 chips fit 500 MB each.
  CHECK(p.ffn.fits);
  CHECK(p.ffn.weights.value() < 500e6);
}

TEST_CASE("pod: the one-user ceiling is the fastest attention width that fits, for one sequence") {
  const Shipped x;
  const PodInput& in = x.in;
  const auto best = pod_ceiling(in);
  REQUIRE(best);
  // Its answer is the pod's own estimate at that mapping and one sequence,
  // and no other width of the search is faster.
  PodInput at = in;
  at.attention_mapping = best->attention_mapping;
  at.workload.batch = 1;
  CHECK(estimate_pod(at).step.value() == doctest::Approx(best->estimate.step.value()));
  for (int tp = 1; tp <= 64; tp *= 2) {
    at.attention_mapping = Mapping{.tp = tp, .ep = tp};
    const PodEstimate e = estimate_pod(at);
    if (e.attention.fits && e.ffn.fits) CHECK(e.step.value() >= best->estimate.step.value());
  }
}

TEST_CASE("pod: attention systems sharing the FFN pool take turns on its stages") {
  const Shipped x;
  const PodEstimate one = estimate_pod(x.in);
  // One system: the FFN's 8 stages are each busy 1/8 of (ffn + the crossings'
  // NIC time), far less than a step, so the step is one batch's own.
  CHECK(one.attention_systems == 1);
  CHECK(one.step.value() == one.own_step.value());
  const Seconds fixed = x.pod.crossing_overhead + crossing_latency(x.pod);
  const double busy = (one.ffn.time + (one.crossing - fixed) * 122.0).value() / 8;
  CHECK(one.occupancy.value() == doctest::Approx(busy));
  // S systems: S times the sequences until the stages are busy all the time;
  // past that the step grows with S and the throughput stops growing.
  const auto s_full = static_cast<int>(one.own_step.value() / busy);
  REQUIRE(s_full >= 2);
  const PodEstimate two = share_ffn_pool(one, x.in, 2);
  CHECK(two.step.value() == one.step.value());
  CHECK(two.tokens_per_second.value() == doctest::Approx(2 * one.tokens_per_second.value()));
  CHECK(two.chips == one.chips + 72);
  const PodEstimate many = share_ffn_pool(one, x.in, 4 * s_full);
  CHECK(many.step.value() == doctest::Approx(4 * s_full * busy));
  CHECK(many.tokens_per_second.value() ==
        doctest::Approx(72.0 * 4 * s_full / many.step.value()));  // 72 sequences per system
  CHECK(many.tokens_per_second.value() < 4 * s_full * one.tokens_per_second.value());
}

TEST_CASE("pod: operating points cover widths, batches and systems, and all fit") {
  const Shipped x;
  const std::vector<PodPoint> points = pod_points(x.in, 64, 4);
  REQUIRE(!points.empty());
  bool varied_width = false, varied_systems = false;
  for (const PodPoint& p : points) {
    CHECK(p.estimate.attention.fits);
    CHECK(p.estimate.ffn.fits);
    CHECK(p.attention_mapping.tp * p.attention_mapping.attn_dp == 72);
    varied_width = varied_width || p.attention_mapping.tp > 1;
    varied_systems = varied_systems || p.estimate.attention_systems == 4;
    // Each point is the pod's own estimate at its settings.
    PodInput at = x.in;
    at.attention_mapping = p.attention_mapping;
    at.workload.batch = p.batch;
    const PodEstimate e = share_ffn_pool(estimate_pod(at), at, p.estimate.attention_systems);
    CHECK(e.step.value() == doctest::Approx(p.estimate.step.value()));
  }
  CHECK(varied_width);
  CHECK(varied_systems);
}

TEST_CASE("pod: prefill on the GPUs, the KV cache over Ethernet, decode on the LPUs") {
  const Shipped x;
  const RequestInput& in = x.phases;
  const DisaggregatedEstimate d = estimate_disaggregated(in);
  // The prompt's MLA cache: 61 layers x 8,192 tokens x 576 FP8 values (with
  // block scales), sent over the 8 NICs of the prefill replica (1.4 TB/s;
  // the 2,048 decoding LP30 take it through 512 tray NICs, 23 TB/s) after
  // the link's latency and the pod's crossing overhead.
  const double kv = 61.0 * 8192 * 576 * bytes_per_element(Dtype::fp8);
  CHECK(d.kv.value() == doctest::Approx(kv));
  const LinkConfig& link = x.pod.interconnect;
  CHECK(d.pod.kv_transfer.value() == doctest::Approx(x.pod.crossing_overhead.value() + link.latency.value() +
                                                     kv / (8 * link.sustained_bandwidth().value())));
  CHECK(d.gpus.kv_transfer.value() == 0.0);
  // Both prefill alike; a request ends after its first token and 1,024 steps.
  CHECK(d.pod.prefill.value() == d.gpus.prefill.value());
  for (const RequestLatency* r : {&d.pod, &d.gpus}) {
    CHECK(r->ttft.value() == doctest::Approx(r->prefill.value() + r->kv_transfer.value()));
    CHECK(r->e2e.value() == doctest::Approx(r->ttft.value() + 1024 * r->tpot.value()));
    CHECK(r->fits);
  }
}

}  // namespace
}  // namespace tokenfab
