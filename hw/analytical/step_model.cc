#include "hw/analytical/step_model.h"

#include <set>

#include "hw/common/device_classes.h"

namespace tokenfab {

AnalyticalStepModel::AnalyticalStepModel(StepModelConfig config) : config_(config) {}

StepResult AnalyticalStepModel::time_step(const Batch& batch) {
  const StepModelConfig& c = config_;
  const StepLoad load = place(batch, c.mapping.attn_dp);
  const std::vector<TraceKey> keys = trace_keys(c.model, c.mapping, load);
  const StepContext ctx{c.system, c.model, c.precision, c.mapping, c.engine};
  PassTiming pass;
  for (int stage = 0; stage < c.mapping.pp; ++stage) {
    // Each distinct trace of the stage once; the slowest device (the first
    // of equals) is the critical one, and the fullest sets the footprint.
    std::set<TraceKey> seen;
    std::optional<StageEstimate> critical;
    Footprint fullest;
    for (int d = stage * c.mapping.stage_devices(); d < (stage + 1) * c.mapping.stage_devices(); ++d) {
      const TraceKey& key = keys[static_cast<std::size_t>(d)];
      if (!seen.insert(key).second) continue;
      const RankLoad& rank = load.ranks[static_cast<std::size_t>(key.rank)];
      StageEstimate s = time_device(ctx, rank, load.stage_tokens, d, c.per_op);
      // The step passes its whole batch at once: the rank's sequences are
      // both the pass and every cache the device holds.
      s.footprint = device_footprint(c.model, c.precision, c.mapping, rank, load.stage_tokens, d);
      if (s.footprint.total() > fullest.total()) fullest = s.footprint;
      if (!critical || s.time > critical->time) critical = std::move(s);
    }
    critical->footprint = fullest;
    const Seconds end = pass.time + critical->time;
    pass.add_stage(std::move(*critical), end);
  }
  return finish_step(std::move(pass), c.system, c.engine, std::ssize(batch.sequences), load.rank_of);
}

StepResult finish_step(PassTiming pass, const SystemConfig& system, const EngineConfig& engine, std::int64_t sequences,
                       std::vector<int> rank_of) {
  const Seconds host = host_time(engine, sequences);
  StepResult r;
  r.time = pass.time + host;
  r.breakdown = pass.breakdown;
  r.breakdown[Resource::host] += host;
  r.bound = r.breakdown.largest();
  r.stages = std::move(pass.stages);
  r.footprint = pass.footprint;
  r.capacity = usable_memory(engine, system.chip.weight_memory().capacity);
  r.fits = fits_memory(engine, r.footprint, system.chip.weight_memory().capacity);
  r.rank_of = std::move(rank_of);
  return r;
}

}  // namespace tokenfab
