#include "economics/fleet.h"

#include <doctest/doctest.h>

namespace tokenfab {
namespace {

// Two kinds of unit: a GPU rack (1 MW, $1 a second) that is busy and slow,
// and a pod (1 MW, half of it LPUs, $2 a second) that is fast.
const Unit gpu{"gpu rack", Watts(1e6), DollarsPerSecond(1), 72, Watts(0)};
const Unit pod{"pod", Watts(1e6), DollarsPerSecond(2), 328, Watts(5e5)};
const std::vector<TierPoint> gpus = {{TokensPerSecond(50), 1000.0, gpu}, {TokensPerSecond(200), 100.0, gpu}};
const std::vector<TierPoint> pods = {{TokensPerSecond(100), 600.0, pod}, {TokensPerSecond(500), 400.0, pod}};

TierTable two_tiers() {
  return {"test",
          Allocation::fixed,
          {{"$1", DollarsPerToken(1e-6), TokensPerSecond(50), 0.5, std::nullopt, std::nullopt},
           {"$10", DollarsPerToken(10e-6), TokensPerSecond(400), 0.5, std::nullopt, std::nullopt}}};
}

TEST_CASE("fleet: a frontier read at a speed: most tokens per MW, and the cheapest token") {
  CHECK(per_mw_at(gpus, TokensPerSecond(40)) == 1000.0);
  CHECK(per_mw_at(gpus, TokensPerSecond(150)) == 100.0);
  CHECK(per_mw_at(gpus, TokensPerSecond(300)) == 0.0);
  // $1 a second per MW over 1,000 tokens a second: $0.001 a token; busy half
  // the time, twice that.
  CHECK(cheapest_at(gpus, TokensPerSecond(40), 1.0)->value() == doctest::Approx(1e-3));
  CHECK(cheapest_at(gpus, TokensPerSecond(40), 0.5)->value() == doctest::Approx(2e-3));
  CHECK(!cheapest_at(gpus, TokensPerSecond(300), 1.0));
  // Points of different units: the pod's 600 tokens per $2 cost more a token
  // than the rack's 1,000 per $1, though both are fast enough.
  std::vector<TierPoint> both = gpus;
  both.insert(both.end(), pods.begin(), pods.end());
  CHECK(cheapest_at(both, TokensPerSecond(50), 1.0)->value() == doctest::Approx(1e-3));
  CHECK(cheapest_at(both, TokensPerSecond(100), 1.0)->value() == doctest::Approx(2.0 / 600));
}

TEST_CASE("fleet: each tier goes to the supply that can serve it, the rest where it earns most") {
  const DataCenter dc{"2 MW", Watts(2e6)};
  // Each supply may take all 2 MW. Tier $10 (1 MW, >= 400 tok/s/user) only
  // the pods reach: 1 MW x 400 = 400 tok/s. Tier $1 (1 MW, >= 50): the racks
  // serve 1,000 per MW against the pods' 600: 1 MW of racks, 1,000 tok/s.
  // Revenue a year: (400 x $10 + 1,000 x $1) per million x 31,536,000 s
  // = $157,680.
  const FleetResult r = mixed_fleet(dc, two_tiers(), 1.0, {{"gpus", gpus, dc.power}, {"pods", pods, dc.power}});
  CHECK(r.power[0][0].value() == doctest::Approx(1e6));
  CHECK(r.power[1][1].value() == doctest::Approx(1e6));
  CHECK(r.power[0][1].value() == doctest::Approx(0).epsilon(1e-9));
  CHECK(r.power[1][0].value() == doctest::Approx(0).epsilon(1e-9));
  CHECK(r.tokens_per_s_total == doctest::Approx(1400));
  CHECK(r.revenue_per_year.value() == doctest::Approx(157680));
  // Cost: one rack-MW at $1/s and one pod-MW at $2/s for a year.
  CHECK(r.cost_per_year.value() == doctest::Approx(3.0 * 8760 * 3600));
  // Half of the pod-MW is LPUs.
  CHECK(r.lpu_power.value() == doctest::Approx(5e5));
}

TEST_CASE("fleet: limiting the LPUs' power shrinks the tier only the pods reach") {
  const DataCenter dc{"2 MW", Watts(2e6)};
  // 0.25 MW of LPUs buys 0.5 MW of pods: half of tier $10, 200 tok/s.
  const FleetResult r =
      mixed_fleet(dc, two_tiers(), 1.0, {{"gpus", gpus, dc.power}, {"pods", pods, dc.power}}, Watts(2.5e5));
  CHECK(r.lpu_power.value() == doctest::Approx(2.5e5));
  CHECK(r.tokens_per_s[1][1] == doctest::Approx(200));
  // No LPUs: the racks alone reach no point fast enough for $10.
  const FleetResult none =
      mixed_fleet(dc, two_tiers(), 1.0, {{"gpus", gpus, dc.power}, {"pods", pods, dc.power}}, Watts(0));
  CHECK(none.tokens_per_s[1][1] == doctest::Approx(0).epsilon(1e-9));
  CHECK(none.revenue_per_year.value() < r.revenue_per_year.value());
}

TEST_CASE("fleet: under demand limits a supply's power goes where it earns most, then the rest") {
  const DataCenter dc{"2 MW", Watts(2e6)};
  TierTable t = two_tiers();
  t.allocation = Allocation::optimised;
  t.tiers[1].demand = TokensPerSecond(200);  // half a pod-MW
  t.tiers[0].demand = TokensPerSecond(1e9);
  // Pods: 0.5 MW to $10 (200 tok/s, its demand); the rest of the power earns
  // $1 per Mtok wherever it serves most: 1.5 MW, all of it racks at 1,000
  // per MW (more than the pods' 600), as the racks may take 2 MW.
  const FleetResult r = mixed_fleet(dc, t, 1.0, {{"gpus", gpus, dc.power}, {"pods", pods, dc.power}});
  CHECK(r.tokens_per_s[1][1] == doctest::Approx(200));
  CHECK(r.power[0][0].value() == doctest::Approx(1.5e6));
  CHECK(r.tokens_per_s_total == doctest::Approx(1700));
}

}  // namespace
}  // namespace tokenfab
