#include "sweep/sweep_spec.h"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

namespace tokenfab {
namespace {

std::filesystem::path write_spec(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "tokenfab_sweep_spec_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name) << text;
  return dir / name;
}

TEST_CASE("sweep spec: a grid of a unit range and a list, the last axis fastest, filtered") {
  // 8, 16, 24, 32 TB/s in base units, times 1 and 2 hops: 8 points, less
  // those above 24 TB/s: 6, numbered in order.
  const auto f = write_spec("grid.yaml", R"(run: x.yaml
command: ceiling
axes:
  - key: system.chip.hbm.bandwidth
    range: {from: 8 TB/s, to: 32 TB/s, step: 8 TB/s}
  - key: system.scale_up.switch_hops
    values: [1, 2]
filters:
  - {key: system.chip.hbm.bandwidth, op: "<=", value: 24 TB/s}
)");
  const SweepSpec spec = load_sweep_spec(f);
  CHECK(spec.command == SweepCommand::ceiling);
  CHECK(spec.run == f.parent_path() / "x.yaml");
  REQUIRE(spec.axes[0].values.size() == 4);
  CHECK(spec.axes[0].values[0].text == "8000000000000 B/s");
  const auto points = sweep_points(spec);
  REQUIRE(points.size() == 6);
  CHECK(points[1].label() == "system.chip.hbm.bandwidth=8000000000000 B/s, system.scale_up.switch_hops=2");
  CHECK(points[5].index == 5);
  CHECK(points[5].sets() ==
        std::vector<std::string>{"system.chip.hbm.bandwidth=24000000000000 B/s", "system.scale_up.switch_hops=2"});
}

TEST_CASE("sweep spec: integer and log ranges, zip, and files relative to the spec") {
  const auto f = write_spec("zip.yaml", R"(run: x.yaml
combine: zip
axes:
  - key: workload.batch
    range: {from: 1, to: 64, count: 3, scale: log}
  - key: workload.context
    range: {from: 1024, to: 3072, count: 3}
  - key: system
    files: [a.yaml, b.yaml, c.yaml]
)");
  const SweepSpec spec = load_sweep_spec(f);
  const auto points = sweep_points(spec);
  REQUIRE(points.size() == 3);
  // A log range is not integral in general (1, 8, 64 here, written as reals).
  CHECK(points[1].values[0]->text == "8");
  CHECK(points[1].values[1]->text == "2048");
  CHECK(points[2].file("system") == (f.parent_path() / "c.yaml").string());
}

TEST_CASE("sweep spec: a Latin hypercube puts one point in each stratum of each axis, the same for a seed") {
  const auto f = write_spec("lhs.yaml", R"(run: x.yaml
samples: {method: latin_hypercube, count: 10, seed: 7}
axes:
  - key: workload.batch
    range: {from: 1, to: 1000}
  - key: system.chip.hbm.bandwidth
    range: {from: 1 TB/s, to: 100 TB/s, scale: log}
)");
  const SweepSpec spec = load_sweep_spec(f);
  const auto points = sweep_points(spec);
  REQUIRE(points.size() == 10);
  // Batch: integers, one in each tenth of [1, 1000]. Bandwidth: one in each
  // tenth of the logarithm's range, i.e. in [10^(12 + i/5), 10^(12 + (i+1)/5)).
  std::vector<int> batch_strata(10, 0), bandwidth_strata(10, 0);
  for (const SweepPoint& p : points) {
    const double b = std::stod(p.values[0]->text);
    CHECK(b == std::round(b));
    ++batch_strata[std::min(9, static_cast<int>((b - 1) / 99.9))];
    const double bw = std::stod(p.values[1]->text);
    ++bandwidth_strata[static_cast<int>((std::log10(bw) - 12) * 5)];
  }
  for (int i = 0; i < 10; ++i) {
    CHECK(batch_strata[i] == 1);
    CHECK(bandwidth_strata[i] == 1);
  }
  // Drawn again from the same seed: the same points.
  const SweepSpec again = load_sweep_spec(f);
  CHECK(sweep_points(again)[3].label() == points[3].label());
}

TEST_CASE("sweep spec: mistakes are reported at their line, with a suggestion") {
  const auto f = write_spec("bad.yaml", R"(run: x.yaml
comand: run
axes:
  - key: a.b
    range: {from: 8 TB/s, to: 2 s, count: 2}
  - key: c
    values: [1, 2]
    files: [a.yaml]
)");
  try {
    load_sweep_spec(f);
    FAIL("no error");
  } catch (const InputError& e) {
    const std::string all = e.diagnostics().render();
    CHECK(all.find("bad.yaml:2:1: comand: unknown key; did you mean 'command'?") != std::string::npos);
    CHECK(all.find("from and to differ in kind: a bandwidth and a time") != std::string::npos);
    CHECK(all.find("give exactly one of values, range and files") != std::string::npos);
  }
}

}  // namespace
}  // namespace tokenfab
