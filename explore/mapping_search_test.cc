#include "explore/mapping_search.h"

#include <doctest/doctest.h>

#include "core/config_loader.h"
#include "explore/pareto.h"
#include "workloads/hf_config.h"

namespace tokenfab {
namespace {

SystemConfig node8() { return load_config<SystemConfig>("explore/testdata/node8.yaml", system_schema(), {}); }
ModelSpec tiny_llama() { return load_hf_config("explore/testdata/tiny_llama.json"); }

// A point with only what the selection rules read.
Point point(int tp, double per_user, double per_device) {
  Point p;
  p.mapping = Mapping{.tp = tp};
  p.batch = 1;
  p.summary.per_user = TokensPerSecond(per_user);
  p.summary.per_device = TokensPerSecond(per_device);
  return p;
}

TEST_CASE("mapping search: the default space of 8 chips in domains of 4 for a model of 4 heads") {
  const SearchSpace s = default_space(node8(), tiny_llama(), 8);
  // tp: powers of two up to the domain (4) that divide the 4 heads.
  CHECK(s.tp == std::vector<int>{1, 2, 4});
  // attn_dp: powers of two up to the 8 chips (the domain, 4, is one of them).
  CHECK(s.attn_dp == std::vector<int>{1, 2, 4, 8});
  CHECK(s.ep == std::vector<int>{1});  // a dense model has no experts to spread
  CHECK(s.pp == std::vector<int>{1, 2, 4, 8});
  CHECK(s.batch == std::vector<std::int64_t>{1, 2, 4, 8});
  CHECK(s.max_devices == 8);
}

TEST_CASE("mapping search: every decode point fits the chips and times one token per step per user") {
  const SystemConfig sys = node8();
  const ModelSpec model = tiny_llama();
  const auto points = decode_points({model, Precision{}, 1024, 8}, sys, EngineConfig{});
  REQUIRE(!points.empty());
  for (const auto& p : points) {
    CAPTURE(p.mapping.str());
    CHECK(p.mapping.replica_devices() <= 8);
    CHECK(p.batch >= p.mapping.attn_dp);  // an idle attention rank only adds devices
    const Summary& s = p.summary;
    CHECK((s.per_user * s.step_time).value() == doctest::Approx(1.0));
    // Per device: the batch's tokens per step over the replica's devices.
    CHECK(s.per_device.value() == doctest::Approx(p.batch * s.per_user.value() / p.mapping.replica_devices()));
    CHECK(s.devices_per_replica == p.mapping.replica_devices());
    // Per MW: per device over the fixture's 2 kW all-in per chip, times 10^6.
    CHECK((s.per_watt * 1e6).value() == doctest::Approx(s.per_device.value() / 2000 * 1e6));
  }
}

TEST_CASE("mapping search: the fastest point per user; a tie goes to more throughput per device") {
  const std::vector<Point> points = {point(1, 100, 10), point(2, 100, 12), point(4, 80, 50)};
  CHECK(fastest(points).mapping.tp == 2);
}

TEST_CASE("pareto: the frontier keeps the points no other beats on both axes") {
  // (tok/s/user, tok/s/device): A (100, 10) is the fastest; C (80, 5) is
  // slower and poorer than A; B (50, 30) has the most throughput; E (50, 20)
  // and D (20, 25) are poorer than B at no more speed. Frontier: B then A.
  const std::vector<Point> points = {point(1, 100, 10), point(2, 50, 30), point(4, 80, 5), point(8, 20, 25),
                                     point(16, 50, 20)};
  const ParetoResult p = find_pareto(points);
  REQUIRE(p.front.size() == 2);
  CHECK(p.front[0].mapping.tp == 2);  // by rising tok/s/user
  CHECK(p.front[1].mapping.tp == 1);
  CHECK(p.on_front == std::vector<bool>{true, true, false, false, false});
}

}  // namespace
}  // namespace tokenfab
