#include "hw/analytical/step_model.h"

#include <algorithm>
#include <map>
#include <set>

#include "hw/common/device_classes.h"

namespace tokenfab {

AnalyticalStepModel::AnalyticalStepModel(StepModelConfig config) : config_(config) {}

namespace {

// A batch with its decodes' contexts rounded up to a multiple of `bucket`.
Batch rounded_contexts(const Batch& batch, std::int64_t bucket) {
  Batch out = batch;
  for (Sequence& s : out.sequences) {
    if (s.phase == Phase::decode) s.context = (s.context + bucket - 1) / bucket * bucket;
  }
  return out;
}

std::vector<std::int64_t> load_key(const TraceKey& key, const RankLoad& rank, std::int64_t stage_tokens) {
  std::vector<std::int64_t> out{key.stage, key.experts, key.hot_experts ? 1 : 0, stage_tokens};
  out.reserve(out.size() + 4 * rank.groups.size());
  for (const SequenceGroup& g : rank.groups) {
    out.insert(out.end(), {static_cast<std::int64_t>(g.phase), g.count, g.tokens, g.context});
  }
  return out;
}

// Loads kept at most; past it the oldest run's are dropped all at once.
constexpr std::size_t kTimedLoads = 200000;

}  // namespace

StepResult AnalyticalStepModel::time_step(const Batch& batch) {
  const StepModelConfig& c = config_;
  const StepLoad load =
      place(c.context_bucket > 1 ? rounded_contexts(batch, c.context_bucket) : batch, c.mapping.attn_dp);
  const std::vector<TraceKey> keys = trace_keys(c.model, c.mapping, load);
  const StepContext ctx{c.system, c.model, c.precision, c.mapping, c.engine};
  if (timed_.size() > kTimedLoads) timed_.clear();
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
      std::vector<std::int64_t> memo = c.per_op ? std::vector<std::int64_t>{} : load_key(key, rank, load.stage_tokens);
      auto it = c.per_op ? timed_.end() : timed_.find(memo);
      if (it == timed_.end()) {
        StageEstimate s = time_device(ctx, rank, load.stage_tokens, d, c.per_op);
        // The step passes its whole batch at once: the rank's sequences are
        // both the pass and every cache the device holds.
        Footprint f = device_footprint(c.model, c.precision, c.mapping, rank, load.stage_tokens, d);
        if (c.per_op) {
          s.footprint = f;
          if (f.total() > fullest.total()) fullest = f;
          if (!critical || s.time > critical->time) critical = std::move(s);
          continue;
        }
        it = timed_.emplace(std::move(memo), std::make_pair(std::move(s), f)).first;
      }
      const auto& [timing, footprint] = it->second;
      if (footprint.total() > fullest.total()) fullest = footprint;
      if (!critical || timing.time > critical->time) {
        critical = timing;
        critical->device = d;
      }
    }
    critical->footprint = fullest;
    const Seconds end = pass.time + critical->time;
    pass.add_stage(std::move(*critical), end);
  }
  return finish_step(std::move(pass), c.system, c.engine, std::ssize(batch.sequences), load.rank_of);
}

StepResult finish_step(PassTiming pass, const SystemConfig& system, const EngineConfig& engine, std::int64_t sequences,
                       std::vector<int> rank_of) {
  // Each attention data-parallel rank runs its own scheduler and sampler
  // (SGLang's and TensorRT-LLM's DP attention), side by side: the step waits
  // for the rank with the most sequences.
  std::int64_t busiest = sequences;
  if (!rank_of.empty()) {
    std::map<int, std::int64_t> per_rank;
    for (int rank : rank_of) ++per_rank[rank];
    busiest = 0;
    for (const auto& [rank, n] : per_rank) busiest = std::max(busiest, n);
  }
  const Seconds host = host_time(engine, busiest);
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
