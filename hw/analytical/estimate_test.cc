#include "hw/analytical/estimate.h"
#include "hw/link/collective_timing.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "core/config_loader.h"
#include "hw/compute/compute_timing.h"
#include "workloads/hf_config.h"

namespace tokenfab {
namespace {

// A round-number fixture (16 chips, 4 TB/s at efficiency 1): expectations
// below follow from it by hand, whatever the shipped datasheets say.
SystemConfig node16(const std::vector<std::string>& sets = {}) {
  return load_config<SystemConfig>("hw/testdata/node16.yaml", system_schema(), sets);
}

TEST_CASE("estimate: the compact path sums to the per-op path") {
  SystemConfig sys = node16();
  struct Case {
    const char* model = nullptr;
    Mapping map;
    Workload w;
  };
  const Case cases[] = {
      {"deepseek-r1", {.attn_dp = 16, .ep = 16}, {Phase::decode, 12, 1, 8192}},
      {"gpt-oss-120b", {.tp = 2, .attn_dp = 2, .ep = 4, .pp = 2}, {Phase::decode, 9, 1, 3000}},
      {"llama-3.1-70b", {.tp = 8}, {Phase::prefill, 2, 2048, 0}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.model);
    ModelSpec m = load_hf_config(std::string("workloads/models/") + c.model + ".json");
    Precision p{Dtype::fp8, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::fp8};
    Estimate full = estimate({sys, m, p, c.map, c.w, nullptr, true, {}});
    Estimate fast = estimate({sys, m, p, c.map, c.w, nullptr, false, {}});
    CHECK(fast.step_time.value() == doctest::Approx(full.step_time.value()).epsilon(1e-12));
    for (Resource r : kResources)
      CHECK(fast.breakdown[r].value() == doctest::Approx(full.breakdown[r].value()).epsilon(1e-12));
    CHECK(fast.stages[0].ops.empty());
  }
}

TEST_CASE("estimate: a memory-bound decode streams its bytes at the sustained bandwidth") {
  // With no latencies or launch costs and a single chip, each op of a batch-1
  // decode is memory-bound, so the step is (all bytes moved) / (4 TB/s * 1).
  SystemConfig sys = node16({"chip.hbm.latency=0 s", "chip.compute.launch_overhead=0 s"});
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-8b.json");
  Precision p;
  Workload w{Phase::decode, 1, 1, 1024};
  // Every op as its own kernel, so that each op's bytes cross memory.
  EngineConfig unfused;
  unfused.fuse_elementwise = false;
  Estimate e = estimate({sys, m, p, Mapping{}, w, nullptr, true, unfused});
  double bytes = 0;
  for (const Op& op : e.stages[0].ops)
    bytes += (op.weight_bytes + op.activation_bytes + op.kv_read + op.kv_write).value();
  for (const auto& t : e.stages[0].timings) CHECK(t.bound == Resource::memory);
  CHECK(e.step_time.value() == doctest::Approx(bytes / 4e12).epsilon(1e-12));
  // 16 GB of BF16 weights dominate: about 4 ms, 250 tok/s.
  CHECK(e.tokens_per_second_per_user.value() == doctest::Approx(1.0 / e.step_time.value()));
  CHECK(e.bound == Resource::memory);
}

TEST_CASE("compute: tile quantisation at small M") {
  // m=8 rows on 64-row tiles fill 1/8 of the engine; m=65 needs two tiles.
  CHECK(tile_utilization(8, 64) == 0.125);
  CHECK(tile_utilization(65, 64) == doctest::Approx(65.0 / 128));
  CHECK(tile_utilization(128, 64) == 1.0);
}

TEST_CASE("compute: wave quantisation of large GEMMs") {
  ComputeConfig c;
  c.tile_m = 64;
  c.tile_n = 128;
  c.units = 148;
  // 4096 x 7168 output: 64 x 56 = 3,584 tiles in ceil(3584/148) = 25 waves of
  // 148: the last wave runs 32 tiles on 148 units, 3584 / 3700 busy.
  CHECK(wave_utilization(c, 4096, 7168, 1) == doctest::Approx(3584.0 / 3700));
  // A skinny decode GEMM (one row, 12 tiles) splits K across the machine.
  CHECK(wave_utilization(c, 1, 1536, 1) == 1.0);
  // Without a unit count there is no wave model.
  c.units.reset();
  CHECK(wave_utilization(c, 4096, 7168, 1) == 1.0);
}

TEST_CASE("collectives: closed forms") {
  LinkConfig link;
  link.bandwidth = BytesPerSecond(1e12);
  link.latency = Seconds(1e-6);
  FabricConfig fabric;
  fabric.collective_overhead = Seconds(5e-6);
  Collective c{CollectiveKind::all_reduce, CollectiveGroup::tp, 8, Bytes(8e6)};
  // Ring: 2*7 hops of 1 us + 2*7/8 * 8 MB / 1 TB/s = 14 us + 14 us, plus 5 us.
  CHECK(collective_time(c, link, fabric).total().value() == doctest::Approx(33e-6));
  // In the switch: 2 hops + one pass of the buffer: 2 + 8 + 5 us.
  fabric.all_reduce = AllReduceAlgorithm::in_switch;
  CHECK(collective_time(c, link, fabric).total().value() == doctest::Approx(15e-6));
  // All-to-all of 8 MB sent by each: 7/8 leaves the device: 1 + 7 + 5 us.
  c.kind = CollectiveKind::all_to_all;
  CHECK(collective_time(c, link, fabric).total().value() == doctest::Approx(13e-6));
}

TEST_CASE("estimate: capacity shortfall is reported") {
  SystemConfig sys = node16();
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-405b.json");
  Estimate e = estimate({sys, m, Precision{}, Mapping{.tp = 8}, {Phase::decode, 1, 1, 1000}, nullptr, true, {}});
  // 405.9B BF16 weights over 8 chips = 101 GB each, above 100 GB.
  CHECK(!e.fits);
  CHECK(e.footprint.weights.value() == doctest::Approx(101.5e9).epsilon(0.01));
}

// Llama-3.1-8B over 4 pipeline stages of the round-number fixture: 32 layers,
// 8 per stage; stage 3 also holds the LM head (128,256 x 4,096 BF16 = 1.05 GB
// besides the layers' 3.5 GB), so it is the slowest, and the stages differ.
Estimate pipelined(std::int64_t batch, std::int64_t context) {
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-8b.json");
  return estimate({node16(), m, Precision{}, Mapping{.pp = 4}, {Phase::decode, batch, 1, context}, nullptr, true, {}});
}

Seconds slowest_stage(const Estimate& e) {
  Seconds t;
  for (const auto& s : e.stages) t = std::max(t, s.time);
  return t;
}

TEST_CASE("estimate: every pipeline stage holds the KV cache of the whole batch") {
  // 8 sequences over pp=4 run as 4 micro-batches of 2, but all 8 keep their
  // cache on every stage between passes. Per stage: 8 layers x 8 sequences x
  // 1,024 cached tokens (context 1,023 plus the new one) x 2 (K and V) x
  // 8 KV heads x 128 x 2 bytes (BF16) = 8 x 8 x 1024 x 4096 B = 256 MiB.
  // Counting only one micro-batch (the old accounting) gave 64 MiB.
  Estimate e = pipelined(8, 1023);
  CHECK(e.micro_batches == 4);
  CHECK(e.stages[0].sequences == 2);  // a pass carries one micro-batch
  for (const auto& s : e.stages) CHECK(s.footprint.kv_cache.value() == 256.0 * 1024 * 1024);
  CHECK(e.footprint.kv_cache.value() == 256.0 * 1024 * 1024);
  // The pre-check of the mapping search uses the same figure.
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-8b.json");
  SystemConfig sys = node16();
  const EstimateInput in{sys, m, Precision{}, Mapping{.pp = 4}, {Phase::decode, 8, 1, 1023}, nullptr, false, {}};
  CHECK(stage_footprint(in, step_model(in), 0).kv_cache.value() == 256.0 * 1024 * 1024);
  // The activations stay those of one micro-batch of 2 sequences.
  CHECK(stage_footprint(in, step_model(in), 0).activations ==
        device_footprint(m, Precision{}, Mapping{.pp = 4}, Workload{Phase::decode, 2, 1, 1023}, 0).activations);
}

TEST_CASE("estimate: a pipelined decode with fewer sequences than stages takes one pass per token") {
  // Batch 3 over pp=4: 3 micro-batches of one sequence. A user's next token
  // needs its whole pass T (the sum of the stage times here), and each stage
  // serves 3 micro-batches per round (3 x its time): the token time is
  // max(T, 3 x slowest stage). The stages are about T/4 each (the last one
  // more, for its LM head), so T wins. The old rule, max(T, pp x slowest),
  // charged a fourth micro-batch that does not exist and exceeded T.
  Estimate e = pipelined(3, 1023);
  CHECK(e.micro_batches == 3);
  Seconds pass;
  for (const auto& s : e.stages) pass += s.time;
  CHECK(e.pass_time.value() == doctest::Approx(pass.value()).epsilon(1e-12));
  CHECK(3 * slowest_stage(e).value() < pass.value());
  CHECK(4 * slowest_stage(e).value() > pass.value());  // what the old rule took
  CHECK(e.step_time.value() == doctest::Approx(pass.value()).epsilon(1e-12));
  // The breakdown of the pass then adds up to the token time.
  CHECK(e.breakdown.total().value() == doctest::Approx(e.step_time.value()).epsilon(1e-9));
  CHECK(e.tokens_per_second_per_user.value() == doctest::Approx(1.0 / pass.value()).epsilon(1e-12));
  CHECK(e.tokens_per_second_per_replica.value() == doctest::Approx(3.0 / pass.value()).epsilon(1e-12));
}

TEST_CASE("estimate: a full pipeline is paced by its slowest stage serving every micro-batch") {
  // Batch 8 over pp=4: 4 micro-batches of 2. The last stage, serving all 4
  // once per round, takes longer than one micro-batch's pass, so a user's
  // token comes every 4 x slowest stage and the replica makes 8 per round.
  Estimate e = pipelined(8, 1023);
  CHECK(4 * slowest_stage(e).value() > e.pass_time.value());
  CHECK(e.step_time.value() == doctest::Approx(4 * slowest_stage(e).value()).epsilon(1e-12));
  CHECK(e.tokens_per_second_per_replica.value() == doctest::Approx(8.0 / e.step_time.value()).epsilon(1e-12));
}

}  // namespace
}  // namespace tokenfab

