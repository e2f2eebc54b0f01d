#include "economics/datacenter.h"

#include <doctest/doctest.h>

#include "core/config_loader.h"

namespace tokenfab {
namespace {

struct Fixture {
  SystemConfig gb200 = load_config("configs/systems/gb200_nvl72.yaml", system_schema());
  Market market = load_config("configs/economics/neocloud.yaml", market_schema());
  Tco tco = tco_per_chip(gb200, market);
  Unit rack = system_unit(gb200, market);
  // Two operating points: slow and busy, fast and thin.
  std::vector<TierPoint> points = {{TokensPerSecond(50), 1000.0, rack}, {TokensPerSecond(250), 100.0, rack}};
  TierTable tiers{"test",
                  Allocation::fixed,
                  {{"free", DollarsPerToken(0), TokensPerSecond(20), 0.5, std::nullopt, std::nullopt},
                   {"$10", DollarsPerToken(10e-6), TokensPerSecond(200), 0.5, std::nullopt, std::nullopt}}};
};

TEST_CASE("data center: each tier's share serves at the most per MW among points fast enough") {
  const Fixture x;
  const DataCenterResult r = spread_over_tiers({"1 MW", Watts(1e6)}, x.tiers, 1.0, x.points);
  // free: 0.5 MW at the best point of at least 20 tok/s/user, 1,000 tok/s per MW: 500 tok/s, $0.
  // $10:  0.5 MW at 100 tok/s per MW (the only point of at least 200): 50 tok/s
  //       x 8,760 h x 3,600 s x $10 per million = $15,768 a year.
  REQUIRE(r.tiers.size() == 2);
  CHECK(r.tiers[0].tokens_per_s == doctest::Approx(500));
  CHECK(r.tiers[0].revenue_per_year.value() == 0);
  CHECK(r.tiers[1].tokens_per_s == doctest::Approx(50));
  CHECK(r.tiers[1].revenue_per_year.value() == doctest::Approx(15768));
  // Each half buys 0.5 MW / (72 x 2.1 kW) = 3.3 racks at the chips' cost of ownership.
  CHECK(r.tiers[1].units == doctest::Approx(5e5 / 2100 / 72));
  CHECK(r.cost_per_year.value() == doctest::Approx(x.tco.total().value() * 1e6 / 2100 * 8760 * 3600));
  CHECK(r.tokens_per_s == doctest::Approx(550));
}

TEST_CASE("data center: a tier no point reaches serves nothing and buys nothing; more power, more tokens") {
  Fixture x;
  x.tiers.tiers[1].min_speed = TokensPerSecond(1000);
  const DataCenterResult r = spread_over_tiers({"1 MW", Watts(1e6)}, x.tiers, 1.0, x.points);
  CHECK_FALSE(r.tiers[1].served);
  CHECK(r.tiers[1].cost_per_year.value() == 0);
  const DataCenterResult twice = spread_over_tiers({"2 MW", Watts(2e6)}, x.tiers, 1.0, x.points);
  CHECK(twice.tokens_per_s > r.tokens_per_s);
}

TEST_CASE("data center: optimised, power goes to the most revenue per MW up to each tier's demand") {
  Fixture x;
  // $2 at the slow point earns 1,000 tok/s/MW x $2/Mtok = $0.002 a MW-second;
  // $10 at the fast one 100 x $10/Mtok = $0.001: $2 first.
  x.tiers = {"test",
             Allocation::optimised,
             {{"$2", DollarsPerToken(2e-6), TokensPerSecond(20), 0, std::nullopt, std::nullopt},
              {"$10", DollarsPerToken(10e-6), TokensPerSecond(200), 0, std::nullopt, std::nullopt}}};
  const DataCenter mw{"1 MW", Watts(1e6)};
  // No limits: all of it to $2, an upper bound.
  DataCenterResult r = spread_over_tiers(mw, x.tiers, 1.0, x.points);
  CHECK(r.upper_bound);
  CHECK(r.tiers[0].power.value() == doctest::Approx(1e6));
  CHECK(r.tiers[1].power.value() == 0);
  // $2's users take 500 tok/s: 0.5 MW; the rest to $10, still unlimited.
  x.tiers.tiers[0].demand = TokensPerSecond(500);
  r = spread_over_tiers(mw, x.tiers, 1.0, x.points);
  CHECK(r.tiers[0].power.value() == doctest::Approx(5e5));
  CHECK(r.tiers[1].tokens_per_s == doctest::Approx(50));
  CHECK(r.upper_bound);
  // Both limited ($10's to 20 tok/s: 0.2 MW): 0.3 MW is left unbought, and
  // the answer is no longer a bound.
  x.tiers.tiers[1].demand = TokensPerSecond(20);
  r = spread_over_tiers(mw, x.tiers, 1.0, x.points);
  CHECK_FALSE(r.upper_bound);
  CHECK(r.unused.value() == doctest::Approx(3e5));
  CHECK(r.revenue_per_year.value() == doctest::Approx((500 * 2e-6 + 20 * 10e-6) * 8760 * 3600));
}

TEST_CASE("data center: smaller than one system is refused") {
  const Fixture x;
  CHECK_THROWS_WITH_AS(spread_over_tiers({"a room", Watts(1e5)}, x.tiers, 1.0, x.points),
                       doctest::Contains("holds less than one GB200 NVL72"), InputError);
}

TEST_CASE("data center: a tier that names its context is served only by points searched at it") {
  Fixture x;
  // The same two speeds searched at 8k and at 128k tokens of context; the
  // long context serves a tenth as many tokens per MW.
  std::vector<TierPoint> points;
  for (const TierPoint& p : x.points) {
    points.push_back({p.per_user, p.tokens_per_s_per_mw, p.unit, 8192});
    points.push_back({p.per_user, p.tokens_per_s_per_mw / 10, p.unit, 131072});
  }
  x.tiers.tiers[1].context = 131072;
  // free names none: given the run's 8k by with_context; $10 takes 128k.
  const TierTable tiers = with_context(x.tiers, 8192);
  CHECK(*tiers.tiers[0].context == 8192);
  CHECK(tier_contexts(x.tiers) == std::vector<std::int64_t>{131072});
  const DataCenterResult r = spread_over_tiers({"1 MW", Watts(1e6)}, tiers, 1.0, points);
  // free: 0.5 MW x 1,000 per MW at 8k; $10: 0.5 MW x 100 / 10 per MW at 128k.
  CHECK(r.tiers[0].tokens_per_s == doctest::Approx(500));
  CHECK(r.tiers[1].tokens_per_s == doctest::Approx(5));
  // A point searched at no context (0) serves a tier of any.
  CHECK(serves(x.points[1], tiers.tiers[1]));
  CHECK(!serves(points[0], tiers.tiers[1]));
}

// Every number of the shipped economics files names its source and status.
template <class T>
void check_sourced(const std::string& file, const Schema<T>& schema) {
  CAPTURE(file);
  std::vector<Provenance> prov;
  load_config(file, schema, {}, &prov);
  CHECK(!prov.empty());
  for (const auto& p : prov) {
    INFO(p.path << " = " << p.value);
    CHECK(!p.source.empty());
    CHECK(!p.status.empty());
  }
}

TEST_CASE("economics configs: every number has its source and status") {
  check_sourced("configs/economics/neocloud.yaml", market_schema());
  check_sourced("configs/economics/datacenter_1gw.yaml", datacenter_schema());
  check_sourced("configs/economics/tiers.yaml", tier_table_schema());
  check_sourced("configs/economics/tiers_optimised.yaml", tier_table_schema());
  check_sourced("configs/economics/hyperscaler.yaml", market_schema());
  check_sourced("configs/economics/mixes/batch_heavy.yaml", tier_table_schema());
  check_sourced("configs/economics/mixes/realtime.yaml", tier_table_schema());
  check_sourced("configs/economics/tiers_context.yaml", tier_table_schema());
  check_sourced("configs/economics/tiers_demand.yaml", tier_table_schema());
}

}  // namespace
}  // namespace tokenfab
