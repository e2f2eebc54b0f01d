#include "economics/datacenter.h"

#include <fmt/format.h>

#include <cmath>

namespace tokenfab {
namespace {

const Schema<Tier>& tier_schema() {
  static const Schema<Tier> schema = [] {
    Schema<Tier> s("a price tier");
    s.add("name", &Tier::name, "tier name");
    s.add("price", &Tier::price, "price of output tokens, e.g. 45 $/Mtok").at_least(DollarsPerToken(0));
    s.add("min_speed", &Tier::min_speed, "tokens/s per user the tier promises").positive();
    s.add("share", &Tier::share, "share of the data center's power").at_least(0.0).at_most(1.0);
    return s;
  }();
  return schema;
}

}  // namespace

const Schema<TierTable>& tier_table_schema() {
  static const Schema<TierTable> schema = [] {
    Schema<TierTable> s("price tiers and how the data center's power is shared among them");
    s.add("name", &TierTable::name, "table name");
    s.list("tiers", &TierTable::tiers, tier_schema(), 1);
    s.check([](const TierTable& t, Checker& k) {
      double sum = 0;
      for (const Tier& tier : t.tiers) sum += tier.share;
      if (std::abs(sum - 1.0) > 1e-9) k.fail("tiers", fmt::format("the shares sum to {:.6g}, not 1", sum));
    });
    return s;
  }();
  return schema;
}

const Schema<DataCenter>& datacenter_schema() {
  static const Schema<DataCenter> schema = [] {
    Schema<DataCenter> s("a power-limited data center");
    s.add("name", &DataCenter::name, "name");
    s.add("power", &DataCenter::power, "all-in power, e.g. 1 GW").positive();
    return s;
  }();
  return schema;
}

DataCenterResult spread_over_tiers(const DataCenter& dc, const TierTable& table, const SystemConfig& system,
                                   const Tco& tco, double utilisation, const std::vector<TierPoint>& points) {
  const Watts per_system = system.economics.all_in_power_per_chip * static_cast<double>(system.chips);
  if (dc.power < per_system) {
    throw InputError({dc.name}, fmt::format("power: {} holds less than one {} ({} all-in)", to_string(dc.power),
                                            system.name, to_string(per_system)));
  }
  const Seconds year(8760.0 * 3600.0);
  DataCenterResult out;
  for (const Tier& tier : table.tiers) {
    TierResult r;
    r.name = tier.name;
    r.power = dc.power * tier.share;
    double per_mw = 0;
    for (const TierPoint& p : points) {
      if (p.per_user >= tier.min_speed && p.tokens_per_s_per_mw > per_mw) {
        per_mw = p.tokens_per_s_per_mw;
        r.served = true;
      }
    }
    if (r.served) {
      r.tokens_per_s = per_mw * r.power.value() / 1e6;
      r.chips = r.power / tco.power;
      r.revenue_per_year = tier.price * Tokens(r.tokens_per_s * utilisation * year.value());
      r.cost_per_year = tco.total() * r.chips * year;
    }
    out.tokens_per_s += r.tokens_per_s;
    out.revenue_per_year += r.revenue_per_year;
    out.cost_per_year += r.cost_per_year;
    out.tiers.push_back(r);
  }
  return out;
}

}  // namespace tokenfab
