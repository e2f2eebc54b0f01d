#include "serving/engine_config.h"

namespace tokenfab {
namespace {

const Schema<KernelEfficiency>& kernel_efficiency_schema() {
  static const Schema<KernelEfficiency> schema = [] {
    Schema<KernelEfficiency> s("fractions of the sustained memory bandwidth the engine's kernels reach");
    s.add("gemm", &KernelEfficiency::gemm, "dense GEMMs and GEMVs").default_value(1.0).positive().at_most(1.0);
    s.add("grouped_gemm", &KernelEfficiency::grouped_gemm, "routed-expert (grouped) GEMMs")
        .default_value(1.0)
        .positive()
        .at_most(1.0);
    s.add("attention", &KernelEfficiency::attention, "attention over the KV cache")
        .default_value(1.0)
        .positive()
        .at_most(1.0);
    return s;
  }();
  return schema;
}

const Schema<SpeculativeConfig>& speculative_schema() {
  static const Schema<SpeculativeConfig> schema = [] {
    Schema<SpeculativeConfig> s("speculative decoding (multi-token prediction)");
    s.add("draft_tokens", &SpeculativeConfig::draft_tokens, "drafted tokens verified per sequence and step; 0 = off")
        .default_value(0)
        .at_least(0)
        .at_most(8);
    s.add("acceptance", &SpeculativeConfig::acceptance, "probability a draft is kept when the ones before it were")
        .default_value(0.0)
        .at_least(0.0)
        .at_most(1.0);
    return s;
  }();
  return schema;
}

}  // namespace

double SpeculativeConfig::tokens_per_step() const {
  double tokens = 1.0, kept = 1.0;
  for (int i = 0; i < draft_tokens; ++i) tokens += (kept *= acceptance);
  return tokens;
}

const Schema<EngineConfig>& engine_schema() {
  static const Schema<EngineConfig> schema = [] {
    Schema<EngineConfig> s("serving-engine behaviour");
    s.add("measured_on", &EngineConfig::measured_on,
          "the chips its deployment terms were measured on: gpu (serving frameworks) or lpu (a compiled LPU "
          "deployment); on the other kind a run gets the hardware bound")
        .default_value(EngineChips::gpu);
    s.add("measured_chip", &EngineConfig::measured_chip,
          "the chip's name (configs/chips) the terms were measured on; empty: any chip of measured_on's kind")
        .default_value(std::string());
    s.add("fuse_elementwise", &EngineConfig::fuse_elementwise,
          "norms, RoPE and activations run inside neighbouring kernels: no launch, no extra memory pass")
        .default_value(true);
    s.section("kernel_efficiency", &EngineConfig::kernel_efficiency, kernel_efficiency_schema());
    s.add("kernel_overhead", &EngineConfig::kernel_overhead,
          "time per kernel beyond the chip's launch overhead (helper kernels the trace fuses away, tails); "
          "charged to launch")
        .default_value(Seconds(0))
        .at_least(Seconds(0));
    s.add("collective_overhead", &EngineConfig::collective_overhead,
          "time per collective beyond the fabric's overhead (the communication library's synchronisation); "
          "charged to sync")
        .default_value(Seconds(0))
        .at_least(Seconds(0));
    s.add("all_to_all_overhead", &EngineConfig::all_to_all_overhead,
          "time per expert dispatch or combine (all-to-all) beyond collective_overhead: routing metadata exchange, "
          "token layout; charged to sync")
        .default_value(Seconds(0))
        .at_least(Seconds(0));
    s.add("step_overhead", &EngineConfig::step_overhead,
          "host time per engine step (scheduling, sampling, detokenising); 0 s = hardware bound")
        .default_value(Seconds(0))
        .at_least(Seconds(0));
    s.add("sequence_overhead", &EngineConfig::sequence_overhead, "host time per sequence in a step")
        .default_value(Seconds(0))
        .at_least(Seconds(0));
    s.add("request_overhead", &EngineConfig::request_overhead,
          "per request, outside the engine's steps: the server's HTTP handling, tokenising and routing before the "
          "engine's queue (the serving simulation only)")
        .at_least(Seconds(0))
        .default_value(Seconds(0));
    s.add("prefill_attention", &EngineConfig::prefill_attention,
          "attention over a prompt (compute-bound): the share of the chip's sustained dense rate its kernels reach")
        .default_value(1.0)
        .positive()
        .at_most(1.0);
    s.add("max_batch", &EngineConfig::max_batch, "sequences one replica keeps in flight (the engine's limit)")
        .at_least(std::int64_t{1});
    s.add("memory_fraction", &EngineConfig::memory_fraction,
          "share of device memory the engine fills with weights, KV cache and activations (SGLang "
          "mem_fraction_static, vLLM gpu_memory_utilization); 1 = all of it")
        .default_value(1.0)
        .positive()
        .at_most(1.0);
    s.add("kv_free_fraction", &EngineConfig::kv_free_fraction,
          "share of the memory left after weights and activations that the KV cache takes (TensorRT-LLM "
          "kv_cache_config.free_gpu_memory_fraction); 1 = all of it")
        .default_value(1.0)
        .positive()
        .at_most(1.0);
    s.section("speculative", &EngineConfig::speculative, speculative_schema());
    s.add("expert_imbalance", &EngineConfig::expert_imbalance,
          "hottest expert-parallel rank's routed tokens over the mean; 1 = uniform routing. DeepSeek-R1 at EP 32: "
          "2.56 without EPLB, 1.11 with it (TensorRT-LLM tech blog 4, table 1)")
        .default_value(1.0)
        .at_least(1.0);
    return s;
  }();
  return schema;
}

bool fused_away(const EngineConfig& engine, OpKind kind) {
  return engine.fuse_elementwise && (kind == OpKind::norm || kind == OpKind::rope || kind == OpKind::activation);
}

EngineConfig hardware_bound(const EngineConfig& engine) {
  EngineConfig bound;
  bound.measured_on = engine.measured_on;
  bound.measured_chip = engine.measured_chip;
  bound.fuse_elementwise = engine.fuse_elementwise;
  return bound;
}

bool measured_for(const EngineConfig& engine, bool lpu, const std::string& chip) {
  return (engine.measured_on == EngineChips::lpu) == lpu &&
         (engine.measured_chip.empty() || engine.measured_chip == chip);
}

EngineConfig engine_for_chip(const EngineConfig& engine, bool lpu, const std::string& chip) {
  return measured_for(engine, lpu, chip) ? engine : hardware_bound(engine);
}

bool has_deployment_terms(const EngineConfig& e) {
  const KernelEfficiency& k = e.kernel_efficiency;
  return k.gemm != 1.0 || k.grouped_gemm != 1.0 || k.attention != 1.0 || e.kernel_overhead.value() > 0 ||
         e.collective_overhead.value() > 0 || e.all_to_all_overhead.value() > 0 || e.step_overhead.value() > 0 ||
         e.sequence_overhead.value() > 0 || e.max_batch || e.memory_fraction != 1.0 || e.kv_free_fraction != 1.0 ||
         e.speculative.draft_tokens > 0 || e.expert_imbalance != 1.0 || e.request_overhead.value() > 0 ||
         e.prefill_attention != 1.0;
}

double kernel_efficiency(const EngineConfig& engine, OpKind kind) {
  switch (kind) {
    case OpKind::gemm:
    case OpKind::router:
      return engine.kernel_efficiency.gemm;
    case OpKind::grouped_gemm:
      return engine.kernel_efficiency.grouped_gemm;
    case OpKind::attention:
      return engine.kernel_efficiency.attention;
    default:
      return 1.0;
  }
}

double compute_efficiency(const EngineConfig& engine, const Op& op) {
  return op.kind == OpKind::attention && op.over_prompt ? engine.prefill_attention : 1.0;
}

Seconds collective_software(const EngineConfig& engine, CollectiveKind kind) {
  return engine.collective_overhead + (kind == CollectiveKind::all_to_all ? engine.all_to_all_overhead : Seconds(0));
}

int draft_tokens(const EngineConfig& engine, const ModelSpec& model) {
  return model.mtp_layers > 0 ? engine.speculative.draft_tokens : 0;
}

ModelSpec drafting_model(const ModelSpec& model, const EngineConfig& engine) {
  ModelSpec m = model;
  const int drafts = draft_tokens(engine, model);
  if (drafts == 0 || model.layer_specs.empty()) return m;
  m.layers += drafts;
  for (int i = 0; i < drafts; ++i) m.layer_specs.push_back(model.layer_specs.back());
  return m;
}

Bytes usable_memory(const EngineConfig& engine, Bytes capacity) { return capacity * engine.memory_fraction; }

bool fits_memory(const EngineConfig& engine, const Footprint& f, Bytes capacity) {
  return f.weights + f.kv_cache / engine.kv_free_fraction + f.activations <= usable_memory(engine, capacity);
}

Seconds host_time(const EngineConfig& engine, std::int64_t sequences) {
  return engine.step_overhead + engine.sequence_overhead * static_cast<double>(sequences);
}

}  // namespace tokenfab
