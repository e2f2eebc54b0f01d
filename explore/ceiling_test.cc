#include "explore/ceiling.h"

#include <doctest/doctest.h>

#include "core/config_loader.h"
#include "workloads/hf_config.h"

namespace tokenfab {
namespace {

SystemConfig node8() { return load_config<SystemConfig>("explore/testdata/node8.yaml", system_schema(), {}); }

// A search whose times follow from the system by hand, so that the ceiling
// and every sensitivity row can be derived: tp in {1, 2, 4}, and a token takes
//   1 ms of weights at 4 TB/s, split over tp chips, at the memory bandwidth
// + 8 kernel launches (16 when elementwise ops are not fused)
// + with tp > 1, a 10 us transfer at 500 GB/s of scale-up bandwidth and one
//   collective overhead.
std::vector<Point> synthetic(const SystemConfig& s, const EngineConfig& engine) {
  std::vector<Point> out;
  for (int tp : {1, 2, 4}) {
    const double memory = 1e-3 * (4e12 / s.chip.weight_memory().bandwidth.value()) / tp;
    const double launch = (engine.fuse_elementwise ? 8 : 16) * s.chip.compute.launch_overhead.value();
    const double comm = tp > 1 ? 10e-6 * (500e9 / s.chip.scale_up.bandwidth.value()) : 0.0;
    const double sync = tp > 1 ? s.scale_up.collective_overhead.value() : 0.0;
    Point p;
    p.mapping = Mapping{.tp = tp};
    p.batch = 1;
    p.summary.step_time = Seconds(memory + launch + comm + sync);
    p.summary.per_user = Tokens(1) / p.summary.step_time;
    p.summary.per_device = p.summary.per_user / tp;
    out.push_back(p);
  }
  return out;
}

double per_user(double step_us) { return 1e6 / step_us; }

TEST_CASE("ceiling: the fastest mapping, the runners-up and every sensitivity row, derived by hand") {
  const CeilingResult c = find_ceiling(node8(), EngineConfig{}, synthetic);
  // On the fixture (4 TB/s, 2 us launches, 500 GB/s scale-up, 5 us overhead):
  // tp=4: 250 + 16 + 10 + 5 = 281 us; tp=2: 500 + 16 + 10 + 5 = 531 us;
  // tp=1: 1000 + 16 = 1016 us.
  CHECK(c.points == 3);
  CHECK(c.best.mapping.tp == 4);
  CHECK(c.best.summary.per_user.value() == doctest::Approx(per_user(281)));
  REQUIRE(c.runners_up.size() == 2);
  CHECK(c.runners_up[0].mapping.tp == 2);
  CHECK(c.runners_up[1].mapping.tp == 1);
  // Each row changes one term of the tp=4 sum (the synthetic search has no
  // hop or memory latency and no compute, so those rows stay at 281 us).
  const std::vector<std::pair<std::string, double>> expected = {
      {"2x scale-up bandwidth", 250 + 16 + 5 + 5},
      {"half scale-up hop latency", 281},
      {"half collective overhead", 250 + 16 + 10 + 2.5},
      {"2x memory bandwidth", 125 + 16 + 10 + 5},
      {"half memory access latency", 281},
      {"half kernel launch overhead", 250 + 8 + 10 + 5},
      {"2x tensor compute", 281},
      {"no elementwise fusion", 250 + 32 + 10 + 5},
  };
  REQUIRE(c.sensitivity.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(expected[i].first);
    CHECK(c.sensitivity[i].change == expected[i].first);
    CHECK(c.sensitivity[i].best.summary.per_user.value() == doctest::Approx(per_user(expected[i].second)));
  }
}

TEST_CASE("ceiling: an engine without fusion is measured against fusing") {
  EngineConfig unfused;
  unfused.fuse_elementwise = false;
  const CeilingResult c = find_ceiling(node8(), unfused, synthetic);
  // tp=4 with 16 launches: 250 + 32 + 10 + 5 = 297 us; fused: 281 us.
  CHECK(c.best.summary.per_user.value() == doctest::Approx(per_user(297)));
  CHECK(c.sensitivity.back().change == "elementwise fusion");
  CHECK(c.sensitivity.back().best.summary.per_user.value() == doctest::Approx(per_user(281)));
}

TEST_CASE("ceiling: runners-up skip the best mapping's other batches and repeat no mapping") {
  std::vector<Point> points;
  for (auto [tp, batch, speed] : {std::tuple{4, 1, 100.0}, {4, 2, 90.0}, {2, 1, 80.0}, {2, 2, 70.0}, {1, 1, 60.0}}) {
    Point p;
    p.mapping = Mapping{.tp = tp};
    p.batch = batch;
    p.summary.per_user = TokensPerSecond(speed);
    points.push_back(p);
  }
  const auto next = runners_up(points, points[0], 5);
  REQUIRE(next.size() == 2);
  CHECK(next[0].summary.per_user.value() == 80.0);
  CHECK(next[1].summary.per_user.value() == 60.0);
  CHECK(runners_up(points, points[0], 1).size() == 1);
}

TEST_CASE("ceiling: on the real estimate the ceiling is the fastest decode point, and more bandwidth never slows it") {
  const SystemConfig sys = node8();
  const ModelSpec model = load_hf_config("explore/testdata/tiny_llama.json");
  const DecodeSearch search{model, Precision{}, 1024, 8};
  const CeilingResult c = find_ceiling(search, sys, EngineConfig{});
  const auto points = decode_points(search, sys, EngineConfig{});
  CHECK(c.points == points.size());
  CHECK(c.best.summary.per_user == fastest(points).summary.per_user);
  for (const auto& s : c.sensitivity) {
    CAPTURE(s.change);
    if (s.change.rfind("no elementwise", 0) == 0) continue;  // fewer kernels is the faster side
    CHECK(s.best.summary.per_user >= c.best.summary.per_user);
  }
}

}  // namespace
}  // namespace tokenfab
