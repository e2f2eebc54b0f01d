// Total cost of ownership per chip-hour, built bottom-up in the InferenceX
// style (shared/reference/economics-serving.md 2.2), and cost per token.
//
//   capex per chip   = system price x (1 + network share) / chips
//   capital per year = (capex - residual x capex / (1 + r)^n) x CRF(r, n),
//                      CRF(r, n) = r (1 + r)^n / ((1 + r)^n - 1)
//   power per year   = all-in power per chip x 8,760 h x electricity price
//   facility per year= all-in power per chip x facility price (colocation)
//   opex per year    = opex share x capex
//   TCO per hour     = their sum / 8,760 h
//   $ per Mtok       = TCO per hour x 1e6 / (3,600 s x tokens/s per chip x utilisation)
//
// The power basis is the system's all-in power per chip (host, network and
// cooling share included, as InferenceX counts it), so no PUE is applied on
// top. A market (configs/economics/) holds the facility and money figures;
// the system holds its own price and power.
//
//   Tco t = tco_per_chip(system, market);
//   DollarsPerToken c = cost_per_token(t, per_chip_tokens_per_s, market.utilisation);
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/schema.h"
#include "hw/system/system_config.h"

namespace tokenfab {

struct Market {
  std::string name;
  double cost_of_capital = 0.1;  // per year
  Seconds life;
  double residual = 0;  // share of the capex left at the end of life
  DollarsPerJoule electricity;
  DollarsPerJoule facility;  // colocation, per watt of all-in power and second
  double opex_share = 0;     // maintenance, staff, software: share of capex per year
  double network_share = 0;  // scale-out network and storage, as a share of the system price
  double utilisation = 1;    // share of the time serving at the operating point
};

const Schema<Market>& market_schema();

struct Tco {
  Dollars capex_per_chip;
  Watts power;  // all-in per chip
  DollarsPerSecond capital, electricity, facility, opex;
  DollarsPerSecond total() const { return capital + electricity + facility + opex; }
};

// Throws InputError when the system states no price.
Tco tco_per_chip(const SystemConfig& system, const Market& market);

DollarsPerToken cost_per_token(const Tco& tco, TokensPerSecond per_chip, double utilisation);

// What a data center buys whole: one system (a rack or a node) or one pod
// of several systems. Its all-in power and its cost of ownership are the
// sums of its chips'.
struct Unit {
  std::string name;
  Watts power;            // all-in
  DollarsPerSecond cost;  // cost of ownership
  int chips = 0;
  Watts lpu_power;  // the all-in power of its LPUs
};

// One system as a unit. Throws InputError when it states no price.
Unit system_unit(const SystemConfig& system, const Market& market);
// Several systems as one unit, `count` of each.
Unit combined_unit(const std::string& name, const std::vector<std::pair<const SystemConfig*, int>>& systems,
                   const Market& market);

}  // namespace tokenfab
