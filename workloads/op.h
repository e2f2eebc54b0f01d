// One operator of a layer on one device, and the trace of a whole step.
//
// An Op says what a device must do, not how long it takes: FLOPs, bytes of
// weights, activations and KV cache it moves through memory, and the
// collective it joins (kind, group, payload). Hardware models turn ops into
// time; traces made elsewhere can be read back (trace_io.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/units.h"
#include "workloads/mapping.h"
#include "workloads/precision.h"

namespace tokenfab {

enum class OpKind { embedding, norm, gemm, grouped_gemm, rope, attention, activation, router, collective, sampling };
enum class CollectiveKind { all_reduce, all_gather, reduce_scatter, all_to_all, send_recv };
enum class Phase { prefill, decode };
// Which devices take part in a collective: the tp devices of an attention
// group, every device of the pipeline stage (expert parallelism), a device
// and its peer one stage on, or (only in a pod's simulation, never in a
// trace file) the devices of the pod's other pool across its interconnect.
enum class CollectiveGroup { tp, ep, pp, pod };

template <>
struct EnumNames<OpKind> {
  static constexpr std::array<std::pair<OpKind, std::string_view>, 10> table{{{OpKind::embedding, "embedding"},
                                                                              {OpKind::norm, "norm"},
                                                                              {OpKind::gemm, "gemm"},
                                                                              {OpKind::grouped_gemm, "grouped_gemm"},
                                                                              {OpKind::rope, "rope"},
                                                                              {OpKind::attention, "attention"},
                                                                              {OpKind::activation, "activation"},
                                                                              {OpKind::router, "router"},
                                                                              {OpKind::collective, "collective"},
                                                                              {OpKind::sampling, "sampling"}}};
};
template <>
struct EnumNames<CollectiveKind> {
  static constexpr std::array<std::pair<CollectiveKind, std::string_view>, 5> table{
      {{CollectiveKind::all_reduce, "all_reduce"},
       {CollectiveKind::all_gather, "all_gather"},
       {CollectiveKind::reduce_scatter, "reduce_scatter"},
       {CollectiveKind::all_to_all, "all_to_all"},
       {CollectiveKind::send_recv, "send_recv"}}};
};
template <>
struct EnumNames<CollectiveGroup> {
  // pod is left out: no trace file names it (trace_check refuses it too).
  static constexpr std::array<std::pair<CollectiveGroup, std::string_view>, 3> table{
      {{CollectiveGroup::tp, "tp"}, {CollectiveGroup::ep, "ep"}, {CollectiveGroup::pp, "pp"}}};
};
template <>
struct EnumNames<Phase> {
  static constexpr std::array<std::pair<Phase, std::string_view>, 2> table{
      {{Phase::prefill, "prefill"}, {Phase::decode, "decode"}}};
};

struct Collective {
  CollectiveKind kind = CollectiveKind::all_reduce;
  CollectiveGroup group = CollectiveGroup::tp;
  int group_size = 1;  // devices in the group
  Bytes bytes;         // this device's payload (its buffer size)
  // All-to-all: this member's share of every member's payload relative to an
  // even split (1: it receives 1/g of each). The hot expert rank's dispatch
  // carries its expert_load; the closed forms ignore it (they time what a
  // member sends), the SystemC flows route by it. Not kept in trace files.
  double inbound_weight = 1.0;
};

struct Op {
  int layer = -1;  // -1 before the first layer (embedding); model.layers after the last (LM head)
  std::string name;
  OpKind kind = OpKind::gemm;
  Dtype dtype = Dtype::bf16;  // input format of the computation
  // GEMMs: `count` products of (m x k) by (k x n); m may be rounded up from
  // an expected row count (expert loads), flops stay exact.
  std::int64_t m = 0, n = 0, k = 0, count = 1;
  Flops flops;
  Bytes weight_bytes;
  Bytes activation_bytes;  // activations read and written
  Bytes kv_read;
  Bytes kv_write;
  // Attention over a prompt's own tokens (prefill): compute-bound, timed at
  // the engine's prefill_attention share of the dense rate. No trace column
  // holds it: a trace read from a file is one phase, and its reader sets it
  // for a prefill trace's attention.
  bool over_prompt = false;
  std::optional<Collective> collective;
};

// What the step is: prefill of `tokens` new tokens per sequence after
// `context` cached ones, or decode of `tokens` (usually 1) per sequence at
// context `context`.
struct Workload {
  Phase phase = Phase::decode;
  std::int64_t batch = 1;    // sequences per replica
  std::int64_t tokens = 1;   // new tokens per sequence in this step
  std::int64_t context = 0;  // tokens already in the KV cache
  bool extrapolate = false;  // a context beyond the model's trained positions was asked for on purpose
};

struct DeviceTrace {
  int device = 0;     // index within the replica: (stage * attn_dp + attn_rank) * tp + tp_rank
  int stage = 0;      // pipeline stage
  int attn_rank = 0;  // attention data-parallel rank
  int tp_rank = 0;
  std::int64_t sequences = 0;  // sequences this device's attention group serves
  std::vector<Op> ops;
};

struct Trace {
  std::string model;
  Workload workload;
  Mapping mapping;
  Precision precision;
  std::vector<DeviceTrace> devices;
};

// Sums over the ops of one device.
struct OpTotals {
  Flops flops;
  Bytes weight_bytes;
  Bytes activation_bytes;
  Bytes kv_read;
  Bytes kv_write;
  Bytes collective_bytes;
  std::int64_t collectives = 0;
  void add(const Op& op);
};
OpTotals totals(const std::vector<Op>& ops);

}  // namespace tokenfab
