// A serving deployment (configs/deployments/*.yaml): a model served from a
// pod's pools in one of three styles, read, checked and built for the
// serving simulation (`tokenfab serve <deployment>`).
//
//   style: prefill_decode        # colocated | prefill_decode | attention_ffn
//   pod: {base: ../pods/vr_nvl72_lpx_serving.yaml}
//   model: ../../workloads/models/deepseek-r1.json
//   precision: {weights: fp8, ...}
//   engine: {base: ../engines/deployed.yaml}
//   prefill: {pool: vr_prefill, mapping: {tp: 8, ep: 8}, replicas: 9}
//   decode: {pool: lpx, mapping: {tp: 128, ep: 128, pp: 16}, replicas: 1}
//
// colocated       `colocated:` replicas on one pool do prefill and decode
// prefill_decode  `prefill:` replicas give each prompt's first token, its KV
//                 cache crosses the pod's interconnect (serving/disaggregated.h)
//                 and `decode:` replicas (GPUs or LPUs) generate the rest
// attention_ffn   as prefill_decode, with each decode replica an attention
//                 system of the pod's `attention` pool and the `ffn` pool's
//                 LPUs (decode.ffn_mapping) sharing its steps
//                 (explore/pod_step_model.h); decode.replicas must be the
//                 attention pool's systems, one replica each
//
// A GPU replica lies within one system of its pool; an LPU pool's systems
// are one chip-to-chip domain (as the pod's FFN pool is). LPU pools run
// their compiled program with no deployment terms (the engine's hardware
// bound); GPU pools run the deployment's engine, or its bound when asked.
// The KV transfer: the pod's crossing overhead and the interconnect's and
// both pools' NICs' latencies per transfer, over a replica's ports.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hw/system/pod_config.h"
#include "serving/disaggregated.h"
#include "serving/engine_config.h"
#include "serving/replica_setup.h"
#include "workloads/model.h"

namespace tokenfab {

enum class DeploymentStyle { colocated, prefill_decode, attention_ffn };
template <>
struct EnumNames<DeploymentStyle> {
  static constexpr std::array<std::pair<DeploymentStyle, std::string_view>, 3> table{
      {{DeploymentStyle::colocated, "colocated"},
       {DeploymentStyle::prefill_decode, "prefill_decode"},
       {DeploymentStyle::attention_ffn, "attention_ffn"}}};
};

// How a replica admits requests into its KV cache (Scheduler::reserve_output).
enum class AdmissionPolicy { max_utilization, guaranteed_no_evict };
template <>
struct EnumNames<AdmissionPolicy> {
  static constexpr std::array<std::pair<AdmissionPolicy, std::string_view>, 2> table{
      {{AdmissionPolicy::max_utilization, "max_utilization"},
       {AdmissionPolicy::guaranteed_no_evict, "guaranteed_no_evict"}}};
};

struct PoolUse {
  std::string pool;  // a pool of the pod, by name
  Mapping mapping;
  int replicas = 1;
  std::optional<std::int64_t> max_batch;  // absent: the engine's, else 256
  std::int64_t token_budget = 8192;
  AdmissionPolicy policy = AdmissionPolicy::max_utilization;
  bool prefill_apart = false;          // Scheduler::prefill_apart
  bool chunked_prefill = true;         // Scheduler::chunked_prefill
  bool overlap = false;                // Scheduler::overlap
  std::optional<Mapping> ffn_mapping;  // attention_ffn's decode: over the ffn pool
};

struct Deployment {
  std::string name;
  DeploymentStyle style = DeploymentStyle::colocated;
  PodConfig pod;
  std::string model;
  Precision precision;
  EngineConfig engine;
  std::optional<PoolUse> colocated, prefill, decode;
  std::int64_t block_tokens = 16;
  // Decodes timed at contexts rounded up to a multiple of this (attention_ffn:
  // the batch's mean context); StepModelConfig::context_bucket.
  std::int64_t context_bucket = 256;
};

struct LoadedDeployment {
  Deployment deployment;
  ModelSpec model;
};

// Throws InputError: an unknown pool, a mapping that does not suit the model
// or does not fit its pool's chips, more replicas than the pool holds, a
// style's section missing or one it does not use given.
LoadedDeployment load_deployment(const std::string& file, const std::vector<std::string>& sets);
// True when `file`'s document (base files resolved) has `style:`.
bool is_deployment(const std::string& file);

// One pool as the simulation runs it.
struct BuiltPool {
  std::string label;  // "prefill", "decode" or "colocated"
  const PoolConfig* pool = nullptr;
  Mapping mapping;
  int replicas = 0, devices = 0;  // devices: all its replicas' (and an attention-FFN pod's LPUs)
  Scheduler scheduler;
  bool lpu = false;                     // an LPU pool
  bool deployed = false;                // its engine keeps deployment terms on its chips (engine_for_chip)
  std::unique_ptr<ReplicaSetup> setup;  // what the step model refers to
  std::unique_ptr<StepModel> steps;
};

class DeploymentRun {
 public:
  // Builds every pool's step model and scheduler. Throws InputError when a
  // pool's memory leaves no room for a KV cache.
  DeploymentRun(const LoadedDeployment& loaded, bool bound);
  // `prefix_block_tokens` > 0 turns on the prefill (or colocated) pool's
  // prefix cache for requests that carry block hashes (Scheduler).
  ServingRun simulate(const RequestLoad& load, Routing routing, std::int64_t prefix_block_tokens = 0) const;
  const std::vector<BuiltPool>& pools() const { return pools_; }
  const KvLink& kv_link() const { return link_; }
  int devices() const;
  // The pool whose KV cache the metrics report: the decode pool, or the colocated one.
  int kv_pool() const { return static_cast<int>(pools_.size()) - 1; }

 private:
  std::vector<BuiltPool> pools_;
  KvLink link_;
};

}  // namespace tokenfab
