#include "serving/engine_config.h"

#include <doctest/doctest.h>

namespace tokenfab {

TEST_CASE("speculative decoding gains 1 + a + a^2 + ... tokens per step") {
  SpeculativeConfig s;
  CHECK(s.tokens_per_step() == 1.0);  // off
  s.draft_tokens = 1;
  s.acceptance = 0.8;
  CHECK(s.tokens_per_step() == doctest::Approx(1.8));
  s.draft_tokens = 3;  // 1 + 0.8 + 0.64 + 0.512
  CHECK(s.tokens_per_step() == doctest::Approx(2.952));
}

TEST_CASE("the hardware bound keeps fusion and turns every deployment term off") {
  EngineConfig e;
  CHECK_FALSE(has_deployment_terms(e));
  e.fuse_elementwise = false;
  e.kernel_efficiency.grouped_gemm = 0.5;
  e.step_overhead = Seconds(1e-3);
  e.sequence_overhead = Seconds(1e-5);
  e.speculative = {1, 0.7};
  e.max_batch = 64;
  CHECK(has_deployment_terms(e));
  const EngineConfig b = hardware_bound(e);
  CHECK_FALSE(has_deployment_terms(b));
  CHECK_FALSE(b.fuse_elementwise);
  // 1 ms + 10 us x 30 sequences = 1.3 ms
  CHECK(host_time(e, 30).value() == doctest::Approx(1.3e-3));
  CHECK(kernel_efficiency(e, OpKind::grouped_gemm) == 0.5);
  CHECK(kernel_efficiency(e, OpKind::gemm) == 1.0);
  CHECK(kernel_efficiency(e, OpKind::collective) == 1.0);
  // Every collective pays collective_overhead; expert dispatch and combine also all_to_all_overhead.
  e.collective_overhead = Seconds(2e-6);
  e.all_to_all_overhead = Seconds(30e-6);
  CHECK(has_deployment_terms(hardware_bound(e)) == false);
  CHECK(collective_software(e, CollectiveKind::all_reduce).value() == doctest::Approx(2e-6));
  CHECK(collective_software(e, CollectiveKind::all_to_all).value() == doctest::Approx(32e-6));
}

TEST_CASE(
    "the engine's memory share: weights and KV pool within memory_fraction, KV within kv_free_fraction of the rest") {
  const Bytes hbm(180e9);
  // 86 GB of weights, 1 GB of activations, 60 GB of KV cache: 147 GB.
  const Footprint f{Bytes(86e9), Bytes(60e9), Bytes(1e9)};
  EngineConfig e;
  CHECK(fits_memory(e, f, hbm));  // the bound: all 180 GB
  CHECK(usable_memory(e, hbm).value() == doctest::Approx(180e9));
  // SGLang at --mem-fraction-static 0.82: 0.82 x 180 = 147.6 GB holds 147 GB, not 148.
  e.memory_fraction = 0.82;
  CHECK(has_deployment_terms(e));
  CHECK(usable_memory(e, hbm).value() == doctest::Approx(147.6e9));
  CHECK(fits_memory(e, f, hbm));
  CHECK_FALSE(fits_memory(e, {Bytes(87e9), Bytes(60e9), Bytes(1e9)}, hbm));
  // TensorRT-LLM at free_gpu_memory_fraction 0.8: 180 - 86 - 1 = 93 GB free,
  // 74.4 GB of it for the KV cache: 74 GB fits, 75 GB does not.
  e = EngineConfig{};
  e.kv_free_fraction = 0.8;
  CHECK(fits_memory(e, {Bytes(86e9), Bytes(74e9), Bytes(1e9)}, hbm));
  CHECK_FALSE(fits_memory(e, {Bytes(86e9), Bytes(75e9), Bytes(1e9)}, hbm));
  CHECK_FALSE(has_deployment_terms(hardware_bound(e)));
}

TEST_CASE("an engine's terms apply only on the kind of chip they were measured on") {
  EngineConfig gpu;
  gpu.kernel_overhead = Seconds(5e-6);
  EngineConfig lpu = gpu;
  lpu.measured_on = EngineChips::lpu;
  // Each kind keeps its terms on its own chips and gives the bound on the other's.
  CHECK(has_deployment_terms(engine_for_chip(gpu, false, "B200")));
  CHECK_FALSE(has_deployment_terms(engine_for_chip(gpu, true, "Groq LPU v1")));
  CHECK(has_deployment_terms(engine_for_chip(lpu, true, "Groq LPU v1")));
  CHECK_FALSE(has_deployment_terms(engine_for_chip(lpu, false, "B200")));
  CHECK(engine_for_chip(lpu, true, "Groq LPU v1").kernel_overhead.value() == doctest::Approx(5e-6));
  // An engine naming its chip keeps its terms on that chip only: Groq v1's
  // 2024 software says nothing of an LP30's.
  lpu.measured_chip = "Groq LPU v1";
  CHECK(has_deployment_terms(engine_for_chip(lpu, true, "Groq LPU v1")));
  CHECK_FALSE(has_deployment_terms(engine_for_chip(lpu, true, "Groq 3 LP30")));
  // The bound remembers the kind, so a bound LPU engine stays an LPU's.
  CHECK(hardware_bound(lpu).measured_on == EngineChips::lpu);
}

TEST_CASE("drafts run only on a model with a draft module, one more layer like its last per draft") {
  ModelSpec m;
  m.layers = 3;
  m.layer_specs = {{false, 0}, {true, 0}, {true, 128}};
  EngineConfig e;
  e.speculative = {2, 0.5};
  // No MTP module: no drafts, the model unchanged.
  CHECK(draft_tokens(e, m) == 0);
  CHECK(drafting_model(m, e).layers == 3);
  // One MTP module, two drafts: two more layers shaped like the last (MoE, window 128).
  m.mtp_layers = 1;
  CHECK(draft_tokens(e, m) == 2);
  const ModelSpec d = drafting_model(m, e);
  REQUIRE(d.layers == 5);
  REQUIRE(d.layer_specs.size() == 5);
  CHECK(d.layer_specs[3].moe);
  CHECK(d.layer_specs[4].window == 128);
  CHECK(d.mtp_layers == 1);
}

}  // namespace tokenfab
