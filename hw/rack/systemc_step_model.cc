#include "hw/rack/systemc_step_model.h"

#include "hw/common/device_classes.h"
#include "hw/rack/rack.h"
#include "workloads/trace_gen.h"

namespace tokenfab {

SystemCStepModel::SystemCStepModel(StepModelConfig config)
    : config_(config),
      replica_(std::make_unique<ReplicaModule>("replica", config_.system, config_.mapping, config_.engine)) {
  // Every group a collective can span must have a fabric: an input error
  // here, not a SystemC report from inside a process.
  const Mapping& map = config_.mapping;
  for (int d = 0; d < map.replica_devices(); ++d) {
    for (CollectiveGroup g : {CollectiveGroup::tp, CollectiveGroup::ep, CollectiveGroup::pp}) {
      if (g == CollectiveGroup::pp && map.coords(d).stage + 1 == map.pp) continue;
      Collective c;
      c.group = g;
      route_for(config_.system, collective_span(c, map, d));
    }
  }
}

SystemCStepModel::~SystemCStepModel() = default;

StepResult SystemCStepModel::time_step(const Batch& batch) {
  const StepModelConfig& c = config_;
  const Mapping& map = c.mapping;
  const StepLoad load = place(batch, map.attn_dp);
  const std::vector<TraceKey> keys = trace_keys(c.model, map, load);
  const std::vector<int> representative = representatives(map, c.system, keys, true);

  traces_.clear();
  std::vector<const std::vector<Op>*> ops(static_cast<std::size_t>(map.replica_devices()), nullptr);
  std::map<TraceKey, Footprint> footprints;
  for (int d = 0; d < map.replica_devices(); ++d) {
    const TraceKey& key = keys[static_cast<std::size_t>(d)];
    const RankLoad& rank = load.ranks[static_cast<std::size_t>(key.rank)];
    if (!footprints.contains(key)) {
      footprints[key] = device_footprint(c.model, c.precision, map, rank, load.stage_tokens, d);
    }
    if (representative[static_cast<std::size_t>(d)] != d) continue;
    auto it = traces_.find(key);
    if (it == traces_.end()) {
      it = traces_.emplace(key, generate_device_trace(c.model, c.precision, map, rank, load.stage_tokens, d).ops).first;
    }
    ops[static_cast<std::size_t>(d)] = &it->second;
  }

  last_begin_ = replica_->run_step(ops, representative);
  PassTiming pass = collect_pass(*replica_, last_begin_, load, [&](int stage) {
    Footprint fullest;
    for (const auto& [key, f] : footprints) {
      if (key.stage == stage && f.total() > fullest.total()) fullest = f;
    }
    return fullest;
  });
  return finish_step(std::move(pass), c.system, c.engine, std::ssize(batch.sequences), load.rank_of);
}

}  // namespace tokenfab
