// Claims C3-C7 of the design (configs/economics/claims.yaml), derived from
// the shipped configs by `tokenfab compare --economics`: each number beside
// the keynote's, for the hardware bound and the deployed estimate.
//   C3  Vera Rubin vs Blackwell: tokens/s per MW and $/Mtok, on a long-
//       context MoE and a short-context dense model, at each speed per user
//   C4  Rubin + LPX (a pod) vs Blackwell: tokens/s per MW at two tiers' speeds
//   C5  revenue a year of a data center over the price tiers
//   C6  tokens/s of a data center, over the tiers and at most throughput
//   C7  mixed fleets: Rubin racks and pods, the LPUs' power share that
//       earns most for each tier mix, and revenue against that share
// and the sensitivity of C5 to its uncertain inputs, each at its low and
// high end with the rest as shipped.
//
// A subject is a system running a run file, or a pod run file. Its frontier
// is kept per unit (a rack, or a pod of S attention racks and the LPX pool)
// and priced afresh for each market and set of power and price inputs.
//
//   Economy e{market, datacenter, tiers};
//   ClaimsReport r = evaluate_claims("configs/economics/claims.yaml", e, engine, {30, 100}, models);
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "app/run_config.h"
#include "economics/datacenter.h"
#include "economics/tco.h"

namespace tokenfab {

// The market, data center and tiers a comparison is costed with.
struct Economy {
  Market market;
  DataCenter datacenter;
  TierTable tiers;
};

struct ClaimsReport {
  nlohmann::ordered_json json;
  std::string markdown;
};

// `deployed` is the engine the pods' GPUs run under for the deployed estimate
// (the LPUs' compiled program has no launches); `speeds` are per user.
// `max_pod_systems`, when set, replaces the file's.
ClaimsReport evaluate_claims(const std::string& file, const Economy& economy, const EngineConfig& deployed,
                             const std::vector<double>& speeds, ModelCache& models,
                             std::optional<int> max_pod_systems = std::nullopt);

}  // namespace tokenfab
