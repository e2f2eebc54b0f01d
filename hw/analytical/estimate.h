// Level-1 model: a roofline with latency terms, microseconds per configuration.
//
// Each op of the busiest device of each pipeline stage takes
//   max(compute time, memory time) + launch overhead          (kernels)
//   collective overhead + alpha terms + beta terms             (collectives)
// and ops run one after another, so a stage's time is their sum and the
// breakdown by resource adds up to it exactly. Overlap of communication with
// compute and contention between flows are the SystemC model's business; this
// estimate stays as its oracle in uncontended cases.
//
//   Estimate e = estimate({system, model, precision, mapping, workload});
//   e.tokens_per_second_per_user, e.bound, e.breakdown[Resource::scale_up]
#pragma once

#include <array>
#include <string>
#include <vector>

#include "hw/analytical/engine_config.h"
#include "hw/link/collective_timing.h"
#include "hw/system/system_config.h"
#include "workloads/footprint.h"
#include "workloads/model.h"
#include "workloads/op.h"

namespace tokenfab {

// `launch`: kernel launch and inter-kernel gaps; `sync`: the fixed software
// and synchronisation cost of each collective.
enum class Resource { memory, compute, scale_up, scale_out, launch, sync };
inline constexpr std::array kResources = {Resource::memory,    Resource::compute, Resource::scale_up,
                                          Resource::scale_out, Resource::launch,  Resource::sync};

// Time charged to each resource; adds up to the time of what it describes.
struct ResourceTimes {
  std::array<Seconds, kResources.size()> by{};
  Seconds& operator[](Resource r) { return by[static_cast<std::size_t>(r)]; }
  Seconds operator[](Resource r) const { return by[static_cast<std::size_t>(r)]; }
  Seconds total() const;
  Resource largest() const;
  ResourceTimes& operator+=(const ResourceTimes& o);
};

// Name of a resource on this system: "hbm"/"sram", "compute", the scale-up
// and scale-out link kinds ("nvlink", "ethernet"), "launch", "sync".
std::string resource_key(Resource r, const SystemConfig& system);

struct OpTiming {
  Seconds start;
  Seconds time;
  Seconds compute;  // engine time alone
  Seconds memory;   // memory time alone
  Resource bound = Resource::compute;
  ResourceTimes charged;
};

struct StageEstimate {
  int stage = 0;
  int device = 0;  // the busiest device of the stage, whose ops are timed
  std::int64_t sequences = 0;
  std::vector<Op> ops;
  std::vector<OpTiming> timings;  // one per op
  Seconds time;
  ResourceTimes by_resource;
  Footprint footprint;
};

struct EstimateInput {
  const SystemConfig& system;
  const ModelSpec& model;
  Precision precision;
  Mapping mapping;
  Workload workload;
  const Trace* trace = nullptr;  // time this trace (made elsewhere) instead of generating one
  // false: sums only, identical layers timed once (fast path for sweeps);
  // stages then carry no ops or timings.
  bool per_op = true;
  EngineConfig engine;
};

struct Estimate {
  // Decode: time between a user's tokens. Prefill: time to the first token.
  Seconds step_time;
  double tokens_per_second_per_user = 0;
  double tokens_per_second_per_replica = 0;
  double tokens_per_second_per_device = 0;
  double tokens_per_second_per_system = 0;
  double tokens_per_second_per_mw = 0;  // at the system's all-in power per chip
  Resource bound = Resource::memory;
  ResourceTimes breakdown;  // of one pass through all stages
  std::vector<StageEstimate> stages;
  Bytes capacity;       // weight memory per chip
  Footprint footprint;  // the fullest device
  bool fits = true;
};

Estimate estimate(const EstimateInput& in);

// The workload of one pass: a pipelined decode keeps pp micro-batches of
// batch/pp sequences in flight; anything else passes the batch through once.
Workload pass_workload(const EstimateInput& in);

// Fills the step time, throughputs, bound and capacity of `e` from its stages:
// `pass_time` is one pass through all stages, `slowest_stage` the longest
// stage; a pipelined decode keeps pp micro-batches in flight.
void finish_estimate(Estimate& e, const EstimateInput& in, Seconds pass_time, Seconds slowest_stage);

// Which fabric and link a collective of `group` devices crosses.
struct Route {
  const LinkConfig* link = nullptr;
  const FabricConfig* fabric = nullptr;
  Resource resource = Resource::scale_up;
};
// The consecutive devices a collective's members stretch over.
struct DeviceSpan {
  int first = 0;
  int count = 1;
};
// For `device`'s collective: its tp group, its whole stage (ep), or itself and
// its peer one stage on (pp).
DeviceSpan collective_span(const Collective& c, const Mapping& mapping, int device);
// Scale-up when the span sits inside one scale-up domain, scale-out otherwise.
// Throws InputError when it must leave the domain of a system without a
// scale-out fabric.
Route route_for(const SystemConfig& system, DeviceSpan span);

}  // namespace tokenfab
