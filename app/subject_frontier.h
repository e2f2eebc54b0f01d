// A subject of an economic comparison, and its frontier kept per unit
// bought: a system running a run file (the unit is one system), or a pod run
// file (the unit is S attention racks and the pod's LPX pool, S searched).
// The frontier holds tokens/s per unit, so a market, or a changed power or
// price, prices it afresh without searching again.
//
//   Subject s = load_subject({"rubin_lpx", "", "", "configs/runs/pod_afd_deepseek_r1.yaml"}, engine, 256, 32, models);
//   std::vector<TierPoint> points = priced(s, true, market, {});
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/claims_spec.h"
#include "app/run_config.h"
#include "economics/datacenter.h"

namespace tokenfab {

// One operating point per unit bought: speed per user, tokens/s of the whole
// unit, and for a pod the attention racks sharing its LPX pool.
struct UnitPoint {
  TokensPerSecond per_user;
  double tokens_per_s = 0;
  int attention_systems = 0;
  std::int64_t context = 0;  // searched at
};

struct Subject {
  std::string id, name;
  std::int64_t context = 0;         // its run's
  SystemConfig gpu;                 // the system, or the pod's attention system
  std::optional<SystemConfig> lpx;  // the pod's FFN system
  int lpx_systems = 0;
  std::vector<UnitPoint> bound, deployed;
  const std::vector<UnitPoint>& points(bool bound_answer) const { return bound_answer ? bound : deployed; }
};

// Inputs that change what a unit costs and draws, not what it serves.
struct Knobs {
  std::optional<Watts> lpx_power, gpu_power;  // all-in per chip
  std::optional<Dollars> lpx_price, gpu_price;
  double speed_scale = 1;      // every tier's speed times this
  double top_price_scale = 1;  // the dearest tier's price times this
  std::optional<double> utilisation;
};

// Loads and searches it: a system's decode search (both answers), or a
// pod's points (explore/pod_estimate.h) with `deployed` on its GPUs; at its
// run's context and at each of `contexts` (tiers that name theirs).
Subject load_subject(const ClaimSubject& s, const EngineConfig& deployed, std::int64_t max_batch, int max_systems,
                     ModelCache& models, const std::vector<std::int64_t>& contexts = {});

// A loaded run's system as a subject, searched at its context and each of
// `contexts`.
Subject system_subject(const LoadedRun& run, std::int64_t max_batch, const std::vector<std::int64_t>& contexts);

// Its points priced in a market, with the knobs turned: those at its run's
// context, or at every context searched (for tiers that name theirs).
std::vector<TierPoint> priced(const Subject& s, bool bound, const Market& m, const Knobs& k,
                              bool every_context = false);

// The points no other beats on both speed per user and tokens per MW,
// fastest first.
std::vector<TierPoint> frontier(std::vector<TierPoint> points);

}  // namespace tokenfab
