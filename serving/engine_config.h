// What the serving software does with the trace, as opposed to what the
// hardware can do. Two kinds of setting:
//
// - Fusion, which every production engine does (TensorRT-LLM, SGLang, vLLM
//   with CUDA graphs): RMSNorm rides in the next GEMM's prologue or the
//   previous all-reduce, RoPE in the attention kernel, the SwiGLU product in
//   the gate/up GEMM's epilogue. A fused op launches no kernel and makes no
//   extra round trip through memory.
// - Deployment terms: what today's software adds on top of the hardware's
//   sustained rates (kernels below those rates, host work per step, the
//   engine's batch limit, speculative decoding, uneven expert routing). Each
//   defaults to off, which gives the hardware bound; configs/engines/ holds
//   the deployed values with their sources (or `status: fitted` and the fit).
//
//   EngineConfig deployed = load_config(..., engine_schema());
//   EngineConfig bound = hardware_bound(deployed);   // same fusion, terms off
#pragma once

#include <cstdint>
#include <optional>

#include "core/schema.h"
#include "core/units.h"
#include "workloads/footprint.h"
#include "workloads/model.h"
#include "workloads/op.h"

namespace tokenfab {

// Fractions of the chip's sustained memory bandwidth that the engine's
// kernels of each kind reach (their arithmetic keeps the chip's sustained
// GEMM rate, itself a measured figure).
struct KernelEfficiency {
  double gemm = 1.0;          // dense GEMMs and GEMVs, the router
  double grouped_gemm = 1.0;  // routed-expert GEMMs, few rows per expert in decode
  double attention = 1.0;     // attention kernels over the KV cache
};

// Speculative decoding (e.g. DeepSeek's multi-token prediction): each step
// verifies `draft_tokens` drafted tokens per sequence besides its own, and a
// draft is kept with probability `acceptance` if all before it were.
struct SpeculativeConfig {
  int draft_tokens = 0;
  double acceptance = 0.0;
  // Tokens a sequence gains per step: 1 + a + a^2 + ... + a^draft_tokens.
  double tokens_per_step() const;
};

// The kind of chip an engine's deployment terms were measured on. A GPU
// serving engine's launches and host steps have no meaning for an LPU's
// compiled program, nor an LPU compiler's for a GPU: a run whose chip is of
// the other kind gets the hardware bound (engine_for_chip).
enum class EngineChips { gpu, lpu };

template <>
struct EnumNames<EngineChips> {
  static constexpr std::array<std::pair<EngineChips, std::string_view>, 2> table{
      {{EngineChips::gpu, "gpu"}, {EngineChips::lpu, "lpu"}}};
};

struct EngineConfig {
  EngineChips measured_on = EngineChips::gpu;
  // The chip (its configs/chips `name`) the terms were measured on; empty:
  // any chip of the kind. Groq v1's 2024 term says nothing of LP30 software.
  std::string measured_chip;
  bool fuse_elementwise = true;  // norms, RoPE and activations ride in neighbouring kernels
  KernelEfficiency kernel_efficiency;
  Seconds kernel_overhead;      // per kernel, beyond the chip's launch: the engine's unfused helper kernels and tails
  Seconds collective_overhead;  // per collective, beyond the fabric's: the library's own synchronisation
  Seconds all_to_all_overhead;  // per expert dispatch or combine, beyond collective_overhead: routing metadata, layout
  Seconds step_overhead;        // host work per engine step: scheduling, sampling, detokenising
  Seconds sequence_overhead;    // host work per sequence in the step
  // Per request, outside the steps: the server's front end (HTTP, tokenising,
  // routing) before the request reaches the engine's queue. The serving
  // simulation delays each arrival by it; a step model never sees it.
  Seconds request_overhead;
  // Attention over a prompt (prefill, compute-bound): the share of the
  // chip's sustained dense rate the engine's prefill attention kernels reach.
  double prefill_attention = 1.0;
  std::optional<std::int64_t> max_batch;  // sequences one replica's engine keeps in flight
  // Device memory the engine fills with weights, KV cache and activations
  // (the rest holds its CUDA context, graphs and workspaces), and the share
  // of what those leave that its KV pool takes: SGLang's mem_fraction_static
  // is the first, TensorRT-LLM's free_gpu_memory_fraction the second.
  double memory_fraction = 1.0;
  double kv_free_fraction = 1.0;
  SpeculativeConfig speculative;
  // The hottest expert-parallel rank's routed rows over what uniform routing
  // gives it (1: uniform, off). Trace generation reads it from
  // Mapping::expert_imbalance, set from here where a run meets its mapping.
  double expert_imbalance = 1.0;
};

const Schema<EngineConfig>& engine_schema();

// True when the engine runs `kind` inside a neighbouring kernel.
bool fused_away(const EngineConfig& engine, OpKind kind);

// The engine with every deployment term off (fusion kept): what the hardware allows.
EngineConfig hardware_bound(const EngineConfig& engine);

// True when any deployment term is on.
bool has_deployment_terms(const EngineConfig& engine);

// `engine` on the chip named `chip`, an LPU (`lpu`) or a GPU: itself where
// it was measured on that kind of chip (and on that chip, if it names one),
// else its hardware bound.
EngineConfig engine_for_chip(const EngineConfig& engine, bool lpu, const std::string& chip);
// True when engine_for_chip keeps `engine`'s terms on that chip.
bool measured_for(const EngineConfig& engine, bool lpu, const std::string& chip);

// The fraction of the sustained memory bandwidth an op of `kind` reaches on this engine
// (1 for ops that are not kernels of a listed kind).
double kernel_efficiency(const EngineConfig& engine, OpKind kind);
// The share of the chip's sustained compute rate `op` reaches on this engine
// (prefill attention's; 1 for every other op).
double compute_efficiency(const EngineConfig& engine, const Op& op);

// The engine's own synchronisation time for a collective of `kind`.
Seconds collective_software(const EngineConfig& engine, CollectiveKind kind);

// Draft tokens per sequence and step: the engine's, on a model with a draft
// (multi-token-prediction) module; 0 on one without.
int draft_tokens(const EngineConfig& engine, const ModelSpec& model);

// The model a step runs through: with drafts, one more layer like its last
// per draft token (each draft runs the MTP module, a transformer layer, once;
// its weights are counted once per draft, exact for one draft). `model`
// itself when there are none.
ModelSpec drafting_model(const ModelSpec& model, const EngineConfig& engine);

// The memory the engine lets a device fill (memory_fraction of `capacity`).
Bytes usable_memory(const EngineConfig& engine, Bytes capacity);

// True when `f` fits the engine's share of `capacity`: weights and
// activations in usable_memory, and the KV cache within kv_free_fraction of
// what they leave.
bool fits_memory(const EngineConfig& engine, const Footprint& f, Bytes capacity);

// Host time of one step over `sequences` sequences: those of the busiest
// attention data-parallel rank, each rank's host work running beside the
// others'.
Seconds host_time(const EngineConfig& engine, std::int64_t sequences);

}  // namespace tokenfab
