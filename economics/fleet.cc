#include "economics/fleet.h"

#include "economics/linear_program.h"

namespace tokenfab {
namespace {

const double kYear = 8760.0 * 3600.0;

// The point of `points` at least `speed` per user with the most tokens per MW.
const TierPoint* best_at(const std::vector<TierPoint>& points, TokensPerSecond speed) {
  Tier any;  // names no context: every point's counts
  any.min_speed = speed;
  return best_for(points, any);
}

}  // namespace

double per_mw_at(const std::vector<TierPoint>& points, TokensPerSecond speed) {
  const TierPoint* p = best_at(points, speed);
  return p ? p->tokens_per_s_per_mw : 0.0;
}

std::optional<DollarsPerToken> cheapest_at(const std::vector<TierPoint>& points, TokensPerSecond speed,
                                           double utilisation) {
  std::optional<DollarsPerToken> best;
  for (const TierPoint& p : points) {
    if (p.per_user < speed || p.tokens_per_s_per_mw <= 0) continue;
    // A MW's share of the unit's cost, over what that MW serves.
    const DollarsPerSecond per_mw = p.unit.cost * (1e6 / p.unit.power.value());
    const DollarsPerToken c = per_mw / (TokensPerSecond(p.tokens_per_s_per_mw) * utilisation);
    if (!best || c < *best) best = c;
  }
  return best;
}

FleetResult mixed_fleet(const DataCenter& dc, const TierTable& table, double utilisation,
                        const std::vector<Supply>& supplies, std::optional<Watts> lpu_limit) {
  const std::size_t H = supplies.size(), K = table.tiers.size();
  // Variables in MW, x[h * K + k]; a supply with no point for a tier gets a
  // zero column, so the program never puts power there.
  std::vector<std::vector<const TierPoint*>> best(H, std::vector<const TierPoint*>(K, nullptr));
  for (std::size_t h = 0; h < H; ++h) {
    for (std::size_t k = 0; k < K; ++k) best[h][k] = best_for(supplies[h].points, table.tiers[k]);
  }
  auto tokens = [&](std::size_t h, std::size_t k) { return best[h][k] ? best[h][k]->tokens_per_s_per_mw : 0.0; };
  LinearProgram lp;
  for (std::size_t h = 0; h < H; ++h) {
    for (std::size_t k = 0; k < K; ++k) {
      // $ per MW-year, ties broken towards tokens.
      const double price = table.tiers[k].price.value() * 1e6 + 1e-6;
      lp.objective.push_back(tokens(h, k) * price * kYear * utilisation / 1e6);
    }
  }
  auto row = [&](auto coefficient, double limit) {
    std::vector<double> r(H * K);
    for (std::size_t h = 0; h < H; ++h) {
      for (std::size_t k = 0; k < K; ++k) r[h * K + k] = coefficient(h, k);
    }
    lp.rows.push_back(r);
    lp.limits.push_back(limit);
  };
  for (std::size_t g = 0; g < H; ++g) {
    row([&](std::size_t h, std::size_t) { return h == g ? 1.0 : 0.0; }, supplies[g].power.value() / 1e6);
  }
  row([](std::size_t, std::size_t) { return 1.0; }, dc.power.value() / 1e6);
  for (std::size_t j = 0; j < K; ++j) {
    const Tier& t = table.tiers[j];
    if (table.allocation == Allocation::fixed) {
      row([&](std::size_t, std::size_t k) { return k == j ? 1.0 : 0.0; }, t.share * dc.power.value() / 1e6);
    } else if (t.demand) {
      row([&](std::size_t h, std::size_t k) { return k == j ? tokens(h, k) : 0.0; }, t.demand->value());
    }
  }
  if (lpu_limit) {
    row(
        [&](std::size_t h, std::size_t k) {
          return best[h][k] ? best[h][k]->unit.lpu_power.value() / best[h][k]->unit.power.value() : 0.0;
        },
        lpu_limit->value() / 1e6);
  }
  const LinearSolution s = maximise(lp);

  FleetResult out;
  out.power.assign(H, std::vector<Watts>(K, Watts(0)));
  out.tokens_per_s.assign(H, std::vector<double>(K, 0.0));
  for (std::size_t h = 0; h < H; ++h) {
    for (std::size_t k = 0; k < K; ++k) {
      const double mw = s.x[h * K + k];
      if (!best[h][k] || mw <= 0) continue;
      const TierPoint& p = *best[h][k];
      out.power[h][k] = Watts(mw * 1e6);
      out.tokens_per_s[h][k] = mw * p.tokens_per_s_per_mw;
      out.tokens_per_s_total += out.tokens_per_s[h][k];
      out.revenue_per_year += table.tiers[k].price * Tokens(out.tokens_per_s[h][k] * utilisation * kYear);
      out.cost_per_year += p.unit.cost * (mw * 1e6 / p.unit.power.value()) * Seconds(kYear);
      out.lpu_power += p.unit.lpu_power * (mw * 1e6 / p.unit.power.value());
    }
  }
  return out;
}

}  // namespace tokenfab
