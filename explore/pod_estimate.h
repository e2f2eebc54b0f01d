// Attention-FFN disaggregated decode on a pod (hw/system/pod_config.h): the
// attention pool's GPUs keep attention and the KV cache, the FFN pool's LPUs
// hold the FFN and expert weights in SRAM, and every layer crosses the pod's
// interconnect twice (hidden states to the LPUs, the FFN's output back).
//
// One decode step of the batch, each side timed by the analytical estimate
// on its own system and mapping:
//   attention  the attention pool's ops that are not the FFN's (norms,
//              projections, attention, their collectives, embedding, head)
//   ffn        the FFN pool's FFN ops (post-attention norm, dense FFN or
//              router, experts, shared experts and their collectives), all
//              its pipeline stages one after another
//   crossings  2 per layer, crossing_times below
//   own step   attention + ffn + crossings: one batch, the two pools taking
//              turns
//   step       max(own step, occupancy): with S attention systems (the
//              attention pool's `systems`) sharing the FFN pool, while one
//              system's batch is in attention another's is in the FFN's
//              stages; each FFN stage serves every system's batch once a
//              step, so
//                occupancy = S x (ffn + the crossings' time on the NICs
//                            beyond their fixed latency) / FFN stages
//              (the busiest stage taken as the mean); the pod's throughput
//              counts every system's sequences
// A side's memory holds only its own weights (and the KV cache on the GPUs).
//
//   PodEstimate p = estimate_pod({pod, model, precision, attention_map, ffn_map, workload, engine});
#pragma once

#include <optional>

#include "hw/analytical/estimate.h"
#include "hw/system/pod_config.h"

namespace tokenfab {

struct PodInput {
  const PodConfig& pod;
  const ModelSpec& model;
  Precision precision;
  Mapping attention_mapping;  // over the attention pool's system
  Mapping ffn_mapping;        // over the FFN pool: its systems' chips as one
  Workload workload;          // decode
  EngineConfig engine;        // the GPUs' engine; the LPUs' program has no launches
};

struct PodSide {
  Seconds time;
  ResourceTimes breakdown;
  Bytes weights;  // per device, resident
  Bytes footprint;
  Bytes capacity;
  bool fits = true;
};

struct PodEstimate {
  PodSide attention, ffn;
  Seconds crossing;   // one crossing, the mean of a layer's two
  int crossings = 0;  // per step
  int attention_systems = 1;
  Seconds own_step;   // one batch alone
  Seconds occupancy;  // of the busiest FFN stage by every system's batch
  Seconds step;
  TokensPerSecond tokens_per_second_per_user;
  TokensPerSecond tokens_per_second;  // the whole pod
  int chips = 0;                      // both pools
};

PodEstimate estimate_pod(const PodInput& in);

// `e` (whose own step is set) with `systems` attention systems sharing the
// FFN pool, by the rule above: step, speed per user, throughput and chips.
PodEstimate share_ffn_pool(PodEstimate e, const PodInput& in, int systems);

// The pod's operating points for a frontier: the attention mapping's
// tensor-parallel width varied within its replica (tp x attn_dp kept), each
// batch a power of 2 up to `max_batch` per GPU of that replica (a GPU
// system's search allows `max_batch` per replica, and its replicas may be
// one GPU wide), and 1 to `max_systems` attention
// systems (powers of 2) sharing the FFN pool; only points whose two sides
// fit.
struct PodPoint {
  Mapping attention_mapping;
  std::int64_t batch = 0;
  PodEstimate estimate;
};
std::vector<PodPoint> pod_points(const PodInput& in, std::int64_t max_batch, int max_systems);

// A layer's two crossings when every attention device is ready at once.
// Each attention group of tp devices holds `states` (its sequences' hidden
// states, replicated over its ranks after the output projection):
//   forward  each rank sends its 1/tp slice, device g to the FFN stage's
//            NIC g mod NICs: overhead + latency
//            + max(states / tp / an attention port, the busiest NIC's slices / an FFN NIC)
//   back     a NIC sends each group's output once and the switch copies it
//            to the group's ranks (NIC j serves the groups j mod NICs):
//            overhead + latency
//            + max(states / an attention port, the busiest NIC's groups x states / an FFN NIC)
// latency is crossing_latency; a pool without `nic` has a port of the
// interconnect per chip. The SystemC pod (hw/pod/crossing_engine.h) gives
// this at the first layer; after it, the return's order spreads the next
// forward crossing's flows, so they queue less.
struct LayerCrossings {
  Seconds forward, back;
};
LayerCrossings crossing_times(const PodConfig& pod, const Mapping& attention, int ffn_stage_devices, Bytes states);

// The pod's fastest step for one user: the attention side over every
// tensor-parallel width of the GPUs (experts laid out alike, so the mapping
// is valid; the GPUs run none), the FFN side as `in` maps it. Only
// placements whose two sides fit are tried; nullopt when none does.
struct PodCeiling {
  Mapping attention_mapping;
  PodEstimate estimate;
};
std::optional<PodCeiling> pod_ceiling(const PodInput& in);

// The other decoupled style: prefill on the GPU pool, the KV cache sent over
// the interconnect, decode of the whole model on the LPU pool; against the
// GPUs doing both. For one request of `prompt` tokens and `output` new ones,
// decoded in a batch of `batch`:
//   TTFT  = prefill on the GPUs (+ the KV transfer when decoding elsewhere:
//           kv_transfer_time)
//   TPOT  = one decode step at the mean context prompt + output / 2
//   E2E   = TTFT + output x TPOT
struct RequestInput {
  const PodConfig& pod;
  const ModelSpec& model;
  Precision precision;
  Mapping prefill_mapping;     // on the GPUs
  Mapping lpu_decode_mapping;  // the whole model on the LPUs
  Mapping gpu_decode_mapping;  // the whole model on the GPUs
  std::int64_t prompt = 0, output = 0, batch = 1;
};
struct RequestLatency {
  Seconds prefill, kv_transfer, ttft, tpot, e2e;
  Bytes decode_footprint, decode_capacity;  // per chip of the decoding pool
  bool fits = true;
};
struct DisaggregatedEstimate {
  Bytes kv;  // the prompt's KV cache
  RequestLatency pod, gpus;
};
DisaggregatedEstimate estimate_disaggregated(const RequestInput& in);
// The latencies from the three times, by the rule above.
void set_request_times(RequestLatency& r, Seconds prefill, Seconds kv_transfer, Seconds tpot, std::int64_t output);

// The prompt's KV cache from the prefill replica's NICs to the decoding
// LPUs' NICs: overhead + latency + kv / the smaller side's ports together.
Seconds kv_transfer_time(const PodConfig& pod, int prefill_devices, int decode_devices, Bytes kv);

}  // namespace tokenfab
