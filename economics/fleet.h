// Readings of a frontier for economics, and a data center of mixed
// hardware (claim C7: GPU racks, LPU racks and pods in one building).
//
// A frontier here is a list of tier points (economics/datacenter.h): speed
// per user, tokens/s per MW of all-in power, and the unit that serves it.
//   per_mw_at(points, v)    the most tokens/s per MW among points at least v
//                           per user
//   cheapest_at(points, v)  the lowest $ per token among them: a unit's cost
//                           per MW / tokens/s per MW / utilisation (pods of
//                           another make-up have another cost per MW)
//
// mixed_fleet: several supplies (each a frontier and the all-in power it
// may use) over one tier table. Each supply's power on each tier, x[h][k]
// in MW, serves at that supply's best point for the tier; the allocation
// maximises revenue a year as a linear program (economics/linear_program.h):
//   maximise   sum x[h][k] x tokens/MW[h][k] x (price[k] + epsilon) x year x utilisation
//   subject to sum_k x[h][k] <= power[h]                   each supply
//              sum_h x[h][k] <= share[k] x the data center  fixed tiers
//              sum_h x[h][k] x tokens/MW[h][k] <= demand[k]  optimised tiers with a demand
//              sum x[h][k] x lpu share[h][k] <= LPU limit    when the LPUs' power is limited
// (a point's LPU share is its unit's LPU power over its all-in power).
// epsilon (1e-6 $ per Mtok) only breaks ties: among allocations of equal
// revenue the one serving more tokens (the free tier) is taken.
//
//   FleetResult r = mixed_fleet(dc, tiers, utilisation, {{"VR racks", vr, dc.power}, {"VR + LPX", pod, dc.power}});
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "economics/datacenter.h"

namespace tokenfab {

double per_mw_at(const std::vector<TierPoint>& points, TokensPerSecond speed);
std::optional<DollarsPerToken> cheapest_at(const std::vector<TierPoint>& points, TokensPerSecond speed,
                                           double utilisation);

struct Supply {
  std::string name;
  std::vector<TierPoint> points;
  Watts power;  // the most this supply may draw
};

struct FleetResult {
  // power[h][k]: supply h's power on tier k; tokens likewise.
  std::vector<std::vector<Watts>> power;
  std::vector<std::vector<double>> tokens_per_s;
  double tokens_per_s_total = 0;
  Dollars revenue_per_year, cost_per_year;
  Watts lpu_power;
};

FleetResult mixed_fleet(const DataCenter& dc, const TierTable& tiers, double utilisation,
                        const std::vector<Supply>& supplies, std::optional<Watts> lpu_limit = std::nullopt);

}  // namespace tokenfab
