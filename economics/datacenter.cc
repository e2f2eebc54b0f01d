#include "economics/datacenter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace tokenfab {
namespace {

const Schema<Tier>& tier_schema() {
  static const Schema<Tier> schema = [] {
    Schema<Tier> s("a price tier");
    s.add("name", &Tier::name, "tier name");
    s.add("price", &Tier::price, "price of output tokens, e.g. 45 $/Mtok").at_least(DollarsPerToken(0));
    s.add("min_speed", &Tier::min_speed, "tokens/s per user the tier promises").positive();
    s.add("share", &Tier::share, "share of the data center's power (fixed allocation)")
        .default_value(0.0)
        .at_least(0.0)
        .at_most(1.0);
    s.add("demand", &Tier::demand, "the most tokens/s the tier's users take (optimised allocation)").positive();
    s.add("context", &Tier::context, "tokens of context the tier's requests hold (default: the run's)").positive();
    return s;
  }();
  return schema;
}

}  // namespace

const Schema<TierTable>& tier_table_schema() {
  static const Schema<TierTable> schema = [] {
    Schema<TierTable> s("price tiers and how the data center's power is shared among them");
    s.add("name", &TierTable::name, "table name");
    s.add("allocation", &TierTable::allocation, "fixed shares, or optimised for revenue under demand limits")
        .default_value(Allocation::fixed);
    s.list("tiers", &TierTable::tiers, tier_schema(), 1);
    s.check([](const TierTable& t, Checker& k) {
      if (t.allocation != Allocation::fixed) return;
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

bool serves(const TierPoint& p, const Tier& tier) {
  return p.per_user >= tier.min_speed && (p.context == 0 || !tier.context || p.context == *tier.context);
}

const TierPoint* best_for(const std::vector<TierPoint>& points, const Tier& tier) {
  const TierPoint* best = nullptr;
  for (const TierPoint& p : points) {
    if (serves(p, tier) && p.tokens_per_s_per_mw > (best ? best->tokens_per_s_per_mw : 0.0)) best = &p;
  }
  return best;
}

TierTable with_context(TierTable tiers, std::int64_t context) {
  for (Tier& t : tiers.tiers) {
    if (!t.context) t.context = context;
  }
  return tiers;
}

std::vector<std::int64_t> tier_contexts(const TierTable& tiers) {
  std::vector<std::int64_t> out;
  for (const Tier& t : tiers.tiers) {
    if (t.context && std::find(out.begin(), out.end(), *t.context) == out.end()) out.push_back(*t.context);
  }
  return out;
}

DataCenterResult spread_over_tiers(const DataCenter& dc, const TierTable& table, double utilisation,
                                   const std::vector<TierPoint>& points) {
  const TierPoint* smallest = nullptr;
  for (const TierPoint& p : points) {
    if (!smallest || p.unit.power < smallest->unit.power) smallest = &p;
  }
  if (smallest && dc.power < smallest->unit.power) {
    throw InputError({dc.name}, fmt::format("power: {} holds less than one {} ({} all-in)", to_string(dc.power),
                                            smallest->unit.name, to_string(smallest->unit.power)));
  }
  std::vector<const TierPoint*> best(table.tiers.size(), nullptr);
  const Seconds year(8760.0 * 3600.0);
  DataCenterResult out;
  // Each tier's best point: the most tokens per MW at its speed.
  for (std::size_t k = 0; k < table.tiers.size(); ++k) {
    const Tier& tier = table.tiers[k];
    TierResult r;
    r.name = tier.name;
    best[k] = best_for(points, tier);
    r.served = best[k] != nullptr;
    if (r.served) r.unit = best[k]->unit.name;
    r.tokens_per_s = r.served ? best[k]->tokens_per_s_per_mw : 0;  // per MW until the tier's power is known
    out.tiers.push_back(r);
  }
  if (table.allocation == Allocation::fixed) {
    for (std::size_t k = 0; k < table.tiers.size(); ++k) out.tiers[k].power = dc.power * table.tiers[k].share;
  } else {
    std::vector<std::size_t> order;
    for (std::size_t k = 0; k < table.tiers.size(); ++k) {
      if (out.tiers[k].served && table.tiers[k].price.value() > 0) order.push_back(k);
    }
    auto worth = [&](std::size_t k) { return out.tiers[k].tokens_per_s * table.tiers[k].price.value(); };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return worth(a) > worth(b); });
    Watts left = dc.power;
    for (std::size_t k : order) {
      const std::optional<TokensPerSecond>& demand = table.tiers[k].demand;
      Watts need = left;
      if (demand) need = Watts(demand->value() / out.tiers[k].tokens_per_s * 1e6);
      out.upper_bound = out.upper_bound || !demand;
      out.tiers[k].power = std::min(need, left);
      left -= out.tiers[k].power;
    }
    out.unused = left;
  }
  for (std::size_t k = 0; k < table.tiers.size(); ++k) {
    TierResult& r = out.tiers[k];
    if (!r.served) {
      r.tokens_per_s = 0;
      continue;
    }
    r.tokens_per_s *= r.power.value() / 1e6;
    const Unit& unit = best[k]->unit;
    r.units = r.power / unit.power;
    r.revenue_per_year = table.tiers[k].price * Tokens(r.tokens_per_s * utilisation * year.value());
    r.cost_per_year = unit.cost * r.units * year;
    out.tokens_per_s += r.tokens_per_s;
    out.revenue_per_year += r.revenue_per_year;
    out.cost_per_year += r.cost_per_year;
  }
  return out;
}

}  // namespace tokenfab
