// `tokenfab ceiling`: the highest decode speed one user can get from a model
// on a system, over mappings and batch sizes that fit memory, the term that
// limits it, and how the ceiling moves when one hardware term changes.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/run_config.h"
#include "hw/analytical/mapping_search.h"

namespace tokenfab {

struct Sensitivity {
  std::string change;  // "2x NVLink bandwidth"
  Point best;
};

struct CeilingResult {
  Point best;
  std::vector<Point> runners_up;  // the next fastest distinct mappings
  std::vector<Sensitivity> sensitivity;
  std::size_t points = 0;
};

// Every decode point of the run's model on `system` (see mapping_search.h),
// at the run's context. Throws InputError when the run is not a decode or
// nothing fits.
std::vector<Point> decode_points(const LoadedRun& run, const SystemConfig& system, const EngineConfig& engine,
                                 std::int64_t max_batch);

CeilingResult find_ceiling(const LoadedRun& run, std::int64_t max_batch);
std::string ceiling_report(const LoadedRun& run, const CeilingResult& c);
nlohmann::ordered_json ceiling_json(const LoadedRun& run, const CeilingResult& c);
nlohmann::ordered_json point_json(const Point& p, const SystemConfig& system);

}  // namespace tokenfab
