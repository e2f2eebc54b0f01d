#include "explore/ceiling.h"

#include <algorithm>

namespace tokenfab {

std::vector<HardwareChange> hardware_changes() {
  return {
      {"2x scale-up bandwidth", [](SystemConfig& s) { s.chip.scale_up.bandwidth *= 2.0; }},
      {"half scale-up hop latency", [](SystemConfig& s) { s.chip.scale_up.latency *= 0.5; }},
      {"half collective overhead", [](SystemConfig& s) { s.scale_up.collective_overhead *= 0.5; }},
      {"2x memory bandwidth", [](SystemConfig& s) { s.chip.weight_memory().bandwidth *= 2.0; }},
      {"half memory access latency", [](SystemConfig& s) { s.chip.weight_memory().latency *= 0.5; }},
      {"half kernel launch overhead", [](SystemConfig& s) { s.chip.compute.launch_overhead *= 0.5; }},
      {"2x tensor compute",
       [](SystemConfig& s) {
         auto& c = s.chip.compute;
         c.bf16 *= 2.0;
         for (auto* peak : {&c.fp4, &c.fp8, &c.int8}) {
           if (*peak) **peak *= 2.0;
         }
       }},
  };
}

std::vector<Point> runners_up(std::vector<Point> points, const Point& best, std::size_t count) {
  std::sort(points.begin(), points.end(),
            [](const Point& a, const Point& b) { return a.summary.per_user > b.summary.per_user; });
  std::vector<Point> out;
  for (const auto& p : points) {
    if (out.size() == count) break;
    bool seen = p.mapping.label() == best.mapping.label();
    for (const auto& q : out) seen = seen || q.mapping.label() == p.mapping.label();
    if (!seen) out.push_back(p);
  }
  return out;
}

CeilingResult find_ceiling(const SystemConfig& system, const EngineConfig& engine, const PointSearch& search) {
  CeilingResult r;
  auto points = search(system, engine);
  r.points = points.size();
  r.best = fastest(points);
  r.runners_up = runners_up(std::move(points), r.best, 5);
  for (const auto& change : hardware_changes()) {
    SystemConfig modified = system;
    change.apply(modified);
    r.sensitivity.push_back({change.label, fastest(search(modified, engine))});
  }
  // The software side, for scale: every elementwise op as its own kernel.
  EngineConfig flipped = engine;
  flipped.fuse_elementwise = !engine.fuse_elementwise;
  r.sensitivity.push_back(
      {engine.fuse_elementwise ? "no elementwise fusion" : "elementwise fusion", fastest(search(system, flipped))});
  return r;
}

CeilingResult find_ceiling(const DecodeSearch& search, const SystemConfig& system, const EngineConfig& engine) {
  return find_ceiling(system, engine,
                      [&](const SystemConfig& s, const EngineConfig& e) { return decode_points(search, s, e); });
}

}  // namespace tokenfab
