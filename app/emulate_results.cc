#include "app/emulate_results.h"

#include <filesystem>
#include <iostream>

#include "core/atomic_file.h"

namespace tokenfab {

int unit_queues(lpu::Unit unit, const lpu::LpuParams& p) {
  switch (unit) {
    case lpu::Unit::icu:
      return 0;
    case lpu::Unit::mem:
      return 2 * p.mem_slices;
    case lpu::Unit::vxm:
      return p.vxm_alus;
    case lpu::Unit::mxm:
      return 2 * p.mxm_queues;
    case lpu::Unit::sxm:
      return 2 * p.sxm_queues;
    case lpu::Unit::c2c:
      return p.c2c_links;
  }
  return 0;
}

nlohmann::ordered_json emulate_results_json(const EmulateResults& r, const lpu::LpuParams& p) {
  using Json = nlohmann::ordered_json;
  const lpu::RunResult& run = *r.run;
  Json j;
  j["command"] = "emulate";
  j["chip"] = {{"preset", p.name}, {"file", r.chip_file}, {"clock_hz", p.clock.value()}};
  j.update(r.subject);
  j["chips"] = r.chips;
  j["cycles"] = run.cycles;
  j["time_s"] = static_cast<double>(run.cycles) / p.clock.value();
  j["instructions"] = run.instructions;
  Json bounds = Json::object();
  bounds["dataflow"] = run.dataflow_bound;
  for (const auto& [name, cycles] : r.bounds) bounds[name] = cycles;
  j["bounds"] = bounds;
  Json units = Json::object();
  for (const auto& [unit, count] : run.issued) {
    Json u = {{"issued", count}};
    if (const int queues = unit_queues(unit, p); queues > 0) {
      u["queues"] = queues;
      u["use"] = static_cast<double>(count) / (static_cast<double>(queues) * static_cast<double>(run.cycles));
    }
    units[std::string(lpu::unit_name(unit))] = u;
  }
  j["units"] = units;
  if (r.check) {
    const EmulateCheck& c = *r.check;
    Json check = {{"outputs", c.outputs}, {"exact", c.exact}, {"max_abs_error", c.max_error}};
    check["tolerance"] = c.tolerance ? Json(*c.tolerance) : Json(0.0);
    if (c.cache) check["cache"] = {{"exact", c.cache->first}, {"elements", c.cache->second}};
    j["check"] = check;
  } else {
    j["check"] = nullptr;  // timing only: no values moved
  }
  if (!r.stages.empty()) {
    Json stages = Json::array();
    for (const auto& [stage, done] : r.stages) stages.push_back({{"stage", stage}, {"done_at", done}});
    j["stages"] = stages;
  }
  return j;
}

void write_emulate_results(const std::string& dir, const EmulateResults& r, const lpu::LpuParams& p) {
  if (dir.empty()) return;
  const std::filesystem::path file = std::filesystem::path(dir) / "results.json";
  write_file_atomically(file, emulate_results_json(r, p).dump(1) + "\n");
  std::cout << "wrote " << file.string() << "\n";
}

}  // namespace tokenfab
