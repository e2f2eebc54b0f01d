// A power-limited data center over price tiers (shared/reference/
// economics-serving.md 2.4, the keynote's framing): its all-in power is
// split over the tiers by fixed shares; each tier's share buys chips at
// their all-in power, which serve at the most throughput per MW among the
// operating points at least as fast per user as the tier requires; tokens
// earn the tier's price.
//
//   tier power       = share x data-center power
//   tier tokens/s    = tokens/s per MW at the tier's speed x tier power
//   revenue per year = tier tokens/s x 8,760 h x utilisation x price
//   cost per year    = tier power / the unit's all-in power x the unit's TCO per hour x 8,760 h
// The unit is what the data center buys whole: a system or a pod
// (economics/tco.h).
// A tier that no point reaches serves nothing, and its share buys nothing.
//
// `allocation: optimised` ignores the shares and maximises revenue: power
// goes to the tiers in order of revenue per MW (price x tokens per MW at
// their speed), each up to the power its `demand` (tokens/s) needs, until
// the data center's power runs out (a fractional knapsack, so greedy is
// optimal). A tier without a demand limit takes all that is left: without
// limits the answer is an upper bound, and the result says so. Power no
// paying tier needs is left unbought.
//
//   DataCenterResult r = spread_over_tiers(dc, tiers, utilisation, tier_points(points, system_unit(gb200, market)));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/schema.h"
#include "economics/tco.h"

namespace tokenfab {

struct Tier {
  std::string name;
  DollarsPerToken price;
  TokensPerSecond min_speed;              // per user
  double share = 0;                       // of the data center's power (fixed allocation)
  std::optional<TokensPerSecond> demand;  // the most the tier's users take (optimised allocation)
  std::optional<std::int64_t> context;    // tokens of context its requests hold; none: the run's
};

enum class Allocation { fixed, optimised };
template <>
struct EnumNames<Allocation> {
  static constexpr std::array<std::pair<Allocation, std::string_view>, 2> table{
      {{Allocation::fixed, "fixed"}, {Allocation::optimised, "optimised"}}};
};

struct TierTable {
  std::string name;
  Allocation allocation = Allocation::fixed;
  std::vector<Tier> tiers;
};

struct DataCenter {
  std::string name;
  Watts power;  // all-in, the basis of every system's all-in power per chip
};

const Schema<TierTable>& tier_table_schema();
const Schema<DataCenter>& datacenter_schema();

// One operating point of a frontier: its speed per user, what a MW of
// all-in power serves there, and the unit that serves it (points of one
// frontier may come from different units: pods of different make-up).
struct TierPoint {
  TokensPerSecond per_user;
  double tokens_per_s_per_mw = 0;
  Unit unit;
  std::int64_t context = 0;  // searched at; 0: serves a tier of any context
};

// Whether `p` can serve `tier`: fast enough, and searched at the tier's
// context when the tier names one (a point at another context cannot).
bool serves(const TierPoint& p, const Tier& tier);
// The point serving `tier` with the most tokens per MW (more than none), or
// nullptr: the point a tier's power buys, for one supply or a fleet's each.
const TierPoint* best_for(const std::vector<TierPoint>& points, const Tier& tier);

// The tiers with every tier that names no context given `context` (the
// run's), so that points searched at other contexts serve only their own.
TierTable with_context(TierTable tiers, std::int64_t context);
// The distinct contexts the tiers name.
std::vector<std::int64_t> tier_contexts(const TierTable& tiers);

// The tier points of operating points with a summary's speed per user and
// tokens per watt (explore/mapping_search.h's Point), all served by `unit`,
// searched at `context` (0: serving a tier of any context).
template <class P>
std::vector<TierPoint> tier_points(const std::vector<P>& points, const Unit& unit, std::int64_t context = 0) {
  std::vector<TierPoint> out;
  for (const P& p : points) out.push_back({p.summary.per_user, (p.summary.per_watt * 1e6).value(), unit, context});
  return out;
}

struct TierResult {
  std::string name;
  Watts power;
  bool served = false;  // some point is fast enough
  std::string unit;     // what serves it
  double tokens_per_s = 0;
  double units = 0;  // systems or pods bought
  Dollars revenue_per_year, cost_per_year;
};

struct DataCenterResult {
  std::vector<TierResult> tiers;
  bool upper_bound = false;  // optimised with a tier that had no demand limit
  Watts unused;              // optimised: power no paying tier needed
  double tokens_per_s = 0;
  Dollars revenue_per_year, cost_per_year;
};

// Throws InputError when the data center cannot hold one of the smallest
// unit among the points.
DataCenterResult spread_over_tiers(const DataCenter& dc, const TierTable& tiers, double utilisation,
                                   const std::vector<TierPoint>& points);

}  // namespace tokenfab
