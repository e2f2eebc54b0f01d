#include "economics/tco.h"

#include <cmath>

namespace tokenfab {

const Schema<Market>& market_schema() {
  static const Schema<Market> schema = [] {
    Schema<Market> s("the money and facility figures a deployment is costed with");
    s.add("name", &Market::name, "scenario name");
    s.add("cost_of_capital", &Market::cost_of_capital, "yearly rate").at_least(0.0).at_most(1.0);
    s.add("life", &Market::life, "economic life of the hardware").positive();
    s.add("residual", &Market::residual, "share of the capex left at the end of life").at_least(0.0).at_most(1.0);
    s.add("electricity", &Market::electricity, "price of energy, e.g. 0.07 $/kWh").at_least(DollarsPerJoule(0));
    s.add("facility", &Market::facility, "colocation per watt of all-in power, e.g. 200 $/kW/month")
        .at_least(DollarsPerJoule(0));
    s.add("opex_share", &Market::opex_share, "yearly operations as a share of capex").at_least(0.0).at_most(1.0);
    s.add("network_share", &Market::network_share, "scale-out network and storage as a share of the system price")
        .at_least(0.0);
    s.add("utilisation", &Market::utilisation, "share of the time serving at the operating point")
        .default_value(1.0)
        .positive()
        .at_most(1.0);
    return s;
  }();
  return schema;
}

Tco tco_per_chip(const SystemConfig& system, const Market& m) {
  if (!system.economics.price) {
    throw InputError({system.name}, "economics.price: the system states no price, so its cost cannot be built");
  }
  const Seconds year(8760.0 * 3600.0);
  const double n = m.life / year;
  const double r = m.cost_of_capital;
  // Capital recovery factor; straight-line when money costs nothing.
  const double crf = r > 0 ? r * std::pow(1 + r, n) / (std::pow(1 + r, n) - 1) : 1 / n;
  Tco t;
  t.capex_per_chip = *system.economics.price * (1 + m.network_share) / static_cast<double>(system.chips);
  t.power = system.economics.all_in_power_per_chip;
  const Dollars recovered = t.capex_per_chip * (m.residual / std::pow(1 + r, n));
  t.capital = (t.capex_per_chip - recovered) * crf / year;
  t.electricity = t.power * m.electricity;
  t.facility = t.power * m.facility;
  t.opex = t.capex_per_chip * m.opex_share / year;
  return t;
}

DollarsPerToken cost_per_token(const Tco& tco, TokensPerSecond per_chip, double utilisation) {
  return tco.total() / (per_chip * utilisation);
}

Unit system_unit(const SystemConfig& system, const Market& market) {
  return combined_unit(system.name, {{&system, 1}}, market);
}

Unit combined_unit(const std::string& name, const std::vector<std::pair<const SystemConfig*, int>>& systems,
                   const Market& market) {
  Unit u{name, Watts(0), DollarsPerSecond(0), 0, Watts(0)};
  for (const auto& [system, count] : systems) {
    const double chips = static_cast<double>(system->chips) * count;
    const Tco t = tco_per_chip(*system, market);
    u.power += t.power * chips;
    if (system->chip.kind == ChipKind::lpu) u.lpu_power += t.power * chips;
    u.cost += t.total() * chips;
    u.chips += system->chips * count;
  }
  return u;
}

}  // namespace tokenfab