namespace tokenfab {
namespace {

TEST_CASE("estimate: deployment terms, each derived from the bound") {
  // One chip, no latencies or launches: a Llama-3.1-8B batch-1 decode is
  // memory-bound in every kernel (see the test above), so kernel efficiency
  // e of GEMMs stretches the GEMM memory time by 1/e and nothing else.
  SystemConfig sys = node16({"chip.hbm.latency=0 s", "chip.compute.launch_overhead=0 s"});
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-8b.json");
  const Workload w{Phase::decode, 4, 1, 1024};
  EngineConfig bound_engine;
  const Estimate bound = estimate({sys, m, Precision{}, Mapping{}, w, nullptr, true, bound_engine});
  double gemm = 0;  // the bound's time in GEMM kernels
  for (std::size_t i = 0; i < bound.stages[0].ops.size(); ++i)
    if (bound.stages[0].ops[i].kind == OpKind::gemm) gemm += bound.stages[0].timings[i].time.value();

  SUBCASE("memory-bound GEMMs at half the bandwidth take twice as long") {
    EngineConfig e;
    e.kernel_efficiency.gemm = 0.5;
    const Estimate d = estimate({sys, m, Precision{}, Mapping{}, w, nullptr, true, e});
    CHECK(d.step_time.value() == doctest::Approx(bound.step_time.value() + gemm).epsilon(1e-12));
  }
  SUBCASE("each kernel and each collective pays the engine's own overhead") {
    EngineConfig e;
    e.kernel_overhead = Seconds(3e-6);
    e.collective_overhead = Seconds(7e-6);
    const Estimate d = estimate({sys, m, Precision{}, Mapping{}, w, nullptr, true, e});
    double kernels = 0, collectives = 0;  // ops that launch: not fused away
    for (const Op& op : bound.stages[0].ops) {
      if (fused_away(e, op.kind)) continue;
      (op.collective ? collectives : kernels) += 1;
    }
    CHECK(kernels > 0);
    CHECK(d.step_time.value() ==
          doctest::Approx(bound.step_time.value() + 3e-6 * kernels + 7e-6 * collectives).epsilon(1e-12));
    CHECK(d.breakdown[Resource::launch].value() ==
          doctest::Approx(bound.breakdown[Resource::launch].value() + 3e-6 * kernels).epsilon(1e-12));
  }
  SUBCASE("host time per step and per sequence follows the pass") {
    EngineConfig e;
    e.step_overhead = Seconds(2e-3);
    e.sequence_overhead = Seconds(1e-4);  // 2 ms + 4 x 0.1 ms = 2.4 ms
    const Estimate d = estimate({sys, m, Precision{}, Mapping{}, w, nullptr, true, e});
    CHECK(d.step_time.value() == doctest::Approx(bound.step_time.value() + 2.4e-3).epsilon(1e-12));
    CHECK(d.breakdown[Resource::host].value() == doctest::Approx(2.4e-3));
    CHECK(d.breakdown.total().value() == doctest::Approx(d.step_time.value()).epsilon(1e-12));
    // Over 4 attention data-parallel ranks each runs its own host loop beside
    // the others: 1 sequence each, 2 ms + 0.1 ms.
    const Estimate ranks = estimate({sys, m, Precision{}, Mapping{.attn_dp = 4}, w, nullptr, true, e});
    CHECK(ranks.breakdown[Resource::host].value() == doctest::Approx(2.1e-3));
  }
  SUBCASE("speculative decoding verifies the drafts and gains the accepted tokens") {
    EngineConfig e;
    e.speculative = {1, 0.5};
    // Llama-3.1-8B has no draft module: nothing changes.
    const Estimate plain = estimate({sys, m, Precision{}, Mapping{}, w, nullptr, true, e});
    CHECK(plain.step_time.value() == doctest::Approx(bound.step_time.value()).epsilon(1e-12));
    // With one (as DeepSeek's MTP module): two tokens per sequence verified
    // through the 32 layers plus the draft layer (a 33-layer model), 1.5 gained.
    ModelSpec mtp = m;
    mtp.mtp_layers = 1;
    const Estimate d = estimate({sys, mtp, Precision{}, Mapping{}, w, nullptr, true, e});
    ModelSpec longer = m;
    longer.layers += 1;
    longer.layer_specs.push_back(m.layer_specs.back());
    const Estimate verify =
        estimate({sys, longer, Precision{}, Mapping{}, {Phase::decode, 4, 2, 1024}, nullptr, true, {}});
    CHECK(d.step_time.value() == doctest::Approx(verify.step_time.value()).epsilon(1e-12));
    CHECK(d.tokens_per_second_per_user.value() == doctest::Approx(1.5 / d.step_time.value()).epsilon(1e-12));
    CHECK(d.tokens_per_second_per_replica.value() == doctest::Approx(6.0 / d.step_time.value()).epsilon(1e-12));
  }
}

TEST_CASE("estimate: prefill attention runs at the engine's share of the compute rate, nothing else does") {
  // A 2,048-token prompt of Llama-3.1-8B on one chip: each layer's attention
  // over the prompt is an op of its own, marked over_prompt. At a share of
  // 0.25 its arithmetic takes 4x the bound's; every other op's, and every
  // memory time, is the bound's.
  SystemConfig sys = node16({"chip.hbm.latency=0 s", "chip.compute.launch_overhead=0 s"});
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-8b.json");
  const Workload w{Phase::prefill, 1, 2048, 0};
  const Estimate bound = estimate({sys, m, Precision{}, Mapping{}, w, nullptr, true, {}});
  EngineConfig e;
  e.prefill_attention = 0.25;
  const Estimate d = estimate({sys, m, Precision{}, Mapping{}, w, nullptr, true, e});
  int prompt_attention = 0;
  for (std::size_t i = 0; i < bound.stages[0].ops.size(); ++i) {
    const Op& op = bound.stages[0].ops[i];
    const double scale = op.kind == OpKind::attention && op.over_prompt ? 4.0 : 1.0;
    prompt_attention += scale > 1.0 ? 1 : 0;
    CHECK(d.stages[0].timings[i].compute.value() ==
          doctest::Approx(scale * bound.stages[0].timings[i].compute.value()).epsilon(1e-12));
    CHECK(d.stages[0].timings[i].memory.value() ==
          doctest::Approx(bound.stages[0].timings[i].memory.value()).epsilon(1e-12));
  }
  CHECK(prompt_attention == m.layers);
  CHECK(d.step_time.value() > bound.step_time.value());
  // A decode step has no attention over a prompt: the share changes nothing.
  const Workload decode{Phase::decode, 4, 1, 1024};
  CHECK(estimate({sys, m, Precision{}, Mapping{}, decode, nullptr, true, e}).step_time.value() ==
        doctest::Approx(estimate({sys, m, Precision{}, Mapping{}, decode, nullptr, true, {}}).step_time.value())
            .epsilon(1e-12));
}

}  // namespace
}  // namespace tokenfab
