// Generates the operator trace of one step for every device of a replica.
//
//   Trace t = generate_trace(model, precision, parse_mapping("attn_dp=72,ep=72", ...),
//                            Workload{Phase::decode, 64, 1, 8192});
//
// Modelling choices, each the common practice of current serving engines
// (vLLM, SGLang, TensorRT-LLM):
// - MLA runs in absorbed form for decode (attention over the 576-wide latent,
//   W_UK/W_UV applied per head) and in expanded form for prefill.
// - Under attention-DP the sequences split over attn_dp ranks; MoE layers
//   dispatch tokens to experts with an all-to-all and combine with another
//   (dispatch in the activation format, combine in BF16). Without attention-DP
//   tokens are replicated over the group and one all-reduce combines.
// - Routing is uniform: a device holding E_local experts receives
//   tokens*top_k*E_local/E expert rows in expectation and touches
//   E_local*(1-(1-k/E)^tokens) distinct experts on average, whose weights it
//   must read; expert rank 0 is timed as the busiest rank, which touches the
//   expected maximum over the ranks (touched_experts). If
//   `mapping.expert_imbalance` makes expert rank 0 hot, it also gets
//   that many times its rows (and sends them back in the combine), over the
//   same weights, and the other ranks proportionally fewer (expert_load).
// - q_a/kv_a projections of MLA are replicated over tensor-parallel ranks;
//   norms and RoPE cost a few FLOPs per element (constants in trace_gen.cc).
#pragma once

#include "workloads/batch.h"
#include "workloads/model.h"
#include "workloads/op.h"

namespace tokenfab {

// All devices of replica 0 (other replicas are identical).
Trace generate_trace(const ModelSpec& model, const Precision& precision, const Mapping& mapping,
                     const Workload& workload);

// One device, by index within the replica.
DeviceTrace generate_device_trace(const ModelSpec& model, const Precision& precision, const Mapping& mapping,
                                  const Workload& workload, int device);
// One device whose attention rank computes `load`, in a step that sends
// `stage_tokens` new tokens through the stage's experts (a placed Batch).
DeviceTrace generate_device_trace(const ModelSpec& model, const Precision& precision, const Mapping& mapping,
                                  const RankLoad& load, std::int64_t stage_tokens, int device);

// The same ops with identical layers stored once: a layer's ops depend only
// on whether it is MoE and on its attention window, so a 61-layer DeepSeek
// stage holds two groups (3 dense, 58 MoE). For sweeps that need sums, not
// per-layer records.
struct LayerGroup {
  std::int64_t first_layer = 0;
  std::int64_t count = 0;  // layers with these ops
  std::vector<Op> ops;     // labelled with first_layer
};
struct CompactDeviceTrace {
  DeviceTrace device;  // coordinates and sequences; ops empty
  std::vector<Op> head;
  std::vector<LayerGroup> groups;
  std::vector<Op> tail;
};
CompactDeviceTrace generate_compact_device_trace(const ModelSpec& model, const Precision& precision,
                                                 const Mapping& mapping, const Workload& workload, int device);
CompactDeviceTrace generate_compact_device_trace(const ModelSpec& model, const Precision& precision,
                                                 const Mapping& mapping, const RankLoad& load,
                                                 std::int64_t stage_tokens, int device);

// Layers [first, last) that pipeline stage `stage` runs.
std::pair<std::int64_t, std::int64_t> stage_layers(const ModelSpec& model, int pp, int stage);

// Sequences served by attention-DP rank `rank`.
std::int64_t sequences_of_rank(std::int64_t batch, int attn_dp, int rank);

}  // namespace tokenfab
